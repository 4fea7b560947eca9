/**
 * `@solvekit/browser/relay`: the light relay client. The page sends a task to your relay's solve endpoint
 * (`createRelay` from `@solvekit/node`), which runs the whole lifecycle on the server with its key and streams
 * the task's progress back; the page carries ky and this module, no Effect, no Schema, no scheduler. Its errors
 * are core's errors by `_tag`, fields and brand, so `isApiError`, `isAbortedError`, ... from here or from
 * `@solvekit/browser` recognise them.
 *
 * Use `@solvekit/browser` (`createClient`) for key mode, or to run core's engine in the page against the
 * relay's protocol endpoints.
 *
 * @since 0.2.0
 */

export type { LifecycleEvent, Solved } from "@solvekit/core"
export {
  createRelayClient,
  type RelayClient,
  type RelayClientOptions,
  type RelayHandle,
  type RelaySolveOptions,
} from "./relay/RelayClient.ts"
export {
  AbortedError,
  ApiError,
  ConfigurationError,
  CreateTaskOutcomeUnknownError,
  DecodeError,
  InvalidTaskError,
  isAbortedError,
  isApiError,
  isConfigurationError,
  isCreateTaskOutcomeUnknownError,
  isDecodeError,
  isInvalidTaskError,
  isPollBudgetExhaustedError,
  isSolveKitError,
  isTaskDeadlineError,
  isTaskTimeoutError,
  isTransportError,
  PollBudgetExhaustedError,
  type RelayClientError,
  type RelayErrorBase,
  TaskDeadlineError,
  TaskTimeoutError,
  TransportError,
} from "./relay/RelayErrors.ts"
export type {
  RelaySolutionOf,
  RelayTask,
  RelayTaskDefinitions,
  RelayTaskType,
} from "./relay/RelayTasks.ts"
