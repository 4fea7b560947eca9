/**
 * CapSolver (https://docs.capsolver.com), the emulator's default dialect and its original behaviour.
 * Sources: /work/shared/reference/capsolver-api.md §1–§4, which cites the pages below.
 */
import type { Dialect, DocumentedError, FieldIssue } from "./Dialect.ts"

/**
 * https://docs.capsolver.com/guide/api-error (English table cut after ERROR_TASK_TIMEOUT, completed from
 * /zh/guide/api-error and /vi/guide/api-error.html; the last three rows only through SDKs that copied the
 * table, see the reference §3). errorId is a 0/1 flag here.
 */
const errors: ReadonlyArray<DocumentedError> = [
  { code: "ERROR_SERVICE_UNAVALIABLE", description: "Service temporarily unavailable, please retry later." },
  { code: "ERROR_RATE_LIMIT", description: "Request rate exceeds the rate allowed by your package." },
  { code: "ERROR_INVALID_TASK_DATA", description: "invalid task data" },
  { code: "ERROR_BAD_REQUEST", description: "Error request." },
  { code: "ERROR_TASKID_INVALID", description: "The taskId is wrong or the task no longer exists." },
  { code: "ERROR_TASK_TIMEOUT", description: "The task was not solved within the time limit." },
  { code: "ERROR_SETTLEMENT_FAILED", description: "Charging the task to your balance failed." },
  { code: "ERROR_KEY_DENIED_ACCESS", description: "The clientKey is wrong or does not exist." },
  { code: "ERROR_ZERO_BALANCE", description: "Your balance is too low for this task." },
  { code: "ERROR_TASK_NOT_SUPPORTED", description: "The task type is wrong or not supported." },
  { code: "ERROR_CAPTCHA_UNSOLVABLE", description: "The captcha could not be solved. You were not charged." },
  { code: "ERROR_UNKNOWN_QUESTION", description: "The question id is not recognised." },
  { code: "ERROR_PROXY_BANNED", description: "The proxy is banned by the target site." },
  { code: "ERROR_INVALID_IMAGE", description: "The image does not meet the size requirements." },
  { code: "ERROR_PARSE_IMAGE_FAIL", description: "The image could not be decoded." },
  {
    code: "ERROR_IP_BANNED",
    description: "Your IP is temporarily banned after too many erroneous requests.",
  },
  {
    code: "ERROR_KEY_TEMP_BLOCKED",
    description: "Your key is temporarily blocked after too many erroneous requests.",
  },
].map((row) => ({ ...row, errorId: 1 }))

export const capsolver: Dialect = {
  name: "capsolver",
  // https://docs.capsolver.com/guide/getting-started lists createTask, getTaskResult, getBalance, getToken;
  // https://docs.capsolver.com/guide/api-feedback.html adds feedbackTask.
  endpoints: {
    createTask: { kind: "createTask" },
    getTaskResult: { kind: "getTaskResult" },
    getBalance: { kind: "getBalance" },
    feedbackTask: { kind: "feedbackTask" },
    getToken: { kind: "getToken" },
  },
  // Undocumented: the docs say nothing of unknown paths. The emulator has answered 404 since its start.
  unknownPath: "httpNotFound",
  // String UUIDs (https://docs.capsolver.com/zh/guide/api-createtask).
  taskIds: "uuid",
  errors,
  codes: {
    malformedBody: "ERROR_BAD_REQUEST",
    keyDoesNotExist: "ERROR_KEY_DENIED_ACCESS",
    keyBlocked: "ERROR_KEY_TEMP_BLOCKED",
    zeroBalance: "ERROR_ZERO_BALANCE",
    taskNotSupported: "ERROR_TASK_NOT_SUPPORTED",
    // Also after the 120-query budget or the 5-minute window: the reference's reading of "the ID no longer
    // exists" (§2); the exact code is undocumented.
    noSuchTask: "ERROR_TASKID_INVALID",
    unsolvable: "ERROR_CAPTCHA_UNSOLVABLE",
    timeout: "ERROR_TASK_TIMEOUT",
    settlementFailed: "ERROR_SETTLEMENT_FAILED",
    busy: "ERROR_SERVICE_UNAVALIABLE",
    rateLimited: "ERROR_RATE_LIMIT",
    noSuchMethod: "ERROR_BAD_REQUEST",
    // Never sent: CapSolver documents no minimum poll gap.
    pollTooSoon: "ERROR_RATE_LIMIT",
  },
  // "invalid task data: …" names the field (https://docs.capsolver.com/guide/api-error); CapSolver has no
  // code of its own for a missing task object, so that is invalid task data too.
  fieldError: (issue: FieldIssue) => ({
    code: "ERROR_INVALID_TASK_DATA",
    description: `invalid task data: ${issue.message}`,
  }),
  // The docs' response code table: 200 success, 400 request failed, 401 authentication failed.
  httpStatus: (code) => (code === "ERROR_KEY_DENIED_ACCESS" ? 401 : 400),
  // Success examples carry empty errorCode and errorDescription.
  successFields: { errorCode: "", errorDescription: "" },
  failedCreateTaskFields: {},
  // createTask answers `status: "idle"` for polled tasks, and polls go idle → processing → ready
  // (https://docs.capsolver.com/zh/guide/api-gettaskresult).
  createdStatus: "idle",
  reportsIdle: true,
  processingFields: {},
  // getTaskResult echoes taskId in newer examples; a failed task says status "failed" (official clients
  // expect it, see the reference §1.3).
  echoesTaskId: true,
  // Recognition tasks are answered in createTask's answer (reference §4).
  synchronousRecognition: true,
  // No cost, ip or timestamps are documented (reference §1.3).
  resultExtras: undefined,
  // https://docs.capsolver.com/guide/api-getbalance: balance and packages.
  balanceFields: (balance) => ({ balance, packages: [] }),
  // "retry after 3 seconds" is advice, not an enforced limit.
  minPollGapMs: 0,
  resultWindowAfterReadyMs: undefined,
  // feedbackTask: no window and no one-report rule documented (reference §1.5).
  reports: { windowAfterReadyMs: undefined, onePerTask: false, refusedCode: "ERROR_TASKID_INVALID" },
  // "not charged" (the ERROR_CAPTCHA_UNSOLVABLE row).
  chargesUnsolvable: false,
  // `appId` string at the top level of createTask (https://docs.capsolver.com/guide/api-use-params).
  developerId: { field: "appId", type: "string" },
  languagePools: undefined,
  // Undocumented: SDK comments say ERROR_KEY_TEMP_BLOCKED lifts after 5 minutes (reference §3).
  keyBlockSeconds: 300,
}
