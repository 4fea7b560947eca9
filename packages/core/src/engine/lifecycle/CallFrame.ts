/**
 * The frame around every public call that runs a task (solve, getToken, waitForResult): its span, its
 * timeout (a `TaskTimeoutError` saying where the task stands), its events (`Solved` / `Failed` with the
 * elapsed time), its metrics, and the task's progress recorded on every error raised once the task exists,
 * so `waitForResult(error)` resumes it inside the same budget and window.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Result from "effect/Result"
import type * as Tracer from "effect/Tracer"
import { type ConfigurationError, TaskTimeoutError, withTaskProgress } from "../../domain/Errors.ts"
import type { SolveCost, Solved } from "../../domain/Outcome.ts"
import { parseTimeout } from "../ClientConfig.ts"
import { type EventListener, type LifecycleEvent, notifyListeners } from "../Events.ts"
import type { LifecycleEnv, Progress } from "./Env.ts"
import { countCost, countFailed, countSolved, errorCodeOf, recordFailure } from "./Metrics.ts"

/** Where a call's events go (`emit` is a method: call it on its object). */
export interface EventSink {
  readonly emit: (event: LifecycleEvent) => Effect.Effect<void>
}

/** What a call's body gets from its frame. */
export interface CallFrame extends EventSink {
  readonly startedAt: number
  readonly progress: Progress
}

export interface CallFrameOptions {
  readonly taskType: string
  readonly timeout: Duration.Input | undefined
  readonly onEvent: EventListener | undefined
  readonly span: string
}

/** Delivers an event to the client-level listeners, then to the call's own. */
const publishEvent = (env: LifecycleEnv, local: EventListener | undefined, event: LifecycleEvent) =>
  Effect.andThen(
    env.publish(event),
    Effect.sync(() => notifyListeners(local, event)),
  )

/** A call's outcome: its task, solution and queries, when it was solved, and what it cost when known. */
export const solvedOf = <S>(
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

export const withCallFrame = <A, E extends { readonly _tag: string }, R>(
  env: LifecycleEnv,
  options: CallFrameOptions,
  body: (frame: CallFrame) => Effect.Effect<Solved<A>, E, R>,
): Effect.Effect<Solved<A>, E | TaskTimeoutError | ConfigurationError, R> =>
  // useSpan, and the span handed down explicitly (`Progress.span`): `withSpan`, or providing the parent span,
  // changes the context, and every waiting call would hold its copy. The span tree is the same.
  // Its attributes are set when it ends: a span's attribute map, created by the first one, would be held by
  // every waiting call.
  Effect.useSpan(options.span, (span) => callFrame(env, options, body, span))

/**
 * A call's frame: one object with a method rather than an emitter closure, since it is held for as long as the
 * call's task waits (a closure and its two scopes were about 150 bytes of every waiting solve).
 */
class Frame implements CallFrame {
  readonly env: LifecycleEnv
  readonly onEvent: EventListener | undefined
  readonly startedAt: number
  readonly progress: Progress

  constructor(env: LifecycleEnv, onEvent: EventListener | undefined, startedAt: number, span: Tracer.Span) {
    this.env = env
    this.onEvent = onEvent
    this.startedAt = startedAt
    this.progress = { taskId: undefined, queries: 0, createdAt: undefined, createTaskSent: false, span }
  }

  emit(event: LifecycleEvent): Effect.Effect<void> {
    return Effect.flatMap(Clock.currentTimeMillis, (now) =>
      publishEvent(this.env, this.onEvent, { ...event, elapsedMs: now - this.startedAt }),
    )
  }
}

/** The frame of a call starting now: its start time, its progress, and the emitter of its events. */
export const openFrame = (
  env: LifecycleEnv,
  onEvent: EventListener | undefined,
  span: Tracer.Span,
): Effect.Effect<CallFrame> =>
  Effect.map(Clock.currentTimeMillis, (startedAt) => new Frame(env, onEvent, startedAt, span))

/** The `TaskTimeoutError` of a call cut off by its timeout: where its task stands, to resume it. */
export const timeoutErrorOf = (frame: CallFrame, timeoutMs: number, now: number): TaskTimeoutError => {
  const { progress } = frame
  return new TaskTimeoutError({
    taskId: progress.taskId,
    timeoutMs,
    elapsedMs: now - frame.startedAt,
    createTaskOutcome: progress.taskId === undefined && progress.createTaskSent ? "unknown" : undefined,
    ...(progress.taskId === undefined ? {} : { createdAt: progress.createdAt, queries: progress.queries }),
  })
}

/**
 * Every error raised once the task exists records where it stands, so `waitForResult(error)` resumes it
 * inside the same query budget and result window.
 */
export const withProgress = <E extends { readonly _tag: string }>(frame: CallFrame, error: E): E =>
  frame.progress.taskId === undefined ? error : withTaskProgress(error, frame.progress)

/** A call's end: its `Solved` or `Failed` event, its metrics, and its span's attributes. */
export const closeFrame = <A>(
  taskType: string,
  frame: CallFrame,
  span: Tracer.Span,
  exit: Exit.Exit<Solved<A>, { readonly _tag: string }>,
): Effect.Effect<void> => {
  const { progress } = frame
  const annotate = Effect.sync(() => {
    span.attribute("solvekit.task.type", taskType)
    span.attribute("solvekit.task.id", progress.taskId ?? "")
    span.attribute("solvekit.queries", progress.queries)
  })
  if (Exit.isSuccess(exit)) {
    const { cost } = exit.value
    return Effect.andThen(
      frame.emit({
        _tag: "Solved",
        taskType,
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
    frame.emit({
      _tag: "Failed",
      taskType,
      taskId: progress.taskId,
      queries: progress.queries,
      elapsedMs: 0,
      error: error._tag,
      errorCode: errorCodeOf(error),
    }),
    Effect.andThen(recordFailure(error), Effect.andThen(countFailed, annotate)),
  )
}

const callFrame = <A, E extends { readonly _tag: string }, R>(
  env: LifecycleEnv,
  options: CallFrameOptions,
  body: (frame: CallFrame) => Effect.Effect<Solved<A>, E, R>,
  span: Tracer.Span,
): Effect.Effect<Solved<A>, E | TaskTimeoutError | ConfigurationError, R> =>
  Effect.flatMap(openFrame(env, options.onEvent, span), (frame) => {
    const parsed = parseTimeout(options.timeout ?? env.config.timeout)
    const timeout = Result.isSuccess(parsed) ? parsed.success : undefined
    const run = Effect.mapError(body(frame), (error) => withProgress(frame, error))
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
                  Effect.fail(timeoutErrorOf(frame, Duration.toMillis(timeout), now)),
                ),
            }),
          )
    // One exit hook rather than tap + tapError + ensuring: each is a frame held while the task waits.
    return Effect.onExit(bounded, (exit) => closeFrame(options.taskType, frame, span, exit))
  })
