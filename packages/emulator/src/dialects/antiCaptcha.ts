/** Anti-Captcha (https://anti-captcha.com/apidoc). */
import { type Dialect, type DocumentedError, type FieldIssue, withField } from "./Dialect.ts"

/**
 * https://anti-captcha.com/apidoc/errors: a numeric id per code. The stored copies of the page stop at
 * about id 22; ids 24–52 as the client ScreamZ/anti-captcha `src/enum.ts` mirrors the table (its ids
 * agree with the page wherever both were read). Descriptions paraphrased.
 */
const errors: ReadonlyArray<DocumentedError> = [
  [1, "ERROR_KEY_DOES_NOT_EXIST", "Account authorization key not found in the system."],
  [2, "ERROR_NO_SLOT_AVAILABLE", "No idle captcha workers are available at the moment."],
  [3, "ERROR_ZERO_CAPTCHA_FILESIZE", "The captcha is smaller than 100 bytes."],
  [4, "ERROR_TOO_BIG_CAPTCHA_FILESIZE", "The captcha is larger than 500,000 bytes."],
  [10, "ERROR_ZERO_BALANCE", "Account has zero or negative balance."],
  [11, "ERROR_IP_NOT_ALLOWED", "Requests with this key are not allowed from your IP."],
  [
    12,
    "ERROR_CAPTCHA_UNSOLVABLE",
    "5 different workers could not solve the captcha. You are charged for it.",
  ],
  [13, "ERROR_BAD_DUPLICATES", "100% recognition failed for lack of guess attempts."],
  [14, "ERROR_NO_SUCH_METHOD", "Request to a method which does not exist."],
  [15, "ERROR_IMAGE_TYPE_NOT_SUPPORTED", "Could not determine the captcha file type."],
  [
    16,
    "ERROR_NO_SUCH_CAPCHA_ID",
    "Task you are requesting does not exist in your current task list or has been expired.",
  ],
  [20, "ERROR_EMPTY_COMMENT", '"comment" property is required for this request.'],
  [21, "ERROR_IP_BLOCKED", "Your IP is blocked due to improper use of the API."],
  [22, "ERROR_TASK_ABSENT", "Task property is empty or not set in createTask."],
  [23, "ERROR_TASK_NOT_SUPPORTED", "Task type is not supported or improperly printed."],
  [
    24,
    "ERROR_INCORRECT_SESSION_DATA",
    "Some of the required values for successive user emulation are missing.",
  ],
  [25, "ERROR_PROXY_CONNECT_REFUSED", "Could not connect to the task's proxy: connection refused."],
  [26, "ERROR_PROXY_CONNECT_TIMEOUT", "Could not connect to the task's proxy: connection timeout."],
  [27, "ERROR_PROXY_READ_TIMEOUT", "Connection to the task's proxy timed out."],
  [28, "ERROR_PROXY_BANNED", "Proxy IP is banned by the target service."],
  [29, "ERROR_PROXY_TRANSPARENT", "The proxy must be non-transparent."],
  [30, "ERROR_RECAPTCHA_TIMEOUT", "Recaptcha task timeout, probably a slow proxy or Google server."],
  [31, "ERROR_RECAPTCHA_INVALID_SITEKEY", "Recaptcha server reported that the site key is invalid."],
  [
    32,
    "ERROR_RECAPTCHA_INVALID_DOMAIN",
    "Recaptcha server reported that the domain is invalid for this site key.",
  ],
  [33, "ERROR_RECAPTCHA_OLD_BROWSER", "Recaptcha server reported an incompatible browser user-agent."],
  [34, "ERROR_TOKEN_EXPIRED", "The captcha provider reported that the additional token has expired."],
  [35, "ERROR_PROXY_HAS_NO_IMAGE_SUPPORT", "The proxy does not transfer image data from Google."],
  [36, "ERROR_PROXY_INCOMPATIBLE_HTTP_VERSION", "The proxy does not support long GET requests or SSL."],
  [
    37,
    "ERROR_FACTORY_SERVER_API_CONNECTION_FAILED",
    "Could not connect to Factory Server API within 5 seconds.",
  ],
  [38, "ERROR_FACTORY_SERVER_BAD_JSON", "Incorrect Factory Server JSON response."],
  [39, "ERROR_FACTORY_SERVER_ERRORID_MISSING", "Factory Server API did not send any errorId."],
  [40, "ERROR_FACTORY_SERVER_ERRORID_NOT_ZERO", "Factory Server API reported errorId != 0."],
  [41, "ERROR_FACTORY_MISSING_PROPERTY", "Some required Factory form values are missing."],
  [42, "ERROR_FACTORY_PROPERTY_INCORRECT_FORMAT", "A Factory form value has the wrong type."],
  [43, "ERROR_FACTORY_ACCESS_DENIED", "Factory control belongs to another account."],
  [44, "ERROR_FACTORY_SERVER_OPERATION_FAILED", "Factory Server general error."],
  [45, "ERROR_FACTORY_PLATFORM_OPERATION_FAILED", "Factory Platform general error."],
  [46, "ERROR_FACTORY_PROTOCOL_BROKEN", "Factory task lifetime protocol broken."],
  [47, "ERROR_FACTORY_TASK_NOT_FOUND", "Task not found or not available for this operation."],
  [48, "ERROR_FACTORY_IS_SANDBOXED", "Factory is sandboxed; only its owner can create tasks."],
  [49, "ERROR_PROXY_NOT_AUTHORISED", "Proxy login and password are incorrect."],
  [50, "ERROR_FUNCAPTCHA_NOT_ALLOWED", "Funcaptcha proxyless tasks are not enabled for this account."],
  [51, "ERROR_INVISIBLE_RECAPTCHA", "The recaptcha was attempted as a usual one instead of invisible."],
  [52, "ERROR_FAILED_LOADING_WIDGET", "Could not load the captcha widget in the worker's browser."],
].map(([errorId, code, description]) => ({ errorId, code, description }) as DocumentedError)

const describe = (code: string): string => errors.find((row) => row.code === code)?.description ?? code

/** https://anti-captcha.com/apidoc/methods/reportIncorrectRecaptcha (and the three other report pages). */
const reportWindowMs = 60_000

export const antiCaptcha: Dialect = {
  name: "anticaptcha",
  endpoints: {
    createTask: { kind: "createTask" },
    getTaskResult: { kind: "getTaskResult" },
    getBalance: { kind: "getBalance" },
    // "Complaints are accepted for image captchas only" (/apidoc/methods/reportIncorrectImageCaptcha).
    reportIncorrectImageCaptcha: { kind: "report", verdict: "incorrect", families: ["image"] },
    // "accepted for V2 and V3 reCaptchas only, including Enterprise" (/apidoc/methods/reportIncorrectRecaptcha).
    reportIncorrectRecaptcha: { kind: "report", verdict: "incorrect", families: ["recaptcha"] },
    // For V3 and V2 Enterprise; "Reports for reCaptcha V2 are currently accepted but eventually ignored"
    // (/apidoc/methods/reportCorrectRecaptcha), so every reCAPTCHA task is accepted.
    reportCorrectRecaptcha: { kind: "report", verdict: "correct", families: ["recaptcha"] },
    // "Complaints are accepted for Hcaptchas only" (/apidoc/methods/reportIncorrectHcaptcha).
    reportIncorrectHcaptcha: { kind: "report", verdict: "incorrect", families: ["hcaptcha"] },
  },
  // 14 ERROR_NO_SUCH_METHOD: "Request to API made with method which does not exist".
  unknownPath: "noSuchMethod",
  // taskId: Integer (/apidoc/methods/createTask, /getTaskResult).
  taskIds: "integer",
  errors,
  codes: {
    // Undocumented: no key can be read from a body that is not a JSON object.
    malformedBody: "ERROR_KEY_DOES_NOT_EXIST",
    keyDoesNotExist: "ERROR_KEY_DOES_NOT_EXIST",
    // The errors page: repeated nonsense requests lead to IP and subnet bans; 21 is that ban.
    keyBlocked: "ERROR_IP_BLOCKED",
    zeroBalance: "ERROR_ZERO_BALANCE",
    taskNotSupported: "ERROR_TASK_NOT_SUPPORTED",
    noSuchTask: "ERROR_NO_SUCH_CAPCHA_ID",
    unsolvable: "ERROR_CAPTCHA_UNSOLVABLE",
    // Undocumented: no general timeout code (30 is reCAPTCHA-only); a task nobody solved is unsolvable.
    timeout: "ERROR_CAPTCHA_UNSOLVABLE",
    // Undocumented: the balance ran out between creation and solution.
    settlementFailed: "ERROR_ZERO_BALANCE",
    // 2 ERROR_NO_SLOT_AVAILABLE is the only "busy" code; no rate-limit code is documented.
    busy: "ERROR_NO_SLOT_AVAILABLE",
    rateLimited: "ERROR_NO_SLOT_AVAILABLE",
    noSuchMethod: "ERROR_NO_SUCH_METHOD",
    // Never sent: no poll gap is documented.
    pollTooSoon: "ERROR_NO_SLOT_AVAILABLE",
  },
  fieldError: (issue: FieldIssue) => {
    if (issue.field === "task")
      return { code: "ERROR_TASK_ABSENT", description: describe("ERROR_TASK_ABSENT") }
    // 20: "comment" property is required for this request.
    if (issue.field === "comment" && issue.kind === "missing") {
      return { code: "ERROR_EMPTY_COMMENT", description: describe("ERROR_EMPTY_COMMENT") }
    }
    // Not in the table as such: Anti-Captcha answers malformed task values with 24, naming the value, e.g.
    // "Website stoken is invalid. Expected string value, received array" (github ad-m/python-anticaptcha
    // issue 9) and "Website key '<div ...' " (github AdminAnticaptcha/anticaptcha-python issue 29).
    return {
      code: "ERROR_INCORRECT_SESSION_DATA",
      description: withField(describe("ERROR_INCORRECT_SESSION_DATA"), issue),
    }
  },
  // Undocumented: the method pages show JSON bodies only; errors are told by errorId, so 200 throughout.
  httpStatus: () => 200,
  // Examples: {"errorId": 0, "taskId": 7654321}, {"errorId":0,"status":"ready",...} with no errorCode.
  successFields: {},
  failedCreateTaskFields: {},
  createdStatus: undefined,
  // processing / ready (/apidoc/methods/getTaskResult).
  reportsIdle: false,
  processingFields: {},
  echoesTaskId: false,
  // ImageToTextTask is polled (/apidoc/task-types/ImageToTextTask, reference §6.1).
  synchronousRecognition: false,
  // /apidoc/methods/getTaskResult: cost is typed Double but the example sends "0.000700"; createTime and
  // endTime are UNIX seconds; solveCount is typed Integer but the example sends "0". The example's types
  // are what clients meet, so they are kept.
  resultExtras: ({ createdAt, readyAt, unixSeconds, priceUsd }) => ({
    cost: priceUsd.toFixed(6),
    // The emulator's handler does not see the client's address; a local one is the honest stand-in.
    ip: "127.0.0.1",
    createTime: unixSeconds(createdAt),
    endTime: unixSeconds(readyAt),
    solveCount: "1",
  }),
  // /apidoc/methods/getBalance: balance (Double) and captchaCredits (Integer).
  balanceFields: (balance) => ({ balance, captchaCredits: 0 }),
  minPollGapMs: 0,
  // 16 ERROR_NO_SUCH_CAPCHA_ID: captchas are removed from the API 60 seconds after a worker completes them
  // (the errors page; older mirrors of it said 5 minutes after upload, which the creation window keeps).
  resultWindowAfterReadyMs: reportWindowMs,
  // "Reports must be sent within 60 seconds of task completion. If you send a report later, the API will
  // return ERROR_NO_SUCH_CAPCHA_ID error. Only one report can be sent per task." (every report page). A
  // report for a task of another family is refused with the same code: undocumented, chosen because the
  // image page answers reports it does not accept (Russian captchas) with it.
  reports: { windowAfterReadyMs: reportWindowMs, onePerTask: true, refusedCode: "ERROR_NO_SUCH_CAPCHA_ID" },
  // 12: "Customers are charged for these tasks since workers must be paid for their time".
  chargesUnsolvable: true,
  // softId: Integer (/apidoc/methods/createTask).
  developerId: { field: "softId", type: "integer" },
  // languagePool "en" (default) or "rn" (/apidoc/methods/createTask).
  languagePools: ["en", "rn"],
  // Undocumented: no ban length is given.
  keyBlockSeconds: 300,
}
