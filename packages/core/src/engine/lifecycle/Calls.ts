/**
 * The public calls over the jobs: solve and getToken (createTask, then the answer or polling), waitForResult
 * (polling a task created earlier), createTask alone, and getBalance.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { ApiError, type RequestError } from "../../domain/Errors.ts"
import type { CreatedTask } from "../../domain/Outcome.ts"
import * as Protocol from "../../wire/Protocol.ts"
import { type CallFrame, type CallFrameOptions, solvedOf, withCallFrame } from "./CallFrame.ts"
import type { TaskCodec } from "./Codec.ts"
import { createTask } from "./CreateTask.ts"
import type { CallOptions, LifecycleEnv, SolveOptions, WaitOptions } from "./Env.ts"
import { recordFailure } from "./Metrics.ts"
import { type PollParams, poll } from "./Poll.ts"
import { retryIdempotent } from "./Retry.ts"
import { bodyFor, fromResult, NO_STACK, secretsOf, send } from "./Send.ts"

/** The frame of a call on `codec`'s task: its timeout and listener from the call's options, and its span. */
const frameOptions = (codec: TaskCodec<unknown>, options: CallOptions, span: string): CallFrameOptions => ({
  taskType: codec.taskType,
  timeout: options.timeout,
  onEvent: options.onEvent,
  span,
})

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
    frameOptions(codec, options, endpoint === "getToken" ? "solvekit.getToken" : "solvekit.solve"),
    (frame) => Effect.gen(() => createThenPollBody(env, codec, options, endpoint, frame)),
  )

/** The create phase of `solve` and `getToken`: the task created (or answered) and announced. */
export function* createPhase<S>(
  env: LifecycleEnv,
  codec: TaskCodec<S>,
  endpoint: "createTask" | "getToken",
  frame: CallFrame,
) {
  const { progress } = frame
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
  yield* frame.emit({
    _tag: "Created",
    taskType: codec.taskType,
    taskId: created.taskId,
    createdAt: created.createdAt,
    queries: 0,
    elapsedMs: 0,
    ready: created.solution !== undefined,
  })
  return created
}

/** What polling a created task needs from its call. */
export const pollParamsOf = <S>(
  env: LifecycleEnv,
  codec: TaskCodec<S>,
  options: CallOptions,
  created: CreatedTask<S>,
  frame: CallFrame,
): PollParams<S> => ({
  codec,
  taskId: created.taskId,
  createdAt: created.createdAt,
  queriesUsed: 0,
  policy: options.policy ?? env.config.policy,
  progress: frame.progress,
  events: frame,
})

/** The body of `createThenPoll`, a module-level generator: an inline one is a new function per call. */
function* createThenPollBody<S>(
  env: LifecycleEnv,
  codec: TaskCodec<S>,
  options: CallOptions,
  endpoint: "createTask" | "getToken",
  frame: CallFrame,
) {
  const { startedAt, progress } = frame
  const created = yield* Effect.gen(() => createPhase(env, codec, endpoint, frame))
  if (created.solution !== undefined) {
    const now = yield* Clock.currentTimeMillis
    return solvedOf(created.taskId, codec.taskType, created.solution, 0, now, startedAt, created.cost)
  }
  // getToken: lenient, a provider that answers it asynchronously is polled like any task.
  const { solution, cost } = yield* poll(env, pollParamsOf(env, codec, options, created, frame))
  const now = yield* Clock.currentTimeMillis
  return solvedOf(created.taskId, codec.taskType, solution, progress.queries, now, startedAt, cost)
}

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
  withCallFrame(env, frameOptions(codec, options, "solvekit.waitForResult"), (frame) =>
    Effect.gen(function* () {
      const { startedAt, progress } = frame
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
        events: frame,
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
