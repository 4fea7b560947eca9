/**
 * What the provider's answer says, read through core's protocol decoder (the one every solvekit client
 * uses), so the relay tracks a task exactly when a client would consider it created, running or finished.
 * The answer itself goes to the browser as it came (scrubbed); this reading only feeds ownership and events.
 *
 * @since 0.1.0
 */
import { Protocol, type Provider } from "@solvekit/core"
import * as Result from "effect/Result"
import type { RelayEndpoint } from "./Options.ts"
import type { UpstreamAnswer } from "./Upstream.ts"

/**
 * - `running`: the task exists and is not finished (a createTask accepted, a poll still pending);
 * - `solved`: the task is ready with its solution;
 * - `error`: the provider's error envelope, or a task that failed;
 * - `unreadable`: not the protocol (or a feedback answer, which says nothing about the task).
 */
export type TaskReading = "running" | "solved" | "error" | "unreadable"

export interface AnswerReading {
  readonly task: TaskReading
  /** The task the answer names, as core's decoder normalises it (not scrubbed: ownership is keyed by it). */
  readonly taskId: string | undefined
  /** The provider's error code, scrubbed of the key and bounded by core. */
  readonly errorCode: string | undefined
}

const codeOf = (errorCode: string): string | undefined => (errorCode === "" ? undefined : errorCode)

/** Reads a createTask / getTaskResult / getToken / feedbackTask answer. */
export const readAnswer = (
  endpoint: RelayEndpoint,
  answer: UpstreamAnswer,
  provider: Provider.Provider,
  secrets: ReadonlyArray<string>,
): AnswerReading => {
  const ctx = { endpoint, provider, secrets }
  const response = { status: answer.status, body: answer.text }
  if (endpoint === "feedbackTask") {
    const feedback = Protocol.interpretFeedback(ctx, response)
    return Result.isFailure(feedback) && feedback.failure._tag === "ApiError"
      ? { task: "unreadable", taskId: undefined, errorCode: codeOf(feedback.failure.errorCode) }
      : { task: "unreadable", taskId: undefined, errorCode: undefined }
  }
  const interpreted = Protocol.interpretTaskAnswer(ctx, response)
  if (Result.isSuccess(interpreted)) {
    const state = interpreted.success
    return { task: state._tag === "Ready" ? "solved" : "running", taskId: state.taskId, errorCode: undefined }
  }
  const failure = interpreted.failure
  return failure._tag === "ApiError"
    ? { task: "error", taskId: failure.taskId, errorCode: codeOf(failure.errorCode) }
    : { task: "unreadable", taskId: failure.taskId, errorCode: undefined }
}
