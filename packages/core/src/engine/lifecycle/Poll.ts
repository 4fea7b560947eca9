/**
 * Polling: getTaskResult on the policy's cadence until an outcome, inside the provider's limits.
 *
 * - every query (retries included) passes one gate that counts it against the per-task budget (CapSolver:
 *   120) and refuses to start it at or after `createdAt + window - margin`;
 * - no wait (the policy's, a retry's backoff) may end past that deadline, so an exhausted task fails at once
 *   instead of idling;
 * - polling stops at the first outcome (ready, or a non-transient error): no query after the outcome.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import type * as Pull from "effect/Pull"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import {
  type DecodeError,
  PollBudgetExhaustedError,
  type RequestError,
  TaskDeadlineError,
  type TaskTimeoutError,
  withTaskId,
} from "../../domain/Errors.ts"
import * as Protocol from "../../wire/Protocol.ts"
import type * as Policy from "../Policy.ts"
import type { EventSink } from "./CallFrame.ts"
import { isTransient } from "./Classify.ts"
import { decodeSolutionOf, type TaskCodec } from "./Codec.ts"
import { CreateProbe, type LifecycleEnv, type Progress } from "./Env.ts"
import { countQuery } from "./Metrics.ts"
import type { ScheduledTask } from "./PollScheduler.ts"
import { retrySchedule } from "./Retry.ts"
import { bodyFor, fromResult, secretsOf, send } from "./Send.ts"

export interface PollParams<S> {
  readonly codec: TaskCodec<S>
  readonly taskId: string
  readonly createdAt: number
  readonly queriesUsed: number
  readonly policy: Policy.PollPolicy
  readonly progress: Progress
  /** Where the call's `Polled` events go. */
  readonly events: EventSink
}

type LimitError = PollBudgetExhaustedError | TaskDeadlineError

type Ready = Extract<Protocol.TaskState, { readonly _tag: "Ready" }>

/** How a wait ends: the ready answer, or the error that stops polling. */
type PollExit = Exit.Exit<Ready, PollError>

/** What stops polling: a request's error, a limit, or a detached call's timeout. */
export type PollError = RequestError | LimitError | TaskTimeoutError

/** The retry schedule's step for a run of failed attempts of one query. */
type RetryStep = (
  now: number,
  error: RequestError | LimitError,
) => Pull.Pull<[RequestError, Duration.Duration], RequestError | LimitError, RequestError>

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
 * One task's polling state, and its record in the client's poll scheduler while it waits between queries:
 * task id, creation time and queries (in `params`), the next due time, the policy's view (`lastPendingMs`),
 * the retry state of a failing query, and the waiter to resume. Thousands of tasks may wait at once, so the
 * helpers are methods on this one object rather than a closure each.
 */
class PollRun<S> implements ScheduledTask {
  readonly env: LifecycleEnv
  readonly params: PollParams<S>
  /** No query starts at or after this instant (window − safety margin). */
  readonly deadline: number
  lastPendingMs: number | undefined = undefined
  due = 0
  heapIndex = -1
  running: Fiber.Fiber<void> | undefined = undefined
  done = false
  /** The retry schedule's state while a query keeps failing; reset by an answer. */
  retryStep: RetryStep | undefined = undefined
  /** The waiter: what runs once with the outcome (resumes the polling fiber, or finishes a detached call). */
  waiter: ((exit: PollExit) => Effect.Effect<void>) | undefined = undefined
  /** A detached call, which the outcome is reported to, and whose timeout the steps enforce. */
  owner: PollOwner<S> | undefined = undefined

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

  /**
   * The retry schedule of a failing query: transient failures are retried with backoff inside the budget and
   * the deadline (each retry passes the gate and counts as a query); a backoff that would end past the
   * deadline is refused.
   */
  retrySchedule(): Schedule.Schedule<RequestError, RequestError | LimitError, RequestError | LimitError> {
    const minGapMs = this.env.config.provider.limits.minQueryGapMs ?? 0
    return retrySchedule(
      this.env,
      () => queryRetries(this.env),
      (error, delayMs, now) => {
        const delay = Math.max(delayMs, minGapMs)
        const noRoom = this.ensureRoom(now, delay, error)
        return noRoom === undefined ? Effect.succeed(delay) : Effect.fail(noRoom)
      },
    )
  }

  /** The scheduler's step once due: one query attempt, then the next due time or the outcome. */
  step(): Effect.Effect<void> {
    // A defect ends the wait too, rather than leaving its waiter forever.
    const step: Effect.Effect<PollExit | undefined> = Effect.catchDefect(
      Effect.gen(() => stepOf(this)),
      (defect) => Effect.succeed(Exit.die(defect)),
    )
    const owner = this.owner
    if (owner === undefined || owner.timeoutAt === Number.POSITIVE_INFINITY) {
      return Effect.flatMap(step, (exit) => this.settle(exit))
    }
    // A detached call's timeout cuts the step short (its request aborted); the outcome is settled outside it.
    return Effect.clockWith((clock) => {
      const leftMs = owner.timeoutAt - clock.currentTimeMillisUnsafe()
      const timedOut = Effect.sync(() => Exit.fail(owner.timedOut(clock.currentTimeMillisUnsafe())))
      const bounded =
        leftMs <= 0
          ? timedOut
          : Effect.timeoutOrElse(step, { duration: Duration.millis(leftMs), orElse: () => timedOut })
      return Effect.flatMap(bounded, (exit) => this.settle(exit))
    })
  }

  /** Queues the record for its next query at `due`, or at its call's timeout when that comes first. */
  queue(due: number): undefined {
    this.env.scheduler.schedule(this, Math.min(due, this.owner?.timeoutAt ?? Number.POSITIVE_INFINITY))
    return undefined
  }

  /** Ends a detached wait at once (see `DetachedPoll`). */
  cancel(): void {
    this.env.scheduler.cancel(this)
  }

  /** Ends the wait with `exit`, once. */
  settle(exit: PollExit | undefined): Effect.Effect<void> {
    if (exit === undefined || this.done) return Effect.void
    this.done = true
    const owner = this.owner
    if (owner !== undefined)
      return Effect.flatMap(Effect.exit(afterWait(this, exit)), (outcome) => owner.finish(outcome))
    const waiter = this.waiter
    this.waiter = undefined
    return waiter === undefined ? Effect.void : waiter(exit)
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
 * One due step: the query attempt passes the gate (counts the query, refuses it past the budget or the
 * deadline); a failure goes to the retry schedule (retried at its delay, or the outcome); an answer is
 * published, and a pending one queued again at the policy's delay, vetoed by the limits.
 */
function* stepOf<S>(run: PollRun<S>) {
  const { params } = run
  const { codec, progress, taskId } = params
  const now = yield* Clock.currentTimeMillis
  const refused = run.ensureRoom(now, 0)
  if (refused !== undefined) return Exit.fail(refused)
  progress.queries += 1
  yield* countQuery
  const outcome = yield* Effect.result(run.request(now))
  if (Result.isFailure(outcome)) {
    run.retryStep ??= yield* Schedule.toStep(run.retrySchedule())
    const failedAt = yield* Clock.currentTimeMillis
    const retry = yield* Effect.result(run.retryStep(failedAt, outcome.failure))
    if (Result.isSuccess(retry)) {
      return run.queue(failedAt + Duration.toMillis(retry.success[1]))
    }
    const stop = retry.failure
    return Exit.fail(Cause.isDone(stop) ? outcome.failure : stop)
  }
  run.retryStep = undefined
  const state = outcome.success
  if (state._tag === "Pending") run.lastPendingMs = (yield* Clock.currentTimeMillis) - params.createdAt
  yield* params.events.emit({
    _tag: "Polled",
    taskType: codec.taskType,
    taskId,
    status: state._tag === "Ready" ? "ready" : state.status,
    queries: progress.queries,
    elapsedMs: 0,
  })
  if (state._tag === "Ready") return Exit.succeed(state)
  const delay = yield* Effect.result(run.nextDelay(state.status))
  if (Result.isFailure(delay)) return Exit.fail(delay.failure)
  return run.queue((yield* Clock.currentTimeMillis) + delay.success)
}

/** Waits in the client's scheduler from `due` until the outcome; interrupting the wait removes the record. */
const waitFor = <S>(run: PollRun<S>, due: number): Effect.Effect<Ready, PollError> =>
  Effect.callback<Ready, PollError>((resume) => {
    run.waiter = (exit) => {
      resume(exit)
      return Effect.void
    }
    run.queue(due)
    return Effect.suspend(() => run.env.scheduler.cancel(run))
  })

/** What follows a wait: the policy learns the outcome, and a ready answer's solution is decoded. */
const afterWait = <S>(run: PollRun<S>, waited: Effect.Effect<Ready, PollError>) =>
  waited.pipe(
    Effect.tapError((error) =>
      error._tag === "ApiError" && error.reason === "Unsolvable" ? run.observe("failed") : Effect.void,
    ),
    Effect.flatMap((final) =>
      Effect.andThen(
        run.observe("ready"),
        Effect.map(
          decodeSolutionOf(run.env, run.params.codec, "getTaskResult", run.params.taskId, final.solution),
          (solution) => ({ solution, cost: final.cost }),
        ),
      ),
    ),
  )

/** The polling state of a task about to wait; the first delay, vetoed by the limits, fixes its first query. */
function* startPolling<S>(env: LifecycleEnv, params: PollParams<S>) {
  params.progress.queries = params.queriesUsed
  params.progress.taskId = params.taskId
  const probe = yield* CreateProbe
  if (probe !== undefined) probe.progress = params.progress
  const run = new PollRun(env, params)
  const firstDelay = yield* run.nextDelay("created")
  return { run, due: (yield* Clock.currentTimeMillis) + firstDelay }
}

function* pollTask<S>(env: LifecycleEnv, params: PollParams<S>) {
  const { run, due } = yield* Effect.gen(() => startPolling(env, params))
  return yield* afterWait(run, waitFor(run, due))
}

/** The outcome of a poll: the decoded solution and what it cost, or why polling stopped. */
export type PollOutcome<S> = Exit.Exit<
  { readonly solution: S; readonly cost: Ready["cost"] },
  PollError | DecodeError
>

/** A call whose task waits in the scheduler with no fiber behind it: where the outcome goes. */
export interface PollOwner<S> {
  /** The call's timeout (Clock ms), enforced by the steps: none starts after it, one in flight is cut short. */
  readonly timeoutAt: number
  /** The error of the call once its timeout has come. */
  readonly timedOut: (now: number) => TaskTimeoutError
  /** Runs once with the outcome, in the fiber of the step that ends the wait. */
  readonly finish: (outcome: PollOutcome<S>) => Effect.Effect<void>
}

/** A wait held by the scheduler alone. */
export interface DetachedPoll {
  /** Ends the wait at once: out of the scheduler, its request in flight aborted, no query after it. */
  readonly cancel: () => void
}

/**
 * Polls with no fiber waiting: the task's record alone waits in the scheduler, and `owner.finish` runs with
 * the outcome in the fiber of the step that ends the wait.
 */
export const pollDetached = <S>(
  env: LifecycleEnv,
  params: PollParams<S>,
  owner: PollOwner<S>,
): Effect.Effect<DetachedPoll, LimitError> =>
  Effect.map(
    Effect.gen(() => startPolling(env, params)),
    ({ run, due }) => {
      run.owner = owner
      run.queue(due)
      return run
    },
  )

/**
 * Polls getTaskResult until the task is ready or fails, as a record in the client's poll scheduler. Every
 * query passes the gate in `stepOf`; every wait (the policy's, a retry's backoff) is refused when it would
 * end past the deadline.
 */
export const poll = <S>(env: LifecycleEnv, params: PollParams<S>) => Effect.gen(() => pollTask(env, params))
