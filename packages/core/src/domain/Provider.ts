/**
 * A captcha provider as a value: where it lives, what its endpoints are called, how its error codes map to
 * what a caller does about them, which codes are worth retrying, and the limits the lifecycle must respect.
 * The lifecycle reads everything provider-specific from here. `CapSolver` (the default) lives in this module;
 * the other providers of the same createTask family (`AntiCaptcha`, `CapMonsterCloud`, `TwoCaptcha`) are values
 * of the same shape in their own modules under `providers/`, so a page that uses CapSolver alone does not
 * load their tables.
 *
 * What those three share (protocol reference, section 6):
 * - integer task ids: solvekit keeps them as strings and sends them back as numbers (`taskIdType: "number"`);
 * - no `getToken` one-shot call (the lifecycle refuses `getToken` before any request) and no `feedbackTask`:
 *   their `report*` endpoints take `{ taskId }` alone, one per verdict and (Anti-Captcha, CapMonster Cloud) per
 *   captcha family, described by each provider's `feedback` table (`Feedback.ts`);
 * - codes are classified by `errorCode`, never by `errorId` (a numeric error id at 2Captcha and Anti-Captcha);
 * - task types are renamed to the provider's documented names (`taskTypeNames`); a catalogue type a provider
 *   does not document, or whose fields differ there, is refused by its `adaptTask` before any request (an
 *   `InvalidTaskError` at `type` naming the provider: `providers/Adapt.ts`, issue 15), and a type the catalogue
 *   does not know (`Task.raw`) is sent as given. Proxies must use the split `proxyType`/`proxyAddress`/...
 *   fields there.
 *
 * @since 0.1.0
 */
import type * as Result from "effect/Result"
import type { ApiErrorReason } from "./Errors.ts"
import type { ProviderFeedback } from "./Feedback.ts"
import { composeTaskForm } from "./ProviderTaskForm.ts"
import { capSolverFields } from "./providers/CapSolverForm.ts"

/** The task object as sent: `{ type, ...fields }`, after validation (what `adaptTask` rewrites). */
export interface WireTask {
  readonly type: string
  readonly [field: string]: unknown
}

/** Hard limits the lifecycle enforces whatever the polling policy says. */
export interface ProviderLimits {
  /** getTaskResult queries allowed per task, retries included (CapSolver: 120). */
  readonly maxQueriesPerTask: number
  /** How long after creation a result can still be collected (CapSolver: 5 minutes). */
  readonly resultWindowMs: number
  /** No query is started later than `resultWindowMs - safetyMarginMs` after creation. */
  readonly safetyMarginMs: number
  /**
   * The shortest wait before a getTaskResult query for a task, after its createTask or its previous query
   * (CapMonster Cloud: 2 s). Enforced whatever the polling policy or a retry's backoff asks. Default: none.
   */
  readonly minQueryGapMs?: number | undefined
}

/** The provider's own polling advice; `Policy.default` follows it. */
export interface ProviderPollingAdvice {
  /** Delay between createTask and the first getTaskResult. */
  readonly firstDelayMs: number
  /** Delay between getTaskResult queries while the task is processing. */
  readonly intervalMs: number
}

/**
 * Endpoint paths, relative to the base URL. `getToken` is absent when the provider has no one-shot call;
 * `feedbackTask` is absent when the provider has no endpoint with CapSolver's `{ taskId, result: { invalid } }`
 * shape (the others report per captcha family, and only incorrect answers, through `reportIncorrect*`).
 */
export interface ProviderEndpoints {
  readonly createTask: string
  readonly getTaskResult: string
  readonly getBalance: string
  readonly feedbackTask?: string | undefined
  readonly getToken?: string | undefined
}

export interface Provider {
  readonly name: string
  /**
   * Where the Node and Deno adapters look for this provider's settings in the environment: `<envPrefix>_API_KEY`,
   * `<envPrefix>_BASE_URL`, `<envPrefix>_APP_ID`, `<envPrefix>_MAX_CONCURRENT_REQUESTS`, `<envPrefix>_TIMEOUT`
   * (see `ProviderEnvironment`). Capital letters, digits and underscores, starting with a letter. A provider
   * without one (or with any other spelling) reads no environment variable: its key must be passed as `apiKey`.
   * Never derived from `name`, so a custom provider cannot pick up another provider's key by accident.
   */
  readonly envPrefix?: string | undefined
  /** Default base URL, no trailing slash. */
  readonly baseUrl: string
  /** Other hosts the provider documents (for a future failover). */
  readonly alternateBaseUrls: ReadonlyArray<string>
  readonly endpoints: ProviderEndpoints
  readonly limits: ProviderLimits
  readonly polling: ProviderPollingAdvice
  /** How the provider types task ids on the wire; solvekit keeps them as strings and sends them back natively. */
  readonly taskIdType: "string" | "number"
  /** Classifies a raw `errorCode` (unknown codes → "Unknown", raw code kept by the error). */
  readonly classify: (errorCode: string) => ApiErrorReason
  /** Codes that a retry with backoff can fix (overload, rate limit). Never used to re-send createTask blindly. */
  readonly isTransient: (errorCode: string) => boolean
  /** The provider's name for a task type (CapSolver's names are the canonical ones). */
  readonly taskTypeName: (canonicalType: string) => string
  /**
   * The provider's own wire form of a validated task (already renamed by `taskTypeName`), or the field it
   * cannot send: for example the split proxy fields in place of a `proxy` string (`splitProxy`), a catalogue
   * field renamed, or a field the provider does not document refused. Extra fields (`Task.extend`) join after
   * the mapping, as given. Absent when the catalogue's form is the provider's. Runs before any request. `make`
   * builds it from `unsupportedTypes`, `mapTask`, `adaptTask` and `checkSent` (`ProviderTaskForm.ts`).
   */
  readonly adaptTask?: ((task: WireTask) => Result.Result<WireTask, TaskIssue>) | undefined
  /**
   * The catalogue's solution shape from the provider's answer, where the provider documents another shape for a
   * type it is sent (Anti-Captcha's Amazon `token`, CapMonster Cloud's Amazon `cookies` or DataDome `domains`):
   * the catalogue's fields added, every field of the answer kept. Called with the catalogue type (CapSolver's
   * name) before the solution is decoded. Absent: the answer is the catalogue's shape.
   */
  readonly adaptSolution?:
    | ((canonicalType: string, solution: Readonly<Record<string, unknown>>) => Record<string, unknown>)
    | undefined
  /**
   * The body field that carries the client's developer id (`appId` option). Absent: CapSolver's `appId` string,
   * sent with every request as before. A `softId` (integer) is sent with createTask only, where the providers
   * document it, and a non-integer id is a `ConfigurationError` when the client is built.
   */
  readonly developerId?: DeveloperIdField | undefined
  /**
   * The provider's advised minimum wait, in ms, before retrying after each transient ("busy") code (upper-case
   * codes). A retry's backoff never waits less: a floor, not a replacement. Absent, or no entry for the code:
   * the client's retry backoff alone (providers that advise no figure).
   */
  readonly busyBackoffMs?: Readonly<Record<string, number>> | undefined
  /**
   * Where the provider takes reports on answers (`feedback`): per captcha family, the endpoint for an incorrect
   * and for a correct answer, the body form and the window after completion (`Feedback.ts`). Absent: CapSolver's
   * `feedbackTask` form when `endpoints.feedbackTask` is set, else no report is taken.
   */
  readonly feedback?: ProviderFeedback | undefined
}

/**
 * Where a provider takes the developer / partner id (the client's `appId` option): CapSolver's `appId` string,
 * or the integer `softId` of 2Captcha, Anti-Captcha and CapMonster Cloud, at the top level of createTask.
 */
export type DeveloperIdField =
  | { readonly field: "appId"; readonly kind: "string" }
  | { readonly field: "softId"; readonly kind: "integer" }

/** CapSolver's form, and the form of a provider that names none. */
export const APP_ID_FIELD: DeveloperIdField = { field: "appId", kind: "string" }

/**
 * The developer id as the provider's body field: `{ appId: "..." }` or `{ softId: 123 }`; empty when no id is
 * set. The id must already be valid for the provider (`ClientConfig` refuses a non-integer `softId`).
 */
export const developerIdEntry = (
  provider: Pick<Provider, "developerId">,
  id: string | undefined,
): Record<string, string | number> => {
  if (id === undefined) return {}
  const form = provider.developerId ?? APP_ID_FIELD
  return form.kind === "integer" ? { [form.field]: Number(id.trim()) } : { [form.field]: id }
}

/** Why a task cannot be sent to a provider: the field and a reason in plain words (never its value). */
export interface TaskIssue {
  readonly field: string
  readonly message: string
}

/** Builds a provider from a code table: a lookup for each reason, "Unknown" for anything else. */
export const make = ({
  errorCodes,
  transientCodes,
  taskTypeNames,
  busyBackoffMs,
  unsupportedTypes,
  mapTask,
  adaptTask,
  checkSent,
  ...options
}: {
  readonly name: string
  readonly envPrefix?: string | undefined
  readonly baseUrl: string
  readonly alternateBaseUrls?: ReadonlyArray<string>
  readonly endpoints: ProviderEndpoints
  readonly limits: ProviderLimits
  readonly polling: ProviderPollingAdvice
  readonly taskIdType: "string" | "number"
  readonly errorCodes: Readonly<Record<string, ApiErrorReason>>
  readonly transientCodes: ReadonlyArray<string>
  readonly taskTypeNames?: Readonly<Record<string, string>>
  /** Catalogue types refused before any request, with the reason (after renaming: CapSolver's names). */
  readonly unsupportedTypes?: Readonly<Record<string, string>> | undefined
  /** The catalogue's fields as the provider's; skipped for `Task.raw` tasks and extra fields. */
  readonly mapTask?: ((task: WireTask) => Result.Result<WireTask, TaskIssue>) | undefined
  /** The provider's wire form of every task (its proxy fields), raw ones included. */
  readonly adaptTask?: ((task: WireTask) => Result.Result<WireTask, TaskIssue>) | undefined
  /** What the provider requires of the task as sent, extra fields included (not `Task.raw` tasks). */
  readonly checkSent?: ((task: WireTask) => Result.Result<WireTask, TaskIssue>) | undefined
  readonly adaptSolution?: Provider["adaptSolution"]
  /** Default: CapSolver's `appId` string. */
  readonly developerId?: DeveloperIdField | undefined
  readonly busyBackoffMs?: Readonly<Record<string, number>> | undefined
  readonly feedback?: ProviderFeedback | undefined
}): Provider => {
  const transient = new Set(transientCodes.map((code) => code.toUpperCase()))
  const table = new Map(Object.entries(errorCodes).map(([code, reason]) => [code.toUpperCase(), reason]))
  const taskForm = composeTaskForm(options.name, { unsupportedTypes, mapTask, adaptTask, checkSent })
  return {
    // The plain fields (name, envPrefix, endpoints, limits, polling, taskIdType, adaptTask, feedback) as given.
    ...options,
    developerId: options.developerId ?? APP_ID_FIELD,
    ...(busyBackoffMs === undefined
      ? {}
      : {
          busyBackoffMs: Object.fromEntries(
            Object.entries(busyBackoffMs).map(([code, ms]) => [code.trim().toUpperCase(), ms]),
          ),
        }),
    baseUrl: options.baseUrl.replace(/\/+$/, ""),
    alternateBaseUrls: options.alternateBaseUrls ?? [],
    classify: (errorCode) => table.get(errorCode.trim().toUpperCase()) ?? "Unknown",
    isTransient: (errorCode) => transient.has(errorCode.trim().toUpperCase()),
    taskTypeName: (canonicalType) => taskTypeNames?.[canonicalType] ?? canonicalType,
    ...(taskForm === undefined ? {} : { adaptTask: taskForm }),
  }
}

/**
 * CapSolver (capsolver.com). Codes from docs.capsolver.com/guide/api-error, including the documented
 * misspelling `ERROR_SERVICE_UNAVALIABLE` and, defensively, its correct spelling.
 */
export const CapSolver: Provider = /*#__PURE__*/ make({
  name: "CapSolver",
  baseUrl: "https://api.capsolver.com",
  alternateBaseUrls: ["https://api-stable.capsolver.com"],
  endpoints: {
    createTask: "createTask",
    getTaskResult: "getTaskResult",
    getBalance: "getBalance",
    feedbackTask: "feedbackTask",
    getToken: "getToken",
  },
  // 120 queries and 5 minutes are documented; the 10 s margin absorbs clock skew and request flight time.
  limits: { maxQueriesPerTask: 120, resultWindowMs: 300_000, safetyMarginMs: 10_000 },
  // "when status is processing, retry after 3 seconds"; most tasks are ready within 1–30 s.
  polling: { firstDelayMs: 1_500, intervalMs: 3_000 },
  taskIdType: "string",
  errorCodes: {
    ERROR_KEY_DENIED_ACCESS: "Auth",
    ERROR_ZERO_BALANCE: "Balance",
    ERROR_SETTLEMENT_FAILED: "Balance",
    ERROR_INVALID_TASK_DATA: "InvalidTask",
    ERROR_BAD_REQUEST: "InvalidTask",
    ERROR_UNKNOWN_QUESTION: "InvalidTask",
    ERROR_PROXY_BANNED: "InvalidTask",
    ERROR_INVALID_IMAGE: "InvalidTask",
    ERROR_PARSE_IMAGE_FAIL: "InvalidTask",
    ERROR_TASK_NOT_SUPPORTED: "UnsupportedTask",
    ERROR_CAPTCHA_UNSOLVABLE: "Unsolvable",
    ERROR_TASK_TIMEOUT: "Unsolvable",
    ERROR_TASKID_INVALID: "TaskNotFound",
    ERROR_TASK_NOT_FOUND: "TaskNotFound",
    ERROR_RATE_LIMIT: "RateLimited",
    ERROR_SERVICE_UNAVALIABLE: "ServiceUnavailable",
    ERROR_SERVICE_UNAVAILABLE: "ServiceUnavailable",
    ERROR_IP_BANNED: "TemporarilyBanned",
    ERROR_KEY_TEMP_BLOCKED: "TemporarilyBanned",
  },
  transientCodes: ["ERROR_SERVICE_UNAVALIABLE", "ERROR_SERVICE_UNAVAILABLE", "ERROR_RATE_LIMIT"],
  // No busyBackoffMs: the error page says only "try again later", no figure (docs.capsolver.com/guide/api-error),
  // so the client's retry backoff applies as is.
  // Developer id: `appId`, a string at the top level (docs.capsolver.com/guide/api-use-params).
  developerId: APP_ID_FIELD,
  // The catalogue is CapSolver's spelling; the fields it types for other providers are refused here before any
  // request (providers/CapSolverForm.ts, issue 15). Its `proxy` string is sent as given.
  mapTask: capSolverFields,
  // Reports: `feedbackTask` takes `{ taskId, result: { invalid, code?, message? } }` for every task type, both
  // verdicts (protocol reference 1.5, docs.capsolver.com feedbackTask). No window or one-report limit is
  // documented (undocumented: none enforced).
  feedback: {
    body: "result",
    routes: [{ family: "every task", taskTypes: "any", incorrect: "feedbackTask", correct: "feedbackTask" }],
  },
  // CAPSOLVER_API_KEY, CAPSOLVER_BASE_URL, ... in the Node and Deno adapters.
  envPrefix: "CAPSOLVER",
})
