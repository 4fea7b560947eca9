/**
 * The one retry schedule every retried request shares (getBalance, feedback, createTask when nothing was
 * created, a getTaskResult query): `Policy.backoffMs` for the n-th retry with ×[0.8, 1.2] jitter
 * (`Schedule.jittered`), raised to the server's Retry-After when it asks for longer and to the provider's
 * advised pause after a busy code (`Provider.busyBackoffMs`, e.g. 2Captcha's 5 s after
 * ERROR_NO_SLOT_AVAILABLE). Each caller says which failures it retries, and may veto or adjust the wait.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import type { RequestError } from "../../domain/Errors.ts"
import * as Policy from "../Policy.ts"
import { busyBackoffOf, isTransient, retryAfterOf } from "./Classify.ts"
import type { LifecycleEnv } from "./Env.ts"

/** Largest Retry-After honoured by a retry; a longer one surfaces the error instead of waiting silently. */
export const MAX_RETRY_AFTER_MS = 60_000

/**
 * Whether the `attempt`-th consecutive failure (1-based) is retried. Made afresh for each retried call, so
 * a decision may count what it has seen (consecutive unreadable answers).
 */
export type RetryDecision<E, R extends E> = (error: E, attempt: number) => error is R

/**
 * The retry schedule over `decide`: a failure it refuses surfaces as is; otherwise the jittered backoff,
 * floored by Retry-After and the busy pause, then handed to `wait` (which may lengthen it, or fail to veto
 * it, as a query past its deadline does).
 */
export const retrySchedule = <E, R extends E & RequestError, X = never>(
  env: LifecycleEnv,
  decide: () => RetryDecision<E, R>,
  wait?: (error: R, delayMs: number, now: number) => Effect.Effect<number, X>,
): Schedule.Schedule<R, E, E | X> =>
  Schedule.fromStepWithMetadata(
    Effect.sync(() => {
      const retries = decide()
      return (meta: Schedule.InputMetadata<E>) =>
        retries(meta.input, meta.attempt)
          ? Effect.succeed<[R, Duration.Duration]>([
              meta.input,
              Duration.millis(Policy.backoffMs(env.config.retry, meta.attempt)),
            ])
          : Effect.fail(meta.input)
    }),
  ).pipe(
    Schedule.jittered,
    Schedule.modifyDelay(({ output, duration, now }) => {
      const delayMs = Math.max(
        Math.round(Duration.toMillis(duration)),
        retryAfterOf(output) ?? 0,
        busyBackoffOf(env, output),
      )
      return wait === undefined ? Effect.succeed(delayMs) : wait(output, delayMs, now)
    }),
  )

/** Retries transient failures of an idempotent call (getBalance, feedbackTask) a bounded number of times. */
export const retryIdempotent = <A>(
  env: LifecycleEnv,
  call: Effect.Effect<A, RequestError>,
): Effect.Effect<A, RequestError> =>
  Effect.retry(
    call,
    retrySchedule(
      env,
      () =>
        (error: RequestError, attempt): error is RequestError =>
          isTransient(env, error) &&
          attempt <= env.config.retry.maxRetries &&
          (retryAfterOf(error) ?? 0) <= MAX_RETRY_AFTER_MS,
    ),
  )
