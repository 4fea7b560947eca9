/**
 * 2Captcha's task types (API v2, api.2captcha.com/createTask).
 *
 * Primary source: only https://2captcha.com/api-docs/recaptcha-v3 (its full table) and the GeeTest v4 help
 * article https://2captcha.com/h/how-to-bypass-and-solve-geetest-v4-captcha-automatically (task names,
 * static captcha_id) could be read from the store. The other per-type pages (recaptcha-v2,
 * recaptcha-v2-enterprise, cloudflare-turnstile, geetest, normal-captcha, amazon-aws-waf-captcha, mtcaptcha,
 * datadome-slider-captcha) are not stored.
 *
 * Secondary source for those (marked SECONDARY per row): the TypeScript client
 * github.com/blackravenx/captcha-libs @7218906b0cff232d614c64da207b7f3c57b5164d
 * `packages/twocaptcha/src/lib/Requests/**` and `Solutions/**`, whose JSDoc quotes each 2captcha.com/api-docs
 * page and links it; cross-checked against two other stored write-ups of the same pages (a generated
 * "native method reference" catalog and a live-verified "2Captcha Reference", both found by text search,
 * repository not named by the store). Where the three disagree the lenient reading is taken and said.
 * `twoCaptchaSecondaryTasks` holds these rows so they can be dropped in one place.
 *
 * Strict: a field none of the sources documents is refused as `unknown`.
 * Undocumented, choice made: type names match exactly.
 */

import { twoCaptchaSolutions } from "../Solutions.ts"
import type { FieldSpec, Issue, SplitProxyRule } from "../Validation.ts"
import { isNonEmptyString, optional, required, strictSpec, type TaskSpec } from "./TaskSpec.ts"

/**
 * SECONDARY (captcha-libs `_BaseTaskRequest.ts` ProxyTypes "http" | "socks4" | "socks5", while its JSDoc quotes
 * "Type of your proxy: HTTP, HTTPS, SOCKS4, SOCKS5"; the reference §6.4 says one page adds https): https is
 * accepted. `proxyAddress`: "Proxy IP address or hostname", so host names are taken. `proxyPort` integer.
 */
const requiredProxy: SplitProxyRule = {
  required: true,
  types: ["http", "https", "socks4", "socks5"],
  address: "hostOrIp",
}

/** "Domain used to load the captcha: google.com or recaptcha.net" (recaptcha-v3 page; v2 pages per captcha-libs). */
const apiDomain = optional("apiDomain", "string", { oneOf: ["google.com", "recaptcha.net"] })

const missing = (field: string, message: string): Issue => ({ field, message, kind: "missing" })

/** https://2captcha.com/api-docs/recaptcha-v3 (PRIMARY): `minScore` Float, required, 0.3 / 0.7 / 0.9. */
const recaptchaV3 = strictSpec({
  type: "RecaptchaV3TaskProxyless",
  fields: [
    required("websiteURL", "string"),
    required("websiteKey", "string"),
    required("minScore", "number", { oneOf: [0.3, 0.7, 0.9] }),
    optional("pageAction", "string"),
    optional("isEnterprise", "boolean"),
    apiDomain,
  ],
  solution: twoCaptchaSolutions.recaptcha,
})

/**
 * SECONDARY, https://2captcha.com/api-docs/recaptcha-v2 via captcha-libs `Base/_RecaptchaV2TaskBase.ts`
 * (the two other write-ups list the same fields; none lists `pageAction` for v2): `cookies` "The format is:
 * key1=val1; key2=val2".
 */
const recaptchaV2Fields: ReadonlyArray<FieldSpec> = [
  required("websiteURL", "string"),
  required("websiteKey", "string"),
  optional("recaptchaDataSValue", "string"),
  optional("isInvisible", "boolean"),
  optional("userAgent", "string"),
  optional("cookies", "cookieString"),
  apiDomain,
]

/**
 * SECONDARY, https://2captcha.com/api-docs/recaptcha-v2-enterprise via captcha-libs
 * `RecaptchaV2EnterpriseTask.ts`: the v2 fields plus `enterprisePayload` (an object, e.g. `{ s }`).
 * `recaptchaDataSValue`: captcha-libs has it, the catalog does not; accepted.
 */
const recaptchaV2EnterpriseFields: ReadonlyArray<FieldSpec> = [
  ...recaptchaV2Fields,
  optional("enterprisePayload", "object"),
]

/**
 * SECONDARY, https://2captcha.com/api-docs/cloudflare-turnstile via captcha-libs `Base/_TurnstileTaskBase.ts`:
 * `action`, `data` (cData), `pagedata` (chlPageData) for challenge pages, `userAgent`. captcha-libs types
 * `userAgent` as required, the catalog leaves it out and the live-verified notes send it only on challenge
 * pages: optional here.
 */
const turnstileFields: ReadonlyArray<FieldSpec> = [
  required("websiteURL", "string"),
  required("websiteKey", "string"),
  optional("action", "string"),
  optional("data", "string"),
  optional("pagedata", "string"),
  optional("userAgent", "string"),
]

/**
 * SECONDARY, https://2captcha.com/api-docs/geetest via captcha-libs `Base/_GeeTestTaskBase.ts`: v3 `gt` +
 * `challenge` (+ `geetestApiServerSubdomain`, "Only for GeeTest V3"); v4 `version: 4` and `initParameters`,
 * "must contain captcha_id value". The help article (PRIMARY) confirms v4 needs no challenge and uses a static
 * captcha_id.
 */
const geeTestFields: ReadonlyArray<FieldSpec> = [
  required("websiteURL", "string"),
  optional("gt", "string"),
  optional("challenge", "string"),
  optional("geetestApiServerSubdomain", "string"),
  optional("userAgent", "string"),
  optional("version", "integer", { oneOf: [3, 4] }),
  optional("initParameters", "object"),
]

const geeTestCheck = (task: Readonly<Record<string, unknown>>): Issue | undefined => {
  if (task.version === 4) {
    const init = task.initParameters as Record<string, unknown> | undefined
    return init !== undefined && isNonEmptyString(init.captcha_id)
      ? undefined
      : missing(
          "initParameters.captcha_id",
          "initParameters.captcha_id is required for GeeTest v4 (version 4)",
        )
  }
  if (!isNonEmptyString(task.gt)) return missing("gt", "gt is required for GeeTest v3 (or version 4)")
  if (!isNonEmptyString(task.challenge)) return missing("challenge", "challenge is required for GeeTest v3")
  return undefined
}

/**
 * SECONDARY, https://2captcha.com/api-docs/amazon-aws-waf-captcha: captcha-libs `Base/_AmazonTaskBase.ts`
 * requires `iv` and `context`; the catalog makes them optional with `jsapiScript` as the alternative. Taken:
 * `iv` and `context`, or `jsapiScript`.
 */
const amazonFields: ReadonlyArray<FieldSpec> = [
  required("websiteURL", "string"),
  required("websiteKey", "string"),
  optional("iv", "string"),
  optional("context", "string"),
  optional("challengeScript", "string"),
  optional("captchaScript", "string"),
  optional("jsapiScript", "string"),
]

const amazonCheck = (task: Readonly<Record<string, unknown>>): Issue | undefined => {
  if (isNonEmptyString(task.jsapiScript)) return undefined
  for (const name of ["iv", "context"]) {
    if (!isNonEmptyString(task[name])) return missing(name, `${name} is required (or jsapiScript)`)
  }
  return undefined
}

/** SECONDARY, https://2captcha.com/api-docs/mtcaptcha via captcha-libs `Base/_MtCaptchaTaskBase.ts`. */
const mtCaptchaFields: ReadonlyArray<FieldSpec> = [
  required("websiteURL", "string"),
  required("websiteKey", "string"),
]

/**
 * SECONDARY, https://2captcha.com/api-docs/normal-captcha via captcha-libs `Recognition/ImageToTextTask.ts`:
 * `numeric` 0 none, 1 numbers only, 2 letters only, 3 numbers or letters, 4 numbers and letters;
 * `imgInstructions` an instruction image in base64.
 */
const imageToTextFields: ReadonlyArray<FieldSpec> = [
  required("body", "string"),
  optional("phrase", "boolean"),
  optional("case", "boolean"),
  optional("numeric", "integer", { oneOf: [0, 1, 2, 3, 4] }),
  optional("math", "boolean"),
  optional("minLength", "integer", { min: 0 }),
  optional("maxLength", "integer", { min: 0 }),
  optional("comment", "string"),
  optional("imgInstructions", "string"),
]

/** Rows resting on the secondary source (see the file comment). */
export const twoCaptchaSecondaryTasks: ReadonlyArray<TaskSpec> = [
  strictSpec({
    type: "RecaptchaV2TaskProxyless",
    fields: recaptchaV2Fields,
    solution: twoCaptchaSolutions.recaptcha,
  }),
  strictSpec({
    type: "RecaptchaV2Task",
    fields: recaptchaV2Fields,
    proxy: requiredProxy,
    solution: twoCaptchaSolutions.recaptcha,
  }),
  strictSpec({
    type: "RecaptchaV2EnterpriseTaskProxyless",
    fields: recaptchaV2EnterpriseFields,
    solution: twoCaptchaSolutions.recaptcha,
  }),
  strictSpec({
    type: "RecaptchaV2EnterpriseTask",
    fields: recaptchaV2EnterpriseFields,
    proxy: requiredProxy,
    solution: twoCaptchaSolutions.recaptcha,
  }),
  strictSpec({
    type: "TurnstileTaskProxyless",
    fields: turnstileFields,
    solution: twoCaptchaSolutions.turnstile,
  }),
  strictSpec({
    type: "TurnstileTask",
    fields: turnstileFields,
    proxy: requiredProxy,
    solution: twoCaptchaSolutions.turnstile,
  }),
  strictSpec({
    type: "GeeTestTaskProxyless",
    fields: geeTestFields,
    extraCheck: geeTestCheck,
    solution: twoCaptchaSolutions.geeTest,
  }),
  strictSpec({
    type: "GeeTestTask",
    fields: geeTestFields,
    proxy: requiredProxy,
    extraCheck: geeTestCheck,
    solution: twoCaptchaSolutions.geeTest,
  }),
  strictSpec({
    type: "AmazonTaskProxyless",
    fields: amazonFields,
    extraCheck: amazonCheck,
    solution: twoCaptchaSolutions.amazon,
  }),
  strictSpec({
    type: "AmazonTask",
    fields: amazonFields,
    proxy: requiredProxy,
    extraCheck: amazonCheck,
    solution: twoCaptchaSolutions.amazon,
  }),
  strictSpec({
    type: "MtCaptchaTaskProxyless",
    fields: mtCaptchaFields,
    solution: twoCaptchaSolutions.mtCaptcha,
  }),
  strictSpec({
    type: "MtCaptchaTask",
    fields: mtCaptchaFields,
    proxy: requiredProxy,
    solution: twoCaptchaSolutions.mtCaptcha,
  }),
  // SECONDARY, https://2captcha.com/api-docs/datadome-slider-captcha via captcha-libs
  // `Base/_DataDomeSliderTaskBase.ts`: proxy required; `userAgent` optional there, required in the catalog
  // (the page asks for a supported User-Agent): optional here.
  strictSpec({
    type: "DataDomeSliderTask",
    fields: [
      required("websiteURL", "string"),
      required("captchaUrl", "string"),
      optional("userAgent", "string"),
    ],
    proxy: requiredProxy,
    solution: twoCaptchaSolutions.dataDome,
  }),
  strictSpec({
    type: "ImageToTextTask",
    kind: "recognition",
    fields: imageToTextFields,
    solution: twoCaptchaSolutions.imageToText,
  }),
]

export const twoCaptchaTasks: ReadonlyArray<TaskSpec> = [recaptchaV3, ...twoCaptchaSecondaryTasks]
