/**
 * @solvekit/node: solvekit for Node.js. A CapSolver client configured from options or the environment, an
 * outbound proxy with keep-alive connections, image helpers, and a relay that lets browsers solve without
 * seeing the API key. Everything a Node user needs is exported here, core's tasks and errors included.
 *
 * @since 0.1.0
 */

// ===== Tasks (re-exported from @solvekit/core) =====
export {
  // ===== Errors (re-exported from @solvekit/core) =====
  AbortedError,
  AntiAwsWafTask,
  AntiAwsWafTaskProxyLess,
  AntiBotdeflectorTaskProxyLess,
  AntiCloudflareTask,
  AntiTurnstileTaskProxyLess,
  type AnyTaskDefinition,
  type AnyTaskRequest,
  ApiError,
  type ApiErrorReason,
  AwsWafClassification,
  // ===== Types of the client and its results =====
  type Balance,
  // ===== Catalogue, task escape hatch, polling policies, Effect service =====
  Catalogue,
  type ClientOptions,
  ConfigurationError,
  type CreatedTask,
  type CreateTaskError,
  CreateTaskOutcomeUnknownError,
  DatadomeSliderTask,
  DecodeError,
  type EventListener,
  type FeedbackOptions,
  type FeedbackResult,
  GeeTestTaskProxyLess,
  ImageToTextTask,
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
  type LifecycleEvent,
  MtCaptchaTask,
  MtCaptchaTaskProxyLess,
  Policy,
  PollBudgetExhaustedError,
  type PollPolicy,
  type PromiseSolveAllOptions,
  type PromiseSolveOptions,
  type PromiseWaitOptions,
  ReCaptchaV2Classification,
  ReCaptchaV2EnterpriseTask,
  ReCaptchaV2EnterpriseTaskProxyLess,
  ReCaptchaV2Task,
  ReCaptchaV2TaskProxyLess,
  ReCaptchaV3EnterpriseTask,
  ReCaptchaV3EnterpriseTaskProxyLess,
  ReCaptchaV3Task,
  ReCaptchaV3TaskProxyLess,
  type RequestError,
  type Settled,
  type SignalOptions,
  type SolutionOf,
  type Solved,
  type SolveError,
  SolveKit,
  type SolveKitClient,
  type SolveKitError,
  Task,
  TaskDeadlineError,
  type TaskDefinition,
  type TaskHandle,
  type TaskRequest,
  type TaskStatus,
  TaskTimeoutError,
  TransportError,
  taskIdOf,
  VisionEngine,
  type WaitError,
} from "@solvekit/core"

// ===== The Node client =====
export { createClient, layer, type NodeClientOptions } from "./NodeClient.ts"
export { API_KEY_ENV, BASE_URL_ENV, type ProxyOption } from "./NodeConfig.ts"

// ===== Images for recognition tasks =====
export {
  DEFAULT_MAX_IMAGE_BYTES,
  FileNotFoundError,
  FileReadError,
  FileTooLargeError,
  type ImageInputError,
  type ImageSource,
  type ImageToBase64Options,
  imageToBase64,
  isFileNotFoundError,
  isFileReadError,
  isFileTooLargeError,
  readImage,
} from "./NodeFiles.ts"
export { type ConnectionInfo, toNodeHandler, type WebHandler } from "./NodeHandler.ts"
// ===== The relay (browsers solve without the key) =====
export {
  createRelay,
  type Relay,
  type RelayEndpoint,
  type RelayEvent,
  type RelayLimits,
  type RelayOptions,
  type WebsiteRule,
} from "./NodeRelay.ts"
