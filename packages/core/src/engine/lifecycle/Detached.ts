/**
 * solve and getToken for a caller that waits without a fiber (the Promise face). The create phase runs in
 * the caller's fiber; once the task waits, its record in the client's scheduler is all that is held, and the
 * call's end (its event, metrics and span, the outcome handed to `onExit`) runs in the fiber of the scheduler
 * step that ends the wait. The frame is `withCallFrame`'s: one span, one timeout over the whole call (the
 * scheduler enforces it while the task waits), the task's progress on every error.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Result from "effect/Result"
import type * as Tracer from "effect/Tracer"
import type { TaskTimeoutError } from "../../domain/Errors.ts"
import type { SolveCost, Solved } from "../../domain/Outcome.ts"
import { parseTimeout } from "../ClientConfig.ts"
import { type CallFrame, closeFrame, openFrame, solvedOf, timeoutErrorOf, withProgress } from "./CallFrame.ts"
import { createPhase, pollParamsOf } from "./Calls.ts"
import type { TaskCodec } from "./Codec.ts"
import type { CallOptions, LifecycleEnv } from "./Env.ts"
import { type DetachedPoll, type PollOutcome, type PollOwner, pollDetached } from "./Poll.ts"

/** A call whose task waits in the scheduler: `cancel` ends it at once, and no query is sent after it. */
export interface DetachedCall {
  readonly cancel: () => void
}

export interface DetachedCallbacks<S> {
  /** The call's outcome, once (not after `cancel`). */
  readonly onExit: (exit: Exit.Exit<Solved<S>, { readonly _tag: string }>) => void
  /** The task now waits with no fiber behind it; `cancel` is how to end it from now on. */
  readonly onWaiting: (call: DetachedCall) => void
}

/**
 * Runs the create phase of `solve` (or `getToken`) and hands the wait to the scheduler. An interruption of the
 * create phase ends the call as interrupted (its span closed), with no `onExit`: the interrupter knows.
 */
export const startDetached = <S>(
  env: LifecycleEnv,
  codec: TaskCodec<S>,
  options: CallOptions,
  endpoint: "createTask" | "getToken",
  callbacks: DetachedCallbacks<S>,
): Effect.Effect<void> =>
  Effect.flatMap(Effect.makeSpan(endpoint === "getToken" ? "solvekit.getToken" : "solvekit.solve"), (span) =>
    Effect.flatMap(openFrame(env, options.onEvent, span), (frame) =>
      Effect.clockWith((clock) => {
        const parsed = parseTimeout(options.timeout ?? env.config.timeout)
        const timeoutMs = Result.isSuccess(parsed) ? parsed.success : undefined
        const call = new DetachedSolve(
          env,
          codec,
          callbacks,
          frame,
          span,
          clock,
          timeoutMs === undefined ? undefined : Duration.toMillis(timeoutMs),
        )
        return Result.isFailure(parsed) ? call.fail(parsed.failure) : call.run(options, endpoint)
      }),
    ),
  )

/**
 * One detached call: what its end needs (frame, span, clock, the created task) on one object with methods,
 * since it is held, alone, for as long as the task waits.
 */
class DetachedSolve<S> implements DetachedCall, PollOwner<S> {
  readonly env: LifecycleEnv
  readonly codec: TaskCodec<S>
  readonly callbacks: DetachedCallbacks<S>
  readonly frame: CallFrame
  readonly span: Tracer.Span
  readonly clock: Clock.Clock
  readonly timeoutMs: number | undefined
  readonly timeoutAt: number
  waiting: DetachedPoll | undefined = undefined

  constructor(
    env: LifecycleEnv,
    codec: TaskCodec<S>,
    callbacks: DetachedCallbacks<S>,
    frame: CallFrame,
    span: Tracer.Span,
    clock: Clock.Clock,
    timeoutMs: number | undefined,
  ) {
    this.env = env
    this.codec = codec
    this.callbacks = callbacks
    this.frame = frame
    this.span = span
    this.clock = clock
    this.timeoutMs = timeoutMs
    this.timeoutAt = timeoutMs === undefined ? Number.POSITIVE_INFINITY : frame.startedAt + timeoutMs
  }

  /** The create phase, bounded by the timeout; then the outcome, or the wait handed to the scheduler. */
  run(options: CallOptions, endpoint: "createTask" | "getToken"): Effect.Effect<void> {
    const { env, codec, frame } = this
    const phase = Effect.flatMap(
      Effect.gen(() => createPhase(env, codec, endpoint, frame)),
      (created) => {
        const solution = created.solution
        if (solution !== undefined) {
          return Effect.flatMap(Clock.currentTimeMillis, (now) =>
            this.end(Exit.succeed(this.solvedOf(created.taskId, solution, 0, now, created.cost))),
          )
        }
        return Effect.map(
          pollDetached(env, pollParamsOf(env, codec, options, created, frame), this),
          (waiting) => {
            this.waiting = waiting
            this.callbacks.onWaiting(this)
          },
        )
      },
    )
    const timeoutMs = this.timeoutMs
    const bounded =
      timeoutMs === undefined
        ? phase
        : Effect.timeoutOrElse(phase, {
            duration: Duration.millis(timeoutMs),
            orElse: () => Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.fail(this.timedOut(now))),
          })
    return Effect.catch(bounded, (error) => this.fail(error)).pipe(
      Effect.onInterrupt(() => Effect.sync(() => this.interrupted())),
    )
  }

  solvedOf(
    taskId: string,
    solution: S,
    queries: number,
    now: number,
    cost: SolveCost | undefined,
  ): Solved<S> {
    return solvedOf(taskId, this.codec.taskType, solution, queries, now, this.frame.startedAt, cost)
  }

  timedOut(now: number): TaskTimeoutError {
    return timeoutErrorOf(this.frame, this.timeoutMs ?? 0, now)
  }

  /** The wait's outcome, in the step's fiber. */
  finish(outcome: PollOutcome<S>): Effect.Effect<void> {
    if (Exit.isFailure(outcome)) {
      const failure = Cause.findError(outcome.cause)
      return Result.isSuccess(failure) ? this.fail(failure.success) : this.end(Exit.failCause(outcome.cause))
    }
    const { progress } = this.frame
    return Effect.flatMap(Clock.currentTimeMillis, (now) =>
      this.end(
        Exit.succeed(
          this.solvedOf(
            progress.taskId ?? "",
            outcome.value.solution,
            progress.queries,
            now,
            outcome.value.cost,
          ),
        ),
      ),
    )
  }

  /** The timeout's error says where the task stands already; every other one gets the task's progress. */
  fail(error: { readonly _tag: string }): Effect.Effect<void> {
    return this.end(Exit.fail(error._tag === "TaskTimeoutError" ? error : withProgress(this.frame, error)))
  }

  /** The call's end: its event, metrics and span, then the outcome to the caller. */
  end(exit: Exit.Exit<Solved<S>, { readonly _tag: string }>): Effect.Effect<void> {
    return Effect.andThen(
      closeFrame(this.codec.taskType, this.frame, this.span, exit),
      Effect.sync(() => {
        this.endSpan(exit)
        this.callbacks.onExit(exit)
      }),
    )
  }

  cancel(): void {
    this.waiting?.cancel()
    this.waiting = undefined
    this.interrupted()
  }

  /** What `closeFrame` does for an interruption, without an effect: the caller that cancels has no fiber. */
  interrupted(): void {
    const { span, frame } = this
    span.attribute("solvekit.task.type", this.codec.taskType)
    span.attribute("solvekit.task.id", frame.progress.taskId ?? "")
    span.attribute("solvekit.queries", frame.progress.queries)
    this.endSpan(Exit.interrupt())
  }

  endSpan(exit: Exit.Exit<unknown, unknown>): void {
    if (this.span.status._tag !== "Ended") this.span.end(this.clock.currentTimeNanosUnsafe(), exit)
  }
}
