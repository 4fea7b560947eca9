/**
 * What a relay is configured with and what it reports: the public shapes `NodeRelay.ts` re-exports.
 *
 * @since 0.1.0
 */
import type { PollPolicy, Provider } from "@solvekit/core"
import type * as Redacted from "effect/Redacted"
import type * as NodeConfig from "../NodeConfig.ts"
import type { ConnectionInfo } from "../NodeHandler.ts"

/** The endpoints a relay forwards. `getBalance` is never exposed to browsers. */
export type RelayEndpoint = "createTask" | "getTaskResult" | "feedbackTask" | "getToken"

/**
 * A website rule: a host name (`example.com`), `*.` and a host name for its subdomains (`*.example.com`: one or
 * more well-formed labels before it, so never `example.com` itself, `..example.com` or `*.example.com`), a URL
 * prefix (`https://example.com/login`: that origin, and that path or a path under it on a segment boundary,
 * so `/login/2fa` but never `/login-evil`), or a RegExp tested against the whole normalised URL. Rules see the
 * URL as the WHATWG parser normalises it (lower-case host, punycode, dot segments resolved); a URL with
 * credentials or a malformed host matches no rule. A rule the relay cannot read (a host with a path or a port,
 * a prefix with a query) is a `ConfigurationError` at start.
 */
export type WebsiteRule = string | RegExp

/**
 * The relay's limits. Per client, "client" is the identity of `clientIdentity` (by default the peer address,
 * an IPv6 address counted as its /64). Besides these, no client holds more than 1,000 of the 100,000 tasks the
 * relay tracks for ownership (429 past its share, so one party cannot fill the table for everyone).
 */
export interface RelayLimits {
  /** Tasks (createTask + getToken) one client may start per rolling minute. Default 10. */
  readonly tasksPerClientPerMinute?: number | undefined
  /**
   * Tasks all clients together may start per rolling minute: with `tasksPerDay`, the relay's spending cap.
   * Default 60 (six clients at their full default rate). Raise it for more traffic; `Infinity` lifts it.
   */
  readonly tasksPerMinute?: number | undefined
  /**
   * Tasks all clients together may start per rolling 24 hours. Default 2,000: what a relay found by attackers
   * can spend is a few dollars a day at token-task prices. Raise it to your expected traffic; `Infinity` lifts it.
   */
  readonly tasksPerDay?: number | undefined
  /**
   * Tasks one client may have unfinished at once: a createTask counts from the moment it is admitted (while
   * the provider has not answered yet) until its result is collected, a getToken while it waits. A request that
   * fails frees its slot. Default: no limit.
   */
  readonly pendingTasksPerClient?: number | undefined
  /** Requests of any kind (polls included) one client may make per rolling minute. Default 300. */
  readonly requestsPerClientPerMinute?: number | undefined
}

/** Names the client a request comes from, or `undefined` when it does not know (see `clientIdentity`). */
export type ClientIdentity = (
  request: Request,
  info: ConnectionInfo,
) => string | undefined | Promise<string | undefined>

/** Something that happened in the relay, for your logs and metrics. Never carries the key. */
export type RelayEvent =
  | {
      readonly _tag: "Forwarded"
      readonly endpoint: RelayEndpoint
      readonly clientId: string
      readonly taskType?: string | undefined
      readonly taskId?: string | undefined
      readonly status: number
      readonly errorCode?: string | undefined
    }
  | {
      readonly _tag: "Refused"
      readonly endpoint: string
      readonly clientId: string
      readonly status: number
      readonly errorCode: string
      readonly taskType?: string | undefined
    }
  | {
      /** A solve run on the relay (`POST <relay>/solve`) ended: the task was solved, or why not. */
      readonly _tag: "SolveEnded"
      readonly endpoint: "solve"
      readonly clientId: string
      readonly taskType?: string | undefined
      readonly taskId?: string | undefined
      /** True when the solve waited for an existing task (`{ taskId }`) instead of creating one. */
      readonly resumed: boolean
      /** The HTTP status the page got: 200, the stream (a refused solve is a `Refused` event). */
      readonly status: number
      /** `"solved"`, or the failing error's `_tag` (`"AbortedError"` when the page left or the relay closed). */
      readonly outcome: string
      /** The provider's error code when the failure is an `ApiError`. */
      readonly errorCode?: string | undefined
      /** getTaskResult queries the task used. */
      readonly queries: number
    }

export interface RelayOptions {
  /**
   * The provider the relay forwards to: `CapSolver` (default), `TwoCaptcha`, `AntiCaptcha`, `CapMonsterCloud`
   * or your own. It decides the default base URL, the environment variables read (`<envPrefix>_API_KEY`, ...:
   * never another provider's), the endpoint paths, and which endpoints exist (the others have no `getToken`
   * and no `feedbackTask`: the relay refuses those without contacting the provider). Give the browser client
   * the same `provider`, so it sends this provider's type names, task fields and task ids.
   */
  readonly provider?: Provider.Provider | undefined
  /** The API key. Default: the provider's `<envPrefix>_API_KEY` from the environment (`CAPSOLVER_API_KEY`). */
  readonly apiKey?: string | Redacted.Redacted<string> | undefined
  /** The upstream API. Default: the provider's `<envPrefix>_BASE_URL` from the environment, else its own URL. */
  readonly baseUrl?: string | undefined
  /** Outbound proxy for the relay's upstream requests (same rules as the client's `proxy` option). */
  readonly proxy?: NodeConfig.ProxyOption | undefined
  /**
   * Sent with every createTask / getToken under the provider's field (`appId`, or the integer `softId` of
   * 2Captcha, Anti-Captcha and CapMonster Cloud). Default: the provider's `<envPrefix>_APP_ID` if set.
   */
  readonly appId?: string | undefined
  /**
   * Task types browsers may use: type names or task definitions (`[ReCaptchaV2TaskProxyLess, "ImageToTextTask"]`).
   * Compared case-insensitively. Write them as the catalogue names them (CapSolver's names): a task sent under
   * the provider's own name for an allowed type (`provider.taskTypeName`, e.g. Anti-Captcha's
   * `TurnstileTaskProxyless` for `AntiTurnstileTaskProxyLess`) is allowed too, and nothing else is.
   * Required: a relay that forwards anything is a free solver for the internet.
   *
   * The provider receives exactly what was checked. A task is decoded with its type's definition (the
   * catalogue's strict input schema), then encoded again and sent under the provider's name for the type, in its
   * own form (`adaptTask`: split proxy fields, say): a proxy string in its documented form, a port as a number,
   * nothing the schema does not list. An unknown key, or one that differs from a known key only by case or
   * Unicode folding (`Type`, `WebsiteURL`, `webſiteURL`, which a lenient provider decoder could read as the
   * real field), or a value the schema refuses, is a 400 `ERROR_RELAY_INVALID_TASK` naming the field, never
   * its value. Where two allowed types share the provider's name (CapMonster Cloud's `RecaptchaV2Task`), the
   * first whose schema accepts the task is used, the one with that catalogue name first.
   *
   * A name the catalogue does not know (nor the provider's name for a catalogue type) is a `ConfigurationError`
   * at start, and so is a `Task.raw` definition: the relay does not forward fields it cannot check. For a type
   * the catalogue lacks, pass a definition of your own (`Task.define`): its schema is then the check.
   */
  readonly allowTaskTypes: ReadonlyArray<string | { readonly type: string }>
  /**
   * When set, a task's `websiteURL` must match one of these rules (403 `ERROR_RELAY_WEBSITE_NOT_ALLOWED`), and a
   * task without `websiteURL` is refused unless its type is listed in `tasksWithoutWebsite` (recognition tasks
   * such as `ImageToTextTask` have no page). The URL the rules matched, normalised, is the `websiteURL` the
   * provider receives, so a provider that parses URLs differently cannot be shown another page (a `\` read as
   * `/`, `..` segments, letter case). When absent, `websiteURL` is forwarded as the schema accepted it.
   * Only `websiteURL` is checked: other URL-like fields (`apiDomain`, DataDome's `captchaUrl`, AWS WAF's script
   * URLs) are forwarded as the schema accepts them.
   */
  readonly allowWebsiteUrls?: ReadonlyArray<WebsiteRule> | undefined
  /**
   * Task types exempt from `allowWebsiteUrls` when they carry no `websiteURL`, named like `allowTaskTypes`: the
   * exemption follows the type a task was decoded as, whichever of its names the browser sent. Default: none.
   */
  readonly tasksWithoutWebsite?: ReadonlyArray<string | { readonly type: string }> | undefined
  readonly limits?: RelayLimits | undefined
  /**
   * Who is asking: the key of the per-client limits, of a client's share of the tracking table, and of task
   * ownership (a client polls only its own tasks). Return your session's user, a signed cookie's value, or use
   * `trustedProxyHeader(header, { proxies })` behind a reverse proxy. A request it returns `undefined` or `""`
   * for is refused (401 `ERROR_RELAY_CLIENT_UNIDENTIFIED`), unless `sharedIdentity` is set.
   *
   * Default: the peer address from `ConnectionInfo` (what `toNodeHandler` passes), an IPv6 address counted as
   * its /64. Where that cannot tell clients apart, the relay refuses to serve (500
   * `ERROR_RELAY_NO_CLIENT_IDENTITY`, a `Refused` event each time): a request without a peer address (a unix
   * socket, a fetch-style server that passes no `ConnectionInfo`), or one carrying a forwarding header
   * (`Forwarded`, `X-Forwarded-For`, `X-Real-IP`: a proxy stands in front, and every peer is that proxy).
   */
  readonly clientIdentity?: ClientIdentity | undefined
  /** @deprecated The former name of `clientIdentity` (same meaning). Passing both is a `ConfigurationError`. */
  readonly clientId?: ClientIdentity | undefined
  /**
   * Serve requests whose client cannot be told apart, all as one client (`"anonymous"`): they share one budget
   * and can poll each other's tasks. Only for a relay whose callers are one party (a single back-end), or whose
   * limits are all global. Default `false`: such requests are refused (see `clientIdentity`).
   */
  readonly sharedIdentity?: boolean | undefined
  /**
   * Browser origins allowed to call the relay (`Access-Control-Allow-Origin`): `"*"` or exact origins such as
   * `"https://app.example.com"`. When set, requests from other origins are refused (403). When absent, no CORS
   * headers are sent (same-origin use), and a body not sent as `content-type: application/json` is refused
   * (415 `ERROR_RELAY_JSON_REQUIRED`) unless its `Origin` is the relay's own host or `Sec-Fetch-Site` says
   * `same-origin`: another site's page could otherwise post a form or `text/plain` body without asking first.
   */
  readonly allowOrigins?: "*" | ReadonlyArray<string> | undefined
  /**
   * Largest accepted createTask / getToken body. Default 2 MiB (base64 images). getTaskResult and feedbackTask
   * bodies carry a task id: they are capped at 16 KiB (or this, if smaller). Over the cap: 413. Whatever its
   * size, a body nested more than 32 levels deep is refused before it is parsed (400 `ERROR_RELAY_BODY_TOO_DEEP`).
   */
  readonly maxBodyBytes?: number | undefined
  /**
   * Time in ms a request body has to arrive whole, from when the relay starts reading it. Default 10 s. A
   * slower body is cut off with 408 `ERROR_RELAY_BODY_TIMEOUT` and its connection closed, instead of holding
   * the request until Node's `requestTimeout` (300 s). Headers are your server's: see its `headersTimeout`.
   */
  readonly bodyReadTimeoutMs?: number | undefined
  /**
   * Largest accepted provider answer. Default 1 MiB. A longer answer is cut off and the browser gets a 502 with
   * a plain-text body (for createTask / getToken: the task may exist, see `upstream-outcome-unknown`).
   */
  readonly maxUpstreamBodyBytes?: number | undefined
  /** Upstream request timeout in ms. Default 30 s (getToken: 150 s, it blocks until solved). */
  readonly upstreamTimeoutMs?: number | undefined
  /**
   * Called for every forwarded and refused request, and at the end of every solve run on the relay. Text an event repeats from the request or the provider
   * (`endpoint`, `taskType`, `errorCode`) is cut to 64 characters, control characters replaced by spaces.
   */
  readonly onEvent?: ((event: RelayEvent) => void) | undefined
  /**
   * The polling cadence of the solves the relay runs itself (`POST <relay>/solve`): `Policy.fixed("2 seconds")`,
   * `Policy.defaultPolicy`, ... Default: one `AdaptivePolicy` for the relay, learning each task type's solve
   * time from every page's solves, within the provider's limits (its query budget and result window hold
   * whatever the policy says).
   */
  readonly solvePolicy?: PollPolicy | undefined
  /** The clock (ms since epoch). Default `Date.now`. */
  readonly now?: (() => number) | undefined
}

export interface Relay {
  /**
   * The web-standard handler. Mount it under any path: the last path segment names the endpoint (the
   * provider's, forwarded, or `solve`, which the relay runs itself and answers with a stream).
   */
  readonly handle: (request: Request, info?: ConnectionInfo) => Promise<Response>
  /** Ends the solves running on the relay (their streams end with `AbortedError`) and closes the connection pool. */
  readonly close: () => Promise<void>
  readonly [Symbol.asyncDispose]: () => Promise<void>
}
