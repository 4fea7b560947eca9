/**
 * The one `Transport` implementation, on ky. Adapters pass their runtime's `fetch`; ky's own retry and timeout
 * are off because Effect owns them.
 *
 * - Every HTTP status resolves (the provider's error envelope lives in 4xx bodies); only network failures and
 *   oversized bodies fail, as `TransportError`.
 * - A connection refused / DNS failure before sending is `requestSent: false`; any other network failure is
 *   `requestSent: "unknown"`, so the lifecycle never re-sends a createTask that may have been created.
 * - Bodies are stream-read with a cap (default 1 MiB): a larger body is refused without being read whole.
 * - `Retry-After` (seconds or HTTP date) is parsed into `retryAfterMs`.
 * - Interruption aborts the request (the signal reaches fetch).
 *
 * @since 0.1.0
 */
import type * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import ky, { type KyInstance, type Options } from "ky"
import { sanitizeCause, TransportError } from "../domain/Errors.ts"
import { BodyTooLarge, readBodyCapped } from "./Body.ts"
import {
  DEFAULT_MAX_BODY_BYTES,
  encodeBody,
  type PostOptions,
  parseRetryAfter,
  requestTimedOut,
  Transport,
  type TransportResponse,
} from "./Transport.ts"

export interface KyTransportOptions {
  /** Base URL of the provider, e.g. "https://api.capsolver.com". Endpoints are resolved under it. */
  readonly baseUrl: string
  /** The runtime's fetch (default: the global one, looked up at each request). */
  readonly fetch?: typeof globalThis.fetch | undefined
  /** Largest response body accepted, in bytes (default 1 MiB). */
  readonly maxBodyBytes?: number | undefined
  /** Extra request headers (e.g. a User-Agent). Never put the API key here: it travels in the body. */
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/** Error codes meaning the connection was never established, so nothing was sent. */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_NONAME",
  "EAI_FAIL",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
  "ERR_INVALID_URL",
])

// Runtimes without error codes (Deno) say it in words.
const NOT_SENT_MESSAGE =
  /connection refused|dns error|failed to lookup address|name or service not known|tcp connect error/i

/** Walks the `cause` chain (and AggregateError members) of a fetch failure looking for a "never connected" sign. */
export const requestNeverSent = (error: unknown): boolean => {
  const seen = new Set<unknown>()
  const visit = (u: unknown, depth: number): boolean => {
    if (depth > 6 || typeof u !== "object" || u === null || seen.has(u)) return false
    seen.add(u)
    const e = u as {
      readonly code?: unknown
      readonly message?: unknown
      readonly cause?: unknown
      readonly errors?: unknown
    }
    if (typeof e.code === "string" && NOT_SENT_CODES.has(e.code)) return true
    if (typeof e.message === "string" && NOT_SENT_MESSAGE.test(e.message)) return true
    if (
      Array.isArray(e.errors) &&
      e.errors.length > 0 &&
      e.errors.every((member) => visit(member, depth + 1))
    )
      return true
    return visit(e.cause, depth + 1)
  }
  return visit(error, 0)
}

/** Per-request options for `handOff` (ky forwards options it does not know to its `fetch`). */
const CALL_SIGNAL = "solvekitSignal"
const CALL_BODY = "solvekitBody"

interface CallOptions extends RequestInit {
  readonly [CALL_SIGNAL]?: AbortSignal
  readonly [CALL_BODY]?: string
}

/**
 * The fetch ky calls. It sends ky's request as `fetch(url, init)` with the encoded body string, rather than
 * ky's `Request` object: a `Request` holds its body as a stream, so a runtime's fetch (or Node's undici
 * dispatcher) would build a second request and pump the stream to send a few hundred bytes, two of the dearest
 * steps of a request. The body never goes to ky at all (ky would build that stream for its own `Request`); it
 * comes here as a call option. Method and headers are ky's (its merged defaults included).
 *
 * The interruption signal also goes straight to fetch: handing it to ky as `signal` costs an `AbortSignal.any`
 * per request (ky joins it with its own controller's), and ky's controller only serves its timeouts and
 * retries, which are off here.
 */
const handOff =
  (fetch: typeof globalThis.fetch | undefined): typeof globalThis.fetch =>
  (input, init) => {
    // Looked up per request when not given, so a runtime (or a test) can replace the global later.
    const target = fetch ?? globalThis.fetch
    const { [CALL_SIGNAL]: signal, [CALL_BODY]: body, ...rest } = (init ?? {}) as CallOptions
    // Never follow a redirect: the body carries the key, and a followed 307/308 re-sends it to wherever the
    // answer points. A redirect fails the request as "may have been sent", so a createTask is never repeated.
    if (input instanceof Request && body !== undefined) {
      return target(input.url, {
        ...rest,
        method: input.method,
        headers: input.headers,
        body,
        redirect: "error",
        ...(signal === undefined ? {} : { signal }),
      })
    }
    return target(input, { ...rest, redirect: "error", ...(signal === undefined ? {} : { signal }) })
  }

/** Builds the transport service from options (exposed for adapters that assemble their own layers). */
export const make = (options: KyTransportOptions): Transport["Service"] => {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  const baseUrl = `${options.baseUrl.replace(/\/+$/, "")}/`
  // Endpoint URLs are resolved once each and handed to ky absolute: with ky's `baseUrl` option, ky builds a
  // `Request` for the base and a `URL` on every request to resolve a relative path.
  const urls = new Map<string, string>()
  const urlOf = (endpoint: string): string => {
    let url = urls.get(endpoint)
    if (url === undefined) {
      url = new URL(endpoint.replace(/^\/+/, ""), baseUrl).href
      urls.set(endpoint, url)
    }
    return url
  }
  const http: KyInstance = ky.create({
    retry: 0,
    timeout: false,
    throwHttpErrors: false,
    fetch: handOff(options.fetch),
    headers: { "content-type": "application/json", accept: "application/json", ...options.headers },
  })
  const post = (
    endpoint: string,
    body: unknown,
    postOptions?: PostOptions,
  ): Effect.Effect<TransportResponse, TransportError> =>
    Effect.suspend(() => {
      // Encoded before fetching: a body that cannot be encoded was certainly not sent.
      let encoded: string
      try {
        encoded = encodeBody(body)
      } catch (cause) {
        return Effect.fail(
          new TransportError({ endpoint, kind: "Network", requestSent: false, cause: sanitizeCause(cause) }),
        )
      }
      // One asynchronous step per request (send, then read with the cap): each step of an Effect program
      // that waits costs an abort controller and a fiber suspension.
      return Effect.clockWith((clock) =>
        Effect.tryPromise({
          try: (signal) =>
            exchange(http, urlOf(endpoint), encoded, maxBodyBytes, signal, clock, postOptions?.timeoutMs),
          catch: (cause) => transportErrorOf(endpoint, cause),
        }),
      )
    })
  return Transport.of({ post, enforcesTimeout: true })
}

/** A failure after the answer's status line arrived: the request was certainly sent. */
class AnswerFailure {
  readonly httpStatus: number
  readonly retryAfterMs: number | undefined
  readonly cause: unknown
  constructor(httpStatus: number, retryAfterMs: number | undefined, cause: unknown) {
    this.httpStatus = httpStatus
    this.retryAfterMs = retryAfterMs
    this.cause = cause
  }
}

/** The request got no whole answer within its timeout. */
class TimedOut {
  readonly timeoutMs: number
  constructor(timeoutMs: number) {
    this.timeoutMs = timeoutMs
  }
}

/**
 * One POST, its body read with the cap, bounded by `timeoutMs`. The timeout is a timer on the request (the
 * socket's business, in real time), so no fiber races the request.
 */
const exchange = async (
  http: KyInstance,
  url: string,
  encoded: string,
  maxBodyBytes: number,
  interruption: AbortSignal,
  clock: Clock.Clock,
  timeoutMs: number | undefined,
): Promise<TransportResponse> => {
  if (timeoutMs === undefined) return sendOnce(http, url, encoded, maxBodyBytes, interruption, clock)
  const controller = new AbortController()
  const timedOut = new TimedOut(timeoutMs)
  const onInterrupt = () => controller.abort(interruption.reason)
  interruption.addEventListener("abort", onInterrupt, { once: true })
  const timer = setTimeout(() => controller.abort(timedOut), timeoutMs)
  try {
    return await sendOnce(http, url, encoded, maxBodyBytes, controller.signal, clock)
  } catch (cause) {
    throw controller.signal.reason === timedOut ? timedOut : cause
  } finally {
    clearTimeout(timer)
    interruption.removeEventListener("abort", onInterrupt)
  }
}

const sendOnce = async (
  http: KyInstance,
  url: string,
  encoded: string,
  maxBodyBytes: number,
  signal: AbortSignal,
  clock: Clock.Clock,
): Promise<TransportResponse> => {
  // Signal and body go around ky, straight to fetch (see `handOff`): ky's own `Request` is built without the
  // body, which spares it a body stream per request (about a tenth of the HTTP layer's CPU per solve).
  // An unusable base URL throws here: a Network error with nothing sent.
  const response = await http.post(url, {
    [CALL_SIGNAL]: signal,
    [CALL_BODY]: encoded,
  } as Options)
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), clock.currentTimeMillisUnsafe())
  try {
    const text = await readBodyCapped(response, maxBodyBytes, signal)
    return { status: response.status, retryAfterMs, body: text }
  } catch (cause) {
    throw new AnswerFailure(response.status, retryAfterMs, cause)
  }
}

const transportErrorOf = (endpoint: string, cause: unknown): TransportError => {
  if (cause instanceof TimedOut) return requestTimedOut(endpoint, cause.timeoutMs)
  if (!(cause instanceof AnswerFailure)) {
    return new TransportError({
      endpoint,
      kind: "Network",
      requestSent: requestNeverSent(cause) ? false : "unknown",
      cause: sanitizeCause(cause),
    })
  }
  const answer = {
    endpoint,
    requestSent: true,
    httpStatus: cause.httpStatus,
    retryAfterMs: cause.retryAfterMs,
  }
  return cause.cause instanceof BodyTooLarge
    ? new TransportError({ ...answer, kind: "BodyTooLarge" })
    : new TransportError({ ...answer, kind: "Network", cause: sanitizeCause(cause.cause) })
}

/** A `Transport` layer on ky for an explicit base URL. */
export const layer = (options: KyTransportOptions): Layer.Layer<Transport> =>
  Layer.sync(Transport, () => make(options))
