/**
 * What the provider's answer says, read through core's protocol decoder (the one every solvekit client
 * uses), so the relay tracks a task exactly when a client would consider it created, running or finished.
 * The answer itself goes to the browser as it came (scrubbed); this reading only feeds ownership and events.
 *
 * @since 0.1.0
 */
import { type DecodeError, Protocol, type Provider, type TransportError } from "@solvekit/core"
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
  /**
   * A createTask / getToken answer that does not say whether the task was created: not the protocol (an HTML
   * page, a 200 that is not JSON), or a 5xx without the provider's error envelope (other than 503, which
   * says the request was turned away). The browser gets "outcome unknown", never this answer.
   */
  readonly outcomeUnknown: boolean
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
  const known = { outcomeUnknown: false }
  const response = { status: answer.status, body: answer.text }
  if (endpoint === "feedbackTask") {
    const feedback = Protocol.interpretFeedback(ctx, response)
    return Result.isFailure(feedback) && feedback.failure._tag === "ApiError"
      ? { task: "unreadable", taskId: undefined, errorCode: codeOf(feedback.failure.errorCode), ...known }
      : { task: "unreadable", taskId: undefined, errorCode: undefined, ...known }
  }
  const interpreted = Protocol.interpretTaskAnswer(ctx, response)
  if (Result.isSuccess(interpreted)) {
    const state = interpreted.success
    const task = state._tag === "Ready" ? "solved" : "running"
    return { task, taskId: state.taskId, errorCode: undefined, ...known }
  }
  const failure = interpreted.failure
  if (failure._tag === "ApiError") {
    return { task: "error", taskId: failure.taskId, errorCode: codeOf(failure.errorCode), ...known }
  }
  const creating = endpoint === "createTask" || endpoint === "getToken"
  return {
    task: "unreadable",
    taskId: failure.taskId,
    errorCode: undefined,
    outcomeUnknown: creating && leavesOutcomeUnknown(failure),
  }
}

/**
 * Whether a task answer core could not read leaves the task's creation in doubt, as core's client decides it
 * for a createTask: an answer that is not the protocol does; an HTTP status without an envelope does from 500
 * up, except 503 (and 429), which say the request was turned away and may be retried.
 */
const leavesOutcomeUnknown = (failure: DecodeError | TransportError): boolean =>
  failure._tag === "DecodeError" ||
  (failure.httpStatus !== undefined && failure.httpStatus >= 500 && failure.httpStatus !== 503)
