/**
 * Polling: getTaskResult on the policy's cadence until an outcome, inside the provider's limits.
 *
 * - every query (retries included) passes one gate that counts it against the per-task budget (CapSolver:
 *   120) and refuses to start it at or after `createdAt + window - margin`;
 * - no wait (the policy's, a retry's backoff) may end past that deadline, so an exhausted task fails at once
 *   instead of idling;
 * - polling stops at the first outcome (ready, or a non-transient error): no query after the outcome.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import {
  PollBudgetExhaustedError,
  type RequestError,
  TaskDeadlineError,
  withTaskId,
} from "../../domain/Errors.ts"
import * as Protocol from "../../wire/Protocol.ts"
import type { LifecycleEvent } from "../Events.ts"
import type * as Policy from "../Policy.ts"
import { isTransient } from "./Classify.ts"
import { decodeSolutionOf, type TaskCodec } from "./Codec.ts"
import { CreateProbe, type LifecycleEnv, type Progress } from "./Env.ts"
import { countQuery } from "./Metrics.ts"
import { retrySchedule } from "./Retry.ts"
import { bodyFor, fromResult, secretsOf, send } from "./Send.ts"

export interface PollParams<S> {
  readonly codec: TaskCodec<S>
  readonly taskId: string
  readonly createdAt: number
  readonly queriesUsed: number
  readonly policy: Policy.PollPolicy
  readonly progress: Progress
  readonly emit: (event: LifecycleEvent) => Effect.Effect<void>
}

type LimitError = PollBudgetExhaustedError | TaskDeadlineError

/** Consecutive unreadable getTaskResult answers retried before the DecodeError surfaces. */
const MAX_DECODE_RETRIES = 2

/**
 * Whether a failed query is retried: a transient failure, or a garbled answer (a free, idempotent query's
 * unreadable answer is usually a gateway hiccup: worth a couple of retries, since the task is paid for, but
 * not a whole budget if the protocol really changed). Counts consecutive garbled answers only: a transient
 * error in between resets the count. A limit error (budget, deadline) is never retried.
 */
const queryRetries = (env: LifecycleEnv) => {
  let unreadable = 0
  return (error: RequestError | LimitError, _attempt: number): error is RequestError => {
    const garbled = error._tag === "DecodeError"
    unreadable = garbled ? unreadable + 1 : 0
    return (garbled && unreadable <= MAX_DECODE_RETRIES) || isTransient(env, error)
  }
}

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

  /** One attempt of a query: it passes the gate (counts the query, refuses it past the budget or deadline). */
  attempt(): Effect.Effect<Protocol.TaskState, RequestError | LimitError> {
    return Effect.flatMap(
      Clock.currentTimeMillis,
      (now): Effect.Effect<Protocol.TaskState, RequestError | LimitError> => {
        const refused = this.ensureRoom(now, 0)
        if (refused !== undefined) return Effect.fail(refused)
        this.params.progress.queries += 1
        return Effect.andThen(countQuery, this.request(now))
      },
    )
  }

  /**
   * One query: transient failures are retried with backoff inside the budget and the deadline (each retry
   * passes the gate and counts as a query); a backoff that would end past the deadline is refused.
   */
  query(): Effect.Effect<Protocol.TaskState, RequestError | LimitError> {
    const minGapMs = this.env.config.provider.limits.minQueryGapMs ?? 0
    return Effect.retry(
      this.attempt(),
      retrySchedule(
        this.env,
        () => queryRetries(this.env),
        (error, delayMs, now) => {
          const delay = Math.max(delayMs, minGapMs)
          const noRoom = this.ensureRoom(now, delay, error)
          return noRoom === undefined ? Effect.succeed(delay) : Effect.fail(noRoom)
        },
      ),
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

/** Queries until an outcome; the policy picks each delay, the limits veto it. */
function* pollLoop<S>(run: PollRun<S>) {
  const { params } = run
  const { codec, progress, taskId } = params
  for (;;) {
    const state: Protocol.TaskState = yield* run.query()
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
 * Polls getTaskResult until the task is ready or fails. Every query passes the gate in `PollRun.attempt`;
 * every wait (the policy's, a retry's backoff) is refused when it would end past the deadline.
 */
export const poll = <S>(env: LifecycleEnv, params: PollParams<S>) => Effect.gen(() => pollTask(env, params))
