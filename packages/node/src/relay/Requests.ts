/**
 * Reading what a browser sent: which endpoint it names, its JSON body (read with core's capped reader, within
 * a deadline, and refused as it arrives when nested too deep), and the key it must not carry.
 *
 * @since 0.1.0
 */
import type { Provider } from "@solvekit/core"
import { BodyTooLarge, readBodyCapped } from "@solvekit/core/internal"
import { echoed } from "./Echo.ts"
import { depthGuard, MAX_JSON_DEPTH, NestedTooDeep } from "./JsonDepth.ts"
import type { RelayEndpoint } from "./Options.ts"
import { badRequest, type Refusal, refusal } from "./Responses.ts"

/**
 * Default largest task body (createTask, getToken): room for a base64 image, which recognition tasks carry.
 * Kept: the depth check makes a large body cheap to refuse, and the poll endpoints have their own cap.
 */
export const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024

/** Largest getTaskResult / feedbackTask body: they carry a task id (and feedback's small `result`). */
export const POLL_MAX_BODY_BYTES = 16 * 1024

/**
 * Default time a body has to arrive whole, from when the relay starts reading it. A browser sends a task in
 * milliseconds; without a deadline, a body sent a byte at a time holds its request open until Node's own
 * `requestTimeout` (300 s).
 */
export const DEFAULT_BODY_READ_TIMEOUT_MS = 10_000

/** How much of a body the relay reads, and for how long. */
export interface BodyLimits {
  /** Largest task body; a poll body is capped at `POLL_MAX_BODY_BYTES` or this, whichever is smaller. */
  readonly maxBytes: number
  readonly readTimeoutMs: number
}

/**
 * The relay's own endpoint (not the provider's): it runs a task's whole lifecycle on the server and streams
 * its progress (Solve.ts).
 */
export const SOLVE_ENDPOINT = "solve"

/** An endpoint whose body the relay reads: a forwarded one, or its own solve endpoint. */
export type BodyEndpoint = RelayEndpoint | typeof SOLVE_ENDPOINT

const endpoints: ReadonlySet<string> = new Set<RelayEndpoint>([
  "createTask",
  "getTaskResult",
  "feedbackTask",
  "getToken",
])

export const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/** The endpoint a request names: the last segment of its path, wherever the relay is mounted. */
export const endpointOf = (request: Request): string =>
  new URL(request.url).pathname.replace(/\/+$/, "").split("/").pop() ?? ""

/** Where a request goes: a relayed endpoint and the provider's path for it. */
export interface Route {
  readonly endpoint: RelayEndpoint
  readonly path: string
}

/**
 * The provider's path for an endpoint, or why the relay does not forward it. Decided before anything else
 * about the request: an endpoint the provider lacks is refused without contacting it.
 */
export const routeOf = (endpoint: string, provider: Provider.Provider): Route | Refusal => {
  if (!endpoints.has(endpoint)) {
    return refusal(
      404,
      "ERROR_RELAY_ENDPOINT_NOT_ALLOWED",
      `The relay does not forward ${echoed(endpoint) || "/"}.`,
    )
  }
  const relayed = endpoint as RelayEndpoint
  const path = provider.endpoints[relayed]
  if (path === undefined) {
    return refusal(
      404,
      "ERROR_RELAY_ENDPOINT_NOT_SUPPORTED",
      `${provider.name} has no ${endpoint} endpoint; this relay does not forward it.`,
    )
  }
  return { endpoint: relayed, path }
}

/**
 * Reads the request's body as a JSON object: at most the endpoint's cap, within the deadline, and nested no
 * deeper than `MAX_JSON_DEPTH` (checked as the bytes arrive, before parsing, which is where depth costs).
 */
export const readJsonBody = async (
  request: Request,
  endpoint: BodyEndpoint,
  limits: BodyLimits,
): Promise<Record<string, unknown> | Refusal> => {
  const text = await readWithin(request, capOf(endpoint, limits), limits.readTimeoutMs)
  if (typeof text !== "string") return text
  if (request.body === null) return badRequest("The request has no JSON body.")
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return badRequest("The request body is not JSON.")
  }
  return isRecord(parsed) ? parsed : badRequest("The request body must be a JSON object.")
}

const capOf = (endpoint: BodyEndpoint, limits: BodyLimits): number =>
  endpoint === "createTask" || endpoint === "getToken" || endpoint === SOLVE_ENDPOINT
    ? limits.maxBytes
    : Math.min(limits.maxBytes, POLL_MAX_BODY_BYTES)

/**
 * The body's text, or why it was not read: over `maxBytes` (413), nested too deep (400), not whole within
 * `timeoutMs` (408), or cut off by the client. Reading stops at the first of these (the rest of the body is
 * not read: `toNodeHandler` closes the connection after the answer).
 */
const readWithin = async (
  request: Request,
  maxBytes: number,
  timeoutMs: number,
): Promise<string | Refusal> => {
  const deadline = new AbortController()
  const timer = setTimeout(() => deadline.abort(), timeoutMs)
  try {
    const body = request.body?.pipeThrough(depthGuard(MAX_JSON_DEPTH)) ?? null
    const signal = AbortSignal.any([deadline.signal, request.signal])
    return await readBodyCapped({ headers: request.headers, body }, maxBytes, signal)
  } catch (cause) {
    if (cause instanceof BodyTooLarge) {
      return refusal(413, "ERROR_RELAY_BODY_TOO_LARGE", `The request body is over ${maxBytes} bytes.`)
    }
    if (cause instanceof NestedTooDeep) {
      return refusal(
        400,
        "ERROR_RELAY_BODY_TOO_DEEP",
        `The request body nests objects or arrays more than ${MAX_JSON_DEPTH} levels deep.`,
      )
    }
    if (deadline.signal.aborted) {
      return refusal(
        408,
        "ERROR_RELAY_BODY_TIMEOUT",
        `The request body did not arrive within ${timeoutMs} ms.`,
      )
    }
    return badRequest("The request body did not arrive whole.")
  } finally {
    clearTimeout(timer)
  }
}

/** A body that carries a `clientKey` is refused: the relay adds its own, and a key in a browser is leaked. */
export const clientKeyRefusal = (body: Record<string, unknown>): Refusal | undefined =>
  body.clientKey === undefined || body.clientKey === null || body.clientKey === ""
    ? undefined
    : refusal(
        400,
        "ERROR_RELAY_CLIENT_KEY_FORBIDDEN",
        "Do not send clientKey to the relay: it adds the key server-side. A key sent from a browser is exposed; rotate it.",
      )

/** The task type a body names, for the refusal event of a task the allow-lists turned away. */
export const taskTypeOf = (body: Record<string, unknown>): string | undefined =>
  isRecord(body.task) && typeof body.task.type === "string" ? body.task.type : undefined
