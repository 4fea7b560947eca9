/**
 * The errors of the light relay client: the same errors as core's, without core. Each carries core's
 * `Symbol.for` brand, its `_tag`, its `message` and its fields, so core's guards (`isApiError`,
 * `isAbortedError`, ... from `@solvekit/core` or `@solvekit/browser`) and the guards here both recognise them,
 * and code that branches on `_tag` or reads `error.taskId` works unchanged. They are not instances of core's
 * classes (`instanceof ApiError` with core's class is false): use the guards or `_tag`.
 *
 * Most arrive from the relay whole (the stream's `Failed` line, a refusal's `error`), with core's own message;
 * the page makes the ones only it can see: an abort, its own timeout, a lost connection.
 *
 * @since 0.2.0
 */
import type * as Core from "@solvekit/core"

/** Core's brand (`SolveKitErrorBrand`): the guards check it, not `instanceof`. */
const BRAND: unique symbol = Symbol.for("@solvekit/core/SolveKitError") as never

/** What every error here has: core's `_tag` and brand. */
export interface RelayErrorBase<Tag extends string> extends Error {
  readonly _tag: Tag
}

type Constructor<E> = new (fields: Readonly<Record<string, unknown>>) => E

/** A class of `tag`'s errors; its fields (with `message`) are copied from what it is given. */
const errorClass = <E extends RelayErrorBase<string>>(tag: string): Constructor<E> => {
  const Class = class extends Error {
    constructor(fields: Readonly<Record<string, unknown>>) {
      super(fields.message as string)
      Object.assign(this, fields)
      this.name = tag
      ;(this as { _tag?: string })._tag = tag
    }
  }
  Object.defineProperty(Class.prototype, BRAND, { value: true })
  return Class as unknown as Constructor<E>
}

type Progress = Pick<Core.ApiError, "taskId" | "createdAt" | "queries">

export interface ApiError
  extends RelayErrorBase<"ApiError">,
    Pick<
      Core.ApiError,
      "reason" | "errorCode" | "errorDescription" | "httpStatus" | "endpoint" | "retryAfterMs"
    >,
    Progress {}
export const ApiError = /*#__PURE__*/ errorClass<ApiError>("ApiError")

export interface TransportError
  extends RelayErrorBase<"TransportError">,
    Pick<
      Core.TransportError,
      "endpoint" | "kind" | "requestSent" | "httpStatus" | "retryAfterMs" | "bodyExcerpt"
    >,
    Progress {
  readonly cause?: unknown
}
export const TransportError = /*#__PURE__*/ errorClass<TransportError>("TransportError")

export interface DecodeError
  extends RelayErrorBase<"DecodeError">,
    Pick<Core.DecodeError, "endpoint" | "httpStatus" | "excerpt" | "issue">,
    Progress {}
export const DecodeError = /*#__PURE__*/ errorClass<DecodeError>("DecodeError")

export interface InvalidTaskError
  extends RelayErrorBase<"InvalidTaskError">,
    Pick<Core.InvalidTaskError, "taskType" | "field" | "issue"> {}
export const InvalidTaskError = /*#__PURE__*/ errorClass<InvalidTaskError>("InvalidTaskError")

export interface TaskTimeoutError
  extends RelayErrorBase<"TaskTimeoutError">,
    Pick<Core.TaskTimeoutError, "timeoutMs" | "elapsedMs" | "createTaskOutcome">,
    Progress {}
export const TaskTimeoutError = /*#__PURE__*/ errorClass<TaskTimeoutError>("TaskTimeoutError")

export interface PollBudgetExhaustedError
  extends RelayErrorBase<"PollBudgetExhaustedError">,
    Pick<Core.PollBudgetExhaustedError, "taskId" | "queries" | "limit" | "createdAt"> {}
export const PollBudgetExhaustedError =
  /*#__PURE__*/ errorClass<PollBudgetExhaustedError>("PollBudgetExhaustedError")

export interface TaskDeadlineError
  extends RelayErrorBase<"TaskDeadlineError">,
    Pick<Core.TaskDeadlineError, "taskId" | "elapsedMs" | "windowMs" | "createdAt" | "queries"> {}
export const TaskDeadlineError = /*#__PURE__*/ errorClass<TaskDeadlineError>("TaskDeadlineError")

export interface CreateTaskOutcomeUnknownError extends RelayErrorBase<"CreateTaskOutcomeUnknownError"> {
  readonly taskType: string
  readonly cause: TransportError | DecodeError
  readonly taskId?: string | undefined
}
export const CreateTaskOutcomeUnknownError = /*#__PURE__*/ errorClass<CreateTaskOutcomeUnknownError>(
  "CreateTaskOutcomeUnknownError",
)

export interface AbortedError
  extends RelayErrorBase<"AbortedError">,
    Pick<Core.AbortedError, "reason" | "createTaskOutcome">,
    Progress {}
export const AbortedError = /*#__PURE__*/ errorClass<AbortedError>("AbortedError")

export interface ConfigurationError extends RelayErrorBase<"ConfigurationError"> {}
export const ConfigurationError = /*#__PURE__*/ errorClass<ConfigurationError>("ConfigurationError")

/** Any error the light relay client rejects with. */
export type RelayClientError =
  | ApiError
  | TransportError
  | DecodeError
  | InvalidTaskError
  | TaskTimeoutError
  | PollBudgetExhaustedError
  | TaskDeadlineError
  | CreateTaskOutcomeUnknownError
  | AbortedError
  | ConfigurationError

const classes: Readonly<Record<string, Constructor<RelayClientError>>> = {
  ApiError,
  TransportError,
  DecodeError,
  InvalidTaskError,
  TaskTimeoutError,
  PollBudgetExhaustedError,
  TaskDeadlineError,
  CreateTaskOutcomeUnknownError,
  AbortedError,
  ConfigurationError,
}

/** The error a relay sent as fields (`_tag`, `message`, ...), rebuilt as the class of its `_tag`. */
export const revive = (fields: Readonly<Record<string, unknown>>): RelayClientError => {
  const cause = fields.cause as Readonly<Record<string, unknown>> | undefined
  const tag = fields._tag as string
  const Class = Object.hasOwn(classes, tag) ? (classes[tag] as Constructor<RelayClientError>) : ApiError
  return new Class(typeof cause?._tag === "string" ? { ...fields, cause: revive(cause) } : fields)
}

const branded = (u: unknown): u is { readonly _tag: string } =>
  typeof u === "object" &&
  u !== null &&
  (u as Record<symbol, unknown>)[BRAND] === true &&
  typeof (u as { _tag?: unknown })._tag === "string"

const guard =
  <E extends RelayClientError>(tag: E["_tag"]) =>
  (u: unknown): u is E =>
    branded(u) && u._tag === tag

/** True for any solvekit error: this client's, or core's from any copy of it. */
export const isSolveKitError = (u: unknown): u is RelayClientError =>
  branded(u) && Object.hasOwn(classes, u._tag)
export const isApiError = /*#__PURE__*/ guard<ApiError>("ApiError")
export const isTransportError = /*#__PURE__*/ guard<TransportError>("TransportError")
export const isDecodeError = /*#__PURE__*/ guard<DecodeError>("DecodeError")
export const isInvalidTaskError = /*#__PURE__*/ guard<InvalidTaskError>("InvalidTaskError")
export const isTaskTimeoutError = /*#__PURE__*/ guard<TaskTimeoutError>("TaskTimeoutError")
export const isPollBudgetExhaustedError =
  /*#__PURE__*/ guard<PollBudgetExhaustedError>("PollBudgetExhaustedError")
export const isTaskDeadlineError = /*#__PURE__*/ guard<TaskDeadlineError>("TaskDeadlineError")
export const isCreateTaskOutcomeUnknownError = /*#__PURE__*/ guard<CreateTaskOutcomeUnknownError>(
  "CreateTaskOutcomeUnknownError",
)
export const isAbortedError = /*#__PURE__*/ guard<AbortedError>("AbortedError")
export const isConfigurationError = /*#__PURE__*/ guard<ConfigurationError>("ConfigurationError")
