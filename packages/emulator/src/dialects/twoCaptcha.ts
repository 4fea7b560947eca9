/**
 * 2Captcha's JSON API v2 (https://2captcha.com/api-docs). Most per-type pages were not reachable when this
 * was written; the method pages below were.
 */
import { type Dialect, type DocumentedError, type FieldIssue, isProxyField, withField } from "./Dialect.ts"

/**
 * https://2captcha.com/api-docs/error-codes: a numeric id per code. The stored copy of the page stops at
 * id 31; ids 31–130 as a client mirroring the page lists them (reference §6.2). Descriptions paraphrased.
 * ERROR_REPORT_NOT_RECORDED (https://2captcha.com/h/how-to-submit-reports) is left out: no id is given.
 */
const errors: ReadonlyArray<DocumentedError> = [
  { errorId: 1, code: "ERROR_KEY_DOES_NOT_EXIST", description: "Your API key is incorrect." },
  {
    errorId: 2,
    code: "ERROR_NO_SLOT_AVAILABLE",
    description: "Your bid is too low or your queue is too long; we temporarily do not accept more captchas.",
  },
  { errorId: 3, code: "ERROR_ZERO_CAPTCHA_FILESIZE", description: "Image size is less than 100 bytes." },
  {
    errorId: 4,
    code: "ERROR_TOO_BIG_CAPTCHA_FILESIZE",
    description: "Image size is more than 100 kB or bigger than 600px on a side.",
  },
  { errorId: 10, code: "ERROR_ZERO_BALANCE", description: "You don't have funds on your account." },
  {
    errorId: 11,
    code: "ERROR_IP_NOT_ALLOWED",
    description: "The request came from an IP not on your trusted list.",
  },
  {
    errorId: 12,
    code: "ERROR_CAPTCHA_UNSOLVABLE",
    description: "Workers could not solve the captcha. The price is returned to your balance.",
  },
  {
    errorId: 13,
    code: "ERROR_BAD_DUPLICATES",
    description: "100% accuracy: max tries reached without enough matches.",
  },
  { errorId: 14, code: "ERROR_NO_SUCH_METHOD", description: "The method does not exist." },
  { errorId: 15, code: "ERROR_IMAGE_TYPE_NOT_SUPPORTED", description: "The image cannot be processed." },
  { errorId: 16, code: "ERROR_NO_SUCH_CAPCHA_ID", description: "You've provided an incorrect captcha ID." },
  {
    errorId: 21,
    code: "ERROR_IP_BLOCKED",
    description: "Your IP address is banned due to improper use of the API.",
  },
  {
    errorId: 22,
    code: "ERROR_TASK_ABSENT",
    description: "task property is missing in your createTask call.",
  },
  { errorId: 23, code: "ERROR_TASK_NOT_SUPPORTED", description: "The task type is not supported." },
  { errorId: 31, code: "ERROR_RECAPTCHA_INVALID_SITEKEY", description: "The sitekey value is not valid." },
  {
    errorId: 55,
    code: "ERROR_ACCOUNT_SUSPENDED",
    description: "Your API access was blocked for improper use.",
  },
  {
    errorId: 110,
    code: "ERROR_BAD_PARAMETERS",
    description: "The required captcha parameters are missing or have an incorrect format.",
  },
  {
    errorId: 115,
    code: "ERROR_BAD_IMGINSTRUCTIONS",
    description: "imgInstructions is unsupported, corrupted or too big.",
  },
  {
    errorId: 130,
    code: "ERROR_BAD_PROXY",
    description: "Incorrect proxy parameters or no connection through the proxy.",
  },
]

const describe = (code: string): string => errors.find((row) => row.code === code)?.description ?? code

export const twoCaptcha: Dialect = {
  name: "2captcha",
  endpoints: {
    createTask: { kind: "createTask" },
    getTaskResult: { kind: "getTaskResult" },
    getBalance: { kind: "getBalance" },
    // https://2captcha.com/api-docs/report-correct and /report-incorrect: any task.
    reportCorrect: { kind: "report", verdict: "correct", families: "any" },
    reportIncorrect: { kind: "report", verdict: "incorrect", families: "any" },
    // "methods made for compatibility" (https://2captcha.com/api-docs/other-methods): aliases.
    reportCorrectRecaptcha: { kind: "report", verdict: "correct", families: "any" },
    reportIncorrectImageCaptcha: { kind: "report", verdict: "incorrect", families: "any" },
    reportIncorrectRecaptcha: { kind: "report", verdict: "incorrect", families: "any" },
  },
  // ERROR_NO_SUCH_METHOD: "Request made to API with a method that does not exist" (error-codes page).
  unknownPath: "noSuchMethod",
  // taskId: Integer (https://2captcha.com/api-docs/create-task, /get-task-result).
  taskIds: "integer",
  errors,
  codes: {
    // Undocumented: a body that is not a JSON object has no readable parameters at all.
    malformedBody: "ERROR_BAD_PARAMETERS",
    keyDoesNotExist: "ERROR_KEY_DOES_NOT_EXIST",
    // https://2captcha.com/api-docs/limits: improper use leads to a temporary block; ERROR_IP_BLOCKED is the
    // table's "banned due to improper use of the API".
    keyBlocked: "ERROR_IP_BLOCKED",
    zeroBalance: "ERROR_ZERO_BALANCE",
    taskNotSupported: "ERROR_TASK_NOT_SUPPORTED",
    noSuchTask: "ERROR_NO_SUCH_CAPCHA_ID",
    unsolvable: "ERROR_CAPTCHA_UNSOLVABLE",
    // Undocumented: 2Captcha names no timeout code; a task nobody solved is unsolvable.
    timeout: "ERROR_CAPTCHA_UNSOLVABLE",
    // Undocumented: the balance ran out between creation and solution.
    settlementFailed: "ERROR_ZERO_BALANCE",
    // https://2captcha.com/api-docs/limits: back off 5 s after ERROR_NO_SLOT_AVAILABLE; 2Captcha has no
    // separate overload or rate-limit code.
    busy: "ERROR_NO_SLOT_AVAILABLE",
    rateLimited: "ERROR_NO_SLOT_AVAILABLE",
    noSuchMethod: "ERROR_NO_SUCH_METHOD",
    // Never sent: the 5-second advice (get-task-result page) is not enforced with a code.
    pollTooSoon: "ERROR_NO_SLOT_AVAILABLE",
  },
  fieldError: (issue: FieldIssue) => {
    // 22 ERROR_TASK_ABSENT: "task property is missing in your createTask method call".
    if (issue.field === "task")
      return { code: "ERROR_TASK_ABSENT", description: describe("ERROR_TASK_ABSENT") }
    // 130 ERROR_BAD_PROXY: "Incorrect proxy parameters".
    const code =
      issue.kind !== "unknown" && isProxyField(issue.field) ? "ERROR_BAD_PROXY" : "ERROR_BAD_PARAMETERS"
    return { code, description: withField(describe(code), issue) }
  },
  // "If our API is able to process your requests properly the response status code is always 200 OK"
  // (https://2captcha.com/api-docs/error-codes).
  httpStatus: () => 200,
  // Examples: {"errorId": 0, "taskId": ...} with no errorCode (create-task, get-task-result pages).
  successFields: {},
  failedCreateTaskFields: {},
  createdStatus: undefined,
  // Status is "processing" or "ready" (https://2captcha.com/api-docs/get-task-result).
  reportsIdle: false,
  processingFields: {},
  echoesTaskId: false,
  // Normal captchas are polled like every task (reference §6.1: "async (poll)").
  synchronousRecognition: false,
  // https://2captcha.com/api-docs/get-task-result: cost String ("0.00299"), ip String, createTime and
  // endTime Integer timestamps, solveCount Integer (1 in the example).
  resultExtras: ({ createdAt, readyAt, unixSeconds, priceUsd }) => ({
    cost: priceUsd.toFixed(5),
    // The emulator's handler does not see the client's address; a local one is the honest stand-in.
    ip: "127.0.0.1",
    createTime: unixSeconds(createdAt),
    endTime: unixSeconds(readyAt),
    solveCount: 1,
  }),
  // Undocumented here (the get-balance page was not reachable): {errorId: 0, balance} as the other
  // providers of the family answer.
  balanceFields: (balance) => ({ balance }),
  minPollGapMs: 0,
  resultWindowAfterReadyMs: undefined,
  // Undocumented: no report window or one-report rule on the report pages.
  reports: { windowAfterReadyMs: undefined, onePerTask: false, refusedCode: "ERROR_NO_SUCH_CAPCHA_ID" },
  // 12 ERROR_CAPTCHA_UNSOLVABLE: "The captcha price is automatically returned to your balance".
  chargesUnsolvable: false,
  // softId: Integer (https://2captcha.com/api-docs/create-task).
  developerId: { field: "softId", type: "integer" },
  // languagePool "en" / "rn" (reference §6.1, from the create-task page).
  languagePools: ["en", "rn"],
  // Undocumented: the limits page gives no block length.
  keyBlockSeconds: 300,
}
