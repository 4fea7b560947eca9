/**
 * @solvekit/core: the captcha task lifecycle as Effect programs, typed end to end, with a Promise face.
 * The public surface is this explicit list.
 *
 * @since 0.1.0
 */

// ===== Polling =====
// The default polling policy (a fresh one per client) and its plan fitting.
export * as AdaptivePolicy from "./AdaptivePolicy.ts"
// ===== Tasks (catalogue) =====
export * as Catalogue from "./Catalogue.ts"
export type {
  ClientConfigShape,
  ClientOptions,
  CompleteClientOptions,
  ResolveOptions,
} from "./ClientConfig.ts"
// ===== Configuration =====
export * as ClientConfig from "./ClientConfig.ts"
// The same service and constructor by name, for adapters: bundlers (esbuild) keep a whole module behind a
// namespace re-export, and `ClientConfig.config` would bring Effect's Config machinery into every page.
export { ClientConfig as ClientConfigService, make as makeClientConfig } from "./ClientConfig.ts"
// ===== Errors =====
export {
  type AbortedBatchEntry,
  AbortedError,
  ApiError,
  type ApiErrorReason,
  ConfigurationError,
  type CreateTaskError,
  CreateTaskOutcomeUnknownError,
  DecodeError,
  type Endpoint,
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
  type RequestError,
  type SolveError,
  type SolveKitError,
  SolveKitErrorBrand,
  TaskDeadlineError,
  TaskTimeoutError,
  TransportError,
  type TransportErrorKind,
  taskIdOf,
  type WaitError,
} from "./Errors.ts"
// ===== Events and observability =====
export type {
  Created,
  EventListener,
  Failed,
  LifecycleEvent,
  Polled,
  Solved as SolvedEvent,
} from "./Events.ts"
export type { KyTransportOptions } from "./KyTransport.ts"
// ===== Transport =====
export * as KyTransport from "./KyTransport.ts"
export { make as makeKyTransport } from "./KyTransport.ts"
export type {
  CallOptions,
  CreatedTask,
  FeedbackOptions,
  Solved,
  SolveOptions,
  WaitOptions,
} from "./Lifecycle.ts"
export { errorsTotal, queriesTotal, requestsTotal, solvesTotal } from "./Lifecycle.ts"
export type { Completion, PollContext, PollPolicy, RetryPolicy } from "./Policy.ts"
export * as Policy from "./Policy.ts"
// ===== Client: Promise face =====
export {
  createClient,
  makePromiseClient,
  PromiseClient,
  type PromiseSolveAllOptions,
  type PromiseSolveOptions,
  type PromiseWaitOptions,
  type Settled,
  type SignalOptions,
  type SolveKitClient,
} from "./PromiseClient.ts"
export type { Balance, FeedbackResult, TaskStatus } from "./Protocol.ts"
// ===== Protocol =====
export * as Protocol from "./Protocol.ts"
export type { ProviderEndpoints, ProviderLimits, ProviderPollingAdvice, TaskIssue } from "./Provider.ts"
export * as Provider from "./Provider.ts"
// ===== Providers =====
// `createClient({ provider: AntiCaptcha, apiKey })`. CapSolver (the default) is also `Provider.CapSolver`;
// the others live in their own modules, so a page pays only for the providers it imports.
export { CapSolver } from "./Provider.ts"
export type { EnvironmentVariables } from "./ProviderEnvironment.ts"
// Which environment variables the Node and Deno adapters read for a provider (`<envPrefix>_API_KEY`, ...).
export * as ProviderEnvironment from "./ProviderEnvironment.ts"
export * as Proxy from "./Proxy.ts"
export { AntiCaptcha } from "./providers/AntiCaptcha.ts"
export { CapMonsterCloud } from "./providers/CapMonsterCloud.ts"
export { splitProxy } from "./providers/SplitProxy.ts"
export { TwoCaptcha } from "./providers/TwoCaptcha.ts"
// ===== Client: Effect face =====
export {
  codecOf,
  DEFAULT_BATCH_CONCURRENCY,
  type SolveAllEntry,
  type SolveAllOptions,
  SolveKit,
  type SolveKitService,
  type TaskHandle,
  type WaitForResultOptions,
  type WaitSolution,
} from "./SolveKit.ts"
export type {
  AnyTaskDefinition,
  AnyTaskRequest,
  SolutionOf,
  TaskDefinition,
  TaskKind,
  TaskRequest,
} from "./Task.ts"
export * as Task from "./Task.ts"
export {
  DEFAULT_MAX_BODY_BYTES,
  encodeBody,
  parseRetryAfter,
  Transport,
  type TransportResponse,
} from "./Transport.ts"
export { AntiAwsWafTask, AntiAwsWafTaskProxyLess } from "./tasks/AwsWaf.ts"
export { AwsWafClassification } from "./tasks/AwsWafClassification.ts"
export { AntiBotdeflectorTaskProxyLess } from "./tasks/BotDeflector.ts"
export { AntiCloudflareTask } from "./tasks/CloudflareChallenge.ts"
export { DatadomeSliderTask } from "./tasks/DataDome.ts"
export { GeeTestTaskProxyLess } from "./tasks/GeeTest.ts"
export { ImageToTextTask } from "./tasks/ImageToText.ts"
export { MtCaptchaTask, MtCaptchaTaskProxyLess } from "./tasks/MtCaptcha.ts"
export {
  ReCaptchaV2EnterpriseTask,
  ReCaptchaV2EnterpriseTaskProxyLess,
  ReCaptchaV2Task,
  ReCaptchaV2TaskProxyLess,
} from "./tasks/ReCaptchaV2.ts"
export { ReCaptchaV2Classification } from "./tasks/ReCaptchaV2Classification.ts"
export {
  ReCaptchaV3EnterpriseTask,
  ReCaptchaV3EnterpriseTaskProxyLess,
  ReCaptchaV3Task,
  ReCaptchaV3TaskProxyLess,
} from "./tasks/ReCaptchaV3.ts"
export { AntiTurnstileTaskProxyLess } from "./tasks/Turnstile.ts"
export { VisionEngine } from "./tasks/VisionEngine.ts"
