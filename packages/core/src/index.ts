/**
 * @solvekit/core: the captcha task lifecycle as Effect programs, typed end to end, with a Promise face.
 * The public surface is this explicit list.
 *
 * @since 0.1.0
 */

// ===== Tasks (catalogue) =====
export * as Catalogue from "./domain/Catalogue.ts"
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
  type FeedbackError,
  type FeedbackRefusal,
  FeedbackRefusedError,
  InvalidTaskError,
  isAbortedError,
  isApiError,
  isConfigurationError,
  isCreateTaskOutcomeUnknownError,
  isDecodeError,
  isFeedbackRefusedError,
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
} from "./domain/Errors.ts"
// Extra provider fields on a catalogue task: `Task.extend(definition, { field: "string" })`.
export type { ExtraFieldSpec, ExtraFieldSpecs, ExtraFieldTypeName, ExtraInput } from "./domain/ExtraFields.ts"
export type { ProviderFeedback, ReportRoute } from "./domain/Feedback.ts"
export type {
  DeveloperIdField,
  ProviderEndpoints,
  ProviderLimits,
  ProviderPollingAdvice,
  TaskIssue,
} from "./domain/Provider.ts"
export * as Provider from "./domain/Provider.ts"
// ===== Providers =====
// `createClient({ provider: AntiCaptcha, apiKey })`. CapSolver (the default) is also `Provider.CapSolver`;
// the others live in their own modules, so a page pays only for the providers it imports.
export { CapSolver } from "./domain/Provider.ts"
export type { EnvironmentVariables } from "./domain/ProviderEnvironment.ts"
// Which environment variables the Node and Deno adapters read for a provider (`<envPrefix>_API_KEY`, ...).
export * as ProviderEnvironment from "./domain/ProviderEnvironment.ts"
export * as Proxy from "./domain/Proxy.ts"
export { AntiCaptcha } from "./domain/providers/AntiCaptcha.ts"
export { CapMonsterCloud } from "./domain/providers/CapMonsterCloud.ts"
export { splitProxy } from "./domain/providers/SplitProxy.ts"
export { TwoCaptcha } from "./domain/providers/TwoCaptcha.ts"
export type {
  AnyTaskDefinition,
  AnyTaskRequest,
  ExtendedDefinition,
  InputOf,
  SolutionOf,
  TaskDefinition,
  TaskKind,
  TaskRequest,
} from "./domain/Task.ts"
export * as Task from "./domain/Task.ts"
export { AntiAwsWafTask, AntiAwsWafTaskProxyLess } from "./domain/tasks/AwsWaf.ts"
export { AwsWafClassification } from "./domain/tasks/AwsWafClassification.ts"
export { AntiBotdeflectorTaskProxyLess } from "./domain/tasks/BotDeflector.ts"
export { AntiCloudflareTask } from "./domain/tasks/CloudflareChallenge.ts"
export { DatadomeSliderTask } from "./domain/tasks/DataDome.ts"
export { GeeTestTaskProxyLess } from "./domain/tasks/GeeTest.ts"
export { ImageToTextTask } from "./domain/tasks/ImageToText.ts"
export { MtCaptchaTask, MtCaptchaTaskProxyLess } from "./domain/tasks/MtCaptcha.ts"
export {
  ReCaptchaV2EnterpriseTask,
  ReCaptchaV2EnterpriseTaskProxyLess,
  ReCaptchaV2Task,
  ReCaptchaV2TaskProxyLess,
} from "./domain/tasks/ReCaptchaV2.ts"
export { ReCaptchaV2Classification } from "./domain/tasks/ReCaptchaV2Classification.ts"
export {
  ReCaptchaV3EnterpriseTask,
  ReCaptchaV3EnterpriseTaskProxyLess,
  ReCaptchaV3Task,
  ReCaptchaV3TaskProxyLess,
} from "./domain/tasks/ReCaptchaV3.ts"
export { AntiTurnstileTaskProxyLess } from "./domain/tasks/Turnstile.ts"
export { VisionEngine } from "./domain/tasks/VisionEngine.ts"
// ===== Polling =====
// The default polling policy (a fresh one per client) and its plan fitting.
export * as AdaptivePolicy from "./engine/AdaptivePolicy.ts"
export type {
  ClientConfigShape,
  ClientOptions,
  CompleteClientOptions,
  ResolveOptions,
} from "./engine/ClientConfig.ts"
// ===== Configuration =====
export * as ClientConfig from "./engine/ClientConfig.ts"
// The same service and constructor by name, for adapters: bundlers (esbuild) keep a whole module behind a
// namespace re-export, and `ClientConfig.config` would bring Effect's Config machinery into every page.
export { ClientConfig as ClientConfigService, make as makeClientConfig } from "./engine/ClientConfig.ts"
// ===== Events and observability =====
export type {
  Created,
  EventListener,
  Failed,
  LifecycleEvent,
  Polled,
  Solved as SolvedEvent,
} from "./engine/Events.ts"
export type {
  CallOptions,
  CreatedTask,
  FeedbackOptions,
  FeedbackTarget,
  SolveCost,
  Solved,
  SolveOptions,
  WaitOptions,
} from "./engine/Lifecycle.ts"
export { costTotal, errorsTotal, queriesTotal, requestsTotal, solvesTotal } from "./engine/Lifecycle.ts"
export type { Completion, PollContext, PollPolicy, RetryPolicy } from "./engine/Policy.ts"
export * as Policy from "./engine/Policy.ts"
// What a learning policy knows, as plain JSON (`client.policySnapshot()` / `client.restorePolicy(json)`).
export type { PolicySnapshot as PolicySnapshotJson } from "./engine/PolicySnapshot.ts"
export * as PolicySnapshot from "./engine/PolicySnapshot.ts"
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
} from "./faces/PromiseClient.ts"
// ===== Client: Effect face =====
export {
  type ClientParts,
  codecOf,
  DEFAULT_BATCH_CONCURRENCY,
  kyTransport,
  type SolveAllEntry,
  type SolveAllOptions,
  SolveKit,
  type SolveKitService,
  type TaskHandle,
  type WaitForResultOptions,
  type WaitSolution,
} from "./faces/SolveKit.ts"
export type { KyTransportOptions } from "./wire/KyTransport.ts"
// ===== Transport =====
export * as KyTransport from "./wire/KyTransport.ts"
export { make as makeKyTransport } from "./wire/KyTransport.ts"
export type { Balance, FeedbackResult, TaskStatus } from "./wire/Protocol.ts"
// ===== Protocol =====
export * as Protocol from "./wire/Protocol.ts"
export {
  DEFAULT_MAX_BODY_BYTES,
  encodeBody,
  parseRetryAfter,
  Transport,
  type TransportResponse,
  type TransportShape,
} from "./wire/Transport.ts"
