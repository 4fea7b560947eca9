/**
 * Anti-Captcha (api.anti-captcha.com), a provider of the createTask / getTaskResult family.
 * Facts from the protocol reference, section 6 (6.1 side by side, 6.2 error codes). What it shares with the
 * other providers of the family (numeric task ids, no getToken / feedbackTask, renamed types) is explained in
 * `../Provider.ts`.
 *
 * @since 0.2.0
 */
import { make, type Provider } from "../Provider.ts"
import {
  capSolverOnlyTypes,
  fieldsDiffer,
  ipProxy,
  notFound,
  ownProxiesOnly,
  refuseGeeTestV4,
  refuseTypes,
  steps,
  turnstileOptions,
} from "./Adapt.ts"

/**
 * Catalogue types Anti-Captcha is not sent (issue 15), refused before any request with the reason (the
 * lifecycle runs `adaptTask` before createTask). Sources: anti-captcha.com/apidoc/task-types/* (the task-type
 * pages), checked for issue 15; a CapSolver type with no Anti-Captcha page found is refused as not found.
 */
const unsupported: Readonly<Record<string, string>> = {
  ...capSolverOnlyTypes,
  // task-types/RecaptchaV3TaskProxyless: v3 exists only without your proxy.
  ReCaptchaV3Task: ownProxiesOnly("RecaptchaV3TaskProxyless"),
  ReCaptchaV3EnterpriseTask: ownProxiesOnly("RecaptchaV3TaskProxyless with isEnterprise"),
  // task-types/RecaptchaV3Enterprise: Enterprise v3 is an `isEnterprise: true` flag on the v3 task, not a type.
  ReCaptchaV3EnterpriseTaskProxyLess: fieldsDiffer(
    "reCAPTCHA v3 Enterprise (isEnterprise on RecaptchaV3TaskProxyless)",
  ),
  // task-types/AmazonTask, /AmazonTaskProxyless: websiteKey, iv, context, captchaScript, challengeScript.
  AntiAwsWafTask: fieldsDiffer("AmazonTask (websiteKey, iv, context, captchaScript)"),
  AntiAwsWafTaskProxyLess: fieldsDiffer("AmazonTaskProxyless (websiteKey, iv, context, captchaScript)"),
  // No MTCaptcha or DataDome task page exists in its task-type list.
  MtCaptchaTask: notFound("MTCaptcha"),
  MtCaptchaTaskProxyLess: notFound("MTCaptcha"),
  DatadomeSliderTask: notFound("DataDome"),
}

/**
 * Anti-Captcha (api.anti-captcha.com). Error ids from anti-captcha.com/apidoc/errors (reference 6.2); the
 * `ERROR_FACTORY_*` codes (ids 37+) are not named by the reference and classify as "Unknown".
 */
export const AntiCaptcha: Provider = /*#__PURE__*/ make({
  name: "Anti-Captcha",
  baseUrl: "https://api.anti-captcha.com",
  endpoints: { createTask: "createTask", getTaskResult: "getTaskResult", getBalance: "getBalance" },
  // Documented: a result is removed 60 s after completion (errors page); no query budget, no window from
  // creation. Conservative choice: the family's 120 queries and 5 minutes from creation. The 60 s after
  // completion is met by polling far more often than every 60 s.
  limits: { maxQueriesPerTask: 120, resultWindowMs: 300_000, safetyMarginMs: 10_000 },
  // No polling advice is documented (reference 6.1: "unconfirmed"). Conservative choice: 2Captcha's 5 s
  // cadence, which keeps well inside the 60 s a finished result is kept.
  polling: { firstDelayMs: 5_000, intervalMs: 5_000 },
  taskIdType: "number",
  // Unsupported catalogue types and GeeTest v4 are refused before any request (issue 15); split proxy fields
  // only (no `proxy` string: reference 6.1).
  adaptTask: steps(
    refuseTypes("Anti-Captcha", unsupported),
    // task-types/GeeTestTaskProxyless: v4 is `gt` = captcha_id, `version: 4` and `initParameters`.
    refuseGeeTestV4(
      "Anti-Captcha",
      "GeeTestTaskProxyless",
      "it documents v4 as gt, version 4 and initParameters",
    ),
    // Turnstile's options as `action` and `cData` (task-types/TurnstileTaskProxyless, /TurnstileTask; the
    // official client anti-captcha/anticaptcha-npm index.js sends the same names).
    turnstileOptions("TurnstileTaskProxyless", { action: "action", cdata: "cData" }),
    // Split proxy fields; `proxyType` is http, socks4 or socks5 ("http" covers https proxies: sent as http), and
    // `proxyAddress` is "Proxy IP address ipv4/ipv6. No host names or IP addresses from local networks"
    // (task-types/TurnstileTask, /GeeTestTask): a host name is refused before any request.
    ipProxy("Anti-Captcha", { httpsAsHttp: true }),
  ),
  errorCodes: {
    ERROR_KEY_DOES_NOT_EXIST: "Auth", // 1
    ERROR_NO_SLOT_AVAILABLE: "ServiceUnavailable", // 2
    ERROR_ZERO_CAPTCHA_FILESIZE: "InvalidTask", // 3: < 100 bytes
    ERROR_TOO_BIG_CAPTCHA_FILESIZE: "InvalidTask", // 4: > 500,000 bytes
    ERROR_ZERO_BALANCE: "Balance", // 10
    ERROR_IP_NOT_ALLOWED: "Auth", // 11
    ERROR_CAPTCHA_UNSOLVABLE: "Unsolvable", // 12 (5 workers failed; charged)
    ERROR_BAD_DUPLICATES: "Unsolvable", // 13
    ERROR_NO_SUCH_METHOD: "UnsupportedTask", // 14
    ERROR_IMAGE_TYPE_NOT_SUPPORTED: "InvalidTask", // 15
    ERROR_NO_SUCH_CAPCHA_ID: "TaskNotFound", // 16: unknown, expired, or removed 60 s after completion
    ERROR_EMPTY_COMMENT: "InvalidTask", // 20
    ERROR_IP_BLOCKED: "TemporarilyBanned", // 21
    ERROR_TASK_ABSENT: "InvalidTask", // 22
    ERROR_TASK_NOT_SUPPORTED: "UnsupportedTask", // 23
    ERROR_INCORRECT_SESSION_DATA: "InvalidTask", // 24
    ERROR_PROXY_CONNECT_REFUSED: "InvalidTask", // 25
    ERROR_PROXY_CONNECT_TIMEOUT: "InvalidTask", // 26
    ERROR_PROXY_READ_TIMEOUT: "InvalidTask", // 27
    ERROR_PROXY_BANNED: "InvalidTask", // 28
    ERROR_PROXY_TRANSPARENT: "InvalidTask", // 29
    ERROR_RECAPTCHA_TIMEOUT: "Unsolvable", // 30: like CapSolver's ERROR_TASK_TIMEOUT, a new task may succeed
    ERROR_RECAPTCHA_INVALID_SITEKEY: "InvalidTask", // 31
    ERROR_RECAPTCHA_INVALID_DOMAIN: "InvalidTask", // 32
    ERROR_RECAPTCHA_OLD_BROWSER: "InvalidTask", // 33
    ERROR_TOKEN_EXPIRED: "InvalidTask", // 34: the token given in the task expired
    ERROR_RECAPTCHA_STOKEN_EXPIRED: "InvalidTask", // 34's older name
    ERROR_PROXY_HAS_NO_IMAGE_SUPPORT: "InvalidTask", // 35
    ERROR_PROXY_INCOMPATIBLE_HTTP_VERSION: "InvalidTask", // 36
    // Later codes, ids not verified by the reference:
    ERROR_PROXY_NOT_AUTHORISED: "InvalidTask",
    ERROR_FUNCAPTCHA_NOT_ALLOWED: "UnsupportedTask", // the account has not enabled this task type
    ERROR_INVISIBLE_RECAPTCHA: "InvalidTask", // an invisible reCAPTCHA sent without `isInvisible`
    ERROR_FAILED_LOADING_WIDGET: "Unsolvable", // the worker could not load the widget: a new task may work
  },
  transientCodes: ["ERROR_NO_SLOT_AVAILABLE"],
  // No busyBackoffMs: undocumented. anti-captcha.com/apidoc/errors gives no delay for ERROR_NO_SLOT_AVAILABLE
  // ("increase your maximum bid ... or choose less busy hours") and warns that repeating identical errors gets
  // the IP or subnet banned; the client's retry backoff applies as is.
  // Developer id: `softId`, an Integer at the top level of createTask (anti-captcha.com/apidoc/methods/createTask).
  developerId: { field: "softId", kind: "integer" },
  // Reports, `{ clientKey, taskId }` → `{ errorId: 0, status: "success" }`, "within 60 seconds of task completion",
  // "only one report per task", else ERROR_NO_SUCH_CAPCHA_ID (anti-captcha.com/apidoc/methods/
  // reportIncorrectImageCaptcha, reportIncorrectRecaptcha, reportCorrectRecaptcha, reportIncorrectHcaptcha; the
  // official client anti-captcha/anticaptcha-npm index.js calls the same four). No report method exists for
  // Turnstile, GeeTest, Amazon or any other family: those reports are refused before any request.
  feedback: {
    body: "taskId",
    windowMs: 60_000,
    routes: [
      // "Complaints are accepted for image captchas only" (English ones; refunds after moderation).
      {
        family: "image captcha (ImageToTextTask)",
        taskTypes: ["ImageToTextTask"],
        incorrect: "reportIncorrectImageCaptcha",
      },
      // reportIncorrectRecaptcha: "V2 and V3 Recaptchas only, including Enterprise". reportCorrectRecaptcha is
      // meant for V3 and V2 Enterprise; "reports for Recaptcha V2 are currently accepted but eventually ignored".
      // v3 Enterprise is `isEnterprise` on RecaptchaV3TaskProxyless (the catalogue's
      // ReCaptchaV3EnterpriseTaskProxyLess keeps its name until `mapTask` sends it so: listed by that name);
      // NoCaptchaTask* are the old v2 names.
      {
        family: "reCAPTCHA",
        taskTypes: [
          "RecaptchaV2TaskProxyless",
          "RecaptchaV2Task",
          "RecaptchaV2EnterpriseTaskProxyless",
          "RecaptchaV2EnterpriseTask",
          "RecaptchaV3TaskProxyless",
          "ReCaptchaV3EnterpriseTaskProxyLess",
          "NoCaptchaTaskProxyless",
          "NoCaptchaTask",
        ],
        incorrect: "reportIncorrectRecaptcha",
        correct: "reportCorrectRecaptcha",
      },
      // "Complaints are accepted for Hcaptchas only, including Enterprise Hcaptcha" (types from the official
      // client: HCaptchaTaskProxyless, HCaptchaTask; sent through Task.raw, the catalogue has no hCaptcha).
      {
        family: "hCaptcha",
        taskTypes: ["HCaptchaTaskProxyless", "HCaptchaTask"],
        incorrect: "reportIncorrectHcaptcha",
      },
    ],
  },
  // Named in the reference: RecaptchaV2TaskProxyless, RecaptchaV2EnterpriseTask, TurnstileTask(Proxyless),
  // GeeTestTask(Proxyless); the other reCAPTCHA v2 spellings follow the same rule for their siblings.
  taskTypeNames: {
    ReCaptchaV2TaskProxyLess: "RecaptchaV2TaskProxyless",
    ReCaptchaV2Task: "RecaptchaV2Task",
    ReCaptchaV2EnterpriseTask: "RecaptchaV2EnterpriseTask",
    ReCaptchaV2EnterpriseTaskProxyLess: "RecaptchaV2EnterpriseTaskProxyless",
    // task-types/RecaptchaV3TaskProxyless (minScore there is one of 0.3, 0.7, 0.9).
    ReCaptchaV3TaskProxyLess: "RecaptchaV3TaskProxyless",
    AntiTurnstileTaskProxyLess: "TurnstileTaskProxyless",
    // GeeTest v3 fields match (task-types/GeeTestTaskProxyless); v4 is refused by adaptTask (fields differ).
    GeeTestTaskProxyLess: "GeeTestTaskProxyless",
  },
  // ANTICAPTCHA_API_KEY, ANTICAPTCHA_BASE_URL, ... in the Node and Deno adapters (never CAPSOLVER_*).
  envPrefix: "ANTICAPTCHA",
})
