/**
 * 2Captcha through its JSON API v2 (api.2captcha.com), the createTask / getTaskResult family.
 * Facts from the protocol reference, section 6 (6.1 side by side, 6.2 error codes). What it shares with the
 * other providers of the family (numeric task ids, no getToken / feedbackTask, renamed types) is explained in
 * `../Provider.ts`.
 *
 * @since 0.2.0
 */
import * as Result from "effect/Result"
import { make, type Provider } from "../Provider.ts"
import {
  capSolverOnlyTypes,
  ownProxiesOnly,
  steps,
  turnstileOptions,
  twoCaptchaGeeTestVersions,
} from "./Adapt.ts"
import { twoCaptchaAmazon } from "./AmazonForm.ts"
import { twoCaptchaDataDome } from "./DataDomeForm.ts"
import { cookiesAsString, forType, refuseFields, requireOneOf, setFields } from "./FieldRules.ts"
import { splitProxy } from "./SplitProxy.ts"

/**
 * Catalogue types 2Captcha is not sent (issue 15), refused before any request with the reason.
 * 2captcha.com/api-docs/recaptcha-v3 names only RecaptchaV3TaskProxyless, with Enterprise as an `isEnterprise`
 * flag (mapped in `mapTask`).
 */
const unsupported: Readonly<Record<string, string>> = {
  ...capSolverOnlyTypes,
  ReCaptchaV3Task: ownProxiesOnly("RecaptchaV3TaskProxyless"),
  ReCaptchaV3EnterpriseTask: ownProxiesOnly("RecaptchaV3TaskProxyless with isEnterprise"),
}

/** The domains its reCAPTCHA v2 pages take in `apiDomain` ("google.com or recaptcha.net"). */
const recaptchaApiDomains: ReadonlyArray<string> = ["google.com", "recaptcha.net"]

/**
 * reCAPTCHA v2 Enterprise (`RecaptchaV2EnterpriseTask[Proxyless]`). Its API v2 page
 * (2captcha.com/api-docs/recaptcha-v2-enterprise) is not in the store: SECONDARY source, the TypeScript client
 * blackravenx/captcha-libs @7218906b packages/twocaptcha/src/lib/Requests/Token/RecaptchaV2EnterpriseTask.ts and
 * RecaptchaV2EnterpriseTaskProxyless.ts (on Base/_RecaptchaV2TaskBase.ts), whose JSDoc quotes and links that page:
 * `websiteURL`, `websiteKey`, `userAgent`, `isInvisible`, `recaptchaDataSValue`, `enterprisePayload`
 * ("Additional parameters passed to grecaptcha.enterprise.render call"), `apiDomain` ("google.com or
 * recaptcha.net"), `cookies` ("The format is: key1=val1; key2=val2") and the proxy (required on the first). So
 * the catalogue's `pageAction` and `isSession` are refused, another `apiDomain` is refused, and a list of cookies
 * is joined. The answer is `gRecaptchaResponse` and `token` (Solutions/Token/RecaptchaV2TaskSolution.ts), already
 * the catalogue's shape.
 */
const recaptchaV2Form = (types: ReadonlyArray<string>, theirs: string) =>
  forType(
    types,
    refuseFields("2Captcha", theirs, ["pageAction", "isSession"]),
    (task) =>
      task.apiDomain === undefined || recaptchaApiDomains.includes(task.apiDomain as string)
        ? Result.succeed(task)
        : Result.fail({
            field: "apiDomain",
            message: `must be one of ${recaptchaApiDomains.join(", ")} at 2Captcha (its reCAPTCHA v2 pages: "Domain used to load the captcha: google.com or recaptcha.net"; refused before any request, issue 15)`,
          }),
    cookiesAsString,
  )

const recaptchaV2Enterprise = recaptchaV2Form(
  ["RecaptchaV2EnterpriseTask", "RecaptchaV2EnterpriseTaskProxyless"],
  "RecaptchaV2EnterpriseTask",
)

/**
 * reCAPTCHA v2 (`RecaptchaV2Task[Proxyless]`): the same base as Enterprise without `enterprisePayload`. SECONDARY
 * source, as above: captcha-libs @7218906b packages/twocaptcha/src/lib/Requests/Token/Base/_RecaptchaV2TaskBase.ts,
 * quoting 2captcha.com/api-docs/recaptcha-v2 (no `pageAction` or `isSession` there).
 */
const recaptchaV2 = recaptchaV2Form(["RecaptchaV2TaskProxyless", "RecaptchaV2Task"], "RecaptchaV2Task")

/**
 * 2Captcha's JSON API v2 (api.2captcha.com), the createTask family, not the legacy `in.php`/`res.php` API.
 * Error ids from 2captcha.com/api-docs/error-codes (reference 6.2); polling advice from its docs (6.1).
 */
export const TwoCaptcha: Provider = /*#__PURE__*/ make({
  name: "2Captcha",
  baseUrl: "https://api.2captcha.com",
  endpoints: { createTask: "createTask", getTaskResult: "getTaskResult", getBalance: "getBalance" },
  // 2Captcha documents neither a query budget nor how long results are kept (reference 6.1: "unconfirmed").
  // Conservative choice: the family's figures (120 queries, 5 minutes from creation, CapSolver's and
  // CapMonster's), so no task is polled longer or harder than the strictest documented sibling allows.
  limits: { maxQueriesPerTask: 120, resultWindowMs: 300_000, safetyMarginMs: 10_000 },
  // "wait at least 5 s, then poll every 5–10 s; first poll after 5 s (10–20 s for reCAPTCHA)".
  polling: { firstDelayMs: 5_000, intervalMs: 5_000 },
  taskIdType: "number",
  // Unsupported catalogue types are refused before any request, then the catalogue's fields become 2Captcha's
  // (issue 15); split proxy fields only (no `proxy` string: reference 6.1).
  unsupportedTypes: unsupported,
  mapTask: steps(
    recaptchaV2,
    recaptchaV2Enterprise,
    // reCAPTCHA v3 Enterprise is RecaptchaV3TaskProxyless with `isEnterprise: true`; the page documents no
    // enterprisePayload (2captcha.com/api-docs/recaptcha-v3: type, websiteURL, websiteKey, minScore,
    // pageAction, isEnterprise, apiDomain).
    forType(
      "ReCaptchaV3EnterpriseTaskProxyLess",
      refuseFields("2Captcha", "RecaptchaV3TaskProxyless", {
        enterprisePayload:
          "its reCAPTCHA v3 page documents Enterprise as isEnterprise alone, with no enterprisePayload",
      }),
      setFields({ type: "RecaptchaV3TaskProxyless", isEnterprise: true }),
    ),
    // 2captcha.com/api-docs/recaptcha-v3: "minScore Float Yes Required score value: 0.3 0.7 0.9"; the fields
    // the page does not list are refused.
    forType(
      "RecaptchaV3TaskProxyless",
      requireOneOf("2Captcha", "minScore", [0.3, 0.7, 0.9], "2captcha.com/api-docs/recaptcha-v3"),
      refuseFields("2Captcha", "RecaptchaV3TaskProxyless", [
        "isSession",
        "userAgent",
        "cookies",
        "anchor",
        "reload",
      ]),
    ),
    // GeeTest v3 (`version: 3`) and v4 (`version: 4`, `initParameters.captcha_id`): Adapt.ts, from a SECONDARY
    // source (its API v2 geetest page is not in the store).
    twoCaptchaGeeTestVersions("2Captcha", "GeeTestTaskProxyless"),
    // Turnstile's options as `action`, `data` and `pagedata` ("Required for Cloudflare Challenge pages. The value
    // of chlPageData parameter of turnstile.render call"), and `userAgent` as given. Its API v2 page
    // (2captcha.com/api-docs/cloudflare-turnstile) is not in the store: SECONDARY sources, the TypeScript client
    // blackravenx/captcha-libs @9ef529aa packages/twocaptcha/src/lib/Requests/Token/Base/_TurnstileTaskBase.ts,
    // whose JSDoc quotes that page, its official in.php client (2captcha/2captcha-python twocaptcha/solver.py
    // `turnstile`: action, data, pagedata) and the project reference (6.4).
    turnstileOptions("TurnstileTaskProxyless", { action: "action", cdata: "data", chlPageData: "pagedata" }),
    // Amazon WAF (AmazonForm.ts) and DataDome (DataDomeForm.ts), from the same SECONDARY source. MTCaptcha
    // (`MtCaptchaTask[Proxyless]`: websiteURL, websiteKey, the proxy; captcha-libs @7218906b
    // packages/twocaptcha/src/lib/Requests/Token/Base/_MtCaptchaTaskBase.ts, quoting
    // 2captcha.com/api-docs/mtcaptcha) takes the catalogue's fields as they are: renamed only.
    twoCaptchaAmazon,
    twoCaptchaDataDome,
    // ImageToTextTask: its normal-captcha page could not be read. Sent as Anti-Captcha names them (phrase, case,
    // numeric, math, minLength, maxLength, comment: a third-party API v2 client sends the same), not verified;
    // CapSolver's and CapMonster Cloud's own options are refused.
    forType(
      "ImageToTextTask",
      refuseFields("2Captcha", "ImageToTextTask", {
        module: "a CapSolver recognition module, which 2Captcha does not take",
        images: "CapSolver's number module only",
        score: "a CapSolver option (SDK-only there), which 2Captcha does not document",
        recognizingThreshold: "a CapMonster Cloud option",
        capMonsterModule: "a CapMonster Cloud option",
      }),
    ),
  ),
  // No `adaptSolution`: the answers captcha-libs @7218906b types (packages/twocaptcha/src/lib/Solutions/Token/*)
  // already have the catalogue's field names (reCAPTCHA `gRecaptchaResponse`, MTCaptcha `token`, DataDome
  // `cookie`, Turnstile `token`). Amazon WAF is answered `captcha_voucher` and `existing_token`
  // (AmazonTaskSolution.ts, linking 2captcha.com/api-docs/amazon-aws-waf-captcha), neither of them the
  // aws-waf-token cookie the catalogue's `cookie` holds (the site's AWS WAF exchanges the voucher for one; the
  // source does not describe that step): solvekit does not guess, so the optional `cookie` stays absent and both
  // fields are kept on the solution as given.
  // Split proxy fields: "Proxy IP address or hostname" (captcha-libs, each proxied type), so a host name is sent.
  adaptTask: splitProxy,
  errorCodes: {
    ERROR_KEY_DOES_NOT_EXIST: "Auth", // 1
    ERROR_NO_SLOT_AVAILABLE: "ServiceUnavailable", // 2: the limits page says back off (5 s) and retry
    ERROR_ZERO_CAPTCHA_FILESIZE: "InvalidTask", // 3
    ERROR_TOO_BIG_CAPTCHA_FILESIZE: "InvalidTask", // 4: > 100 kB or > 600 px
    ERROR_ZERO_BALANCE: "Balance", // 10
    ERROR_IP_NOT_ALLOWED: "Auth", // 11: the key is restricted to other IPs
    ERROR_CAPTCHA_UNSOLVABLE: "Unsolvable", // 12 (refunded)
    ERROR_BAD_DUPLICATES: "Unsolvable", // 13: not enough matching answers
    ERROR_NO_SUCH_METHOD: "UnsupportedTask", // 14: the provider has no such call
    ERROR_IMAGE_TYPE_NOT_SUPPORTED: "InvalidTask", // 15
    ERROR_NO_SUCH_CAPCHA_ID: "TaskNotFound", // 16 (sic: "CAPCHA")
    ERROR_IP_BLOCKED: "TemporarilyBanned", // 21
    ERROR_TASK_ABSENT: "InvalidTask", // 22: no task object in createTask
    ERROR_TASK_NOT_SUPPORTED: "UnsupportedTask", // 23
    ERROR_RECAPTCHA_INVALID_SITEKEY: "InvalidTask", // 31
    ERROR_ACCOUNT_SUSPENDED: "Auth", // 55: API access blocked until support lifts it, not a cool-down
    ERROR_BAD_PARAMETERS: "InvalidTask", // 110
    ERROR_BAD_IMGINSTRUCTIONS: "InvalidTask", // 115
    ERROR_BAD_PROXY: "InvalidTask", // 130
  },
  transientCodes: ["ERROR_NO_SLOT_AVAILABLE"],
  // 2captcha.com/api-docs/limits: "wait 5 seconds" after ERROR_NO_SLOT_AVAILABLE before the next createTask,
  // and requests sent without the advised pauses get the account or IP blocked for a while. The same page
  // asks for 60 s after ERROR_ZERO_BALANCE, but that code is not transient here: it is never retried.
  busyBackoffMs: { ERROR_NO_SLOT_AVAILABLE: 5_000 },
  // Developer id: `softId`, an Integer at the top level of createTask (2captcha.com/api-docs/create-task).
  developerId: { field: "softId", kind: "integer" },
  // Reports: `reportIncorrect` and `reportCorrect`, `{ clientKey, taskId }` → `{ errorId: 0, status: "success" }`,
  // for every task type (2captcha.com/api-docs/report-incorrect; reportCorrect per
  // 2captcha.com/h/how-to-submit-reports; 2captcha.com/api-docs/other-methods lists reportIncorrectImageCaptcha,
  // reportIncorrectRecaptcha and reportCorrectRecaptcha as mere aliases). The API v2 pages name no window
  // (undocumented: none enforced); the legacy res.php API's ERROR_REPORT_NOT_RECORDED is described by its
  // clients as "older than 15 minutes".
  feedback: {
    body: "taskId",
    routes: [
      { family: "every task", taskTypes: "any", incorrect: "reportIncorrect", correct: "reportCorrect" },
    ],
  },
  // Named in the reference: the proxyless reCAPTCHA v2/v3 and Turnstile types; `RecaptchaV2Task` follows the
  // same spelling for the proxied sibling.
  taskTypeNames: {
    ReCaptchaV2TaskProxyLess: "RecaptchaV2TaskProxyless",
    ReCaptchaV2Task: "RecaptchaV2Task",
    // 2Captcha requires `minScore` for v3 (CapSolver does not), one of 0.3, 0.7, 0.9: checked before any request.
    // Enterprise v3 keeps the catalogue's name here (renaming would solve a plain v3): `mapTask` sends it as
    // RecaptchaV3TaskProxyless with `isEnterprise: true`.
    ReCaptchaV3TaskProxyLess: "RecaptchaV3TaskProxyless",
    AntiTurnstileTaskProxyLess: "TurnstileTaskProxyless",
    // 2captcha.com/h/how-to-bypass-and-solve-geetest-v4-captcha-automatically names GeeTestTaskProxyless;
    // v3 and v4 fields are set by mapTask.
    GeeTestTaskProxyLess: "GeeTestTaskProxyless",
    // SECONDARY, blackravenx/captcha-libs @7218906b packages/twocaptcha/src/lib/Requests/_BaseTaskRequest.ts (its
    // list of 2Captcha's type names) and the Requests/Token/*.ts class of each, quoting 2captcha.com/api-docs/
    // recaptcha-v2-enterprise, amazon-aws-waf-captcha, mtcaptcha and datadome-slider-captcha.
    ReCaptchaV2EnterpriseTask: "RecaptchaV2EnterpriseTask",
    ReCaptchaV2EnterpriseTaskProxyLess: "RecaptchaV2EnterpriseTaskProxyless",
    AntiAwsWafTask: "AmazonTask",
    AntiAwsWafTaskProxyLess: "AmazonTaskProxyless",
    MtCaptchaTask: "MtCaptchaTask",
    MtCaptchaTaskProxyLess: "MtCaptchaTaskProxyless",
    DatadomeSliderTask: "DataDomeSliderTask",
  },
  // TWOCAPTCHA_API_KEY, TWOCAPTCHA_BASE_URL, ... in the Node and Deno adapters (never CAPSOLVER_*).
  envPrefix: "TWOCAPTCHA",
})
