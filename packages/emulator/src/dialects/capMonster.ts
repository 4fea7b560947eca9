/**
 * CapMonster Cloud (https://docs.capmonster.cloud). Sources: github ZennoLab/capmonstercloud-docs,
 * `i18n/en/docusaurus-plugin-content-docs/current/api/...` (cited below by the path after `api/`), and the
 * official client ZennoLab/capmonstercloud-client-js.
 */
import { type Dialect, type DocumentedError, type FieldIssue, isProxyField, withField } from "./Dialect.ts"

/** api-errors.mdx, in its order. errorId is a 0/1 flag (methods/create-task.mdx). Descriptions paraphrased. */
const errors: ReadonlyArray<DocumentedError> = [
  ["ERROR_KEY_DOES_NOT_EXIST", "API key not found or in an incorrect format."],
  ["ERROR_ZERO_BALANCE", "Insufficient funds on the account."],
  ["ERROR_TOO_BIG_CAPTCHA_FILESIZE", "The image exceeds 50 KB."],
  ["ERROR_ZERO_CAPTCHA_FILESIZE", "The image is smaller than 100 bytes."],
  ["ERROR_NO_SUCH_CAPCHA_ID", "No task with this taskId, or its storage period (usually 5 minutes) expired."],
  ["WRONG_CAPTCHA_ID", "No task with this taskId, or its storage period (usually 5 minutes) expired."],
  ["ERROR_CAPTCHA_UNSOLVABLE", "The service failed to solve the task."],
  ["CAPTCHA_NOT_READY", "The solution is not ready yet; retry at least 2 seconds later."],
  ["ERROR_IP_NOT_ALLOWED", "Requests from this IP with this key are denied."],
  ["ERROR_IP_BANNED", "Request limit with an incorrect API key exceeded."],
  ["ERROR_NO_SUCH_METHOD", "An incorrect task type is specified."],
  ["ERROR_TOO_MUCH_REQUESTS", "Request the task result no more often than once every 2 seconds."],
  ["ERROR_DOMAIN_NOT_ALLOWED", "Solving captchas from this domain is forbidden."],
  ["ERROR_TOKEN_EXPIRED", "The additional token has expired."],
  ["ERROR_NO_SLOT_AVAILABLE", "No free servers are available to solve this task."],
  ["ERROR_RECAPTCHA_INVALID_SITEKEY", "An invalid websiteKey was provided."],
  ["ERROR_RECAPTCHA_INVALID_DOMAIN", "The domain does not match the sitekey, or websiteURL is malformed."],
  ["ERROR_RECAPTCHA_TIMEOUT", "The reCAPTCHA solving time has expired."],
  ["ERROR_IP_BLOCKED", "Access from this IP is blocked due to many failed requests."],
  ["ERROR_PROXY_CONNECT_REFUSED", "Failed to connect to the proxy."],
  ["ERROR_PROXY_BANNED", "The proxy is banned on the captcha service."],
  ["ERROR_PROXY_MISSING", "Proxy parameters are missing or proxyType is incorrect."],
  ["ERROR_PROXY_NOT_AUTHORISED", "Incorrect proxyLogin or proxyPassword."],
  ["ERROR_PROXY_READ_TIMEOUT", "Incorrect proxyAddress or proxyPort: connection timeout."],
  ["ERROR_TASK_NOT_SUPPORTED", "The task type is unsupported or invalid."],
  ["ERROR_TASK_ABSENT", "The task object is missing in the createTask request or the JSON is invalid."],
  ["ERROR_WRONG_USERAGENT", "An invalid User Agent was provided."],
].map(([code, description]) => ({ errorId: 1, code, description }) as DocumentedError)

const describe = (code: string): string => errors.find((row) => row.code === code)?.description ?? code

/** Which documented code names a refused field, where api-errors.mdx has one for it. */
const codeForField = (issue: FieldIssue): string => {
  if (issue.field === "task") return "ERROR_TASK_ABSENT"
  // A field the type does not document is not a bad proxy or sitekey: the general code below.
  if (issue.kind === "unknown") return "ERROR_TASK_NOT_SUPPORTED"
  // ERROR_PROXY_MISSING: "Proxy parameters are missing in required fields or an incorrect proxyType".
  if (isProxyField(issue.field)) return "ERROR_PROXY_MISSING"
  // ERROR_RECAPTCHA_INVALID_SITEKEY: "An invalid websiteKey was provided".
  if (issue.field === "websiteKey") return "ERROR_RECAPTCHA_INVALID_SITEKEY"
  // ERROR_RECAPTCHA_INVALID_DOMAIN: "... or the websiteURL parameter is in an incorrect format".
  if (issue.field === "websiteURL") return "ERROR_RECAPTCHA_INVALID_DOMAIN"
  // ERROR_WRONG_USERAGENT: "An invalid User Agent was provided in the request".
  if (issue.field === "userAgent") return "ERROR_WRONG_USERAGENT"
  // Undocumented: no general "invalid parameter" code exists; ERROR_TASK_NOT_SUPPORTED reads "the
  // specified task type is unsupported or invalid", the nearest.
  return "ERROR_TASK_NOT_SUPPORTED"
}

export const capMonster: Dialect = {
  name: "capmonster",
  endpoints: {
    createTask: { kind: "createTask" },
    getTaskResult: { kind: "getTaskResult" },
    getBalance: { kind: "getBalance" },
    // bad-tokens.mdx: image reports, and token reports for "recaptcha(2,3, enterprise), geetest, turnstile",
    // with reportIncorrectRecaptcha working "the same as reportIncorrectTokenCaptcha". No reportCorrect.
    reportIncorrectImageCaptcha: { kind: "report", verdict: "incorrect", families: ["image"] },
    reportIncorrectTokenCaptcha: {
      kind: "report",
      verdict: "incorrect",
      families: ["recaptcha", "geetest", "turnstile"],
    },
    reportIncorrectRecaptcha: {
      kind: "report",
      verdict: "incorrect",
      families: ["recaptcha", "geetest", "turnstile"],
    },
  },
  // ERROR_NO_SUCH_METHOD is documented (api-errors.mdx), though described there for a wrong task type.
  unknownPath: "noSuchMethod",
  // taskId: Integer (methods/create-task.mdx, methods/get-task-result.mdx).
  taskIds: "integer",
  errors,
  codes: {
    // ERROR_TASK_ABSENT: "The task object is missing ... or the JSON is invalid".
    malformedBody: "ERROR_TASK_ABSENT",
    keyDoesNotExist: "ERROR_KEY_DOES_NOT_EXIST",
    // block-reason.mdx: repeated bad requests ban for 10 minutes; ERROR_IP_BLOCKED is "blocked due to a
    // high number of failed requests".
    keyBlocked: "ERROR_IP_BLOCKED",
    zeroBalance: "ERROR_ZERO_BALANCE",
    taskNotSupported: "ERROR_TASK_NOT_SUPPORTED",
    noSuchTask: "ERROR_NO_SUCH_CAPCHA_ID",
    unsolvable: "ERROR_CAPTCHA_UNSOLVABLE",
    // Undocumented: no general timeout code; a task nobody solved is unsolvable.
    timeout: "ERROR_CAPTCHA_UNSOLVABLE",
    // Undocumented: the balance ran out between creation and solution.
    settlementFailed: "ERROR_ZERO_BALANCE",
    busy: "ERROR_NO_SLOT_AVAILABLE",
    rateLimited: "ERROR_TOO_MUCH_REQUESTS",
    noSuchMethod: "ERROR_NO_SUCH_METHOD",
    // ERROR_TOO_MUCH_REQUESTS: "no more often than once every 2 seconds" for one task. CAPTCHA_NOT_READY
    // also mentions 2 seconds but means "not solved yet", which getTaskResult says with status processing.
    pollTooSoon: "ERROR_TOO_MUCH_REQUESTS",
  },
  fieldError: (issue: FieldIssue) => {
    const code = codeForField(issue)
    return {
      code,
      description: code === "ERROR_TASK_ABSENT" ? describe(code) : withField(describe(code), issue),
    }
  },
  // Undocumented: the docs show JSON only, and the official client refuses any status but 200 before
  // reading the body (capmonstercloud-client-js src/HttpClient.ts, responseStatusHandler(res, 200)), so its
  // errors must come as 200.
  httpStatus: () => 200,
  // "0 - no errors, no errorCode property" (methods/get-task-result.mdx).
  successFields: {},
  // The error example of methods/create-task.mdx carries "taskId": 0.
  failedCreateTaskFields: { taskId: 0 },
  createdStatus: undefined,
  reportsIdle: false,
  // The "in process" example of methods/get-task-result.mdx: errorCode and errorDescription are null.
  processingFields: { errorCode: null, errorDescription: null },
  echoesTaskId: false,
  // ImageToTextTask is polled (methods/get-task-result.mdx's example solution is {"text": "answer"}).
  synchronousRecognition: false,
  // None documented (methods/get-task-result.mdx lists errorId, errorCode, status, solution).
  resultExtras: undefined,
  // methods/get-balance.mdx: {"errorId":0, "balance": 345.678}.
  balanceFields: (balance) => ({ balance }),
  // ERROR_TOO_MUCH_REQUESTS (api-errors.mdx). Note the official client polls some types every 1 s and
  // images every 200 ms (capmonstercloud-client-js src/GetResultTimeouts.ts); the documented rule is kept.
  minPollGapMs: 2000,
  // "usually 5 minutes" (ERROR_NO_SUCH_CAPCHA_ID) is the creation window every dialect keeps.
  resultWindowAfterReadyMs: undefined,
  // Undocumented: bad-tokens.mdx states no window and no one-report rule; a report for a task of another
  // family is refused with ERROR_NO_SUCH_CAPCHA_ID (the report "is not accepted, the reason is in errorCode").
  reports: { windowAfterReadyMs: undefined, onePerTask: false, refusedCode: "ERROR_NO_SUCH_CAPCHA_ID" },
  // Undocumented: whether unsolvable tasks are charged.
  chargesUnsolvable: false,
  // softId: integer at the top level (api/threshold.mdx example); the official client always sends it.
  developerId: { field: "softId", type: "integer" },
  languagePools: undefined,
  // block-reason.mdx: "The duration of the block is 10 minutes".
  keyBlockSeconds: 600,
}
