/**
 * The solve endpoint, `POST <relay>/solve`: the relay runs a task's whole lifecycle itself, with its own client
 * (the key never leaves the server), and streams the task's progress to the page as NDJSON, one JSON object a
 * line, each one of core's lifecycle events:
 *
 * - `{ "_tag": "Created", taskId, taskType, createdAt, ready, queries, elapsedMs }` once the provider created it;
 * - `{ "_tag": "Polled", taskId, taskType, status, queries, elapsedMs }` after each getTaskResult;
 * - then the last line: `{ "_tag": "Solved", ...Solved }` (core's `Solved`: `taskId`, `taskType`, `solution`,
 *   `queries`, `elapsedMs`, `solvedAt`, `cost`), or `{ "_tag": "Failed", taskId, taskType, queries, elapsedMs,
 *   error, errorCode, failure }`, where `failure` is the typed error's fields (`_tag`, `message`, and the
 *   class's own: `reason`, `errorCode`, `taskId`, `createdAt`, `queries`, ...).
 *
 * A body `{ task }` starts a task, admitted exactly as a createTask is (allow-lists, strict re-encoding, website
 * rules, limits, a pending slot). A body `{ taskId, createdAt?, queries? }` waits for a task the same client
 * owns (`Ownership.ts`), created by a solve or by a forwarded createTask. A refusal, before the stream starts,
 * is an HTTP status with the relay's usual body plus `error`: the typed error's fields (`InvalidTaskError` for
 * a task its type's schema refuses, `ApiError` with the relay's `errorCode` otherwise).
 *
 * The page leaving (the request aborted, the connection closed) interrupts the solve: no request is sent for
 * the task after it, and the task stays the client's, to resume. Every line is scrubbed of the key.
 *
 * @since 0.2.0
 */
import {
  ApiError,
  CapSolver,
  InvalidTaskError,
  isSolveKitError,
  type LifecycleEvent,
  type Solved,
  type SolveKitClient,
  taskIdOf,
} from "@solvekit/core"
import { scrubSecrets } from "@solvekit/core/internal"
import { type AdmissionParts, admitTask, type NotAdmitted } from "./Admission.ts"
import { echoed, MAX_DESCRIPTION_CHARS } from "./Echo.ts"
import type { RelayEvent } from "./Options.ts"
import type { Reservation, TaskOwnership } from "./Ownership.ts"
import { badRequest, type HeaderMap, InvalidTaskRefusal, Refusal } from "./Responses.ts"

/** What the solve endpoint needs of the relay. */
export interface SolveParts extends AdmissionParts {
  readonly ownership: TaskOwnership
  /** The relay's own client: the relay's key, provider, base URL and connection pool. */
  readonly solver: SolveKitClient
  /** The solve watching each task now: a newer one for the same task takes over. */
  readonly watching: Map<string, AbortController>
  readonly secrets: ReadonlyArray<string>
  readonly emit: (event: RelayEvent) => void
  readonly now: () => number
}

/** A solve about to run: how to start it, and what it is accounted by. */
interface Run {
  readonly clientId: string
  readonly at: number
  readonly taskType: string
  /** The task waited for, when resuming; a new task's id comes with its `Created` event. */
  readonly taskId: string | undefined
  readonly queries: number
  /** A new task's pending slot: the created task keeps it, anything else frees it. */
  readonly reservation: Reservation | undefined
  readonly start: (signal: AbortSignal, onEvent: (event: LifecycleEvent) => void) => Promise<Solved<unknown>>
}

const isFiniteNumber = (u: unknown): u is number => typeof u === "number" && Number.isFinite(u)

/**
 * The solve a body asks for: a new task (`{ task }`) or a wait for an owned one (`{ taskId, createdAt?,
 * queries? }`), or why neither. The relay resumes from the earlier `createdAt` and the larger `queries` of its
 * own record and the page's, so a page cannot stretch a task's window or budget by what it sends.
 */
const runOf = (
  parts: SolveParts,
  body: Record<string, unknown>,
  clientId: string,
  at: number,
): Run | NotAdmitted => {
  const { task, taskId: rawTaskId, createdAt, queries } = body
  if ((task === undefined) === (rawTaskId === undefined)) {
    return refused(
      badRequest("Send { task } to solve a new task, or { taskId } to wait for one this client created."),
    )
  }
  if (task !== undefined) {
    const admitted = admitTask(parts, body, clientId, at)
    if ("refused" in admitted) return admitted
    const { decoded, type } = admitted.checked
    // The request the relay's client validates and sends again: the checked fields, normalised websiteURL.
    const request = decoded.definition(decoded.fields)
    return {
      clientId,
      at,
      taskType: type,
      taskId: undefined,
      queries: 0,
      reservation: admitted.reservation,
      start: (signal, onEvent) => parts.solver.solve(request, { signal, onEvent }),
    }
  }
  if (createdAt !== undefined && !isFiniteNumber(createdAt)) {
    return refused(badRequest("createdAt must be a number (epoch milliseconds)."))
  }
  if (queries !== undefined && !(Number.isSafeInteger(queries) && (queries as number) >= 0)) {
    return refused(badRequest("queries must be a whole number, 0 or more."))
  }
  const owned = parts.ownership.check(rawTaskId, clientId, at)
  if (owned instanceof Refusal) return refused(owned)
  const record = parts.ownership.progressOf(owned.taskId)
  const from = {
    createdAt: Math.min(record?.createdAt ?? at, createdAt ?? Number.POSITIVE_INFINITY),
    queries: Math.max(record?.queries ?? 0, (queries as number | undefined) ?? 0),
  }
  return {
    clientId,
    at,
    taskType: "unknown",
    taskId: owned.taskId,
    queries: from.queries,
    reservation: undefined,
    start: (signal, onEvent) =>
      parts.solver.waitForResult(owned.taskId, {
        signal,
        onEvent,
        createdAt: from.createdAt,
        queriesUsed: from.queries,
      }),
  }
}

const refused = (failure: Refusal): NotAdmitted => ({ refused: failure, taskType: undefined })

const STREAM_HEADERS = {
  "content-type": "application/x-ndjson; charset=utf-8",
  // One client's task: no cache may keep it; and a buffering proxy (nginx) must pass each line on at once.
  "cache-control": "no-store",
  "x-accel-buffering": "no",
}

/**
 * Answers a solve request: the refusal to send, or the stream of the solve, which starts now and runs as
 * long as the page reads (or until the task's outcome).
 */
export const serveSolve = (
  parts: SolveParts,
  request: Request,
  cors: HeaderMap,
  body: Record<string, unknown>,
  clientId: string,
  at: number,
): Response | NotAdmitted => {
  const run = runOf(parts, body, clientId, at)
  if ("refused" in run) return run
  const controller = new AbortController()
  const stop = () => controller.abort()
  const encoder = new TextEncoder()
  const stream = new ReadableStream<Uint8Array>({
    start(output) {
      let open = true
      const write = (line: object) => {
        if (!open) return
        try {
          output.enqueue(encoder.encode(`${scrubSecrets(JSON.stringify(line), parts.secrets)}\n`))
        } catch {
          open = false
        }
      }
      if (request.signal.aborted) stop()
      request.signal.addEventListener("abort", stop, { once: true })
      void solve(parts, run, controller, write).finally(() => {
        request.signal.removeEventListener("abort", stop)
        if (!open) return
        open = false
        output.close()
      })
    },
    cancel: stop,
  })
  return new Response(stream, { status: 200, headers: { ...STREAM_HEADERS, ...cors } })
}

/** Runs the solve, writes its lines, and keeps ownership and the pending slot right whatever happens. */
const solve = async (
  parts: SolveParts,
  run: Run,
  controller: AbortController,
  write: (line: object) => void,
): Promise<void> => {
  let taskId = run.taskId
  let taskType = run.taskType
  let queries = run.queries
  const startedAt = parts.now()
  if (taskId !== undefined) watch(parts, taskId, controller)
  const onEvent = (event: LifecycleEvent) => {
    if (event._tag === "Created" && event.taskId !== undefined) {
      taskId = event.taskId
      run.reservation?.keep(event.taskId, run.at, !event.ready)
      watch(parts, event.taskId, controller)
    } else if (event._tag === "Polled" && event.taskId !== undefined) {
      parts.ownership.countQueries(event.taskId, event.queries)
    } else {
      return
    }
    taskType = event.taskType
    queries = event.queries
    write(event)
  }
  let outcome: string
  let errorCode: string | undefined
  try {
    const solved = await run.start(controller.signal, onEvent)
    parts.ownership.settle(solved.taskId)
    taskId = solved.taskId
    queries = solved.queries
    outcome = "solved"
    write({ _tag: "Solved", ...solved })
  } catch (error) {
    const failure = isSolveKitError(error) ? error : internalFailure()
    const named = taskIdOf(failure) ?? taskId
    // A failed or uncollectable task is finished; one cut off (abort, timeout, transport) may still be resumed.
    if (named !== undefined && FINISHING.has(failure._tag)) parts.ownership.settle(named)
    // No task id came back, but a createTask may have reached the provider: the slot stays taken.
    if (taskId === undefined && createTaskMayExist(failure)) run.reservation?.holdUnknown(run.at)
    taskId = named
    const fields = fieldsOf(failure)
    queries = typeof fields.queries === "number" ? fields.queries : queries
    // The error's count includes a query the abort cut off before its answer (no Polled event for it): a
    // resume must continue from it, or the task could be queried once past the provider's budget.
    if (named !== undefined) parts.ownership.countQueries(named, queries)
    outcome = failure._tag
    errorCode = failure._tag === "ApiError" ? failure.errorCode : undefined
    write({
      _tag: "Failed",
      taskType,
      taskId,
      queries,
      elapsedMs: parts.now() - startedAt,
      error: failure._tag,
      errorCode,
      failure: fields,
    })
  } finally {
    run.reservation?.release()
    if (taskId !== undefined && parts.watching.get(taskId) === controller) parts.watching.delete(taskId)
  }
  const scrub = (text: string) => scrubSecrets(text, parts.secrets)
  parts.emit({
    _tag: "SolveEnded",
    endpoint: "solve",
    clientId: run.clientId,
    taskType,
    taskId: taskId === undefined ? undefined : scrub(taskId),
    resumed: run.taskId !== undefined,
    status: 200,
    outcome,
    errorCode: errorCode === undefined ? undefined : scrub(errorCode),
    queries,
  })
}

/** The newest solve of a task watches it: an older one (another tab, a page reloaded) stops polling. */
const watch = (parts: SolveParts, taskId: string, controller: AbortController): void => {
  const previous = parts.watching.get(taskId)
  if (previous !== undefined && previous !== controller) previous.abort()
  parts.watching.set(taskId, controller)
}

/** Errors after which the task has no outcome left to collect. */
const FINISHING: ReadonlySet<string> = new Set(["ApiError", "PollBudgetExhaustedError", "TaskDeadlineError"])

const createTaskMayExist = (error: { readonly _tag: string }): boolean =>
  error._tag === "CreateTaskOutcomeUnknownError" ||
  (error as { readonly createTaskOutcome?: unknown }).createTaskOutcome === "unknown"

const internalFailure = () =>
  new ApiError({
    reason: "Unknown",
    errorCode: "ERROR_RELAY_INTERNAL",
    errorDescription: "The relay failed to run the solve.",
    httpStatus: 500,
    endpoint: "solve",
  })

/**
 * A solvekit error as the page rebuilds it: `_tag`, `message` and the class's fields. An `AbortedError`'s
 * `reason` (the server's own abort) is left out; a `cause` is the same for a solvekit error, else its name
 * and message.
 */
export const fieldsOf = (error: object): Record<string, unknown> => {
  const fields: Record<string, unknown> = { ...error, message: (error as Error).message }
  if (fields._tag === "AbortedError") delete fields.reason
  const cause = fields.cause
  if (cause !== undefined) {
    fields.cause = isSolveKitError(cause)
      ? fieldsOf(cause)
      : { name: (cause as Error)?.name ?? "Error", message: String((cause as Error)?.message ?? cause) }
  }
  return fields
}

/** The typed error a refusal of the solve endpoint stands for, as its body's `error` carries it. */
export const refusalError = (failure: Refusal): Record<string, unknown> => {
  const description = echoed(failure.errorDescription, MAX_DESCRIPTION_CHARS)
  if (failure instanceof InvalidTaskRefusal) {
    return fieldsOf(
      new InvalidTaskError({ taskType: failure.taskType, field: failure.field, issue: failure.issue }),
    )
  }
  const retryAfter = Number(failure.headers["retry-after"])
  return fieldsOf(
    new ApiError({
      // The relay's refusals are CapSolver-shaped whichever provider it serves.
      reason: CapSolver.classify(failure.errorCode),
      errorCode: failure.errorCode,
      errorDescription: description,
      httpStatus: failure.status,
      endpoint: "solve",
      ...(Number.isFinite(retryAfter) ? { retryAfterMs: retryAfter * 1000 } : {}),
    }),
  )
}
