/**
 * Reports on a solved task's answer, at the endpoint the provider's `feedback` table names for its family and
 * verdict (CapSolver feedbackTask, 2Captcha reportCorrect / reportIncorrect, Anti-Captcha and CapMonster Cloud
 * report* per family). A report the provider does not take is a `FeedbackRefusedError` before any request.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import { type FeedbackError, withTaskId } from "../../domain/Errors.ts"
import { planReport } from "../../domain/Feedback.ts"
import * as Protocol from "../../wire/Protocol.ts"
import type { LifecycleEnv } from "./Env.ts"
import { recordFailure } from "./Metrics.ts"
import { retryIdempotent } from "./Retry.ts"
import { bodyFor, fromResult, NO_STACK, secretsOf, send } from "./Send.ts"

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

/** A report on a solved task's answer. Retried on transient failures (it charges nothing). */
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
