/**
 * What the relay answers a browser with: its own refusals, the CORS headers of the origins it serves, the
 * preflight, and the provider's answer passed through.
 *
 * @since 0.1.0
 */
import { echoed, MAX_DESCRIPTION_CHARS } from "./Echo.ts"

/** Response headers, by lower-case name. */
export type HeaderMap = Readonly<Record<string, string>>

/**
 * A refusal or relay-side failure, answered as a CapSolver-shaped error body, or, when `plainText` is set, as a
 * plain-text body: a client reads a 5xx without a provider envelope as "the provider's answer never arrived"
 * (for createTask: outcome unknown, never re-sent), which a JSON error body would hide.
 */
export class Refusal {
  readonly status: number
  readonly errorCode: string
  readonly errorDescription: string
  readonly headers: HeaderMap
  readonly plainText: boolean
  constructor(
    status: number,
    errorCode: string,
    errorDescription: string,
    headers: HeaderMap = {},
    plainText = false,
  ) {
    this.status = status
    this.errorCode = errorCode
    this.errorDescription = errorDescription
    this.headers = headers
    this.plainText = plainText
  }
}

/**
 * A refusal of the task itself (its shape or a field), with what the solve endpoint needs to answer it as core's
 * `InvalidTaskError`: the type, the first field at fault and its issue. Answered like any refusal elsewhere.
 */
export class InvalidTaskRefusal extends Refusal {
  readonly taskType: string
  readonly field: string
  readonly issue: string
  constructor(errorCode: string, errorDescription: string, taskType: string, field: string, issue: string) {
    super(400, errorCode, errorDescription)
    this.taskType = taskType
    this.field = field
    this.issue = issue
  }
}

export const refusal = (
  status: number,
  errorCode: string,
  errorDescription: string,
  headers: HeaderMap = {},
  plainText = false,
): Refusal => new Refusal(status, errorCode, errorDescription, headers, plainText)

/** The header that names why the relay answered a 502 itself. */
export const RELAY_ERROR_HEADER = "x-solvekit-relay-error"

/** A malformed request: the body, a field or the method is not what the relay takes. */
export const badRequest = (errorDescription: string): Refusal =>
  refusal(400, "ERROR_RELAY_BAD_REQUEST", errorDescription)

// Answers are about one client's tasks: no cache along the way may keep or share them.
const NO_STORE = { "cache-control": "no-store" }

const json = (status: number, body: unknown, headers: HeaderMap): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...NO_STORE, ...headers },
  })

/**
 * The response for a refusal, with the CORS headers of the request's origin. The description is bounded
 * whatever it quotes from the request (a task type, an endpoint name). `extra` adds fields to a JSON body (the
 * solve endpoint's typed `error`).
 */
export const refusalResponse = (
  failure: Refusal,
  cors: HeaderMap,
  extra: Readonly<Record<string, unknown>> = {},
): Response => {
  const description = echoed(failure.errorDescription, MAX_DESCRIPTION_CHARS)
  if (failure.plainText) {
    return new Response(`${failure.errorCode}: ${description}\n`, {
      status: failure.status,
      headers: { "content-type": "text/plain; charset=utf-8", ...NO_STORE, ...cors, ...failure.headers },
    })
  }
  return json(
    failure.status,
    { errorId: 1, errorCode: failure.errorCode, errorDescription: description, ...extra },
    { ...cors, ...failure.headers },
  )
}

/**
 * The CORS headers for a request's `Origin`, or `undefined` when that origin may not use the relay. Without
 * `allowOrigins` there are none to send (same-origin use) and every origin passes.
 */
export const corsPolicy =
  (allowOrigins: "*" | ReadonlyArray<string> | undefined) =>
  (origin: string | null): HeaderMap | undefined => {
    if (allowOrigins === undefined) return {}
    if (allowOrigins === "*") return { "access-control-allow-origin": "*" }
    if (origin === null) return {}
    if (!allowOrigins.includes(origin)) return undefined
    return { "access-control-allow-origin": origin, vary: "Origin" }
  }

export const originRefusal = (): Refusal =>
  refusal(403, "ERROR_RELAY_ORIGIN_NOT_ALLOWED", "This origin may not use the relay.")

/** The answer to a CORS preflight from an allowed origin. */
export const preflightResponse = (request: Request, cors: HeaderMap): Response =>
  new Response(null, {
    status: 204,
    headers: {
      ...cors,
      "access-control-allow-methods": "POST, OPTIONS",
      "access-control-allow-headers": request.headers.get("access-control-request-headers") ?? "content-type",
      "access-control-max-age": "600",
    },
  })

/** The provider's answer as the browser gets it: its status, its (already scrubbed) body, its `Retry-After`. */
export const passedThrough = (
  answer: { readonly status: number; readonly retryAfter: string | null },
  scrubbedBody: string,
  cors: HeaderMap,
): Response =>
  new Response(scrubbedBody, {
    status: answer.status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      ...NO_STORE,
      ...(answer.retryAfter === null ? {} : { "retry-after": answer.retryAfter }),
      ...cors,
    },
  })
