/**
 * createTask (and getToken): the task validated and put in the provider's wire form before any request,
 * sent once, and re-sent only when the server certainly created nothing (a transient error answer, HTTP
 * 429/503, a connection refused before sending). Any other failure after sending is a
 * `CreateTaskOutcomeUnknownError`, because a duplicate is a second paid task.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import {
  CreateTaskOutcomeUnknownError,
  DecodeError,
  InvalidTaskError,
  type RequestError,
} from "../../domain/Errors.ts"
import type { CreatedTask } from "../../domain/Outcome.ts"
import * as Protocol from "../../wire/Protocol.ts"
import { encodeIssue } from "../../wire/Transport.ts"
import { createTaskMayRetry, createTaskOutcomeUnknown, retryAfterOf } from "./Classify.ts"
import { decodeSolutionOf, type TaskCodec } from "./Codec.ts"
import { CreateProbe, type LifecycleEnv, type Progress } from "./Env.ts"
import { MAX_RETRY_AFTER_MS, retrySchedule } from "./Retry.ts"
import { bodyFor, fromResult, secretsOf, send } from "./Send.ts"

/** getToken blocks until the task is solved (server-side limit 120 s): give it room. */
const GET_TOKEN_MIN_TIMEOUT_MS = 150_000

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
    const probe = yield* CreateProbe
    const ctx = { endpoint, provider: env.config.provider, secrets: secretsOf(env) }
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
    const timeoutMs =
      endpoint === "getToken"
        ? Math.max(env.config.retry.requestTimeoutMs, GET_TOKEN_MIN_TIMEOUT_MS)
        : env.config.retry.requestTimeoutMs
    const attempt = Effect.flatMap(Clock.currentTimeMillis, (sentAt) =>
      send(sendEnv, endpoint, body, undefined, timeoutMs, progress?.span).pipe(
        Effect.flatMap((response) => fromResult(Protocol.interpretTaskAnswer(ctx, response))),
        Effect.map((state) => ({ state, sentAt })),
      ),
    )
    const retried = Effect.retry(
      attempt,
      retrySchedule(
        env,
        () =>
          (error: RequestError, attempt): error is RequestError =>
            createTaskMayRetry(env, error) &&
            attempt <= env.config.retry.createTaskMaxRetries &&
            (retryAfterOf(error) ?? 0) <= MAX_RETRY_AFTER_MS,
        (_, delayMs) =>
          Effect.sync(() => {
            markSent(false) // the server certainly created nothing
            return delayMs
          }),
      ),
    )
    return yield* Effect.catch(retried, (error) => surfaced(taskType, error))
  })

/** A createTask failure as the caller sees it: a sent request whose answer was lost may have created a task. */
const surfaced = (
  taskType: string,
  error: RequestError,
): Effect.Effect<never, RequestError | CreateTaskOutcomeUnknownError> =>
  createTaskOutcomeUnknown(error)
    ? Effect.fail(new CreateTaskOutcomeUnknownError({ taskType, cause: error, taskId: error.taskId }))
    : Effect.fail(error)

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
