/**
 * What the lifecycle knows of a task's type (`TaskCodec`: validate it, decode its solution), and the decoding
 * of an answer's solution into the typed one, with a scrubbed, bounded excerpt when it does not match.
 */
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import { DecodeError, excerptOf, scrubSecrets } from "../../domain/Errors.ts"
import type * as Protocol from "../../wire/Protocol.ts"
import type { LifecycleEnv } from "./Env.ts"
import { secretsOf } from "./Send.ts"

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

/** The answer's solution as the codec's type, or a `DecodeError` that shows no secret. */
export const decodeSolutionOf = <S>(
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
