/**
 * Every failure solvekit can raise, as tagged `Error` subclasses grouped by what a caller does about them:
 *
 * - `ApiError`: the provider answered with an error code (classified into a `reason`).
 * - `TransportError`: the request did not produce a usable HTTP answer (network, HTTP status, oversized body).
 * - `DecodeError`: the provider answered something that is not the protocol (an HTML 502 page, bad JSON).
 * - `InvalidTaskError`: the task failed validation before any request was sent.
 * - `FeedbackRefusedError`: a report on an answer (`feedback`) that the provider does not take, refused before
 *   any request.
 * - lifecycle errors: `TaskTimeoutError`, `PollBudgetExhaustedError`, `TaskDeadlineError`,
 *   `CreateTaskOutcomeUnknownError`, `AbortedError`.
 * - `ConfigurationError`: the client could not be built (no API key, bad option).
 *
 * Messages are computed from the fields and never contain the API key. Every error raised after createTask
 * succeeded carries the `taskId`, so the paid task can be resumed with `waitForResult(taskId)`.
 *
 * The guards (`isSolveKitError`, `isApiError`, ...) check a `Symbol.for` brand plus `_tag`, not `instanceof`,
 * so they work across duplicated copies of the package and across realms.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import type { Settled } from "./Outcome.ts"
import type { AnyTaskRequest } from "./Task.ts"

/** The global brand every solvekit error carries (shared across package copies through `Symbol.for`). */
export const SolveKitErrorBrand: unique symbol = Symbol.for("@solvekit/core/SolveKitError") as never

/** The longest raw-body excerpt an error keeps. */
export const MAX_EXCERPT_LENGTH = 512

/** The endpoints of the task protocol, as named in error fields and spans. */
export type Endpoint =
  | "createTask"
  | "getTaskResult"
  | "getBalance"
  | "feedbackTask"
  | "getToken"
  | (string & {})

const Base = <Tag extends string>(tag: Tag) => {
  const Tagged = Data.TaggedError(tag)
  // V8 keeps an error's stack as call sites until `stack` is first read, and call sites hold the closures
  // (and so the response bodies) of the frames that built the error: 28 errors about 5 MB answers kept
  // ~140 MB alive. Formatting the stack once, when the error is built, lets those frames go.
  const Class = class extends (Tagged as new (args: object) => Error) {
    constructor(args: object) {
      super(args)
      void this.stack
    }
  } as unknown as typeof Tagged
  Object.defineProperty(Class.prototype, SolveKitErrorBrand, { value: true, enumerable: false })
  const inherited = (Class.prototype as { toJSON?: () => object }).toJSON
  // Logs serialise errors with JSON.stringify: keep the computed message (fields never hold the key).
  Object.defineProperty(Class.prototype, "toJSON", {
    value: function (this: Error) {
      return { ...(inherited?.call(this) ?? {}), message: this.message }
    },
    enumerable: false,
    writable: true,
    configurable: true,
  })
  return Class
}

const withTask = (taskId: string | undefined): string => (taskId === undefined ? "" : ` (taskId ${taskId})`)

/**
 * Set on `TaskTimeoutError` / `AbortedError` when the call ended while its createTask was in flight: the
 * request may have reached the provider, so a task may exist (and be charged) although no taskId came back.
 */
export type CreateTaskOutcome = "unknown"

const outcomeNote = (outcome: CreateTaskOutcome | undefined): string =>
  outcome === "unknown"
    ? "; createTask was in flight, so the task may have been created (and charged): check your dashboard before resending"
    : ""

/**
 * A copy of `text` that shares no memory with the string it was cut from. V8 represents `slice`, `trim` and
 * friends as views into their parent, so a 512-character excerpt of a 5 MB answer would keep the whole answer
 * alive for as long as the error lives; joining the characters builds a fresh, flat string.
 */
export const detached = (text: string): string => (text.length < 2 ? text : [...text].join(""))

/**
 * A bounded, single-line-ish excerpt of a raw body, safe to keep in an error: at most `max` characters, and
 * never a view into (so never a reason to retain) the body it came from.
 */
export const excerptOf = (raw: string, max: number = MAX_EXCERPT_LENGTH): string =>
  detached(raw.length <= max ? raw : `${raw.slice(0, max - 1)}…`)

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/**
 * The spellings of a secret that can appear in text: as it is, and escaped inside a JSON string (a key with a
 * quote, backslash or control character reads differently in a JSON body than in itself). Longest first, so
 * no shorter spelling cuts into a longer one and leaves part of it behind.
 */
const spellingsOf = (secret: string): ReadonlyArray<string> =>
  [...new Set([secret, JSON.stringify(secret).slice(1, -1)])].sort((a, b) => b.length - a.length)

/**
 * Replaces every occurrence of the secrets (the API key) in `text` with `<redacted>`, as they are and as a
 * JSON string spells them, ignoring case: a server may echo the key inside a field that solvekit lower-cases
 * before quoting it, and a raw JSON body carries the key escaped. The one scrubber of solvekit: errors and the
 * Node relay's answers to browsers both go through it.
 */
export const scrubSecrets = (text: string, secrets: ReadonlyArray<string> | undefined): string => {
  let out = text
  for (const secret of secrets ?? []) {
    if (secret.length === 0) continue
    for (const spelling of spellingsOf(secret)) {
      out = out.replace(new RegExp(escapeRegExp(spelling), "gi"), "<redacted>")
    }
  }
  return out
}

/**
 * Reduces an arbitrary thrown value to a plain `Error` with name, message and `code`, dropping everything
 * else: HTTP libraries attach the request (whose body holds the API key) to their errors.
 */
export const sanitizeCause = (cause: unknown): Error | undefined => {
  if (cause === undefined || cause === null) return undefined
  if (typeof cause !== "object") return new Error(String(cause))
  const source = cause as { readonly name?: unknown; readonly message?: unknown; readonly code?: unknown }
  const safe = new Error(typeof source.message === "string" ? source.message : "unknown cause")
  safe.name = typeof source.name === "string" ? source.name : "Error"
  const nested = (cause as { readonly cause?: unknown }).cause
  const code = typeof source.code === "string" ? source.code : codeOf(nested)
  if (code !== undefined) Object.defineProperty(safe, "code", { value: code, enumerable: true })
  safe.stack = `${safe.name}: ${safe.message}`
  return safe
}

const codeOf = (u: unknown): string | undefined =>
  typeof u === "object" && u !== null && typeof (u as { code?: unknown }).code === "string"
    ? ((u as { code: string }).code as string)
    : undefined

// ===== API errors =====

/** What a caller does about an `ApiError`, classified by the provider's error-code table. */
export type ApiErrorReason =
  | "Auth"
  | "Balance"
  | "InvalidTask"
  | "UnsupportedTask"
  | "Unsolvable"
  | "TaskNotFound"
  | "RateLimited"
  | "ServiceUnavailable"
  | "TemporarilyBanned"
  | "Unknown"

/** The provider answered with an error code. The raw code, description and HTTP status are kept as sent. */
export class ApiError extends /*#__PURE__*/ Base("ApiError")<{
  readonly reason: ApiErrorReason
  readonly errorCode: string
  readonly errorDescription: string
  readonly httpStatus: number
  readonly endpoint: Endpoint
  readonly retryAfterMs?: number | undefined
  readonly taskId?: string | undefined
  /** Clock time (epoch ms) at which createTask was sent, when known: resume with `waitForResult(error)`. */
  readonly createdAt?: number | undefined
  /** getTaskResult queries already spent on the task, when known. */
  readonly queries?: number | undefined
}> {
  override get message(): string {
    const code = this.errorCode === "" ? "(no error code)" : this.errorCode
    const description = this.errorDescription === "" ? "" : `: ${this.errorDescription}`
    return `${this.endpoint} failed with ${code} [${this.reason}]${description}${withTask(this.taskId)}`
  }
}

// ===== Transport errors =====

/** Why the transport could not produce a usable answer. */
export type TransportErrorKind = "Network" | "HttpStatus" | "BodyTooLarge"

/**
 * The request did not produce a usable HTTP answer. `requestSent` says whether the provider may have seen it:
 * `false` (connection refused, DNS failure: nothing was created), `true` (an HTTP status came back) or
 * `"unknown"` (the connection broke after the request may have left).
 */
export class TransportError extends /*#__PURE__*/ Base("TransportError")<{
  readonly endpoint: Endpoint
  readonly kind: TransportErrorKind
  readonly requestSent: boolean | "unknown"
  readonly httpStatus?: number | undefined
  readonly retryAfterMs?: number | undefined
  readonly bodyExcerpt?: string | undefined
  readonly taskId?: string | undefined
  /** Clock time (epoch ms) at which createTask was sent, when known: resume with `waitForResult(error)`. */
  readonly createdAt?: number | undefined
  /** getTaskResult queries already spent on the task, when known. */
  readonly queries?: number | undefined
  readonly cause?: unknown
}> {
  override get message(): string {
    const detail =
      this.kind === "HttpStatus"
        ? `HTTP ${this.httpStatus ?? "?"}`
        : this.kind === "BodyTooLarge"
          ? "response body over the size limit"
          : `network error${this.cause instanceof Error ? ` (${this.cause.message})` : ""}`
    const sent =
      this.requestSent === "unknown"
        ? "request may have been sent"
        : this.requestSent
          ? "request sent"
          : "request not sent"
    return `${this.endpoint} transport failure: ${detail}; ${sent}${withTask(this.taskId)}`
  }
}

// ===== Decode errors =====

/** The provider answered something that is not the protocol. Keeps at most 512 characters of the body. */
export class DecodeError extends /*#__PURE__*/ Base("DecodeError")<{
  readonly endpoint: Endpoint
  readonly httpStatus?: number | undefined
  readonly excerpt: string
  readonly issue: string
  readonly taskId?: string | undefined
  /** Clock time (epoch ms) at which createTask was sent, when known: resume with `waitForResult(error)`. */
  readonly createdAt?: number | undefined
  /** getTaskResult queries already spent on the task, when known. */
  readonly queries?: number | undefined
}> {
  override get message(): string {
    const status = this.httpStatus === undefined ? "" : ` (HTTP ${this.httpStatus})`
    return `${this.endpoint} answer could not be decoded${status}: ${this.issue}${withTask(this.taskId)}`
  }
}

// ===== Validation =====

/** The task failed validation before any request was sent. */
export class InvalidTaskError extends /*#__PURE__*/ Base("InvalidTaskError")<{
  readonly taskType: string
  readonly field: string
  readonly issue: string
}> {
  override get message(): string {
    const at = this.field === "" ? "" : ` at ${this.field}`
    return `invalid ${this.taskType} task${at}: ${this.issue}`
  }
}

// ===== Feedback =====

/**
 * Why solvekit refused a report on an answer before sending it (`FeedbackRefusedError`):
 * - `NoReportEndpoint`: the provider takes no report at all;
 * - `TaskTypeNeeded`: its report endpoint depends on the captcha family, and the task's type is not known;
 * - `NoReportForType`: it takes no report on tasks of this type;
 * - `NoReportForVerdict`: it takes no report of this verdict (a correct answer at CapMonster Cloud) on this type;
 * - `WindowClosed`: its documented window after the task's completion has passed (Anti-Captcha: 60 s).
 */
export type FeedbackRefusal =
  | "NoReportEndpoint"
  | "TaskTypeNeeded"
  | "NoReportForType"
  | "NoReportForVerdict"
  | "WindowClosed"

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`

/**
 * A report on an answer (`feedback`) that the provider does not take, refused before any request: the message
 * names the provider and why, and `families` lists what it does take reports on.
 */
export class FeedbackRefusedError extends /*#__PURE__*/ Base("FeedbackRefusedError")<{
  readonly reason: FeedbackRefusal
  /** The provider's name. */
  readonly provider: string
  readonly taskId: string
  /** The task's type, when known. */
  readonly taskType?: string | undefined
  /** The report asked for: the answer was accepted ("correct") or rejected ("incorrect"). */
  readonly verdict: "correct" | "incorrect"
  /** The captcha families the provider takes this verdict on (for `NoReportForType`: any report on). */
  readonly families: ReadonlyArray<string>
  /** The provider's report window after completion, in ms (`WindowClosed`). */
  readonly windowMs?: number | undefined
  /** How long ago the task was solved, in ms (`WindowClosed`). */
  readonly elapsedMs?: number | undefined
}> {
  override get message(): string {
    const task = withTask(this.taskId)
    const type = this.taskType === undefined ? "these" : this.taskType
    const list = this.families.join(", ")
    switch (this.reason) {
      case "NoReportEndpoint":
        return `${this.provider} takes no report on answers${task}`
      case "TaskTypeNeeded":
        return `${this.provider} takes reports per captcha family (${list}), so feedback needs the task's type: pass the Solved value, or { taskId, taskType }${task}`
      case "NoReportForType":
        return `${this.provider} takes no report on ${type} tasks, only on ${list === "" ? "no family" : list}${task}`
      case "NoReportForVerdict":
        return this.families.length === 0
          ? `${this.provider} takes no report of a ${this.verdict} answer, on any task${task}`
          : `${this.provider} takes no report of a ${this.verdict} answer on ${type} tasks, only on ${list}${task}`
      default:
        return `${this.provider} takes a report only within ${seconds(this.windowMs ?? 0)} of the task's completion, and the task was solved ${seconds(this.elapsedMs ?? 0)} ago${task}`
    }
  }
}

// ===== Lifecycle =====

/**
 * The caller's overall timeout elapsed. The task (if created) may still be collected with `waitForResult`.
 * `taskId` is absent when the timeout hit before createTask answered; `createTaskOutcome: "unknown"` then says
 * that createTask was in flight, so that task may exist (and be charged) all the same.
 */
export class TaskTimeoutError extends /*#__PURE__*/ Base("TaskTimeoutError")<{
  readonly taskId?: string | undefined
  readonly timeoutMs: number
  readonly elapsedMs: number
  readonly createTaskOutcome?: CreateTaskOutcome | undefined
  /** Clock time (epoch ms) at which createTask was sent, when known: resume with `waitForResult(error)`. */
  readonly createdAt?: number | undefined
  /** getTaskResult queries already spent on the task, when known. */
  readonly queries?: number | undefined
}> {
  override get message(): string {
    return `solve timed out after ${this.elapsedMs} ms (timeout ${this.timeoutMs} ms)${withTask(this.taskId)}${outcomeNote(this.createTaskOutcome)}`
  }
}

/** The provider's per-task query budget is spent; querying again would lose the result. */
export class PollBudgetExhaustedError extends /*#__PURE__*/ Base("PollBudgetExhaustedError")<{
  readonly taskId: string
  readonly queries: number
  readonly limit: number
  /** Clock time (epoch ms) at which createTask was sent, when known. */
  readonly createdAt?: number | undefined
  readonly cause?: unknown
}> {
  override get message(): string {
    return `task ${this.taskId} used its getTaskResult budget (${this.queries} of ${this.limit} queries) without an outcome`
  }
}

/** The provider's result window (minus the safety margin) closed before the task was ready. */
export class TaskDeadlineError extends /*#__PURE__*/ Base("TaskDeadlineError")<{
  readonly taskId: string
  readonly elapsedMs: number
  readonly windowMs: number
  /** Clock time (epoch ms) at which createTask was sent, when known: resume with `waitForResult(error)`. */
  readonly createdAt?: number | undefined
  /** getTaskResult queries already spent on the task, when known. */
  readonly queries?: number | undefined
  readonly cause?: unknown
}> {
  override get message(): string {
    return `task ${this.taskId} reached the end of its ${this.windowMs} ms result window after ${this.elapsedMs} ms without an outcome`
  }
}

/**
 * createTask was sent and the answer was lost (connection dropped, unreadable answer). The task may exist and
 * be charged; solvekit never re-sends it, because a duplicate is a second paid task.
 */
export class CreateTaskOutcomeUnknownError extends /*#__PURE__*/ Base("CreateTaskOutcomeUnknownError")<{
  readonly taskType: string
  readonly cause: TransportError | DecodeError
  /** The taskId, when the answer named one although it could not be used. */
  readonly taskId?: string | undefined
}> {
  override get message(): string {
    return `createTask for ${this.taskType} was sent but its outcome is unknown (${this.cause.message}); not re-sent to avoid paying twice${this.taskId === undefined || this.cause.taskId === this.taskId ? "" : withTask(this.taskId)}`
  }
}

/** One entry of an aborted Promise batch: a settled task, or one the abort cut off (`AbortedError`). */
export type AbortedBatchEntry = Settled<AnyTaskRequest, SolveError | AbortedError>

interface AbortedErrorFields {
  readonly taskId?: string | undefined
  /** The signal's `reason` (absent when `dispose` ended the call). */
  readonly reason?: unknown
  readonly createTaskOutcome?: CreateTaskOutcome | undefined
  /** Clock time (epoch ms) at which createTask was sent, when known: resume with `waitForResult(error)`. */
  readonly createdAt?: number | undefined
  /** getTaskResult queries already spent on the task, when known. */
  readonly queries?: number | undefined
  /**
   * Set when a Promise batch (`solveAll`, `solveEach`) was aborted: every task it had started and not handed
   * over yet, in input order (`index`). Settled tasks keep their entry; each task the abort cut off is
   * `rejected` with its own `AbortedError`, which names its `taskId` (resume it with
   * `waitForResult(entry.reason)`), says `createTaskOutcome: "unknown"` when its createTask was in flight, or
   * has neither when nothing was sent for it. Not enumerable: logging the error does not dump the batch.
   */
  readonly settled?: ReadonlyArray<AbortedBatchEntry> | undefined
}

/**
 * The caller aborted (AbortSignal). Distinct from `TaskTimeoutError`. `createTaskOutcome: "unknown"` (with no
 * `taskId`) says the abort landed while createTask was in flight: the task may exist and be charged.
 */
export class AbortedError extends /*#__PURE__*/ Base("AbortedError")<AbortedErrorFields> {
  constructor(args: AbortedErrorFields) {
    // Kept off the fields (which `toJSON` serialises): a batch's entries hold its tasks, images included.
    const { settled, ...fields } = args
    super(fields)
    if (settled !== undefined) {
      Object.defineProperty(this, "settled", { value: settled, enumerable: false, configurable: true })
    }
  }

  override get message(): string {
    return `aborted by the caller${withTask(this.taskId)}${outcomeNote(this.createTaskOutcome)}${batchNote(this.settled)}`
  }
}

/** What an aborted batch left, counted for the message (the entries themselves are on `settled`). */
const batchNote = (settled: ReadonlyArray<AbortedBatchEntry> | undefined): string => {
  if (settled === undefined) return ""
  const cutOff = settled.filter((entry) => entry.status === "rejected" && isAbortedError(entry.reason)).length
  return `; error.settled holds the ${settled.length} tasks not reported yet, ${cutOff} of them cut off: resume those with a taskId by waitForResult(entry.reason)`
}

/** The client could not be configured (for example, no API key). The message says how to fix it. */
export class ConfigurationError extends /*#__PURE__*/ Base("ConfigurationError")<{
  readonly detail: string
}> {
  override get message(): string {
    return this.detail
  }
}

// ===== Unions =====

/** Any error solvekit raises. */
export type SolveKitError =
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
  | FeedbackRefusedError

/** What a single request can fail with (after classification). */
export type RequestError = ApiError | TransportError | DecodeError

/** What `feedback` can fail with: a refusal before any request, or the report request's own failure. */
export type FeedbackError = RequestError | FeedbackRefusedError

/** What `createTask` can fail with. */
export type CreateTaskError = InvalidTaskError | RequestError | CreateTaskOutcomeUnknownError

/** What waiting for a created task can fail with. */
export type WaitError =
  | RequestError
  | PollBudgetExhaustedError
  | TaskDeadlineError
  | TaskTimeoutError
  /** An invalid per-call option (a malformed `timeout`), raised before any request. */
  | ConfigurationError

/** What a full solve can fail with. */
export type SolveError = CreateTaskError | WaitError

// ===== Guards =====

const tags = new Set<string>([
  "ApiError",
  "TransportError",
  "DecodeError",
  "InvalidTaskError",
  "TaskTimeoutError",
  "PollBudgetExhaustedError",
  "TaskDeadlineError",
  "CreateTaskOutcomeUnknownError",
  "AbortedError",
  "ConfigurationError",
  "FeedbackRefusedError",
])

const branded = (u: unknown): u is { readonly _tag: string } =>
  typeof u === "object" &&
  u !== null &&
  (u as Record<symbol, unknown>)[SolveKitErrorBrand] === true &&
  typeof (u as { _tag?: unknown })._tag === "string"

/** True for any solvekit error, from this copy of the package or another. */
export const isSolveKitError = (u: unknown): u is SolveKitError => branded(u) && tags.has(u._tag)

const guard =
  <E extends SolveKitError>(tag: E["_tag"]) =>
  (u: unknown): u is E =>
    branded(u) && u._tag === tag

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
export const isFeedbackRefusedError = /*#__PURE__*/ guard<FeedbackRefusedError>("FeedbackRefusedError")

/** The taskId an error refers to, if any. */
export const taskIdOf = (u: unknown): string | undefined => {
  if (!branded(u)) return undefined
  const taskId = (u as { readonly taskId?: unknown }).taskId
  return typeof taskId === "string" ? taskId : undefined
}

/**
 * A copy of a request error that names the task it concerns. Errors are immutable values; the lifecycle
 * attaches the taskId once it is known.
 */
export const withTaskId = <E extends RequestError>(error: E, taskId: string): E => {
  if (error.taskId === taskId) return error
  const e: RequestError = error
  switch (e._tag) {
    case "ApiError":
      return new ApiError({
        reason: e.reason,
        errorCode: e.errorCode,
        errorDescription: e.errorDescription,
        httpStatus: e.httpStatus,
        endpoint: e.endpoint,
        retryAfterMs: e.retryAfterMs,
        taskId,
      }) as E
    case "TransportError":
      return new TransportError({
        endpoint: e.endpoint,
        kind: e.kind,
        requestSent: e.requestSent,
        httpStatus: e.httpStatus,
        retryAfterMs: e.retryAfterMs,
        bodyExcerpt: e.bodyExcerpt,
        cause: e.cause,
        taskId,
      }) as E
    case "DecodeError":
      return new DecodeError({
        endpoint: e.endpoint,
        httpStatus: e.httpStatus,
        excerpt: e.excerpt,
        issue: e.issue,
        taskId,
      }) as E
  }
}

/** Where a task stands, for resuming it: what `waitForResult` needs to continue the same budget and window. */
export interface TaskProgress {
  readonly createdAt: number | undefined
  readonly queries: number
}

const resumableTags = new Set<string>([
  "ApiError",
  "TransportError",
  "DecodeError",
  "TaskTimeoutError",
  "PollBudgetExhaustedError",
  "TaskDeadlineError",
  "AbortedError",
])

/**
 * A copy of an error raised after createTask that records where the task stands (`createdAt`, `queries`), so
 * `waitForResult(error)` continues the same query budget and result window. Errors without a taskId, or
 * that already record both, are returned as they are.
 */
export const withTaskProgress = <E>(error: E, progress: TaskProgress): E => {
  if (!branded(error) || taskIdOf(error) === undefined) return error
  const current = error as {
    readonly createdAt?: unknown
    readonly queries?: unknown
    readonly cause?: unknown
  }
  if (current.createdAt === progress.createdAt && current.queries === progress.queries) return error
  if (!resumableTags.has(error._tag)) return error
  const Class = (error as object).constructor as new (args: object) => E
  return new Class({
    ...(error as object),
    ...(current.cause === undefined ? {} : { cause: current.cause }),
    ...(progress.createdAt === undefined ? {} : { createdAt: progress.createdAt }),
    queries: progress.queries,
  })
}
