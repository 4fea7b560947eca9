/**
 * The task lifecycle: createTask → (answered already? done) → poll getTaskResult on the policy's cadence
 * (`PollPolicy`; `Policy.fromSchedule` turns any Effect `Schedule` into one) → decode.
 *
 * Guarantees enforced by construction, whatever the polling policy or retry settings say:
 * - every getTaskResult attempt (retries included) passes one gate that counts it against the provider's
 *   per-task budget (CapSolver: 120) and refuses to start it after `createdAt + window - margin`, where
 *   `createdAt` is the instant createTask was *sent*;
 * - no wait (the policy's, a retry's backoff) may end past that deadline, so an exhausted task fails at once
 *   instead of idling;
 * - polling stops at the first outcome (ready, or a non-transient error): no query after the outcome;
 * - createTask is re-sent only when the server certainly created nothing (a transient error answer, HTTP
 *   429/503, a connection refused before sending); any other failure after sending is a
 *   `CreateTaskOutcomeUnknownError`, because a duplicate is a second paid task.
 *
 * Time is read through `Clock` and slept through `Effect.sleep`, randomness (jitter) through `Random`, HTTP
 * through `Transport`: no runtime globals, and TestClock drives every branch.
 *
 * This module is the lifecycle's entry: one module per job lives in `lifecycle/` (sending, classifying
 * errors, retrying, createTask, polling, the call frame, the calls, feedback, metrics), and the names the
 * other layers use are re-exported here.
 *
 * @since 0.1.0
 */
export type { CreatedTask, SolveCost, Solved } from "../domain/Outcome.ts"
export { type CallFrame, type CallFrameOptions, solvedOf, withCallFrame } from "./lifecycle/CallFrame.ts"
export { createOnly, getBalance, getToken, solve, waitForResult } from "./lifecycle/Calls.ts"
export { createTaskMayRetry, isTransient } from "./lifecycle/Classify.ts"
export { rawCodec, type TaskCodec } from "./lifecycle/Codec.ts"
export { createTask } from "./lifecycle/CreateTask.ts"
export { type DetachedCall, type DetachedCallbacks, startDetached } from "./lifecycle/Detached.ts"
export {
  type CallOptions,
  CreateProbe,
  type LifecycleEnv,
  type SolveOptions,
  type WaitOptions,
} from "./lifecycle/Env.ts"
export { type FeedbackOptions, type FeedbackTarget, feedback } from "./lifecycle/Feedback.ts"
export { costTotal, errorsTotal, queriesTotal, requestsTotal, solvesTotal } from "./lifecycle/Metrics.ts"
export { PollScheduler } from "./lifecycle/PollScheduler.ts"
