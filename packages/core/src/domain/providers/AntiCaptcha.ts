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
  geeTestVersions,
  ipProxy,
  notFound,
  ownProxiesOnly,
  steps,
  turnstileOptions,
} from "./Adapt.ts"
import { amazonCookieFromToken, antiCaptchaAmazon } from "./AmazonForm.ts"
import { cookiesAsString, forType, refuseFields, requireOneOf, setFields } from "./FieldRules.ts"

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
  // Unsupported catalogue types are refused before any request, then the catalogue's fields become
  // Anti-Captcha's, each field its task-type page does not list refused (issue 15). Pages:
  // anti-captcha.com/apidoc/task-types/<type>; the official client anti-captcha/anticaptcha-npm index.js sends
  // the same fields.
  unsupportedTypes: unsupported,
  mapTask: steps(
    // RecaptchaV2TaskProxyless: websiteURL, websiteKey, recaptchaDataSValue, isInvisible (the official client
    // sends no userAgent or cookies there).
    forType(
      "RecaptchaV2TaskProxyless",
      refuseFields("Anti-Captcha", "RecaptchaV2TaskProxyless", [
        "pageAction",
        "isSession",
        "apiDomain",
        "userAgent",
        "cookies",
      ]),
    ),
    // RecaptchaV2Task: the same plus the proxy, userAgent and cookies, a string (anticaptcha-npm
    // `solveRecaptchaV2ProxyOn`).
    forType(
      "RecaptchaV2Task",
      refuseFields("Anti-Captcha", "RecaptchaV2Task", ["pageAction", "isSession", "apiDomain"]),
      cookiesAsString,
    ),
    // RecaptchaV2Enterprise(Task|TaskProxyless): enterprisePayload (an object) and apiDomain ("www.google.com" or
    // "www.recaptcha.net"); with a proxy also userAgent and cookies (anticaptcha-npm
    // `solveRecaptchaV2EnterpriseProxyOn`). No isInvisible, pageAction or isSession.
    forType(
      "RecaptchaV2EnterpriseTaskProxyless",
      refuseFields("Anti-Captcha", "RecaptchaV2EnterpriseTaskProxyless", [
        "pageAction",
        "isInvisible",
        "isSession",
        "userAgent",
        "cookies",
      ]),
    ),
    forType(
      "RecaptchaV2EnterpriseTask",
      refuseFields("Anti-Captcha", "RecaptchaV2EnterpriseTask", ["pageAction", "isInvisible", "isSession"]),
      cookiesAsString,
    ),
    // task-types/RecaptchaV3Enterprise: "add a flag "isEnterprise": true to your non-Enterprise V3 payload"; no
    // enterprisePayload is documented for v3.
    forType(
      "ReCaptchaV3EnterpriseTaskProxyLess",
      refuseFields("Anti-Captcha", "RecaptchaV3TaskProxyless", {
        enterprisePayload: "its v3 Enterprise page documents isEnterprise alone, with no enterprisePayload",
      }),
      setFields({ type: "RecaptchaV3TaskProxyless", isEnterprise: true }),
    ),
    // task-types/RecaptchaV3TaskProxyless: "minScore Double Yes ... one of the following values: 0.3 0.7 0.9"
    // (its three worker queues), pageAction; nothing else (no apiDomain for v3).
    forType(
      "RecaptchaV3TaskProxyless",
      requireOneOf(
        "Anti-Captcha",
        "minScore",
        [0.3, 0.7, 0.9],
        "its three worker queues, task-types/RecaptchaV3TaskProxyless",
      ),
      refuseFields("Anti-Captcha", "RecaptchaV3TaskProxyless", [
        "isSession",
        "apiDomain",
        "userAgent",
        "cookies",
        "anchor",
        "reload",
      ]),
    ),
    // Turnstile's options as `action`, `cData` and `chlPageData` (task-types/TurnstileTaskProxyless,
    // /TurnstileTask; anticaptcha-npm `solveTurnstileProxyless` sends the same names). "Providing your own custom
    // User-Agent is not necessary and won't work at all": userAgent is refused.
    forType(
      "TurnstileTaskProxyless",
      refuseFields("Anti-Captcha", "TurnstileTaskProxyless", {
        userAgent: 'its Turnstile page says a custom User-Agent "won\'t work at all"',
      }),
    ),
    turnstileOptions("TurnstileTaskProxyless", {
      action: "action",
      cdata: "cData",
      chlPageData: "chlPageData",
    }),
    // GeeTest v3 (`version: 3`) and v4 (`gt` = captchaId, `version: 4`, `initParameters`).
    geeTestVersions("GeeTestTaskProxyless"),
    // Amazon WAF (AmazonForm.ts).
    antiCaptchaAmazon,
    // task-types/ImageToTextTask: body, phrase, case, numeric (0/1/2), math, minLength, maxLength, comment,
    // websiteURL; CapSolver's and CapMonster Cloud's own options are refused.
    forType(
      "ImageToTextTask",
      refuseFields("Anti-Captcha", "ImageToTextTask", {
        module: "a CapSolver recognition module, which Anti-Captcha does not take",
        images: "CapSolver's number module only",
        score: "a CapSolver option (SDK-only there), which Anti-Captcha does not document",
        recognizingThreshold: "a CapMonster Cloud option",
        capMonsterModule: "a CapMonster Cloud option",
      }),
    ),
  ),
  // Its Amazon answer is a `token` (AmazonForm.ts): read back as the catalogue's `cookie`, every field kept.
  adaptSolution: (canonicalType, solution) =>
    canonicalType === "AntiAwsWafTask" || canonicalType === "AntiAwsWafTaskProxyLess"
      ? amazonCookieFromToken(solution)
      : { ...solution },
  adaptTask: steps(
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
    // 37–48: Anti-Captcha's "Factory" platform (custom task types others build on it; anti-captcha.com/apidoc/errors,
    // ids above 22 as third-party clients quote the page, e.g. ScreamZ/anti-captcha). solvekit creates no
    // Factory tasks, but a `Task.raw` one can meet them: the factory server failing is the provider's trouble
    // (ServiceUnavailable, not retried: not a documented "busy" code), a form value is the task's.
    ERROR_FACTORY_SERVER_API_CONNECTION_FAILED: "ServiceUnavailable", // 37
    ERROR_FACTORY_SERVER_BAD_JSON: "ServiceUnavailable", // 38
    ERROR_FACTORY_SERVER_ERRORID_MISSING: "ServiceUnavailable", // 39
    ERROR_FACTORY_SERVER_ERRORID_NOT_ZERO: "ServiceUnavailable", // 40
    ERROR_FACTORY_MISSING_PROPERTY: "InvalidTask", // 41
    ERROR_FACTORY_PROPERTY_INCORRECT_FORMAT: "InvalidTask", // 42
    ERROR_FACTORY_ACCESS_DENIED: "Auth", // 43: the factory belongs to another account
    ERROR_FACTORY_SERVER_OPERATION_FAILED: "ServiceUnavailable", // 44
    ERROR_FACTORY_PLATFORM_OPERATION_FAILED: "ServiceUnavailable", // 45
    ERROR_FACTORY_PROTOCOL_BROKEN: "ServiceUnavailable", // 46
    ERROR_FACTORY_TASK_NOT_FOUND: "TaskNotFound", // 47
    ERROR_FACTORY_IS_SANDBOXED: "Auth", // 48: only the factory's owner may create its tasks
    // Later codes (49, 50), with the same sources:
    ERROR_PROXY_NOT_AUTHORISED: "InvalidTask",
    ERROR_FUNCAPTCHA_NOT_ALLOWED: "UnsupportedTask", // the account has not enabled this task type
    // 51, "Recaptcha was attempted to be solved as usual one, instead of invisible mode. Basically you don't need
    // to do anything when this error occurs, just continue sending tasks with this domain. Our system will
    // self-learn to solve recaptchas from this sitekey in invisible mode." Nothing is wrong with the task, and a
    // new task with the same fields may succeed: Unsolvable ("try a new task"), not InvalidTask. Source:
    // anti-captcha.com/apidoc/errors; the stored copies of that page stop near id 22, so the wording is the one
    // third-party clients' error tables quote from it (unconfirmed against the page itself).
    ERROR_INVISIBLE_RECAPTCHA: "Unsolvable",
    // 53, the converse: "Attempted solution of usual Recaptcha V2 as Recaptcha V2 invisible. Remove flag
    // 'isInvisible' from the API payload" (same sources): the task must change.
    ERROR_VISIBLE_RECAPTCHA: "InvalidTask",
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
    // task-types/RecaptchaV3TaskProxyless (minScore there is one of 0.3, 0.7, 0.9). Enterprise v3 keeps the
    // catalogue's name here (renaming would solve a plain v3): `mapTask` sends it with `isEnterprise: true`.
    ReCaptchaV3TaskProxyLess: "RecaptchaV3TaskProxyless",
    AntiTurnstileTaskProxyLess: "TurnstileTaskProxyless",
    // task-types/GeeTestTaskProxyless: v3 and v4 (version 3 or 4, set by mapTask).
    GeeTestTaskProxyLess: "GeeTestTaskProxyless",
    // task-types/AmazonTask, /AmazonTaskProxyless (fields in AmazonForm.ts).
    AntiAwsWafTask: "AmazonTask",
    AntiAwsWafTaskProxyLess: "AmazonTaskProxyless",
  },
  // ANTICAPTCHA_API_KEY, ANTICAPTCHA_BASE_URL, ... in the Node and Deno adapters (never CAPSOLVER_*).
  envPrefix: "ANTICAPTCHA",
})
