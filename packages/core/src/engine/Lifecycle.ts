/**
 * The task lifecycle: createTask → (answered already? done) → poll getTaskResult on the policy's cadence
 * (`PollPolicy`; `Policy.fromSchedule` turns any Effect `Schedule` into one) → decode.
 *
 * Guarantees enforced here by construction, whatever the polling policy or retry settings say:
 * - every getTaskResult attempt (retries included) passes one gate that counts it against the provider's
 *   per-task budget (CapSolver: 120) and refuses to start it after `createdAt + window - margin`, where
 *   `createdAt` is the instant createTask was *sent*;
 * - no wait (the policy's, a retry's backoff) may end past that deadline, so an exhausted task fails at once
 *   instead of idling;
 * - polling stops at the first outcome (ready, or a non-transient error): no query after the outcome;
 * - createTask is re-sent only when the server certainly created nothing (a transient error answer, HTTP
 *   429/503, a connection refused before sending); any other failure after sending is a
 *   `CreateTaskOutcomeUnknownError`, because a duplicate is a second paid task.
 *
 * Time is read through `Clock` and slept through `Effect.sleep`, randomness (jitter) through `Random`, HTTP
 * through `Transport`: no runtime globals, and TestClock drives every branch.
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import type * as Semaphore from "effect/Semaphore"
import type * as Tracer from "effect/Tracer"
import {
  ApiError,
  ConfigurationError,
  CreateTaskOutcomeUnknownError,
  DecodeError,
  excerptOf,
  type FeedbackError,
  InvalidTaskError,
  PollBudgetExhaustedError,
  type RequestError,
  scrubSecrets,
  TaskDeadlineError,
  type TaskProgress,
  TaskTimeoutError,
  type TransportError,
  withTaskId,
  withTaskProgress,
} from "../domain/Errors.ts"
import { planReport } from "../domain/Feedback.ts"
import type { CreatedTask, SolveCost, Solved } from "../domain/Outcome.ts"
import { APP_ID_FIELD, developerIdEntry, type ProviderEndpoints } from "../domain/Provider.ts"
import * as Protocol from "../wire/Protocol.ts"
import { encodeIssue, requestTimedOut, type Transport, type TransportResponse } from "../wire/Transport.ts"
import type { ClientConfigShape } from "./ClientConfig.ts"
import { type EventListener, type LifecycleEvent, notifyListeners } from "./Events.ts"
import * as Policy from "./Policy.ts"

// ===== Types =====

/** What the lifecycle needs to know about a task, independent of the catalogue's representation. */
export interface TaskCodec<S> {
  readonly taskType: string
  readonly kind: "token" | "recognition" | "unknown"
  /** The wire task `{ type, ...fields }`, or the first validation issue. */
  readonly validate: () => Result.Result<
    Protocol.WireTask,
    { readonly field: string; readonly message: string }
  >
  /** The typed solution, or the first decoding issue. */
  readonly decodeSolution: (
    raw: unknown,
  ) => Result.Result<S, { readonly field?: string; readonly message: string }>
}

/** A codec for tasks known only by id: the solution is returned as sent. */
export const rawCodec = (taskType: string): TaskCodec<Record<string, unknown>> => ({
  taskType,
  kind: "unknown",
  validate: () => Result.fail({ field: "type", message: "a resumed task cannot be re-created" }),
  decodeSolution: (raw) =>
    typeof raw === "object" && raw !== null && !Array.isArray(raw)
      ? Result.succeed(raw as Record<string, unknown>)
      : Result.fail({ message: "solution is not an object" }),
})

/** A solved task. */
export type { CreatedTask, SolveCost, Solved } from "../domain/Outcome.ts"

/** Per-call options shared by every lifecycle call. */
export interface CallOptions {
  /** Overall timeout of the call (default: the client's `timeout`, if any). */
  readonly timeout?: Duration.Input | undefined
  /** Polling cadence for this call (default: the client's policy). */
  readonly policy?: Policy.PollPolicy | undefined
  /** Lifecycle events of this call (in addition to the client-level listener). */
  readonly onEvent?: EventListener | undefined
}

export type SolveOptions = CallOptions

export interface WaitOptions extends CallOptions {
  /** When the task was created (epoch ms, from `CreatedTask.createdAt`). Default: now, which is optimistic. */
  readonly createdAt?: number | undefined
  /** Queries already spent on this task by an earlier waiter. Default 0. */
  readonly queriesUsed?: number | undefined
}

/** The client-wide services the lifecycle runs on. */
export interface LifecycleEnv {
  readonly config: ClientConfigShape
  readonly transport: Transport["Service"]
  /** Client-level cap on requests in flight. */
  readonly permits: Semaphore.Semaphore
  /** Delivers an event to the client-level listener and stream. */
  readonly publish: (event: LifecycleEvent) => Effect.Effect<void>
}

// ===== Metrics =====

export const queriesTotal = /*#__PURE__*/ Metric.counter("solvekit_queries_total", {
  description: "getTaskResult queries sent (retries included)",
  incremental: true,
})
export const requestsTotal = /*#__PURE__*/ Metric.counter("solvekit_requests_total", {
  description: "HTTP requests sent, by endpoint",
  incremental: true,
})
export const solvesTotal = /*#__PURE__*/ Metric.counter("solvekit_solves_total", {
  description: "solves finished, by outcome",
  incremental: true,
})
// The labelled counters are built once: a metric caches its series key, so a fresh `withAttributes` per
// request or per solve recomputes that key every time.
const countSolved = /*#__PURE__*/ Metric.update(
  /*#__PURE__*/ Metric.withAttributes(solvesTotal, { outcome: "solved" }),
  1,
)
const countFailed = /*#__PURE__*/ Metric.update(
  /*#__PURE__*/ Metric.withAttributes(solvesTotal, { outcome: "failed" }),
  1,
)
const requestCounts = new Map<string, Effect.Effect<void>>()
const countRequest = (endpoint: string): Effect.Effect<void> => {
  let count = requestCounts.get(endpoint)
  if (count === undefined) {
    count = Metric.update(Metric.withAttributes(requestsTotal, { endpoint }), 1)
    requestCounts.set(endpoint, count)
  }
  return count
}
/**
 * What solves cost, summed as the provider reported it (2Captcha, Anti-Captcha: `Solved.cost`), by currency.
 * Solves whose provider reports no cost add nothing.
 */
export const costTotal = /*#__PURE__*/ Metric.counter("solvekit_cost_total", {
  description: "what solved tasks cost, as reported by the provider, by currency",
  incremental: true,
})
const costInUsd = /*#__PURE__*/ Metric.withAttributes(costTotal, { currency: "USD" })
const countCost = (cost: SolveCost | undefined): Effect.Effect<void> =>
  cost === undefined || cost.amount <= 0 ? Effect.void : Metric.update(costInUsd, cost.amount)
export const errorsTotal = /*#__PURE__*/ Metric.counter("solvekit_errors_total", {
  description: "failed calls, by error tag and provider code",
  incremental: true,
})

// ===== Requests =====

/** An endpoint of `ProviderEndpoints` (its path read there), or a path as is (a provider's report endpoints). */
type EndpointName = keyof ProviderEndpoints | (string & {})

/**
 * Spans without a captured call site: the trace is a `new Error()` per span (CPU and memory on every request),
 * and the span names already say where they come from. Passed as `withSpan`'s third argument: Effect 4.1
 * ignores `captureStackTrace` in the span options of the pipeable form.
 */
const NO_STACK = { captureStackTrace: false } as const

const secretsOf = (env: LifecycleEnv): ReadonlyArray<string> => [Redacted.value(env.config.apiKey)]

/** One HTTP request: under the client's concurrency permit, bounded in time, in a `solvekit.request` span. */
const send = (
  env: LifecycleEnv,
  endpoint: EndpointName,
  body: Record<string, unknown>,
  taskId?: string,
  timeoutMs: number = env.config.retry.requestTimeoutMs,
  parent?: Tracer.AnySpan,
): Effect.Effect<TransportResponse, TransportError> => {
  const path = env.config.provider.endpoints[endpoint as keyof ProviderEndpoints] ?? endpoint
  // The timeout starts once the permit is held: waiting for a slot is not a request that may have been sent.
  const bound = Math.max(0, timeoutMs)
  const posted = env.transport.post(path, body, { timeoutMs: bound })
  const request = Effect.andThen(
    countRequest(endpoint),
    // A transport that bounds its own requests (KyTransport: a timer on the fetch) spares each request a
    // race of two fibers against a sleep.
    env.transport.enforcesTimeout === true
      ? posted
      : Effect.timeoutOrElse(posted, {
          duration: Duration.millis(bound),
          orElse: () => Effect.fail(requestTimedOut(endpoint, bound, taskId)),
        }),
  )
  return env.permits.withPermit(request).pipe(
    Effect.withSpan(
      "solvekit.request",
      {
        attributes:
          taskId === undefined
            ? { "solvekit.endpoint": endpoint }
            : { "solvekit.endpoint": endpoint, "solvekit.task.id": taskId },
        ...(parent === undefined ? {} : { parent }),
      },
      NO_STACK,
    ),
  )
}

const fromResult = <A, E>(result: Result.Result<A, E>): Effect.Effect<A, E> =>
  Result.isSuccess(result) ? Effect.succeed(result.success) : Effect.fail(result.failure)

/** Transient for an idempotent call: a retry with backoff can fix it. */
export const isTransient = (env: LifecycleEnv, error: unknown): error is RequestError => {
  if (typeof error !== "object" || error === null) return false
  const e = error as RequestError
  switch (e._tag) {
    case "TransportError":
      return (
        e.kind === "Network" ||
        (e.kind === "HttpStatus" && (e.httpStatus === 429 || (e.httpStatus ?? 0) >= 500))
      )
    case "ApiError":
      return (
        env.config.provider.isTransient(e.errorCode) ||
        (e.errorCode === "" && (e.reason === "RateLimited" || e.reason === "ServiceUnavailable"))
      )
    default:
      return false
  }
}

/** createTask may be re-sent only when the server certainly created nothing. */
export const createTaskMayRetry = (env: LifecycleEnv, error: RequestError): boolean => {
  switch (error._tag) {
    case "ApiError":
      return isTransient(env, error)
    case "TransportError":
      return (
        error.requestSent === false ||
        (error.kind === "HttpStatus" && (error.httpStatus === 429 || error.httpStatus === 503))
      )
    case "DecodeError":
      return false
  }
}

/** createTask was sent and its answer lost or unreadable: the task may exist. */
const createTaskOutcomeUnknown = (error: RequestError): error is TransportError | DecodeError => {
  switch (error._tag) {
    case "ApiError":
      return false
    case "DecodeError":
      return true
    case "TransportError":
      if (error.requestSent === false) return false
      return error.kind !== "HttpStatus" || (error.httpStatus ?? 0) >= 500
  }
}

/** Consecutive unreadable getTaskResult answers retried before the DecodeError surfaces. */
const MAX_DECODE_RETRIES = 2

/** getToken blocks until the task is solved (server-side limit 120 s): give it room. */
const GET_TOKEN_MIN_TIMEOUT_MS = 150_000

/** Largest Retry-After honoured by a retry; a longer one surfaces the error instead of waiting silently. */
const MAX_RETRY_AFTER_MS = 60_000

/**
 * Backoff with ×[0.8, 1.2] jitter, raised to the server's Retry-After when it asks for longer, and to the
 * provider's advised pause after a busy code (`Provider.busyBackoffMs`, e.g. 2Captcha's 5 s after
 * ERROR_NO_SLOT_AVAILABLE) when it advises longer.
 */
const retryDelayMs = (env: LifecycleEnv, attempt: number, error: RequestError) =>
  Effect.map(Random.nextBetween(0.8, 1.2), (jitter) =>
    Math.max(
      Math.round(Policy.backoffMs(env.config.retry, attempt) * jitter),
      retryAfterOf(error) ?? 0,
      busyBackoffOf(env, error),
    ),
  )

/** The provider's advised minimum wait after this error's code; 0 when it advises none. */
const busyBackoffOf = (env: LifecycleEnv, error: RequestError): number => {
  const advice = env.config.provider.busyBackoffMs
  if (advice === undefined || error._tag !== "ApiError") return 0
  return advice[error.errorCode.trim().toUpperCase()] ?? 0
}

const retryAfterOf = (error: RequestError): number | undefined =>
  error._tag === "DecodeError" ? undefined : error.retryAfterMs

/** Retries transient failures of an idempotent call (getBalance, feedbackTask) a bounded number of times. */
const retryIdempotent = <A>(
  env: LifecycleEnv,
  call: Effect.Effect<A, RequestError>,
): Effect.Effect<A, RequestError> =>
  call.pipe(
    Effect.retry(
      Schedule.fromStepWithMetadata(
        Effect.succeed((meta: Schedule.InputMetadata<RequestError>) =>
          Effect.gen(function* () {
            const error = meta.input
            const retryAfter = retryAfterOf(error) ?? 0
            if (
              !isTransient(env, error) ||
              meta.attempt > env.config.retry.maxRetries ||
              retryAfter > MAX_RETRY_AFTER_MS
            ) {
              return yield* Effect.fail(error)
            }
            const delay = yield* retryDelayMs(env, meta.attempt, error)
            return [error, Duration.millis(delay)] as [RequestError, Duration.Duration]
          }),
        ),
      ),
    ),
  )

// ===== Events =====

/** Delivers an event to the client-level listeners, then to the call's own. */
const publishEvent = (env: LifecycleEnv, local: EventListener | undefined, event: LifecycleEvent) =>
  Effect.andThen(
    env.publish(event),
    Effect.sync(() => notifyListeners(local, event)),
  )

const errorCodeOf = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && (error as { _tag?: unknown })._tag === "ApiError"
    ? (error as ApiError).errorCode
    : undefined

const recordFailure = (error: { readonly _tag: string }) =>
  Metric.update(
    Metric.withAttributes(errorsTotal, { error: error._tag, code: errorCodeOf(error) ?? error._tag }),
    1,
  )

// ===== createTask =====

/** Progress shared with the caller's wrappers (timeout, events) while the call runs. */
interface Progress {
  taskId: string | undefined
  queries: number
  /** Clock time (epoch ms) at which the task's createTask was sent, once known. */
  createdAt: number | undefined
  /** A createTask (or getToken) request may have reached the provider: a task may exist without a taskId. */
  createTaskSent: boolean
  /**
   * The call's span, parent of its request spans. Passed here rather than provided as the context's parent
   * span: every waiting call would hold its own copy of the changed context.
   */
  readonly span?: Tracer.AnySpan | undefined
}

/** Where a caller outside the lifecycle (the Promise face) watches a call's createTask. */
export interface CreateProbe {
  createTaskSent: boolean
  /** The polling call's live progress, so an abort mid-request still reports every query it spent. */
  progress?: TaskProgress | undefined
}

/**
 * Lets the Promise face learn that an aborted call had a createTask in flight, so its `AbortedError` can say
 * the task may exist (`createTaskOutcome: "unknown"`). An interruption carries no data of its own. Internal.
 */
export const CreateProbe = /*#__PURE__*/ Context.Reference<CreateProbe | undefined>(
  "@solvekit/core/Lifecycle/CreateProbe",
  { defaultValue: () => undefined },
)

/**
 * A request body: the key (omitted entirely by a keyless client, whose relay adds it), the developer id under
 * the provider's field (`Provider.developerId`), the fields. CapSolver's `appId` goes with every request, as
 * always; an integer `softId` only with createTask (and getToken), where its providers document it.
 */
const bodyFor = (
  env: LifecycleEnv,
  extra: Record<string, unknown>,
  creates = false,
): Record<string, unknown> => {
  const { provider, appId } = env.config
  const sendsId = creates || (provider.developerId ?? APP_ID_FIELD).field === "appId"
  return {
    ...(env.config.keyless ? {} : { clientKey: env.config.apiKey }),
    ...(sendsId ? developerIdEntry(provider, appId) : {}),
    ...extra,
  }
}

/** The wire task for this provider, or an `InvalidTaskError` before any request. */
const wireTaskOf = <S>(env: LifecycleEnv, codec: TaskCodec<S>) => {
  const validated = codec.validate()
  if (Result.isFailure(validated)) {
    return Effect.fail(
      new InvalidTaskError({
        taskType: codec.taskType,
        field: validated.failure.field,
        issue: validated.failure.message,
      }),
    )
  }
  const wire = validated.success
  // A task JSON cannot carry (BigInt, cycle, throwing toJSON, absurd nesting) is refused here, before the
  // transport: failing there would look like a createTask of unknown outcome although nothing left.
  const unsendable = encodeIssue(wire)
  if (unsendable !== undefined) {
    return Effect.fail(new InvalidTaskError({ taskType: codec.taskType, field: "", issue: unsendable }))
  }
  const { provider } = env.config
  const named: Protocol.WireTask = { ...wire, type: provider.taskTypeName(wire.type) }
  if (provider.adaptTask === undefined) return Effect.succeed(named)
  // The provider's own wire form (its proxy fields, say), still before any request.
  const adapted = provider.adaptTask(named)
  return Result.isSuccess(adapted)
    ? Effect.succeed(adapted.success)
    : Effect.fail(
        new InvalidTaskError({
          taskType: codec.taskType,
          field: adapted.failure.field,
          issue: adapted.failure.message,
        }),
      )
}

const decodeSolutionOf = <S>(
  env: LifecycleEnv,
  codec: TaskCodec<S>,
  endpoint: "createTask" | "getTaskResult" | "getToken",
  taskId: string,
  raw: Record<string, unknown>,
): Effect.Effect<S, DecodeError> => {
  // The provider's documented answer in the catalogue's shape (Anti-Captcha's Amazon `token` as `cookie`, ...),
  // its own fields kept: `Provider.adaptSolution`, issue 15.
  const adapt = env.config.provider.adaptSolution
  const decoded = codec.decodeSolution(adapt === undefined ? raw : adapt(codec.taskType, raw))
  if (Result.isSuccess(decoded)) return Effect.succeed(decoded.success)
  const field =
    decoded.failure.field === undefined || decoded.failure.field === "" ? "" : ` at ${decoded.failure.field}`
  let excerpt: string
  try {
    // Scrubbed before cutting: a server that echoes the request puts the key in the solution.
    excerpt = excerptOf(scrubSecrets(JSON.stringify(raw) ?? "", secretsOf(env)))
  } catch {
    excerpt = "(unserialisable solution)"
  }
  return Effect.fail(
    new DecodeError({
      endpoint,
      excerpt,
      // Bounded and detached: the field path comes from the answer's keys, which a server chooses.
      issue: excerptOf(
        scrubSecrets(
          `solution does not match ${codec.taskType}${field}: ${decoded.failure.message}`,
          secretsOf(env),
        ),
      ),
      taskId,
    }),
  )
}

/**
 * Sends createTask (or getToken), re-sending only when the server certainly created nothing.
 * Returns the raw answer and the instant the successful attempt was sent.
 */
const sendCreate = (
  env: LifecycleEnv,
  endpoint: "createTask" | "getToken",
  taskType: string,
  body: Record<string, unknown>,
  progress: Progress | undefined,
): Effect.Effect<
  { readonly state: Protocol.TaskState; readonly sentAt: number },
  RequestError | CreateTaskOutcomeUnknownError
> =>
  Effect.gen(function* () {
    const ctx = { endpoint, provider: env.config.provider, secrets: secretsOf(env) }
    const probe = yield* CreateProbe
    const markSent = (sent: boolean) => {
      if (progress !== undefined) progress.createTaskSent = sent
      if (probe !== undefined) probe.createTaskSent = sent
    }
    // Marked when the transport is called (not while waiting for a permit): from then on it may have left.
    const sendEnv: LifecycleEnv = {
      ...env,
      transport: {
        post: (path, payload, options) =>
          Effect.andThen(
            Effect.sync(() => markSent(true)),
            env.transport.post(path, payload, options),
          ),
        enforcesTimeout: env.transport.enforcesTimeout,
      },
    }
    for (let attempt = 1; ; attempt++) {
      const sentAt = yield* Clock.currentTimeMillis
      const timeoutMs =
        endpoint === "getToken"
          ? Math.max(env.config.retry.requestTimeoutMs, GET_TOKEN_MIN_TIMEOUT_MS)
          : env.config.retry.requestTimeoutMs
      const outcome = yield* send(sendEnv, endpoint, body, undefined, timeoutMs, progress?.span).pipe(
        Effect.flatMap((response) => fromResult(Protocol.interpretTaskAnswer(ctx, response))),
        Effect.result,
      )
      if (Result.isSuccess(outcome)) return { state: outcome.success, sentAt }
      const error = outcome.failure
      const retryAfter = retryAfterOf(error) ?? 0
      if (
        createTaskMayRetry(env, error) &&
        attempt <= env.config.retry.createTaskMaxRetries &&
        retryAfter <= MAX_RETRY_AFTER_MS
      ) {
        markSent(false) // the server certainly created nothing
        yield* Effect.sleep(Duration.millis(yield* retryDelayMs(env, attempt, error)))
        continue
      }
      if (createTaskOutcomeUnknown(error))
        return yield* new CreateTaskOutcomeUnknownError({ taskType, cause: error, taskId: error.taskId })
      return yield* Effect.fail(error)
    }
  })

/** createTask: validated, sent once (or re-sent only when nothing was created), answered. */
export const createTask = <S>(
  env: LifecycleEnv,
  codec: TaskCodec<S>,
  endpoint: "createTask" | "getToken" = "createTask",
  progress?: Progress,
) =>
  Effect.gen(function* () {
    const task = yield* wireTaskOf(env, codec)
    const { state, sentAt } = yield* sendCreate(
      env,
      endpoint,
      codec.taskType,
      bodyFor(env, { task }, true),
      progress,
    )
    if (state.taskId === undefined && state._tag === "Pending") {
      // The task was accepted but we cannot name it: we can neither collect it nor safely re-send it.
      const cause = new DecodeError({
        endpoint,
        excerpt: "",
        issue: `${endpoint} answered without a taskId`,
      })
      return yield* new CreateTaskOutcomeUnknownError({ taskType: codec.taskType, cause })
    }
    const taskId = state.taskId ?? ""
    if (state._tag === "Ready") {
      const solution = yield* decodeSolutionOf(env, codec, endpoint, taskId, state.solution)
      const created: CreatedTask<S> = {
        taskId,
        taskType: codec.taskType,
        createdAt: sentAt,
        solution,
        ...(state.cost === undefined ? {} : { cost: state.cost }),
      }
      return created
    }
    const created: CreatedTask<S> = { taskId, taskType: codec.taskType, createdAt: sentAt }
    return created
  })

// ===== Polling =====

interface PollParams<S> {
  readonly codec: TaskCodec<S>
  readonly taskId: string
  readonly createdAt: number
  readonly queriesUsed: number
  readonly policy: Policy.PollPolicy
  readonly progress: Progress
  readonly emit: (event: LifecycleEvent) => Effect.Effect<void>
}

type LimitError = PollBudgetExhaustedError | TaskDeadlineError

/**
 * One task's polling state. Thousands of tasks may wait at once, so the helpers are methods on one object
 * rather than a closure each, and the effects they return are built when used, not held while waiting.
 */
class PollRun<S> {
  readonly env: LifecycleEnv
  readonly params: PollParams<S>
  /** No query starts at or after this instant (window − safety margin). */
  readonly deadline: number
  lastPendingMs: number | undefined = undefined

  constructor(env: LifecycleEnv, params: PollParams<S>) {
    const { limits } = env.config.provider
    this.env = env
    this.params = params
    this.deadline = params.createdAt + limits.resultWindowMs - limits.safetyMarginMs
  }

  budgetError(cause?: unknown): PollBudgetExhaustedError {
    return new PollBudgetExhaustedError({
      taskId: this.params.taskId,
      queries: this.params.progress.queries,
      limit: this.env.config.provider.limits.maxQueriesPerTask,
      cause,
    })
  }

  /** Refuses a wait of `delayMs` that would leave no query possible before the deadline. */
  ensureRoom(now: number, delayMs: number, cause?: unknown): LimitError | undefined {
    const { limits } = this.env.config.provider
    if (this.params.progress.queries >= limits.maxQueriesPerTask) return this.budgetError(cause)
    if (now + delayMs >= this.deadline) {
      return new TaskDeadlineError({
        taskId: this.params.taskId,
        elapsedMs: now - this.params.createdAt,
        windowMs: limits.resultWindowMs,
        cause,
      })
    }
    return undefined
  }

  /** One getTaskResult request; the answer interpreted. */
  request(now: number): Effect.Effect<Protocol.TaskState, RequestError> {
    const { env, params } = this
    const { provider } = env.config
    const taskId = params.taskId
    const ctx = { endpoint: "getTaskResult", provider, taskId, secrets: secretsOf(env) } as const
    return send(
      env,
      "getTaskResult",
      bodyFor(env, { taskId: Protocol.wireTaskId(provider, taskId) }),
      taskId,
      // A request never outlives the result window: past it, the answer could only be "expired".
      Math.min(env.config.retry.requestTimeoutMs, params.createdAt + provider.limits.resultWindowMs - now),
      params.progress.span,
    ).pipe(
      Effect.mapError((e) => withTaskId(e, taskId)),
      Effect.flatMap((response) => fromResult(Protocol.interpretTaskAnswer(ctx, response))),
    )
  }

  /** The policy's next delay, vetoed by the limits. */
  nextDelay(lastStatus: "created" | "idle" | "processing"): Effect.Effect<number, LimitError> {
    return Effect.gen(() => nextDelayOf(this, lastStatus))
  }

  observe(outcome: "ready" | "failed"): Effect.Effect<void> {
    return Effect.flatMap(Clock.currentTimeMillis, (now) =>
      this.params.policy.observe({
        taskType: this.params.codec.taskType,
        solveMs: now - this.params.createdAt,
        lastPendingMs: this.lastPendingMs,
        queries: this.params.progress.queries,
        outcome,
      }),
    )
  }
}

function* nextDelayOf<S>(run: PollRun<S>, lastStatus: "created" | "idle" | "processing") {
  const { params } = run
  const { provider } = run.env.config
  const now = yield* Clock.currentTimeMillis
  const chosen = yield* params.policy.nextDelay({
    taskType: params.codec.taskType,
    kind: params.codec.kind,
    attempt: params.progress.queries,
    elapsedMs: now - params.createdAt,
    lastStatus,
    limits: provider.limits,
    advice: provider.polling,
  })
  // NaN or negative means "now"; Infinity means "never", which the deadline check turns into a failure.
  const chosenMs = Duration.toMillis(chosen)
  const delayMs = Math.max(Number.isNaN(chosenMs) ? 0 : chosenMs, provider.limits.minQueryGapMs ?? 0, 0)
  const refused = run.ensureRoom(now, delayMs)
  if (refused !== undefined) return yield* Effect.fail(refused)
  return delayMs
}

/**
 * One query: every attempt passes the gate (counts the query, refuses it past the budget or the deadline);
 * transient failures are retried with backoff inside the budget and the deadline, the retry counting as a
 * query.
 */
function* queryOf<S>(run: PollRun<S>) {
  const { env, params } = run
  const { progress } = params
  // `retries` drives the backoff; `unreadable` counts consecutive garbled answers only (a transient error in
  // between resets it), which is what the garbled-answer limit is about.
  for (let retries = 0, unreadable = 0; ; ) {
    const now = yield* Clock.currentTimeMillis
    const refused = run.ensureRoom(now, 0)
    if (refused !== undefined) return yield* Effect.fail(refused)
    progress.queries += 1
    yield* Metric.update(queriesTotal, 1)
    const outcome = yield* Effect.result(run.request(now))
    if (Result.isSuccess(outcome)) return outcome.success
    const error = outcome.failure
    retries += 1
    unreadable = error._tag === "DecodeError" ? unreadable + 1 : 0
    // A garbled answer to a free, idempotent query is usually a gateway hiccup: worth a couple of
    // retries (the task is paid for), but not a whole budget if the protocol really changed.
    const garbled = error._tag === "DecodeError" && unreadable <= MAX_DECODE_RETRIES
    // (`outcome.failure`, not `error`: the guard below would narrow `error` to never.)
    if (!isTransient(env, error) && !garbled) return yield* Effect.fail(outcome.failure)
    const delay = Math.max(
      yield* retryDelayMs(env, retries, error),
      env.config.provider.limits.minQueryGapMs ?? 0,
    )
    const noRoom = run.ensureRoom(yield* Clock.currentTimeMillis, delay, error)
    if (noRoom !== undefined) return yield* Effect.fail(noRoom)
    yield* Effect.sleep(Duration.millis(delay))
  }
}

/** Queries until an outcome; the policy picks each delay, the limits veto it. */
function* pollLoop<S>(run: PollRun<S>) {
  const { params } = run
  const { codec, progress, taskId } = params
  for (;;) {
    const state: Protocol.TaskState = yield* Effect.gen(() => queryOf(run))
    if (state._tag === "Pending") run.lastPendingMs = (yield* Clock.currentTimeMillis) - params.createdAt
    yield* params.emit({
      _tag: "Polled",
      taskType: codec.taskType,
      taskId,
      status: state._tag === "Ready" ? "ready" : state.status,
      queries: progress.queries,
      elapsedMs: 0,
    })
    if (state._tag === "Ready") return state
    yield* Effect.sleep(Duration.millis(yield* run.nextDelay(state.status)))
  }
}

function* pollTask<S>(env: LifecycleEnv, params: PollParams<S>) {
  params.progress.queries = params.queriesUsed
  params.progress.taskId = params.taskId
  const probe = yield* CreateProbe
  if (probe !== undefined) probe.progress = params.progress
  const run = new PollRun(env, params)
  yield* Effect.sleep(Duration.millis(yield* run.nextDelay("created")))
  const final = yield* Effect.gen(() => pollLoop(run)).pipe(
    Effect.tapError((error) =>
      error._tag === "ApiError" && error.reason === "Unsolvable" ? run.observe("failed") : Effect.void,
    ),
  )
  yield* run.observe("ready")
  const solution = yield* decodeSolutionOf(env, params.codec, "getTaskResult", params.taskId, final.solution)
  return { solution, cost: final.cost }
}

/**
 * Polls getTaskResult until the task is ready or fails. Every query passes the gate in `queryOf`; every
 * wait (the policy's, a retry's backoff) is refused when it would end past the deadline.
 */
const poll = <S>(env: LifecycleEnv, params: PollParams<S>) => Effect.gen(() => pollTask(env, params))

// ===== Calls =====

const withCallFrame = <A, E extends { readonly _tag: string }, R>(
  env: LifecycleEnv,
  options: {
    readonly taskType: string
    readonly timeout: Duration.Input | undefined
    readonly onEvent: EventListener | undefined
    readonly span: string
  },
  body: (frame: CallFrame) => Effect.Effect<Solved<A>, E, R>,
): Effect.Effect<Solved<A>, E | TaskTimeoutError | ConfigurationError, R> =>
  // useSpan, and the span handed down explicitly (`Progress.span`): `withSpan`, or providing the parent span,
  // changes the context, and every waiting call would hold its copy. The span tree is the same.
  // Its attributes are set when it ends: a span's attribute map, created by the first one, would be held by
  // every waiting call.
  Effect.useSpan(options.span, (span) => callFrame(env, options, body, span))

/**
 * A call's timeout as a positive duration, or a `ConfigurationError` naming the option: a typo ("2 minuts"),
 * a negative or NaN timeout is the caller's mistake, not an instant `TaskTimeoutError`.
 */
const timeoutOf = (
  input: Duration.Input | undefined,
): Result.Result<Duration.Duration | undefined, ConfigurationError> => {
  if (input === undefined) return Result.succeed(undefined)
  let parsed: Option.Option<Duration.Duration>
  try {
    parsed = Duration.fromInput(input)
  } catch {
    parsed = Option.none()
  }
  if (Option.isSome(parsed) && Duration.toMillis(parsed.value) > 0) return Result.succeed(parsed.value)
  const shown =
    typeof input === "string"
      ? JSON.stringify(input)
      : typeof input === "number"
        ? String(input)
        : typeof input
  return Result.fail(
    new ConfigurationError({
      detail: `timeout must be a positive duration such as "2 minutes" or 120000 (ms), got ${excerptOf(String(shown), 64)}.`,
    }),
  )
}

const callFrame = <A, E extends { readonly _tag: string }, R>(
  env: LifecycleEnv,
  options: {
    readonly taskType: string
    readonly timeout: Duration.Input | undefined
    readonly onEvent: EventListener | undefined
  },
  body: (frame: CallFrame) => Effect.Effect<Solved<A>, E, R>,
  span: Tracer.Span,
): Effect.Effect<Solved<A>, E | TaskTimeoutError | ConfigurationError, R> =>
  Effect.flatMap(Clock.currentTimeMillis, (startedAt) => {
    const progress: Progress = {
      taskId: undefined,
      queries: 0,
      createdAt: undefined,
      createTaskSent: false,
      span,
    }
    const emit = (event: LifecycleEvent) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        publishEvent(env, options.onEvent, { ...event, elapsedMs: now - startedAt }),
      )
    const parsed = timeoutOf(options.timeout ?? env.config.timeout)
    const timeout = Result.isSuccess(parsed) ? parsed.success : undefined
    // Every error raised once the task exists records where it stands, so `waitForResult(error)` resumes it
    // inside the same query budget and result window.
    const run = Effect.mapError(body({ startedAt, progress, emit }), (error) =>
      progress.taskId === undefined ? error : withTaskProgress(error, progress),
    )
    const bounded: Effect.Effect<Solved<A>, E | TaskTimeoutError | ConfigurationError, R> = Result.isFailure(
      parsed,
    )
      ? Effect.fail(parsed.failure)
      : timeout === undefined
        ? run
        : run.pipe(
            Effect.timeoutOrElse({
              duration: timeout,
              orElse: () =>
                Effect.flatMap(Clock.currentTimeMillis, (now) =>
                  Effect.fail(
                    new TaskTimeoutError({
                      taskId: progress.taskId,
                      timeoutMs: Duration.toMillis(timeout),
                      elapsedMs: now - startedAt,
                      createTaskOutcome:
                        progress.taskId === undefined && progress.createTaskSent ? "unknown" : undefined,
                      ...(progress.taskId === undefined
                        ? {}
                        : { createdAt: progress.createdAt, queries: progress.queries }),
                    }),
                  ),
                ),
            }),
          )
    // One exit hook rather than tap + tapError + ensuring: each is a frame held while the task waits.
    return Effect.onExit(bounded, (exit) => {
      const annotate = Effect.sync(() => {
        span.attribute("solvekit.task.type", options.taskType)
        span.attribute("solvekit.task.id", progress.taskId ?? "")
        span.attribute("solvekit.queries", progress.queries)
      })
      if (Exit.isSuccess(exit)) {
        const { cost } = exit.value
        return Effect.andThen(
          emit({
            _tag: "Solved",
            taskType: options.taskType,
            taskId: exit.value.taskId,
            queries: exit.value.queries,
            elapsedMs: 0,
            ...(cost === undefined ? {} : { cost: { amount: cost.amount, currency: cost.currency } }),
          }),
          Effect.andThen(countSolved, Effect.andThen(countCost(cost), annotate)),
        )
      }
      const failure = Cause.findError(exit.cause)
      if (Result.isFailure(failure)) return annotate
      const error = failure.success
      return Effect.andThen(
        emit({
          _tag: "Failed",
          taskType: options.taskType,
          taskId: progress.taskId,
          queries: progress.queries,
          elapsedMs: 0,
          error: error._tag,
          errorCode: errorCodeOf(error),
        }),
        Effect.andThen(recordFailure(error), Effect.andThen(countFailed, annotate)),
      )
    })
  })

/** What a call's body gets from its frame. */
interface CallFrame {
  readonly startedAt: number
  readonly progress: Progress
  readonly emit: (event: LifecycleEvent) => Effect.Effect<void>
}

/**
 * createTask (or getToken) → already answered? done → else poll → decode: the body of `solve` and `getToken`.
 */
const createThenPoll = <S>(
  env: LifecycleEnv,
  codec: TaskCodec<S>,
  options: CallOptions,
  endpoint: "createTask" | "getToken",
) =>
  withCallFrame(
    env,
    {
      taskType: codec.taskType,
      timeout: options.timeout,
      onEvent: options.onEvent,
      span: endpoint === "getToken" ? "solvekit.getToken" : "solvekit.solve",
    },
    (frame) => Effect.gen(() => createThenPollBody(env, codec, options, endpoint, frame)),
  )

/** The body of `createThenPoll`, a module-level generator: an inline one is a new function per call. */
function* createThenPollBody<S>(
  env: LifecycleEnv,
  codec: TaskCodec<S>,
  options: CallOptions,
  endpoint: "createTask" | "getToken",
  { startedAt, progress, emit }: CallFrame,
) {
  if (endpoint === "getToken" && env.config.provider.endpoints.getToken === undefined) {
    return yield* new ApiError({
      reason: "UnsupportedTask",
      errorCode: "",
      errorDescription: `${env.config.provider.name} has no getToken endpoint`,
      httpStatus: 0,
      endpoint: "getToken",
    })
  }
  const created = yield* createTask(env, codec, endpoint, progress)
  progress.taskId = created.taskId
  progress.createdAt = created.createdAt
  yield* emit({
    _tag: "Created",
    taskType: codec.taskType,
    taskId: created.taskId,
    createdAt: created.createdAt,
    queries: 0,
    elapsedMs: 0,
    ready: created.solution !== undefined,
  })
  if (created.solution !== undefined) {
    const now = yield* Clock.currentTimeMillis
    return solvedOf(created.taskId, codec.taskType, created.solution, 0, now, startedAt, created.cost)
  }
  // getToken: lenient, a provider that answers it asynchronously is polled like any task.
  const { solution, cost } = yield* poll(env, {
    codec,
    taskId: created.taskId,
    createdAt: created.createdAt,
    queriesUsed: 0,
    policy: options.policy ?? env.config.policy,
    progress,
    emit,
  })
  const now = yield* Clock.currentTimeMillis
  return solvedOf(created.taskId, codec.taskType, solution, progress.queries, now, startedAt, cost)
}

/** A call's outcome: its task, solution and queries, when it was solved, and what it cost when known. */
const solvedOf = <S>(
  taskId: string,
  taskType: string,
  solution: S,
  queries: number,
  now: number,
  startedAt: number,
  cost: SolveCost | undefined,
): Solved<S> => ({
  taskId,
  taskType,
  solution,
  queries,
  elapsedMs: now - startedAt,
  solvedAt: now,
  ...(cost === undefined ? {} : { cost }),
})

/** createTask → (already answered? done) → poll → decode. */
export const solve = <S>(env: LifecycleEnv, codec: TaskCodec<S>, options: SolveOptions = {}) =>
  createThenPoll(env, codec, options, "createTask")

/** Waits for a task created earlier (by this process or another), inside the same limits as `solve`. */
export const waitForResult = <S>(
  env: LifecycleEnv,
  taskId: string,
  codec: TaskCodec<S>,
  options: WaitOptions = {},
) =>
  withCallFrame(
    env,
    {
      taskType: codec.taskType,
      timeout: options.timeout,
      onEvent: options.onEvent,
      span: "solvekit.waitForResult",
    },
    ({ startedAt, progress, emit }) =>
      Effect.gen(function* () {
        progress.taskId = taskId
        // Without the creation time the window is assumed to start now: optimistic, the task may expire
        // before this call's deadline. Resume with the error (or `CreatedTask`) to keep the real one.
        const createdAt = options.createdAt ?? startedAt
        progress.createdAt = createdAt
        const { solution, cost } = yield* poll(env, {
          codec,
          taskId,
          createdAt,
          queriesUsed: options.queriesUsed ?? 0,
          policy: options.policy ?? env.config.policy,
          progress,
          emit,
        })
        const now = yield* Clock.currentTimeMillis
        return solvedOf(taskId, codec.taskType, solution, progress.queries, now, startedAt, cost)
      }),
  )

/** The one-shot getToken call (reCAPTCHA at CapSolver). Like createTask, never re-sent blindly. */
export const getToken = <S>(env: LifecycleEnv, codec: TaskCodec<S>, options: CallOptions = {}) =>
  createThenPoll(env, codec, options, "getToken")

/** createTask alone (no polling), for callers that collect later with `waitForResult`. */
export const createOnly = <S>(env: LifecycleEnv, codec: TaskCodec<S>) =>
  createTask(env, codec).pipe(
    Effect.tapError(recordFailure),
    Effect.withSpan(
      "solvekit.createTask",
      { attributes: { "solvekit.task.type": codec.taskType } },
      NO_STACK,
    ),
  )

/** getBalance, retried on transient failures. */
export const getBalance = (env: LifecycleEnv): Effect.Effect<Protocol.Balance, RequestError> => {
  const ctx = { endpoint: "getBalance", provider: env.config.provider, secrets: secretsOf(env) } as const
  return retryIdempotent(
    env,
    send(env, "getBalance", bodyFor(env, {})).pipe(
      Effect.flatMap((response) => fromResult(Protocol.interpretBalance(ctx, response))),
    ),
  ).pipe(Effect.tapError(recordFailure), Effect.withSpan("solvekit.getBalance", undefined, NO_STACK))
}

/**
 * The task a report is about: a taskId, or what `solve` / `waitForResult` returned (`Solved`: its `taskType`
 * picks the provider's report endpoint, its `solvedAt` checks the report window), or `{ taskId, taskType }`.
 */
export type FeedbackTarget =
  | string
  | {
      readonly taskId: string
      readonly taskType?: string | undefined
      /** Clock time (epoch ms) at which the task was seen solved (`Solved.solvedAt`). */
      readonly solvedAt?: number | undefined
    }

/** Feedback on a solved task's result (was the token accepted?). */
export interface FeedbackOptions {
  /** True when the target site rejected the token / answer. */
  readonly invalid: boolean
  /**
   * The task's type, when the target does not carry it (a bare taskId): Anti-Captcha and CapMonster Cloud take
   * reports per captcha family. Wins over the target's `taskType`.
   */
  readonly taskType?: string | undefined
  /** CapSolver's `result.code` (your own code); the other providers' report endpoints take none. */
  readonly code?: number | undefined
  /** CapSolver's `result.message`; the other providers' report endpoints take none. */
  readonly message?: string | undefined
}

/**
 * A report on a solved task's answer, at the endpoint the provider's `feedback` table names for its family and
 * verdict (CapSolver feedbackTask, 2Captcha reportCorrect / reportIncorrect, Anti-Captcha and CapMonster Cloud
 * report* per family). A report the provider does not take is a `FeedbackRefusedError` before any request.
 * Retried on transient failures (it charges nothing).
 */
export const feedback = (
  env: LifecycleEnv,
  target: FeedbackTarget,
  options: FeedbackOptions,
): Effect.Effect<Protocol.FeedbackResult, FeedbackError> => {
  const subject = subjectOf(target, options.taskType)
  const { taskId } = subject
  return Effect.flatMap(
    Clock.currentTimeMillis,
    (now): Effect.Effect<Protocol.FeedbackResult, FeedbackError> => {
      const { provider } = env.config
      const planned = planReport(provider, subject, options.invalid, now)
      if (Result.isFailure(planned)) return Effect.fail(planned.failure).pipe(Effect.tapError(recordFailure))
      const { endpoint, body } = planned.success
      const ctx = { endpoint, provider, taskId, secrets: secretsOf(env) } as const
      const wireId = Protocol.wireTaskId(provider, taskId)
      const fields =
        body === "result"
          ? {
              taskId: wireId,
              result: {
                invalid: options.invalid,
                ...(options.code === undefined ? {} : { code: options.code }),
                ...(options.message === undefined ? {} : { message: options.message }),
              },
            }
          : { taskId: wireId }
      return retryIdempotent(
        env,
        send(env, endpoint, bodyFor(env, fields), taskId).pipe(
          Effect.mapError((e) => withTaskId(e, taskId)),
          Effect.flatMap((response) => fromResult(Protocol.interpretFeedback(ctx, response))),
        ),
      ).pipe(Effect.tapError(recordFailure))
    },
  ).pipe(Effect.withSpan("solvekit.feedback", { attributes: { "solvekit.task.id": taskId } }, NO_STACK))
}

/** What a report is about, read defensively: a JavaScript caller may pass anything as the target. */
const subjectOf = (target: FeedbackTarget, taskType: string | undefined) => {
  if (typeof target !== "object" || target === null) return { taskId: String(target), taskType }
  const given = target as {
    readonly taskId?: unknown
    readonly taskType?: unknown
    readonly solvedAt?: unknown
  }
  return {
    taskId: String(given.taskId ?? ""),
    taskType: taskType ?? (typeof given.taskType === "string" ? given.taskType : undefined),
    solvedAt: typeof given.solvedAt === "number" ? given.solvedAt : undefined,
  }
}
