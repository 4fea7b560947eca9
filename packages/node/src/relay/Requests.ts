/**
 * Reading what a browser sent: which endpoint it names, its JSON body (read with core's capped reader), and
 * the key it must not carry.
 *
 * @since 0.1.0
 */
import type { Provider } from "@solvekit/core"
import { BodyTooLarge, readBodyCapped } from "@solvekit/core/internal"
import type { RelayEndpoint } from "./Options.ts"
import { badRequest, type Refusal, refusal } from "./Responses.ts"

/** Default largest request body: room for base64 images. */
export const DEFAULT_MAX_BODY_BYTES = 2 * 1024 * 1024

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
    return refusal(404, "ERROR_RELAY_ENDPOINT_NOT_ALLOWED", `The relay does not forward ${endpoint || "/"}.`)
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

/** Reads the request's body, at most `maxBytes` of it, as a JSON object. */
export const readJsonBody = async (
  request: Request,
  maxBytes: number,
): Promise<Record<string, unknown> | Refusal> => {
  let text: string
  try {
    text = await readBodyCapped(request, maxBytes)
  } catch (cause) {
    if (cause instanceof BodyTooLarge) {
      return refusal(413, "ERROR_RELAY_BODY_TOO_LARGE", `The request body is over ${maxBytes} bytes.`)
    }
    throw cause
  }
  if (request.body === null) return badRequest("The request has no JSON body.")
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return badRequest("The request body is not JSON.")
  }
  return isRecord(parsed) ? parsed : badRequest("The request body must be a JSON object.")
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
