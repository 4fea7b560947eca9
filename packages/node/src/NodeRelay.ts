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
 *    types as the catalogue does, and the provider's name for an allowed type is allowed too;
 * 3. limits tasks per client per minute (and, optionally, overall, in flight per client, and requests per
 *    client): 429 `ERROR_RATE_LIMIT` with `Retry-After`;
 * 4. injects the key server-side and forwards; answers `getTaskResult` / `feedbackTask` only for task ids it
 *    created for the same client (`ERROR_TASKID_INVALID` otherwise);
 * 5. passes the provider's answer (errors included) through, with the key scrubbed from it, and sets CORS
 *    headers for the origins you allow.
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
 * @since 0.1.0
 */
import { CapSolver, type ClientOptions, KyTransport, type Provider } from "@solvekit/core"
import * as Redacted from "effect/Redacted"
import * as NodeConfig from "./NodeConfig.ts"
import type { ConnectionInfo } from "./NodeHandler.ts"
import * as NodeHttp from "./NodeHttp.ts"

/** The endpoints a relay forwards. `getBalance` is never exposed to browsers. */
export type RelayEndpoint = "createTask" | "getTaskResult" | "feedbackTask" | "getToken"

/** A website rule: a hostname (`example.com`, `*.example.com` for subdomains), a URL prefix (`https://example.com/login`), or a RegExp tested against the whole URL. */
export type WebsiteRule = string | RegExp

export interface RelayLimits {
  /** Tasks (createTask + getToken) one client may start per rolling minute. Default 10. */
  readonly tasksPerClientPerMinute?: number | undefined
  /** Tasks all clients together may start per rolling minute. Default: no global limit. */
  readonly tasksPerMinute?: number | undefined
  /** Tasks one client may have unfinished at once. Default: no limit. */
  readonly pendingTasksPerClient?: number | undefined
  /** Requests of any kind (polls included) one client may make per rolling minute. Default 300. */
  readonly requestsPerClientPerMinute?: number | undefined
}

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
  /** Sent as `appId` with every createTask / getToken. Default: the provider's `<envPrefix>_APP_ID` if set. */
  readonly appId?: string | undefined
  /**
   * Task types browsers may use: type names or task definitions (`[ReCaptchaV2TaskProxyLess, "ImageToTextTask"]`).
   * Compared case-insensitively. Write them as the catalogue names them (CapSolver's names): a task sent under
   * the provider's own name for an allowed type (`provider.taskTypeName`, e.g. Anti-Captcha's
   * `TurnstileTaskProxyless` for `AntiTurnstileTaskProxyLess`) is allowed too, and nothing else is.
   * Required: a relay that forwards anything is a free solver for the internet.
   */
  readonly allowTaskTypes: ReadonlyArray<string | { readonly type: string }>
  /**
   * When set, a task's `websiteURL` must match one of these rules, and a task without `websiteURL` is refused
   * unless its type is listed in `tasksWithoutWebsite` (recognition tasks such as `ImageToTextTask` have no page).
   */
  readonly allowWebsiteUrls?: ReadonlyArray<WebsiteRule> | undefined
  /**
   * Task types exempt from `allowWebsiteUrls` when they carry no `websiteURL`, named like `allowTaskTypes` (the
   * provider's name for a listed type counts too). Default: none.
   */
  readonly tasksWithoutWebsite?: ReadonlyArray<string | { readonly type: string }> | undefined
  readonly limits?: RelayLimits | undefined
  /**
   * Who is asking, for the per-client limits and task ownership. Default: the peer address from
   * `ConnectionInfo` (what `toNodeHandler` passes), else `"anonymous"` (then all callers share one budget).
   * Behind a reverse proxy, derive it from a header *your* proxy sets, or from your session.
   */
  readonly clientId?: ((request: Request, info: ConnectionInfo) => string | Promise<string>) | undefined
  /**
   * Browser origins allowed to call the relay (`Access-Control-Allow-Origin`): `"*"` or exact origins such as
   * `"https://app.example.com"`. When set, requests from other origins are refused (403). When absent, no CORS
   * headers are sent (same-origin use) and origins are not checked.
   */
  readonly allowOrigins?: "*" | ReadonlyArray<string> | undefined
  /** Largest accepted request body. Default 2 MiB (base64 images). */
  readonly maxBodyBytes?: number | undefined
  /**
   * Largest accepted provider answer. Default 1 MiB. A longer answer is cut off and the browser gets a 502 with
   * a plain-text body (for createTask / getToken: the task may exist, see `upstream-outcome-unknown`).
   */
  readonly maxUpstreamBodyBytes?: number | undefined
  /** Upstream request timeout in ms. Default 30 s (getToken: 150 s, it blocks until solved). */
  readonly upstreamTimeoutMs?: number | undefined
  /** Called for every forwarded and refused request. */
  readonly onEvent?: ((event: RelayEvent) => void) | undefined
  /** The clock (ms since epoch). Default `Date.now`. */
  readonly now?: (() => number) | undefined
}

export interface Relay {
  /** The web-standard handler. Mount it under any path: the last path segment names the endpoint. */
  readonly handle: (request: Request, info?: ConnectionInfo) => Promise<Response>
  /** Closes the upstream connection pool. */
  readonly close: () => Promise<void>
  readonly [Symbol.asyncDispose]: () => Promise<void>
}

const DEFAULT_TASKS_PER_CLIENT_PER_MINUTE = 10
const DEFAULT_REQUESTS_PER_CLIENT_PER_MINUTE = 300
const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024
const DEFAULT_MAX_UPSTREAM_BODY_BYTES = 1024 * 1024
const DEFAULT_UPSTREAM_TIMEOUT_MS = 30_000
const GET_TOKEN_TIMEOUT_MS = 150_000
const MINUTE_MS = 60_000
// Ownership outlives the provider's result window (CapSolver: 5 minutes) by a minute, so late polls get the
// provider's own answer.
const OWNERSHIP_GRACE_MS = MINUTE_MS
const MAX_TRACKED_TASKS = 100_000

const endpoints: ReadonlySet<string> = new Set<RelayEndpoint>([
  "createTask",
  "getTaskResult",
  "feedbackTask",
  "getToken",
])

/**
 * A refusal or relay-side failure, answered as a CapSolver-shaped error body, or, when `plainText` is set, as a
 * plain-text body: a client reads a 5xx without a provider envelope as "the provider's answer never arrived"
 * (for createTask: outcome unknown, never re-sent), which a JSON error body would hide.
 */
class Refusal {
  readonly status: number
  readonly errorCode: string
  readonly errorDescription: string
  readonly headers: Record<string, string>
  readonly plainText: boolean
  constructor(
    status: number,
    errorCode: string,
    errorDescription: string,
    headers: Record<string, string> = {},
    plainText = false,
  ) {
    this.status = status
    this.errorCode = errorCode
    this.errorDescription = errorDescription
    this.headers = headers
    this.plainText = plainText
  }
}
const refusal = (
  status: number,
  errorCode: string,
  errorDescription: string,
  headers: Record<string, string> = {},
  plainText = false,
) => new Refusal(status, errorCode, errorDescription, headers, plainText)

/** The header that names why the relay answered a 502 itself. */
const RELAY_ERROR_HEADER = "x-solvekit-relay-error"

/** Thrown by `readCapped` when the provider's answer is longer than the cap. */
class UpstreamBodyTooLarge extends Error {}

/** Reads a response body as text, stopping (and cancelling the stream) once it passes `maxBytes`. */
const readCapped = async (response: Response, maxBytes: number): Promise<string> => {
  const declared = Number(response.headers.get("content-length"))
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined)
    throw new UpstreamBodyTooLarge()
  }
  if (response.body === null) return ""
  const reader = response.body.getReader()
  const chunks: Array<Uint8Array> = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined)
      throw new UpstreamBodyTooLarge()
    }
    chunks.push(value)
  }
  return new TextDecoder().decode(Buffer.concat(chunks))
}

const typeName = (entry: string | { readonly type: string }): string =>
  typeof entry === "string" ? entry : entry.type

/**
 * The lower-cased wire names an allow-list admits for this provider: each listed type as written, and the
 * provider's name for it (a listed name that is not canonical maps to itself, so nothing else is added).
 */
const wireTypeNames = (
  entries: ReadonlyArray<string | { readonly type: string }>,
  provider: Provider.Provider,
): ReadonlySet<string> =>
  new Set(
    entries.flatMap((entry) => {
      const canonical = typeName(entry)
      return [canonical.toLowerCase(), provider.taskTypeName(canonical).toLowerCase()]
    }),
  )

/** Compiles website rules into one predicate over a URL string. */
const websiteMatcher = (rules: ReadonlyArray<WebsiteRule>): ((url: string) => boolean) => {
  const tests = rules.map((rule): ((url: URL, raw: string) => boolean) => {
    if (rule instanceof RegExp) {
      // A global/sticky RegExp keeps state between calls; test a copy without those flags.
      const pattern = new RegExp(rule.source, rule.flags.replace(/[gy]/g, ""))
      return (_, raw) => pattern.test(raw)
    }
    if (rule.includes("://")) {
      const prefix = new URL(rule)
      return (url) =>
        url.origin === prefix.origin && (prefix.pathname === "/" || url.pathname.startsWith(prefix.pathname))
    }
    const host = rule.toLowerCase().replace(/\.$/, "")
    if (host.startsWith("*.")) {
      const suffix = host.slice(1)
      return (url) => url.hostname.endsWith(suffix) && url.hostname.length > suffix.length
    }
    return (url) => url.hostname === host
  })
  return (raw) => {
    let url: URL
    try {
      url = new URL(raw)
    } catch {
      return false
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return false
    return tests.some((test) => test(url, raw))
  }
}

/** Sliding-window counters: a list of recent timestamps per key. */
class RollingWindow {
  readonly #hits = new Map<string, Array<number>>()
  readonly limit: number
  constructor(limit: number) {
    this.limit = limit
  }

  /** Milliseconds until `key` may act again, or 0 when it may act now. */
  wait(key: string, now: number): number {
    const hits = this.#prune(key, now)
    if (hits.length < this.limit) return 0
    return (hits[0] ?? now) + MINUTE_MS - now
  }

  record(key: string, now: number): void {
    const hits = this.#prune(key, now)
    hits.push(now)
    this.#hits.set(key, hits)
  }

  sweep(now: number): void {
    for (const key of this.#hits.keys()) if (this.#prune(key, now).length === 0) this.#hits.delete(key)
  }

  #prune(key: string, now: number): Array<number> {
    const hits = this.#hits.get(key) ?? []
    let drop = 0
    while (drop < hits.length && (hits[drop] ?? 0) <= now - MINUTE_MS) drop++
    if (drop > 0) hits.splice(0, drop)
    return hits
  }
}

interface OwnedTask {
  readonly clientId: string
  readonly expiresAt: number
  pending: boolean
}

const isObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const json = (status: number, body: unknown, headers: Record<string, string>): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  })

/**
 * Creates a relay. Throws `ConfigurationError` when there is no key (option or the provider's variable, e.g.
 * `CAPSOLVER_API_KEY`, `ANTICAPTCHA_API_KEY`) or a setting is malformed.
 *
 * @example
 * const relay = createRelay({
 *   allowTaskTypes: [ReCaptchaV2TaskProxyLess],
 *   allowWebsiteUrls: ["shop.example.com"],
 *   allowOrigins: ["https://shop.example.com"],
 *   limits: { tasksPerClientPerMinute: 5 },
 * })
 * http.createServer(toNodeHandler(relay.handle)).listen(8080)
 *
 * @example
 * // Anti-Captcha: key from ANTICAPTCHA_API_KEY; browsers use createClient({ relayUrl, provider: AntiCaptcha })
 * const relay = createRelay({ provider: AntiCaptcha, allowTaskTypes: [AntiTurnstileTaskProxyLess] })
 */
export const createRelay = (options: RelayOptions): Relay => {
  const provider = options.provider ?? CapSolver
  const clientOptions: ClientOptions & NodeConfig.NodeConnectionOptions = {
    provider,
    apiKey: options.apiKey,
    baseUrl: options.baseUrl,
    appId: options.appId,
    proxy: options.proxy,
  }
  const resolved = NodeConfig.resolveSync(clientOptions)
  const apiKey = resolved.client.apiKey
  const keyText = Redacted.value(apiKey)
  const baseUrl = resolved.client.baseUrl
  const appId = resolved.client.appId
  const dispatcher = NodeHttp.makeDispatcher({ proxy: resolved.proxy })
  const upstreamFetch = NodeHttp.makeFetch(dispatcher)

  const ownershipTtlMs = provider.limits.resultWindowMs + OWNERSHIP_GRACE_MS
  const allowedTypes = wireTypeNames(options.allowTaskTypes, provider)
  const websiteAllowed =
    options.allowWebsiteUrls === undefined ? undefined : websiteMatcher(options.allowWebsiteUrls)
  const websiteExempt = wireTypeNames(options.tasksWithoutWebsite ?? [], provider)
  const now = options.now ?? Date.now
  const limits = options.limits ?? {}
  const perClientTasks = new RollingWindow(
    limits.tasksPerClientPerMinute ?? DEFAULT_TASKS_PER_CLIENT_PER_MINUTE,
  )
  const globalTasks =
    limits.tasksPerMinute === undefined ? undefined : new RollingWindow(limits.tasksPerMinute)
  const perClientRequests = new RollingWindow(
    limits.requestsPerClientPerMinute ?? DEFAULT_REQUESTS_PER_CLIENT_PER_MINUTE,
  )
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  const maxUpstreamBodyBytes = options.maxUpstreamBodyBytes ?? DEFAULT_MAX_UPSTREAM_BODY_BYTES
  const upstreamTimeoutMs = options.upstreamTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS
  const owned = new Map<string, OwnedTask>()
  const pending = new Map<string, number>()
  let lastSweep = now()

  // Scrubs the key from anything going back to the browser, in raw and JSON-escaped form.
  const keyForms = [...new Set([keyText, JSON.stringify(keyText).slice(1, -1)])].filter(
    (form) => form.length > 0,
  )
  const scrub = (text: string): string =>
    keyForms.reduce((acc, form) => (acc.includes(form) ? acc.split(form).join("[redacted]") : acc), text)

  const emit = (event: RelayEvent): void => {
    try {
      options.onEvent?.(event)
    } catch {
      // A failing listener must not break the relay.
    }
  }

  const allowOrigins = options.allowOrigins
  const corsHeaders = (origin: string | null): Record<string, string> | undefined => {
    if (allowOrigins === undefined) return {}
    if (allowOrigins === "*") return { "access-control-allow-origin": "*" }
    if (origin === null) return {}
    if (!allowOrigins.includes(origin)) return undefined
    return { "access-control-allow-origin": origin, vary: "Origin" }
  }

  const sweep = (at: number) => {
    if (at - lastSweep < MINUTE_MS) return
    lastSweep = at
    perClientTasks.sweep(at)
    globalTasks?.sweep(at)
    perClientRequests.sweep(at)
    for (const [taskId, task] of owned) {
      if (task.expiresAt > at) continue
      settle(task)
      owned.delete(taskId)
    }
  }

  const pendingOf = (clientId: string): number => pending.get(clientId) ?? 0
  const settle = (task: OwnedTask) => {
    if (!task.pending) return
    task.pending = false
    const left = pendingOf(task.clientId) - 1
    if (left > 0) pending.set(task.clientId, left)
    else pending.delete(task.clientId)
  }

  const readBody = async (request: Request): Promise<Record<string, unknown> | Refusal> => {
    const declared = Number(request.headers.get("content-length") ?? Number.NaN)
    if (declared > maxBodyBytes) {
      return refusal(413, "ERROR_RELAY_BODY_TOO_LARGE", `The request body is over ${maxBodyBytes} bytes.`)
    }
    if (request.body === null) return refusal(400, "ERROR_RELAY_BAD_REQUEST", "The request has no JSON body.")
    const reader = request.body.getReader()
    const chunks: Array<Uint8Array> = []
    let total = 0
    while (true) {
      const { done, value } = await reader.read()
      if (done) break
      total += value.byteLength
      if (total > maxBodyBytes) {
        await reader.cancel().catch(() => undefined)
        return refusal(413, "ERROR_RELAY_BODY_TOO_LARGE", `The request body is over ${maxBodyBytes} bytes.`)
      }
      chunks.push(value)
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(Buffer.concat(chunks, total).toString("utf8"))
    } catch {
      return refusal(400, "ERROR_RELAY_BAD_REQUEST", "The request body is not JSON.")
    }
    if (!isObject(parsed))
      return refusal(400, "ERROR_RELAY_BAD_REQUEST", "The request body must be a JSON object.")
    return parsed
  }

  const checkTask = (
    body: Record<string, unknown>,
  ): { readonly type: string; readonly task: Record<string, unknown> } | Refusal => {
    const task = body.task
    if (!isObject(task) || typeof task.type !== "string" || task.type === "") {
      return refusal(400, "ERROR_RELAY_BAD_REQUEST", "The request needs a task object with a type.")
    }
    const type = task.type
    if (!allowedTypes.has(type.toLowerCase())) {
      return refusal(
        403,
        "ERROR_RELAY_TASK_NOT_ALLOWED",
        `The task type ${type} is not allowed by this relay.`,
      )
    }
    if (websiteAllowed !== undefined) {
      // Any spelling of websiteURL counts, so `websiteUrl` cannot slip past the check.
      const urls = Object.keys(task)
        .filter((key) => key.toLowerCase() === "websiteurl")
        .map((key) => task[key])
      if (urls.length === 0) {
        if (!websiteExempt.has(type.toLowerCase())) {
          return refusal(
            403,
            "ERROR_RELAY_WEBSITE_NOT_ALLOWED",
            "The task has no websiteURL; this relay requires one.",
          )
        }
      } else if (!urls.every((url) => typeof url === "string" && websiteAllowed(url))) {
        return refusal(
          403,
          "ERROR_RELAY_WEBSITE_NOT_ALLOWED",
          "The task's websiteURL is not allowed by this relay.",
        )
      }
    }
    return { type, task }
  }

  const retryAfter = (waitMs: number, what: string): Refusal => {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000))
    return refusal(429, "ERROR_RATE_LIMIT", `Relay limit reached (${what}); retry in ${seconds} s.`, {
      "retry-after": String(seconds),
    })
  }

  const checkTaskLimits = (clientId: string, at: number): Refusal | undefined => {
    const mine = perClientTasks.wait(clientId, at)
    if (mine > 0) return retryAfter(mine, `${perClientTasks.limit} tasks per client per minute`)
    const all = globalTasks?.wait("*", at) ?? 0
    if (all > 0) return retryAfter(all, "tasks per minute for all clients")
    if (limits.pendingTasksPerClient !== undefined && pendingOf(clientId) >= limits.pendingTasksPerClient) {
      return refusal(
        429,
        "ERROR_RATE_LIMIT",
        `Relay limit reached (${limits.pendingTasksPerClient} unfinished tasks per client); collect a result first.`,
        { "retry-after": "3" },
      )
    }
    if (owned.size >= MAX_TRACKED_TASKS) {
      return refusal(503, "ERROR_SERVICE_UNAVALIABLE", "The relay is tracking too many tasks; retry later.", {
        "retry-after": "30",
      })
    }
    return undefined
  }

  const ownedTask = (
    body: Record<string, unknown>,
    clientId: string,
    at: number,
  ): { readonly taskId: string } | Refusal => {
    // Other providers' ids are numbers: tracked as their string form, forwarded as the browser sent them.
    const taskId = polledTaskId(body.taskId)
    if (taskId === undefined || taskId === "") {
      return refusal(400, "ERROR_RELAY_BAD_REQUEST", "The request needs a taskId.")
    }
    const task = owned.get(taskId)
    // Unknown, expired and other clients' tasks get the same answer: nothing leaks about other tasks.
    if (task === undefined || task.clientId !== clientId || task.expiresAt <= at) {
      return refusal(400, "ERROR_TASKID_INVALID", "Task not found for this client.")
    }
    return { taskId }
  }

  /** Sends one request upstream; returns the answer text and status, or a refusal describing the failure. */
  const forward = async (
    endpoint: RelayEndpoint,
    path: string,
    payload: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<
    { readonly status: number; readonly text: string; readonly retryAfter: string | null } | Refusal
  > => {
    const timeout =
      endpoint === "getToken" ? Math.max(upstreamTimeoutMs, GET_TOKEN_TIMEOUT_MS) : upstreamTimeoutMs
    try {
      const response = await upstreamFetch(`${baseUrl}/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ clientKey: keyText, ...payload }),
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeout)]),
      })
      const text = await readCapped(response, maxUpstreamBodyBytes)
      return { status: response.status, text, retryAfter: response.headers.get("retry-after") }
    } catch (cause) {
      const neverSent = !(cause instanceof UpstreamBodyTooLarge) && KyTransport.requestNeverSent(cause)
      // Only a task request that may have reached the provider is "outcome unknown": retrying it could pay twice.
      // The answer is plain text, not a JSON error, so the client reads it as outcome-unknown and never re-sends.
      if (!neverSent && (endpoint === "createTask" || endpoint === "getToken")) {
        return refusal(
          502,
          "ERROR_RELAY_UPSTREAM_FAILED",
          "The provider's answer was lost; the task may have been created. Do not resend it blindly.",
          { [RELAY_ERROR_HEADER]: "upstream-outcome-unknown" },
          true,
        )
      }
      if (cause instanceof UpstreamBodyTooLarge) {
        return refusal(
          502,
          "ERROR_RELAY_UPSTREAM_FAILED",
          "The provider's answer was larger than this relay accepts.",
          { [RELAY_ERROR_HEADER]: "upstream-body-too-large" },
          true,
        )
      }
      return refusal(
        503,
        "ERROR_SERVICE_UNAVALIABLE",
        "The relay could not reach the provider; retry later.",
        {
          "retry-after": "2",
        },
      )
    }
  }

  const handle = async (request: Request, info: ConnectionInfo = {}): Promise<Response> => {
    const origin = request.headers.get("origin")
    const cors = corsHeaders(origin)
    const endpoint = new URL(request.url).pathname.replace(/\/+$/, "").split("/").pop() ?? ""
    let clientId = "anonymous"

    const refuse = (failure: Refusal, taskType?: string): Response => {
      emit({
        _tag: "Refused",
        endpoint,
        clientId,
        status: failure.status,
        errorCode: failure.errorCode,
        taskType,
      })
      if (failure.plainText) {
        return new Response(`${failure.errorCode}: ${failure.errorDescription}\n`, {
          status: failure.status,
          headers: {
            "content-type": "text/plain; charset=utf-8",
            "cache-control": "no-store",
            ...cors,
            ...failure.headers,
          },
        })
      }
      return json(
        failure.status,
        { errorId: 1, errorCode: failure.errorCode, errorDescription: failure.errorDescription },
        { ...cors, ...failure.headers },
      )
    }

    try {
      if (cors === undefined) {
        return refuse(refusal(403, "ERROR_RELAY_ORIGIN_NOT_ALLOWED", "This origin may not use the relay."))
      }
      if (request.method === "OPTIONS") {
        const requested = request.headers.get("access-control-request-headers")
        return new Response(null, {
          status: 204,
          headers: {
            ...cors,
            "access-control-allow-methods": "POST, OPTIONS",
            "access-control-allow-headers": requested ?? "content-type",
            "access-control-max-age": "600",
          },
        })
      }
      if (!endpoints.has(endpoint)) {
        return refuse(
          refusal(404, "ERROR_RELAY_ENDPOINT_NOT_ALLOWED", `The relay does not forward ${endpoint || "/"}.`),
        )
      }
      const path = provider.endpoints[endpoint as RelayEndpoint]
      if (path === undefined) {
        // Checked before anything else about the request: the provider has no such call, so nothing is sent.
        return refuse(
          refusal(
            404,
            "ERROR_RELAY_ENDPOINT_NOT_SUPPORTED",
            `${provider.name} has no ${endpoint} endpoint; this relay does not forward it.`,
          ),
        )
      }
      if (request.method !== "POST") {
        return refuse(refusal(405, "ERROR_RELAY_BAD_REQUEST", "Use POST."), undefined)
      }
      clientId =
        options.clientId === undefined
          ? (info.remoteAddress ?? "anonymous")
          : await options.clientId(request, info)
      const at = now()
      sweep(at)
      const requestWait = perClientRequests.wait(clientId, at)
      if (requestWait > 0)
        return refuse(retryAfter(requestWait, `${perClientRequests.limit} requests per client per minute`))
      perClientRequests.record(clientId, at)

      const body = await readBody(request)
      if (body instanceof Refusal) return refuse(body)
      if (body.clientKey !== undefined && body.clientKey !== null && body.clientKey !== "") {
        return refuse(
          refusal(
            400,
            "ERROR_RELAY_CLIENT_KEY_FORBIDDEN",
            "Do not send clientKey to the relay: it adds the key server-side. A key sent from a browser is exposed; rotate it.",
          ),
        )
      }

      const relayed = endpoint as RelayEndpoint
      let payload: Record<string, unknown>
      let taskType: string | undefined
      if (relayed === "createTask" || relayed === "getToken") {
        const checked = checkTask(body)
        if (checked instanceof Refusal) return refuse(checked, taskTypeOf(body))
        taskType = checked.type
        const limited = checkTaskLimits(clientId, at)
        if (limited !== undefined) return refuse(limited, taskType)
        perClientTasks.record(clientId, at)
        globalTasks?.record("*", at)
        payload = { task: checked.task, ...(appId === undefined ? {} : { appId }) }
      } else {
        const task = ownedTask(body, clientId, at)
        if (task instanceof Refusal) return refuse(task)
        payload =
          relayed === "feedbackTask" ? { taskId: body.taskId, result: body.result } : { taskId: body.taskId }
      }

      const answer = await forward(relayed, path, payload, request.signal)
      if (answer instanceof Refusal) return refuse(answer, taskType)

      const parsed = parseAnswer(answer.text)
      const taskId = parsed?.taskId
      if (relayed === "createTask" && parsed !== undefined && parsed.errorId === 0 && taskId !== undefined) {
        const unfinished = parsed.status !== "ready"
        owned.set(taskId, { clientId, expiresAt: at + ownershipTtlMs, pending: unfinished })
        if (unfinished) pending.set(clientId, pendingOf(clientId) + 1)
      }
      if (relayed === "getTaskResult" && parsed !== undefined) {
        const task = owned.get(polledTaskId(body.taskId) ?? "")
        if (
          task !== undefined &&
          (parsed.errorId !== 0 || parsed.status === "ready" || parsed.status === "failed")
        ) {
          settle(task)
        }
      }
      emit({
        _tag: "Forwarded",
        endpoint: relayed,
        clientId,
        taskType,
        taskId: taskId === undefined ? polledTaskId(body.taskId) : scrub(taskId),
        status: answer.status,
        // The provider's words: an errorCode may echo the request, key included.
        errorCode:
          parsed?.errorCode === undefined || parsed.errorCode === "" ? undefined : scrub(parsed.errorCode),
      })
      return new Response(scrub(answer.text), {
        status: answer.status,
        headers: {
          "content-type": "application/json; charset=utf-8",
          "cache-control": "no-store",
          ...(answer.retryAfter === null ? {} : { "retry-after": answer.retryAfter }),
          ...cors,
        },
      })
    } catch {
      // Nothing from the failure is echoed: it could mention the upstream request.
      return refuse(refusal(500, "ERROR_RELAY_INTERNAL", "The relay failed to handle the request."))
    }
  }

  const close = () => NodeHttp.closeDispatcher(dispatcher)
  return { handle, close, [Symbol.asyncDispose]: close }
}

/** The task id a poll or feedback names, as the string the relay tracks it by (numeric ids included). */
const polledTaskId = (raw: unknown): string | undefined =>
  typeof raw === "string" ? raw : typeof raw === "number" ? String(raw) : undefined

const taskTypeOf = (body: Record<string, unknown>): string | undefined =>
  isObject(body.task) && typeof body.task.type === "string" ? body.task.type : undefined

const parseAnswer = (
  text: string,
):
  | {
      readonly errorId: number
      readonly errorCode?: string
      readonly taskId?: string
      readonly status?: string
    }
  | undefined => {
  try {
    const body: unknown = JSON.parse(text)
    if (!isObject(body)) return undefined
    const taskId =
      typeof body.taskId === "string" || typeof body.taskId === "number" ? String(body.taskId) : undefined
    return {
      errorId: typeof body.errorId === "number" ? body.errorId : 0,
      ...(typeof body.errorCode === "string" ? { errorCode: body.errorCode } : {}),
      ...(taskId === undefined || taskId === "" ? {} : { taskId }),
      ...(typeof body.status === "string" ? { status: body.status } : {}),
    }
  } catch {
    return undefined
  }
}
