/**
 * The relay: how a browser app uses a paid API key without ever seeing it.
 *
 * The browser sends requests in the provider's dialect *without* `clientKey` to `<relay>/createTask`,
 * `<relay>/getTaskResult` (and `feedbackTask`, `getToken` where the provider has them). The relay speaks to one
 * provider, `options.provider` (CapSolver by default); the browser client should be given the same `provider`
 * so it sends that provider's task type names, task fields and task ids. The relay, running on your server:
 *
 * 1. refuses a request that carries a `clientKey` (a key in a browser is already leaked: 400);
 * 2. checks the task type, and optionally its `websiteURL`, against your allow-lists *before* anything is
 *    sent upstream (403, `ERROR_RELAY_TASK_NOT_ALLOWED` / `ERROR_RELAY_WEBSITE_NOT_ALLOWED`); the lists name
 *    types as the catalogue does, and the provider's name for an allowed type is allowed too. The task is
 *    decoded with its type's strict schema (an unknown or case-folded key is a 400 `ERROR_RELAY_INVALID_TASK`),
 *    and the provider receives exactly the validated fields, under its name for the type, with the normalised
 *    `websiteURL` the rules matched;
 * 3. limits tasks per client per minute, for all clients per minute and per day (a spending cap on by
 *    default), and optionally in flight per client; and requests per client: 429 `ERROR_RATE_LIMIT` with
 *    `Retry-After`. A client is `clientIdentity`'s answer, by default the peer address (IPv6 by its /64); where
 *    that cannot tell clients apart the relay refuses to serve (`ERROR_RELAY_NO_CLIENT_IDENTITY`);
 * 4. injects the key server-side and forwards; answers `getTaskResult` / `feedbackTask` only for task ids it
 *    created for the same client (`ERROR_TASKID_INVALID` otherwise);
 * 5. passes the provider's answer (errors included) through, with the key scrubbed from it, and sets CORS
 *    headers for the origins you allow.
 *
 * Or the browser sends the task once to `<relay>/solve` (`@solvekit/browser/relay` does): the relay admits it by
 * the same checks, runs the whole lifecycle with its own client, and streams the task's progress back as NDJSON
 * lines of core's lifecycle events, ending with `Solved` or `Failed` (the typed error); the page aborting the
 * request stops the solve, and `{ taskId }` resumes a task the same client owns (see `relay/Solve.ts`).
 *
 * It is a web-standard handler, `(request: Request) => Promise<Response>`, so it mounts in Hono, Deno-style
 * servers and anything with `Request`/`Response`; `toNodeHandler` (NodeHandler.ts) adapts it to `node:http`
 * and Express.
 * An endpoint the provider does not have (getToken, feedbackTask outside CapSolver) is refused without contacting
 * it (404, `ERROR_RELAY_ENDPOINT_NOT_SUPPORTED`).
 * Every refusal is a CapSolver-shaped body (`{ errorId: 1, errorCode, errorDescription }`), so solvekit's
 * browser client surfaces it as an `ApiError` with that `errorCode`, except a createTask / getToken whose
 * answer was lost or too large: that is a 502 with a plain-text body, which the client reports as
 * `CreateTaskOutcomeUnknownError` (the task may exist; re-sending could pay twice).
 *
 * The relay shares core's implementation of each security property rather than keeping its own: bodies (the
 * browser's request, the provider's answer) are read with core's capped reader, the provider's answer is
 * decoded by core's protocol decoder (which tasks were created, which finished), and the key is removed by
 * core's scrubber. Its parts live in `relay/`, one concern each: allow-lists, rate limits, task ownership,
 * the calls upstream, the answer's reading, the responses, and the pipeline that orders them.
 *
 * @since 0.1.0
 */
export { addressIdentity, trustedProxyHeader } from "./relay/ClientIdentity.ts"
export type {
  ClientIdentity,
  Relay,
  RelayEndpoint,
  RelayEvent,
  RelayLimits,
  RelayOptions,
  WebsiteRule,
} from "./relay/Options.ts"
export { createRelay } from "./relay/Relay.ts"
