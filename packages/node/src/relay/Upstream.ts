/**
 * The relay's calls to the provider: the key added server-side, a timeout per call, no redirect followed, the
 * answer read with core's capped reader, only the headers the relay validated kept, and a failure turned into
 * the refusal that tells the browser what it may do next.
 *
 * @since 0.1.0
 */
import { type ClientConfigShape, type ClientOptions, KyTransport, type Provider } from "@solvekit/core"
import { BodyTooLarge, readBodyCapped } from "@solvekit/core/internal"
import * as Redacted from "effect/Redacted"
import * as NodeConfig from "../NodeConfig.ts"
import type { RelayEndpoint, RelayOptions } from "./Options.ts"
import { RELAY_ERROR_HEADER, type Refusal, refusal } from "./Responses.ts"

const DEFAULT_MAX_UPSTREAM_BODY_BYTES = 1024 * 1024
const DEFAULT_UPSTREAM_TIMEOUT_MS = 30_000
// getToken blocks until the task is solved.
const GET_TOKEN_TIMEOUT_MS = 150_000

/** The provider's answer, read whole: passed through to the browser once scrubbed. */
export interface UpstreamAnswer {
  /** A status a browser can be given with a body: 2xx (not 204 or 205), 4xx or 5xx. */
  readonly status: number
  readonly text: string
  /** The provider's `Retry-After` when it is well-formed, else `null`: no other header of its is kept. */
  readonly retryAfter: string | null
}

export interface Upstream {
  /** Sends one request with the key added; the answer, or the refusal that describes the failure. */
  readonly forward: (
    endpoint: RelayEndpoint,
    path: string,
    payload: Record<string, unknown>,
    signal: AbortSignal,
  ) => Promise<UpstreamAnswer | Refusal>
  /** Sent as `appId` with every task, when configured. */
  readonly appId: string | undefined
  /** What must never reach a browser or an event: the key. */
  readonly secrets: ReadonlyArray<string>
  /**
   * The settings a core client needs (key, base URL, provider, developer id), resolved as for `forward`, and
   * the fetch over the same connection pool: the solve endpoint's client is built on them.
   */
  readonly client: ClientConfigShape
  readonly fetch: typeof globalThis.fetch
  /** Closes the connection pool. */
  readonly close: () => Promise<void>
}

/**
 * Resolves the key, base URL, app id and proxy as a Node client would (options first, then the provider's
 * environment variables), and opens the connection pool. Throws `ConfigurationError` when there is no key or
 * a setting is malformed.
 */
export const connectUpstream = (options: RelayOptions, provider: Provider.Provider): Upstream => {
  const clientOptions: ClientOptions & NodeConfig.NodeConnectionOptions = {
    provider,
    apiKey: options.apiKey,
    baseUrl: options.baseUrl,
    appId: options.appId,
    proxy: options.proxy,
  }
  const resolved = NodeConfig.resolveSync(clientOptions)
  const key = Redacted.value(resolved.client.apiKey)
  const baseUrl = resolved.client.baseUrl
  // The connection pool opens with the first call upstream: undici, which it needs, is about 110 modules that
  // importing the package should not load (see NodeClient). A pool opened after `close` opens closed, so a
  // late call fails as it would on a pool closed under it.
  let pool: Promise<{ fetch: typeof globalThis.fetch; close: () => Promise<void> }> | undefined
  let closed = false
  const connect = () =>
    (pool ??= import("../NodeHttp.ts").then((NodeHttp) => {
      const dispatcher = NodeHttp.makeDispatcher({ proxy: resolved.proxy })
      const opened = {
        fetch: NodeHttp.makeFetch(dispatcher),
        close: () => NodeHttp.closeDispatcher(dispatcher),
      }
      if (closed) void opened.close()
      return opened
    }))
  const upstreamFetch: typeof globalThis.fetch = (input, init) =>
    connect().then((open) => open.fetch(input, init))
  const maxBodyBytes = options.maxUpstreamBodyBytes ?? DEFAULT_MAX_UPSTREAM_BODY_BYTES
  const timeoutMs = options.upstreamTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS

  const forward: Upstream["forward"] = async (endpoint, path, payload, signal) => {
    const timeout = endpoint === "getToken" ? Math.max(timeoutMs, GET_TOKEN_TIMEOUT_MS) : timeoutMs
    const bounded = AbortSignal.any([signal, AbortSignal.timeout(timeout)])
    // Serialised before anything is sent: if this failed, nothing left the relay (not "outcome unknown").
    const body = JSON.stringify({ clientKey: key, ...payload })
    try {
      const response = await upstreamFetch(`${baseUrl}/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body,
        // A redirect would re-send the body, key included, wherever the provider (or whoever answers in its
        // name) points: never followed, and a 3xx is not an answer the relay can pass on.
        redirect: "manual",
        signal: bounded,
      })
      if (!passableStatus(response.status)) {
        await response.body?.cancel().catch(() => undefined)
        return unusableAnswer(endpoint)
      }
      const text = await readBodyCapped(response, maxBodyBytes, bounded)
      return {
        status: response.status,
        text,
        retryAfter: validRetryAfter(response.headers.get("retry-after")),
      }
    } catch (cause) {
      return upstreamFailure(endpoint, cause)
    }
  }
  const close = async () => {
    closed = true
    if (pool !== undefined) await (await pool).close()
  }
  return {
    forward,
    appId: resolved.client.appId,
    secrets: [key],
    client: resolved.client,
    fetch: upstreamFetch,
    close,
  }
}

/**
 * Whether a provider status can go to the browser with the answer's body: not a redirect (3xx, or 0 for an
 * opaque one), nor a status that carries no body (1xx, 204, 205), nor one outside HTTP's range.
 */
const passableStatus = (status: number): boolean =>
  (status >= 200 && status < 300 && status !== 204 && status !== 205) || (status >= 400 && status < 600)

// "Sun, 06 Nov 1994 08:49:37 GMT": the HTTP-date form senders must generate (RFC 9110, 5.6.7).
const IMF_FIXDATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/

/**
 * The one upstream header passed on, when it is what HTTP defines: delta-seconds, or an HTTP-date in the
 * IMF-fixdate form senders must use (re-written from the date it names). Anything else is dropped.
 */
export const validRetryAfter = (value: string | null): string | null => {
  if (value === null) return null
  const text = value.trim()
  if (/^\d{1,9}$/.test(text)) return String(Number(text))
  if (!IMF_FIXDATE.test(text)) return null
  const at = Date.parse(text)
  return Number.isFinite(at) ? new Date(at).toUTCString() : null
}

/**
 * A createTask / getToken that reached the provider and got no answer the browser can be given: the task may
 * exist. The answer is plain text, not a JSON error, so the client reads it as outcome-unknown and never
 * re-sends it (retrying could pay twice).
 */
export const outcomeUnknown = (): Refusal =>
  refusal(
    502,
    "ERROR_RELAY_UPSTREAM_FAILED",
    "The provider's answer was lost; the task may have been created. Do not resend it blindly.",
    { [RELAY_ERROR_HEADER]: "upstream-outcome-unknown" },
    true,
  )

/** True for the refusal that says a createTask / getToken may have created a task. */
export const isOutcomeUnknown = (failure: Refusal): boolean =>
  failure.headers[RELAY_ERROR_HEADER] === "upstream-outcome-unknown"

/** An answer with a status the relay cannot pass on (a redirect, no body): a retryable 502 for a poll. */
const unusableAnswer = (endpoint: RelayEndpoint): Refusal =>
  endpoint === "createTask" || endpoint === "getToken"
    ? outcomeUnknown()
    : refusal(
        502,
        "ERROR_RELAY_UPSTREAM_FAILED",
        "The provider answered with a redirect or without a body.",
        { [RELAY_ERROR_HEADER]: "upstream-unusable" },
        true,
      )

/** What the browser is told when the provider's answer did not arrive whole. */
const upstreamFailure = (endpoint: RelayEndpoint, cause: unknown): Refusal => {
  const tooLarge = cause instanceof BodyTooLarge
  const neverSent = !tooLarge && KyTransport.requestNeverSent(cause)
  // Only a task request that may have reached the provider is "outcome unknown": retrying it could pay twice.
  if (!neverSent && (endpoint === "createTask" || endpoint === "getToken")) return outcomeUnknown()
  if (tooLarge) {
    return refusal(
      502,
      "ERROR_RELAY_UPSTREAM_FAILED",
      "The provider's answer was larger than this relay accepts.",
      { [RELAY_ERROR_HEADER]: "upstream-body-too-large" },
      true,
    )
  }
  return refusal(503, "ERROR_SERVICE_UNAVALIABLE", "The relay could not reach the provider; retry later.", {
    "retry-after": "2",
  })
}
