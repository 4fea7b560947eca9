/**
 * The order a browser's request goes through: origin, endpoint, method, client, request limit, body, key,
 * allow-lists and task limits (or ownership, for a poll), the provider, and the answer passed on. Each check
 * runs before anything costlier, and every refusal is an event and a CapSolver-shaped answer. The solve
 * endpoint takes the same path up to the key, then its own (Solve.ts): the same admission or ownership check,
 * and the lifecycle run on the relay instead of one forwarded request.
 *
 * @since 0.1.0
 */
import { Provider } from "@solvekit/core"
import { scrubSecrets } from "@solvekit/core/internal"
import type { ConnectionInfo } from "../NodeHandler.ts"
import { admitTask } from "./Admission.ts"
import type { TaskCheck } from "./AllowLists.ts"
import { type AnswerReading, readAnswer } from "./Answers.ts"
import type { IdentityOf } from "./ClientIdentity.ts"
import type { RelayEndpoint, RelayEvent } from "./Options.ts"
import { polledTaskId, type Reservation, type TaskOwnership } from "./Ownership.ts"
import type { RateLimits } from "./RateLimits.ts"
import {
  type BodyLimits,
  clientKeyRefusal,
  endpointOf,
  readJsonBody,
  routeOf,
  SOLVE_ENDPOINT,
} from "./Requests.ts"
import {
  type HeaderMap,
  originRefusal,
  passedThrough,
  preflightResponse,
  Refusal,
  refusal,
  refusalResponse,
} from "./Responses.ts"
import { refusalError, type SolveParts, serveSolve } from "./Solve.ts"
import { isOutcomeUnknown, outcomeUnknown, type Upstream, type UpstreamAnswer } from "./Upstream.ts"

/** What one relay's requests share, built once by `createRelay`. */
export interface RelayParts extends SolveParts {
  readonly provider: Provider.Provider
  readonly upstream: Upstream
  readonly checkTask: TaskCheck
  readonly limits: RateLimits
  readonly ownership: TaskOwnership
  readonly corsFor: (origin: string | null) => HeaderMap | undefined
  /** Who is asking, or why the relay cannot tell (see ClientIdentity.ts). */
  readonly clientIdOf: IdentityOf
  readonly emit: (event: RelayEvent) => void
  readonly now: () => number
  /** Drops expired counters and ownership, at most once a minute. */
  readonly sweep: (at: number) => void
  /** How much of a body is read, and for how long. */
  readonly bodyLimits: BodyLimits
  /** Refuses a cross-site simple request when no `allowOrigins` is set (see CrossSite.ts). */
  readonly crossSite: (request: Request) => Refusal | undefined
}

/** One request as its events and answers name it. */
interface Exchange {
  readonly endpoint: string
  /** "anonymous" until the request passed the checks that need no client (origin, endpoint, method). */
  clientId: string
  readonly cors: HeaderMap
}

/** A request on its way upstream, with what its answer is tracked by. */
interface Sent {
  readonly endpoint: RelayEndpoint
  readonly body: Record<string, unknown>
  readonly taskType: string | undefined
  readonly at: number
  /** A task request's pending slot: the created task keeps it, anything else frees it. */
  readonly reservation: Reservation | undefined
}

/** The payload to forward, or why not; with the task type, for the events. */
type Prepared =
  | {
      readonly payload: Record<string, unknown>
      readonly taskType?: string | undefined
      readonly reservation?: Reservation | undefined
    }
  | { readonly refused: Refusal; readonly taskType?: string | undefined }

/** Handles one request; never throws (a failure of the relay itself is a 500 that echoes nothing). */
export const handleRequest = async (
  parts: RelayParts,
  request: Request,
  info: ConnectionInfo,
): Promise<Response> => {
  const cors = parts.corsFor(request.headers.get("origin"))
  const exchange: Exchange = { endpoint: endpointOf(request), clientId: "anonymous", cors: cors ?? {} }
  try {
    if (cors === undefined) return refuse(parts, exchange, originRefusal())
    return await serve(parts, request, info, exchange)
  } catch {
    // Nothing from the failure is echoed: it could mention the upstream request.
    return refuse(
      parts,
      exchange,
      refusal(500, "ERROR_RELAY_INTERNAL", "The relay failed to handle the request."),
    )
  }
}

const serve = async (
  parts: RelayParts,
  request: Request,
  info: ConnectionInfo,
  exchange: Exchange,
): Promise<Response> => {
  if (request.method === "OPTIONS") return preflightResponse(request, exchange.cors)
  const route =
    exchange.endpoint === SOLVE_ENDPOINT ? SOLVE_ROUTE : routeOf(exchange.endpoint, parts.provider)
  if (route instanceof Refusal) return refuse(parts, exchange, route)
  if (request.method !== "POST")
    return refuse(parts, exchange, refusal(405, "ERROR_RELAY_BAD_REQUEST", "Use POST."))
  const crossSite = parts.crossSite(request)
  if (crossSite !== undefined) return refuse(parts, exchange, crossSite)
  const identity = await parts.clientIdOf(request, info)
  if (identity instanceof Refusal) return refuse(parts, exchange, identity)
  exchange.clientId = identity
  const at = parts.now()
  parts.sweep(at)
  const overLimit = parts.limits.admitRequest(exchange.clientId, at)
  if (overLimit !== undefined) return refuse(parts, exchange, overLimit)
  const body = await readJsonBody(request, route.endpoint, parts.bodyLimits)
  if (body instanceof Refusal) return refuse(parts, exchange, body)
  const keySent = clientKeyRefusal(body)
  if (keySent !== undefined) return refuse(parts, exchange, keySent)
  if (route.endpoint === SOLVE_ENDPOINT) {
    const solving = serveSolve(parts, request, exchange.cors, body, exchange.clientId, at)
    return solving instanceof Response ? solving : refuse(parts, exchange, solving.refused, solving.taskType)
  }

  const prepared = prepare(parts, route.endpoint, body, exchange.clientId, at)
  if ("refused" in prepared) return refuse(parts, exchange, prepared.refused, prepared.taskType)
  const { reservation, taskType } = prepared
  try {
    const answer = await parts.upstream.forward(route.endpoint, route.path, prepared.payload, request.signal)
    if (answer instanceof Refusal) {
      if (isOutcomeUnknown(answer)) reservation?.holdUnknown(at)
      return refuse(parts, exchange, answer, taskType)
    }
    return passOn(parts, exchange, { endpoint: route.endpoint, body, taskType, at, reservation }, answer)
  } finally {
    // Whatever happened, a slot the created task did not keep is free again.
    reservation?.release()
  }
}

const refuse = (parts: RelayParts, exchange: Exchange, failure: Refusal, taskType?: string): Response => {
  parts.emit({
    _tag: "Refused",
    endpoint: exchange.endpoint,
    clientId: exchange.clientId,
    status: failure.status,
    errorCode: failure.errorCode,
    taskType,
  })
  // The solve endpoint's page reads the typed error its refusal stands for.
  return exchange.endpoint === SOLVE_ENDPOINT
    ? refusalResponse(failure, exchange.cors, { error: refusalError(failure) })
    : refusalResponse(failure, exchange.cors)
}

/** The solve endpoint's route: run by the relay, not forwarded. */
const SOLVE_ROUTE = { endpoint: SOLVE_ENDPOINT } as const

const prepare = (
  parts: RelayParts,
  endpoint: RelayEndpoint,
  body: Record<string, unknown>,
  clientId: string,
  at: number,
): Prepared => {
  if (endpoint === "createTask" || endpoint === "getToken") return prepareTask(parts, body, clientId, at)
  const owned = parts.ownership.check(body.taskId, clientId, at)
  if (owned instanceof Refusal) return { refused: owned }
  // Counted as sent: a solve that resumes the task later continues its budget from here.
  if (endpoint === "getTaskResult") parts.ownership.countQueries(owned.taskId)
  // The id goes upstream as the browser sent it: other providers want their numeric ids back as numbers.
  return {
    payload:
      endpoint === "feedbackTask" ? { taskId: body.taskId, result: body.result } : { taskId: body.taskId },
  }
}

/** A task admitted (see Admission.ts) is forwarded as it was checked. */
const prepareTask = (
  parts: RelayParts,
  body: Record<string, unknown>,
  clientId: string,
  at: number,
): Prepared => {
  const admitted = admitTask(parts, body, clientId, at)
  if ("refused" in admitted) return admitted
  const { checked, reservation } = admitted
  return {
    // The developer id under the provider's field: CapSolver's `appId` string or an integer `softId`.
    payload: { task: checked.task, ...Provider.developerIdEntry(parts.provider, parts.upstream.appId) },
    taskType: checked.type,
    reservation,
  }
}

/** Tracks what the answer says about the task, reports it, and passes it to the browser without the key. */
const passOn = (parts: RelayParts, exchange: Exchange, sent: Sent, answer: UpstreamAnswer): Response => {
  const reading = readAnswer(sent.endpoint, answer, parts.provider, parts.upstream.secrets)
  // A task answer that does not say whether the task exists is not passed on: the browser must not resend.
  if (reading.outcomeUnknown) {
    sent.reservation?.holdUnknown(sent.at)
    return refuse(parts, exchange, outcomeUnknown(), sent.taskType)
  }
  const polled = polledTaskId(sent.body.taskId)
  track(parts.ownership, sent, reading, polled)
  const scrub = (text: string) => scrubSecrets(text, parts.upstream.secrets)
  parts.emit({
    _tag: "Forwarded",
    endpoint: sent.endpoint,
    clientId: exchange.clientId,
    taskType: sent.taskType,
    taskId: reading.taskId === undefined ? polled : scrub(reading.taskId),
    status: answer.status,
    // Already scrubbed by core's decoder: an errorCode may echo the request, key included.
    errorCode: reading.errorCode,
  })
  return passedThrough(answer, scrub(answer.text), exchange.cors)
}

/** A created task becomes the client's; a poll that finds it finished stops it counting as pending. */
const track = (
  ownership: TaskOwnership,
  sent: Sent,
  reading: AnswerReading,
  polled: string | undefined,
): void => {
  const created = reading.task === "running" || reading.task === "solved"
  if (sent.endpoint === "createTask" && created && reading.taskId !== undefined) {
    sent.reservation?.keep(reading.taskId, sent.at, reading.task === "running")
  }
  const finished = reading.task === "solved" || reading.task === "error"
  if (sent.endpoint === "getTaskResult" && finished && polled !== undefined) ownership.settle(polled)
}
