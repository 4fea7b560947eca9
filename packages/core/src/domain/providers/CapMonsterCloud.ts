/**
 * CapMonster Cloud (api.capmonster.cloud), a provider of the createTask / getTaskResult family.
 * Facts from the protocol reference, section 6 (6.1 side by side, 6.2 error codes). What it shares with the
 * other providers of the family (numeric task ids, no getToken / feedbackTask, renamed types) is explained in
 * `../Provider.ts`.
 *
 * @since 0.2.0
 */
import { make, type Provider } from "../Provider.ts"
import { splitProxy } from "./SplitProxy.ts"

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
  // Reference 6.1: split proxy fields only (no `proxy` string).
  adaptTask: splitProxy,
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
  taskTypeNames: {
    // CapMonster's RecaptchaV2Task solves through its own proxies unless a proxy is given.
    ReCaptchaV2TaskProxyLess: "RecaptchaV2Task",
    ReCaptchaV2Task: "RecaptchaV2Task",
    ReCaptchaV2EnterpriseTask: "RecaptchaV2EnterpriseTask",
    AntiTurnstileTaskProxyLess: "TurnstileTask",
  },
  // CAPMONSTER_API_KEY, CAPMONSTER_BASE_URL, ... in the Node and Deno adapters (never CAPSOLVER_*).
  envPrefix: "CAPMONSTER",
})
