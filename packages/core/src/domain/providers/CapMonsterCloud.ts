/**
 * CapMonster Cloud (api.capmonster.cloud), a provider of the createTask / getTaskResult family.
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
  geeTestVersions,
  ipProxy,
  ownProxiesOnly,
  steps,
  turnstileOptions,
} from "./Adapt.ts"
import { amazonCookieFromCookies, capMonsterAmazon } from "./AmazonForm.ts"
import { capMonsterDataDome, capMonsterDataDomeCookie, dataDomeCookieFromDomains } from "./DataDomeForm.ts"
import { cookiesAsString, forType, refuseFields, requireFields, setFields, valueAt } from "./FieldRules.ts"

/** The CapSolver and Anti-Captcha image options CapMonster Cloud's ImageToTextTask does not take. */
const notCapMonsterImageOptions: Readonly<Record<string, string>> = {
  module: "a CapSolver recognition module (CapMonster Cloud's own modules are capMonsterModule)",
  images: "CapSolver's number module only",
  score: "a CapSolver option (SDK-only there); CapMonster Cloud's threshold is recognizingThreshold (0-100)",
  phrase: "an Anti-Captcha option",
  minLength: "an Anti-Captcha option",
  maxLength: "an Anti-Captcha option",
  comment: "an Anti-Captcha option",
  websiteURL: "its ImageToTextTask page lists no websiteURL",
}

/**
 * Turnstile (captchas/turnstile-task.mdx): websiteURL, websiteKey, pageAction, data, proxy. On a Cloudflare
 * challenge page (turnstile-challenge-task.mdx) the same type takes `cloudflareTaskType: "token"` with
 * `pageAction`, `data`, `pageData` (the page's chlPageData) and `userAgent`, all four required. So
 * `metadata.chlPageData` selects that variant, and `userAgent` without it is refused.
 */
const capMonsterTurnstile = forType("TurnstileTask", (task) =>
  valueAt(task, "metadata.chlPageData") === undefined
    ? refuseFields("CapMonster Cloud", "TurnstileTask", {
        userAgent:
          "its TurnstileTask takes a userAgent only on a Cloudflare challenge page (with metadata.chlPageData)",
      })(task)
    : steps(
        requireFields("CapMonster Cloud", {
          "metadata.action":
            "its Cloudflare challenge variant requires pageAction (turnstile-challenge-task.mdx)",
          "metadata.cdata":
            "its Cloudflare challenge variant requires data, the cData (turnstile-challenge-task.mdx)",
          userAgent: "its Cloudflare challenge variant requires the userAgent (turnstile-challenge-task.mdx)",
        }),
        setFields({ cloudflareTaskType: "token" }),
      )(task),
)

/**
 * Catalogue types CapMonster Cloud is not sent (issue 15), refused before any request with the reason.
 * Sources: ZennoLab/capmonstercloud-docs @d76d99fb, `i18n/en/.../current/captchas/*.mdx` (the task pages); a
 * CapSolver type with no CapMonster page found is refused as not found.
 */
const unsupported: Readonly<Record<string, string>> = {
  ...capSolverOnlyTypes,
  // captchas/recaptcha-v3-task.mdx, recaptcha-v3-enterprise-task.mdx: its own proxies, no proxy fields.
  ReCaptchaV3Task: ownProxiesOnly("RecaptchaV3TaskProxyless"),
  ReCaptchaV3EnterpriseTask: ownProxiesOnly("RecaptchaV3EnterpriseTask"),
  // captchas/turnstile-challenge-task.mdx: TurnstileTask with cloudflareTaskType, pageAction, data, pageData.
  AntiCloudflareTask: fieldsDiffer("Cloudflare challenge (TurnstileTask with cloudflareTaskType)"),
}

/**
 * CapMonster Cloud (api.capmonster.cloud). Error codes from ZennoLab/capmonstercloud-docs `api-errors.mdx`
 * (reference 6.2); it sends `errorId` as a 0/1 flag like CapSolver.
 */
export const CapMonsterCloud: Provider = /*#__PURE__*/ make({
  name: "CapMonster Cloud",
  baseUrl: "https://api.capmonster.cloud",
  endpoints: { createTask: "createTask", getTaskResult: "getTaskResult", getBalance: "getBalance" },
  // Documented: at most 120 getTaskResult requests per task, results kept "~5 min". The approximate window
  // gets a wider margin than CapSolver's exact one.
  // "no more than 1 request per 2 seconds" for a task, else ERROR_TOO_MUCH_REQUESTS.
  limits: { maxQueriesPerTask: 120, resultWindowMs: 300_000, safetyMarginMs: 15_000, minQueryGapMs: 2_000 },
  // Documented: no more than one getTaskResult request per 2 s (else ERROR_TOO_MUCH_REQUESTS). 3 s leaves
  // headroom (the server counts arrivals, and a slow request lands the next one closer); no first delay is
  // documented, so the first query also waits one interval.
  polling: { firstDelayMs: 3_000, intervalMs: 3_000 },
  taskIdType: "number",
  // Unsupported catalogue types are refused before any request, then the catalogue's fields become CapMonster
  // Cloud's, each field its task page does not list refused (issue 15). Pages: ZennoLab/capmonstercloud-docs
  // @d76d99fb i18n/en/docusaurus-plugin-content-docs/current/captchas/<page>.mdx.
  unsupportedTypes: unsupported,
  mapTask: steps(
    // ReCaptchaV2: no-captcha-task.mdx lists recaptchaDataSValue, userAgent, cookies ("cookiename1=cookievalue1;
    // cookiename2=cookievalue2"), isInvisible and the proxy; recaptcha-v2-enterprise-task.mdx lists pageAction,
    // enterprisePayload, apiDomain, userAgent, cookies and the proxy.
    forType(
      "RecaptchaV2Task",
      refuseFields("CapMonster Cloud", "RecaptchaV2Task", ["pageAction", "isSession", "apiDomain"]),
      cookiesAsString,
    ),
    forType(
      "RecaptchaV2EnterpriseTask",
      refuseFields("CapMonster Cloud", "RecaptchaV2EnterpriseTask", ["isInvisible", "isSession"]),
      cookiesAsString,
    ),
    // recaptcha-v3-task.mdx: websiteURL, websiteKey, isEnterprise, minScore (0.1 to 0.9, as the catalogue
    // checks), pageAction; recaptcha-v3-enterprise-task.mdx: websiteURL, websiteKey, minScore, pageAction.
    forType(
      "RecaptchaV3TaskProxyless",
      refuseFields("CapMonster Cloud", "RecaptchaV3TaskProxyless", [
        "isSession",
        "apiDomain",
        "userAgent",
        "cookies",
        "anchor",
        "reload",
      ]),
    ),
    forType(
      "RecaptchaV3EnterpriseTask",
      refuseFields("CapMonster Cloud", "RecaptchaV3EnterpriseTask", [
        "isSession",
        "apiDomain",
        "userAgent",
        "cookies",
        "anchor",
        "reload",
        "enterprisePayload",
      ]),
    ),
    // Turnstile's options as `pageAction`, `data` and `pageData` (turnstile-task.mdx,
    // turnstile-challenge-task.mdx; ZennoLab/capmonstercloud-client-js
    // src/Requests/TurnstileRequest/TurnstileRequest.ts).
    capMonsterTurnstile,
    turnstileOptions("TurnstileTask", { action: "pageAction", cdata: "data", chlPageData: "pageData" }),
    // geetest-task.mdx: v3 (`version: 3`) and v4 (`gt` = captcha_id, `version: 4`, `initParameters`).
    geeTestVersions("GeeTestTask"),
    // amazon-task.mdx (AmazonForm.ts) and datadome.mdx (DataDomeForm.ts).
    capMonsterAmazon,
    capMonsterDataDome,
    // image-to-text.mdx: body, capMonsterModule, recognizingThreshold, case, numeric ("Possible values: 0, 1"),
    // math.
    forType(
      "ImageToTextTask",
      refuseFields("CapMonster Cloud", "ImageToTextTask", notCapMonsterImageOptions),
      (task) =>
        task.numeric === 2
          ? refuseFields("CapMonster Cloud", "ImageToTextTask", {
              numeric: "its ImageToTextTask takes numeric 0 or 1 only (2, no digits, is Anti-Captcha's)",
            })(task)
          : steps()(task),
    ),
  ),
  // datadome.mdx: metadata.datadomeCookie is required; it comes through an extra field, so it is checked on the
  // task as sent.
  checkSent: capMonsterDataDomeCookie,
  // Its Amazon answer is `cookies: { "aws-waf-token" }` and its DataDome answer `domains` (AmazonForm.ts,
  // DataDomeForm.ts): read back as the catalogue's `cookie`, every field kept.
  adaptSolution: (canonicalType, solution) =>
    canonicalType === "AntiAwsWafTask" || canonicalType === "AntiAwsWafTaskProxyLess"
      ? amazonCookieFromCookies(solution)
      : canonicalType === "DatadomeSliderTask"
        ? dataDomeCookieFromDomains(solution)
        : { ...solution },
  adaptTask: steps(
    // Split proxy fields; `proxyAddress` is the "IPv4/IPv6 proxy IP address" (captchas/no-captcha-task.mdx,
    // turnstile-task.mdx): a host name is refused before any request. `https` is documented ("only if http
    // doesn't work") and sent as given.
    ipProxy("CapMonster Cloud", { httpsAsHttp: false }),
  ),
  errorCodes: {
    ERROR_KEY_DOES_NOT_EXIST: "Auth",
    ERROR_ZERO_BALANCE: "Balance",
    ERROR_TOO_BIG_CAPTCHA_FILESIZE: "InvalidTask", // > 50 KB
    ERROR_ZERO_CAPTCHA_FILESIZE: "InvalidTask",
    ERROR_NO_SUCH_CAPCHA_ID: "TaskNotFound", // unknown or older than ~5 min
    WRONG_CAPTCHA_ID: "TaskNotFound",
    ERROR_CAPTCHA_UNSOLVABLE: "Unsolvable",
    CAPTCHA_NOT_READY: "RateLimited", // polled sooner than 2 s after the last query: ask again later
    ERROR_IP_NOT_ALLOWED: "Auth",
    ERROR_IP_BANNED: "TemporarilyBanned", // 10-minute ban after repeated bad requests
    ERROR_NO_SUCH_METHOD: "UnsupportedTask",
    ERROR_TOO_MUCH_REQUESTS: "RateLimited",
    ERROR_DOMAIN_NOT_ALLOWED: "UnsupportedTask", // captchas of this site are refused
    ERROR_TOKEN_EXPIRED: "InvalidTask",
    ERROR_NO_SLOT_AVAILABLE: "ServiceUnavailable",
    ERROR_RECAPTCHA_INVALID_SITEKEY: "InvalidTask",
    ERROR_RECAPTCHA_INVALID_DOMAIN: "InvalidTask",
    ERROR_RECAPTCHA_TIMEOUT: "Unsolvable",
    ERROR_IP_BLOCKED: "TemporarilyBanned",
    ERROR_PROXY_CONNECT_REFUSED: "InvalidTask",
    ERROR_PROXY_BANNED: "InvalidTask",
    ERROR_PROXY_MISSING: "InvalidTask",
    ERROR_PROXY_NOT_AUTHORISED: "InvalidTask",
    ERROR_PROXY_READ_TIMEOUT: "InvalidTask",
    ERROR_TASK_NOT_SUPPORTED: "UnsupportedTask",
    ERROR_TASK_ABSENT: "InvalidTask",
    ERROR_WRONG_USERAGENT: "InvalidTask",
  },
  transientCodes: ["ERROR_NO_SLOT_AVAILABLE", "ERROR_TOO_MUCH_REQUESTS", "CAPTCHA_NOT_READY"],
  // No busyBackoffMs: undocumented. The errors page (capmonstercloud-docs api/api-errors.mdx) gives no delay for
  // ERROR_NO_SLOT_AVAILABLE ("contact support"), only the 2 s query gap kept by `limits.minQueryGapMs`; the
  // client's retry backoff applies as is.
  // Developer id: `softId`, an integer at the top level. Undocumented on the createTask page
  // (capmonstercloud-docs api/methods/create-task.mdx); the threshold example (api/threshold.mdx) sends it, and
  // the official client always does (ZennoLab/capmonstercloud-client-js src/ClientOptions.ts, defaultSoftId 54).
  developerId: { field: "softId", kind: "integer" },
  // Reports of incorrect answers only: `{ clientKey, taskId }` → `{ errorId: 0, status: "success" }`; a report not
  // accepted has no `status`, its reason in `errorCode` (capmonstercloud-docs api/bad-tokens.mdx). There is no
  // "correct" report, and no report window is documented (undocumented: none enforced; results are kept ~5 min,
  // api/api-errors.mdx). Type names as its task pages spell them (captchas/*.mdx).
  feedback: {
    body: "taskId",
    routes: [
      {
        family: "image captcha (ImageToTextTask)",
        taskTypes: ["ImageToTextTask"],
        incorrect: "reportIncorrectImageCaptcha",
      },
      // "For token-captcha reports: recaptcha(2,3, enterprise), geetest, turnstile" (alias path
      // reportIncorrectRecaptcha works the same).
      {
        family: "token captcha (reCAPTCHA v2/v3/Enterprise, GeeTest, Turnstile)",
        taskTypes: [
          "RecaptchaV2Task",
          "RecaptchaV2TaskProxyless",
          "RecaptchaV2EnterpriseTask",
          "RecaptchaV2EnterpriseTaskProxyless",
          "RecaptchaV3TaskProxyless",
          "RecaptchaV3EnterpriseTask",
          "RecaptchaV3EnterpriseTaskProxyless",
          "GeeTestTask",
          "GeeTestTaskProxyless",
          "TurnstileTask",
        ],
        incorrect: "reportIncorrectTokenCaptcha",
      },
    ],
  },
  taskTypeNames: {
    // CapMonster's RecaptchaV2Task solves through its own proxies unless a proxy is given.
    ReCaptchaV2TaskProxyLess: "RecaptchaV2Task",
    ReCaptchaV2Task: "RecaptchaV2Task",
    ReCaptchaV2EnterpriseTask: "RecaptchaV2EnterpriseTask",
    // captchas/recaptcha-v2-enterprise-task.mdx: its own proxies unless a proxy is given.
    ReCaptchaV2EnterpriseTaskProxyLess: "RecaptchaV2EnterpriseTask",
    // captchas/recaptcha-v3-task.mdx, recaptcha-v3-enterprise-task.mdx (both through its own proxies).
    ReCaptchaV3TaskProxyLess: "RecaptchaV3TaskProxyless",
    ReCaptchaV3EnterpriseTaskProxyLess: "RecaptchaV3EnterpriseTask",
    AntiTurnstileTaskProxyLess: "TurnstileTask",
    // captchas/geetest-task.mdx: GeeTestTask (its own proxies by default), v3 and v4 (version set by mapTask).
    GeeTestTaskProxyLess: "GeeTestTask",
    // captchas/amazon-task.mdx: one type, proxy optional (fields in AmazonForm.ts).
    AntiAwsWafTask: "AmazonTask",
    AntiAwsWafTaskProxyLess: "AmazonTask",
    // DatadomeSliderTask keeps the catalogue's name here: `mapTask` sends it as CustomTask with class DataDome
    // (a Task.raw CustomTask of another class is never touched).
    // captchas/mtcaptcha-task.mdx: one type, proxy optional (note the casing).
    MtCaptchaTask: "MTCaptchaTask",
    MtCaptchaTaskProxyLess: "MTCaptchaTask",
  },
  // CAPMONSTER_API_KEY, CAPMONSTER_BASE_URL, ... in the Node and Deno adapters (never CAPSOLVER_*).
  envPrefix: "CAPMONSTER",
})
