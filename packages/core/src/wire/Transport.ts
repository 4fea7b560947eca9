/**
 * The HTTP port. Core never touches `fetch`: it asks the `Transport` service to POST a JSON body to an
 * endpoint and gets the raw status and text back. Adapters provide it (usually `KyTransport.layer` with their
 * runtime's fetch); tests provide a scripted one.
 *
 * Contract for implementations:
 * - resolve with the status and raw body for *every* HTTP answer (4xx/5xx included: the provider puts its
 *   error envelope in them); fail with `TransportError` only when no usable answer came back;
 * - set `requestSent: false` only when the request certainly never reached the server (connection refused,
 *   DNS failure), `"unknown"` otherwise; a duplicate createTask is a second paid task, so this matters;
 * - abort the in-flight request when the Effect is interrupted;
 * - refuse bodies above the size limit with `kind: "BodyTooLarge"` without reading them whole;
 * - serialise the body with `encodeBody`, which unwraps `Redacted` values (the API key travels redacted
 *   until this last step), before sending anything: a body that cannot be encoded fails with
 *   `requestSent: false`;
 * - when it says `enforcesTimeout`, give up on a request after `options.timeoutMs` with
 *   `requestTimedOut(endpoint, timeoutMs)`. A transport that does not say so is bounded by the lifecycle,
 *   which races each request against a sleep on the Effect `Clock` (two fibers per request).
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { TransportError } from "../domain/Errors.ts"

/** One raw HTTP answer. */
export interface TransportResponse {
  readonly status: number
  /** Parsed `Retry-After` (seconds or HTTP date), in milliseconds from now. */
  readonly retryAfterMs?: number | undefined
  /** The raw body text (size-capped by the transport). */
  readonly body: string
}

/** Per-request options. */
export interface PostOptions {
  /** How long to wait for the whole answer, in milliseconds (honoured when the transport `enforcesTimeout`). */
  readonly timeoutMs?: number | undefined
}

/** What a transport does: POST a JSON body to an endpoint, answer with the raw status and text. */
export interface TransportShape {
  readonly post: (
    endpoint: string,
    body: unknown,
    options?: PostOptions,
  ) => Effect.Effect<TransportResponse, TransportError>
  /** `post` bounds each request by `options.timeoutMs` itself, with `requestTimedOut`. */
  readonly enforcesTimeout?: boolean | undefined
}

export class Transport extends Context.Service<Transport, TransportShape>()("@solvekit/core/Transport") {}

/**
 * The failure of a request that got no whole answer in time: it may have reached the server, so a createTask
 * that times out is never re-sent.
 */
export const requestTimedOut = (endpoint: string, timeoutMs: number, taskId?: string): TransportError =>
  new TransportError({
    endpoint,
    kind: "Network",
    requestSent: "unknown",
    cause: new Error(`no answer within ${Math.max(0, timeoutMs)} ms`),
    taskId,
  })

/** JSON-encodes a request body, unwrapping `Redacted` values (only here, at the edge). */
export const encodeBody = (body: unknown): string =>
  JSON.stringify(body, function (this: Record<string, unknown>, key: string, value: unknown) {
    const original = key === "" ? body : this[key]
    return Redacted.isRedacted(original) ? Redacted.value(original) : value
  })

/** Deepest nesting a request body may have. Real tasks nest a few levels; this bounds the encoder's recursion. */
export const MAX_BODY_DEPTH = 64

class Unencodable extends Error {}

const atKey = (key: string): string => (key === "" ? "" : ` at ${JSON.stringify(key.slice(0, 64))}`)

/**
 * Why `value` cannot be sent as a JSON body (a BigInt, a cycle, a `toJSON` or getter that throws, nesting
 * deeper than `maxDepth`), or `undefined` when it can. Never throws, and never quotes a value (tasks carry
 * proxy passwords and site tokens). The lifecycle checks every task with it before anything is sent, so an
 * unsendable task is an `InvalidTaskError`, not a request of unknown outcome.
 */
export const encodeIssue = (value: unknown, maxDepth: number = MAX_BODY_DEPTH): string | undefined => {
  const depths = new WeakMap<object, number>()
  try {
    JSON.stringify(value, function (this: object, key: string, v: unknown) {
      if (typeof v === "bigint") throw new Unencodable(`holds a BigInt${atKey(key)}, which JSON cannot carry`)
      if (typeof v === "object" && v !== null) {
        const depth = (depths.get(this) ?? 0) + 1
        if (depth > maxDepth) throw new Unencodable(`nests deeper than ${maxDepth} levels`)
        depths.set(v, depth)
      }
      return v
    })
    return undefined
  } catch (error) {
    if (error instanceof Unencodable) return error.message
    if (error instanceof TypeError && /circular|cyclic/i.test(error.message)) {
      return "refers to itself (a cycle), which JSON cannot carry"
    }
    if (error instanceof RangeError) return "nests too deeply to be encoded as JSON"
    return "cannot be encoded as JSON (a toJSON method or a getter threw)"
  }
}

/** Default cap on response bodies: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024

/**
 * Parses a `Retry-After` header (delta seconds or an HTTP date) into milliseconds from `nowMs`.
 * Returns undefined when absent or unreadable; never negative.
 */
export const parseRetryAfter = (header: string | null | undefined, nowMs: number): number | undefined => {
  if (header === null || header === undefined) return undefined
  const value = header.trim()
  if (value === "") return undefined
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000)
  const at = Date.parse(value)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - nowMs)
}
