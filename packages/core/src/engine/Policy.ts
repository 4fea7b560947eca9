/**
 * Polling policies: *when* to ask getTaskResult next. A policy only chooses the cadence; the lifecycle enforces
 * the provider's hard limits (query budget, result window, no query after the outcome) whatever it says.
 *
 * A policy sees the task type, the number of queries so far, the time since creation and the last status, and
 * is told about every completion (task type, solve time), so a policy can learn per-type solve-time
 * distributions from the client's own recent history. The client default is such a policy:
 * `AdaptivePolicy.make()`, one per client (see `AdaptivePolicy.ts`).
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Pull from "effect/Pull"
import * as Schedule from "effect/Schedule"
import type { ProviderLimits, ProviderPollingAdvice } from "../domain/Provider.ts"
import type { PolicySnapshot } from "./PolicySnapshot.ts"

/** What a policy knows when it chooses the next delay. */
export interface PollContext {
  readonly taskType: string
  /** "recognition" tasks are usually answered by createTask; "unknown" when resuming without a definition. */
  readonly kind: "token" | "recognition" | "unknown"
  /** getTaskResult queries already made for this task (retries included); 0 before the first. */
  readonly attempt: number
  /** Milliseconds since the task was created (createTask sent). */
  readonly elapsedMs: number
  /** The last status seen: "created" before the first poll. */
  readonly lastStatus: "created" | "idle" | "processing"
  readonly limits: ProviderLimits
  readonly advice: ProviderPollingAdvice
}

/** A finished task, reported to the policy so it can learn. */
export interface Completion {
  readonly taskType: string
  /** Milliseconds from creation to the query that saw the outcome. */
  readonly solveMs: number
  /**
   * Milliseconds from creation to the last query that still saw the task pending: the task became ready
   * between this and `solveMs`. Undefined when the first query saw the outcome.
   */
  readonly lastPendingMs?: number | undefined
  readonly queries: number
  readonly outcome: "ready" | "failed"
}

export interface PollPolicy {
  readonly name: string
  /** The delay before the next getTaskResult query. */
  readonly nextDelay: (context: PollContext) => Effect.Effect<Duration.Duration>
  /** Called once per task outcome seen by polling (not for synchronous answers). */
  readonly observe: (completion: Completion) => Effect.Effect<void>
  /**
   * What a learning policy knows, as plain JSON (`AdaptivePolicy` has it). A policy without it has nothing to
   * save: the clients then report an empty snapshot and restore a valid one as a no-op.
   */
  readonly snapshot?: (() => PolicySnapshot) | undefined
  /** Puts back what `snapshot` returned (already decoded: see `PolicySnapshot.decode`). */
  readonly restore?: ((snapshot: PolicySnapshot) => void) | undefined
}

/** Builds a policy from plain functions. */
export const make = (options: {
  readonly name: string
  readonly nextDelay: (context: PollContext) => Duration.Input
  readonly observe?: ((completion: Completion) => void) | undefined
}): PollPolicy => ({
  name: options.name,
  nextDelay: (context) => Effect.sync(() => Duration.fromInputUnsafe(options.nextDelay(context))),
  observe: (completion) =>
    options.observe === undefined ? Effect.void : Effect.sync(() => options.observe?.(completion)),
})

/** A fixed cadence: `firstDelay` before the first query, then `interval` between queries. */
export const fixed = (interval: Duration.Input, firstDelay: Duration.Input = interval): PollPolicy => {
  const first = Duration.fromInputUnsafe(firstDelay)
  const every = Duration.fromInputUnsafe(interval)
  return {
    name: `fixed(${Duration.toMillis(every)}ms, first ${Duration.toMillis(first)}ms)`,
    nextDelay: (context) => Effect.succeed(context.attempt === 0 ? first : every),
    observe: () => Effect.void,
  }
}

/**
 * A cadence written as an Effect `Schedule`: its delays are the waits before each query (the first delay
 * before the first query), and its input is the `PollContext`, so `Schedule.while` can look at the task type
 * or the last status. A schedule that ends stops the polling: the task fails with the lifecycle's deadline
 * error, taskId included. The provider's limits still veto any delay.
 *
 * The schedule is replayed from its start for each query (at most the query budget of steps) with the task's
 * own elapsed time, so one schedule value serves every task and no per-task state is kept.
 *
 * ```ts
 * Policy.fromSchedule(Schedule.exponential("1 second", 1.5).pipe(Schedule.either(Schedule.spaced("3 seconds"))))
 * ```
 */
export const fromSchedule = <Output>(
  schedule: Schedule.Schedule<Output, PollContext>,
  name = "schedule",
): PollPolicy => ({
  name: `fromSchedule(${name})`,
  nextDelay: (context) =>
    Effect.gen(function* () {
      const step = yield* Schedule.toStep(schedule)
      let delay = Duration.infinity
      for (let attempt = 0; attempt <= context.attempt; attempt++) {
        // Steps before the current one replay the past; times before "now" are spread evenly over it.
        const now = context.attempt === 0 ? 0 : Math.round((context.elapsedMs * attempt) / context.attempt)
        const next = yield* step(now, context).pipe(
          Effect.map(([, duration]) => duration),
          Pull.catchDone(() => Effect.succeed(undefined)),
        )
        if (next === undefined) return Duration.infinity
        delay = next
      }
      return delay
    }),
  observe: () => Effect.void,
})

/**
 * The provider's advice: a short first delay (CapSolver: 1.5 s), then its interval while processing
 * (CapSolver: 3 s). Recognition tasks answered by createTask never reach the policy. Pass it as `policy` for a
 * fixed, history-free cadence. (`AdaptivePolicy`, the client default, starts from the advised interval with
 * its first query one interval in, not at the short first delay: see its cold-start notes.)
 */
export const defaultPolicy: PollPolicy = {
  name: "default",
  nextDelay: (context) =>
    Effect.succeed(
      Duration.millis(context.attempt === 0 ? context.advice.firstDelayMs : context.advice.intervalMs),
    ),
  observe: () => Effect.void,
}

export { defaultPolicy as default }

// ===== Retries of idempotent calls =====

/** Backoff for transient failures (network, 5xx, 429, overload codes). Jitter is applied as ×[0.8, 1.2]. */
export interface RetryPolicy {
  /** Delay before the first retry. */
  readonly baseDelayMs: number
  /** Cap on a single backoff delay (a longer Retry-After is honoured when the deadline allows). */
  readonly maxDelayMs: number
  /** Retries of getBalance / feedbackTask per call. getTaskResult retries are bounded by the task budget. */
  readonly maxRetries: number
  /** Retries of createTask, only when the server certainly created nothing. */
  readonly createTaskMaxRetries: number
  /**
   * Longest wait for one HTTP answer (getToken, which blocks until solved, gets at least 150 s). A request
   * that times out may have been received: it is retried like a dropped connection, and a createTask that
   * times out is a `CreateTaskOutcomeUnknownError`.
   */
  readonly requestTimeoutMs: number
}

export const defaultRetry: RetryPolicy = {
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  maxRetries: 4,
  createTaskMaxRetries: 3,
  requestTimeoutMs: 30_000,
}

/** The backoff delay before retry number `retry` (1-based), before jitter and Retry-After. */
export const backoffMs = (policy: RetryPolicy, retry: number): number =>
  Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1))
