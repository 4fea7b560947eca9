/**
 * A provider's API dialect as a value: which endpoints it has and what each does, how task ids look, how
 * errors are numbered and spelled, what its answers carry and which limits it enforces. The emulator's
 * behaviour is the same machine for every provider; only these facts differ. One file per provider next
 * to this one, each fact cited there.
 */
import type { DialectName } from "../DialectName.ts"
import type { EndpointName } from "../EndpointName.ts"
import type { TaskFamily } from "../TaskFamily.ts"
import type { Issue } from "../Validation.ts"

/** The conditions the emulator reports, each spelled by the dialect's own error code. */
export type FailureKind =
  /** The body is not a JSON object. */
  | "malformedBody"
  | "keyDoesNotExist"
  /** The key is temporarily refused after a burst of client errors (the `keyBlock` option). */
  | "keyBlocked"
  | "zeroBalance"
  /** An unknown or missing task type. */
  | "taskNotSupported"
  /** An unknown, foreign, expired or over-queried task id. */
  | "noSuchTask"
  | "unsolvable"
  /** The task was not solved within `taskTimeoutSeconds`. */
  | "timeout"
  /** A solved task could not be charged: the balance ran out meanwhile. */
  | "settlementFailed"
  /** The `serviceUnavailable` fault: the provider is overloaded. */
  | "busy"
  /** The `rateLimited` fault (HTTP 429). */
  | "rateLimited"
  /** A path the provider does not serve. */
  | "noSuchMethod"
  /** getTaskResult for one task sooner than the dialect's minimum gap. */
  | "pollTooSoon"

/** One row of a provider's documented error table. */
export interface DocumentedError {
  readonly code: string
  /** The `errorId` sent with it: a per-code number at 2Captcha and Anti-Captcha, 1 at the others. */
  readonly errorId: number
  readonly description: string
}

/**
 * A problem with a task field or a documented top-level field, as the task tables report it (`unknown`: a
 * field the provider does not document for the task type). A missing `task` object is the field `task`.
 */
export type FieldIssue = Issue

/** What a report endpoint does: record a verdict on a task of the families it accepts. */
export interface ReportAction {
  readonly kind: "report"
  readonly verdict: "correct" | "incorrect"
  /** The task families this endpoint accepts; `any` for all. */
  readonly families: "any" | ReadonlyArray<TaskFamily>
}

export type EndpointAction =
  | { readonly kind: "createTask" }
  | { readonly kind: "getTaskResult" }
  | { readonly kind: "getBalance" }
  | { readonly kind: "feedbackTask" }
  | { readonly kind: "getToken" }
  | ReportAction

export interface ReportRules {
  /** Reports are accepted only this long after the task became ready; undefined: while the task is kept. */
  readonly windowAfterReadyMs: number | undefined
  /** A second report on the same task is refused. */
  readonly onePerTask: boolean
  /** The code a refused report answers with (wrong family, out of the window, second report). */
  readonly refusedCode: string
}

/** What getTaskResult's extras are computed from. */
export interface ResultExtrasInput {
  readonly createdAt: number
  readonly readyAt: number
  /** Provider ms → Unix seconds. */
  readonly unixSeconds: (providerMs: number) => number
  readonly priceUsd: number
}

export interface Dialect {
  readonly name: DialectName
  /** The endpoints it serves, by path, with what each does (aliases share an action). */
  readonly endpoints: Readonly<Partial<Record<EndpointName, EndpointAction>>>
  /** How a path it does not serve is answered: an HTTP 404, or its "no such method" error in JSON. */
  readonly unknownPath: "httpNotFound" | "noSuchMethod"
  readonly taskIds: "uuid" | "integer"
  /** Every documented error code, in the provider's table order. */
  readonly errors: ReadonlyArray<DocumentedError>
  /** The code for each condition the emulator reports. */
  readonly codes: Readonly<Record<FailureKind, string>>
  /** The code and description for a refused task field or top-level field. */
  readonly fieldError: (issue: FieldIssue) => { readonly code: string; readonly description: string }
  /** The HTTP status of an error answer. */
  readonly httpStatus: (code: string) => number
  /** Fields every success answer carries besides its own (CapSolver: empty errorCode and errorDescription). */
  readonly successFields: Readonly<Record<string, unknown>>
  /** Fields a failed createTask answer carries (CapMonster Cloud: `taskId: 0`). */
  readonly failedCreateTaskFields: Readonly<Record<string, unknown>>
  /** The status a new polled task is reported with in createTask's answer, if any. */
  readonly createdStatus: "idle" | undefined
  /** Whether a queued task reports `idle` before `processing` (CapSolver only). */
  readonly reportsIdle: boolean
  /** Fields the "still processing" answer carries besides `status`. */
  readonly processingFields: Readonly<Record<string, unknown>>
  /** Whether getTaskResult answers echo the task id (and a failed task says `status: "failed"`). */
  readonly echoesTaskId: boolean
  /** Recognition tasks answered in createTask's answer (else polled like any task). */
  readonly synchronousRecognition: boolean
  /** Fields a ready getTaskResult answer carries besides `status` and `solution`. */
  readonly resultExtras: ((input: ResultExtrasInput) => Record<string, unknown>) | undefined
  /** getBalance's answer fields. */
  readonly balanceFields: (balanceUsd: number) => Record<string, unknown>
  /** The shortest gap between two getTaskResult calls for one task, provider ms (0: none). */
  readonly minPollGapMs: number
  /** A ready result is kept only this long after completion (on top of the creation window). */
  readonly resultWindowAfterReadyMs: number | undefined
  readonly reports: ReportRules
  /** Whether unsolvable tasks are charged. */
  readonly chargesUnsolvable: boolean
  /** The developer-id field createTask takes at the top level, and its type. */
  readonly developerId:
    | { readonly field: "appId"; readonly type: "string" }
    | { readonly field: "softId"; readonly type: "integer" }
  /** Values `languagePool` may take, where the provider documents it (top level of createTask). */
  readonly languagePools: ReadonlyArray<string> | undefined
  /** Length of a `keyBlock: true` block, seconds. */
  readonly keyBlockSeconds: number
}

/** Names the field in a description, for dialects whose documented text is generic. */
export const withField = (description: string, issue: FieldIssue): string =>
  `${description} (${issue.message})`

/** The proxy fields of a task: `proxy` (CapSolver's string) and the split `proxyType`, `proxyAddress`, ... */
export const isProxyField = (field: string): boolean => /^proxy[A-Z]?/.test(field)
