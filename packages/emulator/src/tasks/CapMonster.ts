/**
 * CapMonster Cloud's task types, written from its documentation repository
 * github.com/ZennoLab/capmonstercloud-docs @d76d99fb994da3a9f49d3126623fa0df3fba78e2,
 * `i18n/en/docusaurus-plugin-content-docs/current/captchas/<page>.mdx` (page named per row), and from what
 * its official client sends: github.com/ZennoLab/capmonstercloud-client-js
 * @2364e726130bb65627dd40931a01f183f126f81a `src/Requests/**` and `src/TaskType.ts` (cited as client-js).
 *
 * Strict: a field neither documents is refused as `unknown` (so CapSolver's `metadata`, `captchaId`, `proxy`
 * string, `awsKey`, `module`... are refused).
 * Undocumented, choice made: type names match exactly (the docs never say they are case-insensitive);
 * `nocache` (boolean) is accepted on every type because client-js's CaptchaRequestBase sends it.
 */

import { capMonsterSolutions } from "../Solutions.ts"
import type { FieldSpec, Issue, SplitProxyRule } from "../Validation.ts"
import { isGiven, isNonEmptyString, optional, required, strictSpec, type TaskSpec } from "./TaskSpec.ts"

/**
 * Every page: `proxyType` http ("regular http/https proxy"), https ("try this option only if http doesn't
 * work"), socks4, socks5 (client-js src/Requests/ProxyType.ts agrees); `proxyAddress` "IPv4/IPv6 proxy IP
 * address" (no host name); `proxyPort` integer. Built-in proxies are used unless proxy fields are sent.
 * Undocumented, choice made: the "no transparent or local proxies" rule is not enforced (whether it is
 * refused at createTask or fails the task later is not said).
 */
const optionalProxy: SplitProxyRule = {
  required: false,
  types: ["http", "https", "socks4", "socks5"],
  address: "ip",
}

/** datadome.mdx and turnstile-challenge-task.mdx (cf_clearance): all five proxy fields marked required. */
const requiredProxyWithCredentials: SplitProxyRule = {
  ...optionalProxy,
  required: true,
  credentialsRequired: true,
}

const nocache = optional("nocache", "boolean")

const missing = (field: string, message: string): Issue => ({ field, message, kind: "missing" })
const unknown = (field: string, message: string): Issue => ({ field, message, kind: "unknown" })

/** no-captcha-task.mdx: RecaptchaV2Task (one type; built-in proxies unless proxy fields are given). */
const recaptchaV2 = strictSpec({
  type: "RecaptchaV2Task",
  // client-js src/TaskType.ts sends NoCaptchaTask (RecaptchaV2Request) and lists NoCaptchaTaskProxyless.
  aliases: ["NoCaptchaTask", "NoCaptchaTaskProxyless"],
  fields: [
    required("websiteURL", "string"),
    required("websiteKey", "string"),
    optional("recaptchaDataSValue", "string"),
    optional("userAgent", "string"),
    // "Format: cookiename1=cookievalue1; cookiename2=cookievalue2"
    optional("cookies", "cookieString"),
    optional("isInvisible", "boolean"),
    nocache,
  ],
  proxy: optionalProxy,
  solution: capMonsterSolutions.recaptcha,
})

/** recaptcha-v2-enterprise-task.mdx */
const recaptchaV2Enterprise = strictSpec({
  type: "RecaptchaV2EnterpriseTask",
  fields: [
    required("websiteURL", "string"),
    required("websiteKey", "string"),
    // default "verify"
    optional("pageAction", "string"),
    // typed "string" in the table, an object `{ "s": ... }` in the page's examples and in client-js
    optional("enterprisePayload", "objectOrString"),
    // "For example: www.google.com, www.recaptcha.net" (an example list, not a closed set)
    optional("apiDomain", "string"),
    optional("userAgent", "string"),
    optional("cookies", "cookieString"),
    // client-js RecaptchaV2EnterpriseRequestBase.ts sends it; not in the page's table
    optional("recaptchaDataSValue", "string"),
    nocache,
  ],
  proxy: optionalProxy,
  solution: capMonsterSolutions.recaptcha,
})

/** recaptcha-v3-task.mdx: own proxies only, no proxy fields. */
const recaptchaV3 = strictSpec({
  type: "RecaptchaV3TaskProxyless",
  fields: [
    required("websiteURL", "string"),
    required("websiteKey", "string"),
    // "Supported values: true / false (also 1 / 0, integer type)"
    optional("isEnterprise", "booleanOrBit"),
    // "Value from 0.1 to 0.9"
    optional("minScore", "number", { min: 0.1, max: 0.9 }),
    optional("pageAction", "string"),
    nocache,
  ],
  solution: capMonsterSolutions.recaptcha,
})

/** recaptcha-v3-enterprise-task.mdx */
const recaptchaV3Enterprise = strictSpec({
  type: "RecaptchaV3EnterpriseTask",
  fields: [
    required("websiteURL", "string"),
    required("websiteKey", "string"),
    optional("minScore", "number", { min: 0.1, max: 0.9 }),
    optional("pageAction", "string"),
    nocache,
  ],
  solution: capMonsterSolutions.recaptcha,
})

/**
 * turnstile-task.mdx (plain Turnstile: `pageAction`, `data` = cData) and turnstile-challenge-task.mdx
 * (`cloudflareTaskType` "token": `pageAction`, `userAgent`, `data`, `pageData` required, `apiJsUrl` optional;
 * "cf_clearance": `htmlPageBase64`, `userAgent` and all proxy fields required).
 */
const turnstileCheck = (task: Readonly<Record<string, unknown>>): Issue | undefined => {
  const variant = task.cloudflareTaskType
  if (variant === "token") {
    for (const name of ["pageAction", "userAgent", "data", "pageData"]) {
      if (!isNonEmptyString(task[name])) {
        return missing(name, `${name} is required with cloudflareTaskType "token"`)
      }
    }
    if (isGiven(task.htmlPageBase64)) {
      return unknown(
        "htmlPageBase64",
        'htmlPageBase64 is only documented with cloudflareTaskType "cf_clearance"',
      )
    }
    return undefined
  }
  if (variant === "cf_clearance") {
    for (const name of ["htmlPageBase64", "userAgent"]) {
      if (!isNonEmptyString(task[name])) {
        return missing(name, `${name} is required with cloudflareTaskType "cf_clearance"`)
      }
    }
    for (const name of ["proxyType", "proxyAddress", "proxyPort", "proxyLogin", "proxyPassword"]) {
      if (!isGiven(task[name]))
        return missing(name, `${name} is required with cloudflareTaskType "cf_clearance"`)
    }
    for (const name of ["pageAction", "apiJsUrl"]) {
      if (isGiven(task[name])) {
        return unknown(name, `${name} is not documented with cloudflareTaskType "cf_clearance"`)
      }
    }
    return undefined
  }
  // Plain Turnstile: the challenge fields belong to cloudflareTaskType.
  for (const name of ["pageData", "htmlPageBase64", "apiJsUrl"]) {
    if (isGiven(task[name])) return unknown(name, `${name} is only documented with cloudflareTaskType`)
  }
  return undefined
}

const turnstile = strictSpec({
  type: "TurnstileTask",
  fields: [
    required("websiteURL", "string"),
    required("websiteKey", "string"),
    optional("pageAction", "string"),
    optional("data", "string"),
    optional("cloudflareTaskType", "string", { oneOf: ["token", "cf_clearance"] }),
    // challenge variant only (client-js TurnstileRequest.ts also sends it on the plain variant when set)
    optional("userAgent", "string"),
    optional("pageData", "string"),
    optional("apiJsUrl", "string"),
    optional("htmlPageBase64", "string"),
    nocache,
  ],
  proxy: optionalProxy,
  extraCheck: turnstileCheck,
  solution: capMonsterSolutions.turnstile,
})

/**
 * geetest-task.mdx: v3 `gt` + `challenge`; v4 `gt` = captcha_id, `version` 4 ("required only for V4"),
 * `initParameters` (e.g. `{ riskType }`). `version` is an integer in the docs and the strings "3"/"4" in
 * client-js GeeTestRequestBase.ts: both are accepted.
 */
const geeTestCheck = (task: Readonly<Record<string, unknown>>): Issue | undefined => {
  const v4 = task.version === 4 || task.version === "4"
  if (!v4 && !isNonEmptyString(task.challenge)) {
    return missing("challenge", "challenge is required for GeeTest v3 (send version 4 for GeeTest v4)")
  }
  return undefined
}

const geeTest = strictSpec({
  type: "GeeTestTask",
  // the page's galxe example sends "GeeTestTaskProxyless"
  aliases: ["GeeTestTaskProxyless"],
  fields: [
    required("websiteURL", "string"),
    required("gt", "string"),
    optional("challenge", "string"),
    optional("version", "scalar", { oneOf: [3, 4, "3", "4"] }),
    optional("geetestApiServerSubdomain", "string"),
    // "Send JSON as a string"
    optional("geetestGetLib", "string"),
    optional("initParameters", "object"),
    optional("userAgent", "string"),
    nocache,
  ],
  proxy: optionalProxy,
  extraCheck: geeTestCheck,
  solution: capMonsterSolutions.geeTest,
})

/** mtcaptcha-task.mdx (note the spelling MTCaptchaTask). */
const mtCaptcha = strictSpec({
  type: "MTCaptchaTask",
  fields: [
    required("websiteURL", "string"),
    required("websiteKey", "string"),
    // `act`, default "%24"
    optional("pageAction", "string"),
    optional("isInvisible", "boolean"),
    optional("userAgent", "string"),
    nocache,
  ],
  proxy: optionalProxy,
  solution: capMonsterSolutions.mtCaptcha,
})

/**
 * amazon-task.mdx, three options: (1) `websiteKey` + `captchaScript`; (2) `challengeScript`, `websiteKey`,
 * `context`, `iv` (captchaScript optional); (3) `challengeScript` with `captchaScript`, `websiteKey`, `context`,
 * `iv` sent as any string, even "" (its example). So `websiteKey` is always present but may be empty.
 */
const amazonCheck = (task: Readonly<Record<string, unknown>>): Issue | undefined => {
  if (isNonEmptyString(task.challengeScript)) {
    for (const name of ["context", "iv"]) {
      if (typeof task[name] !== "string") return missing(name, `${name} is required with challengeScript`)
    }
    return undefined
  }
  if (!isNonEmptyString(task.captchaScript)) {
    return missing("captchaScript", "captchaScript is required (or challengeScript with context and iv)")
  }
  if (!isNonEmptyString(task.websiteKey)) return missing("websiteKey", "websiteKey must not be empty")
  return undefined
}

const amazon = strictSpec({
  type: "AmazonTask",
  fields: [
    required("websiteURL", "string"),
    required("websiteKey", "string", { allowEmpty: true }),
    optional("captchaScript", "string"),
    optional("challengeScript", "string"),
    optional("context", "string"),
    optional("iv", "string"),
    // false: captcha_voucher + existing_token; true: the aws-waf-token cookie
    optional("cookieSolution", "boolean"),
    optional("userAgent", "string"),
    nocache,
  ],
  proxy: optionalProxy,
  extraCheck: amazonCheck,
  solution: capMonsterSolutions.amazon,
})

/**
 * datadome.mdx: `CustomTask` with `class: "DataDome"`, `websiteURL`, `metadata.captchaUrl`,
 * `metadata.datadomeCookie` (required), `metadata.datadomeVersion` ("new"), all proxy fields required,
 * `userAgent`. client-js DataDomeRequestBase.ts also allows `metadata.htmlPageBase64` instead of
 * `captchaUrl` (the page's C# example sends both), so one of the two is required.
 * Undocumented, choice made: other CustomTask classes (Imperva, Basilisk, ...) are not implemented by the
 * emulator; their `class` is refused as `invalid`.
 */
const dataDomeMetadata: ReadonlyArray<FieldSpec> = [
  optional("captchaUrl", "string"),
  optional("htmlPageBase64", "string"),
  required("datadomeCookie", "string"),
  optional("datadomeVersion", "string", { oneOf: ["new"] }),
]

const dataDomeCheck = (task: Readonly<Record<string, unknown>>): Issue | undefined => {
  const metadata = task.metadata as Record<string, unknown>
  if (!isNonEmptyString(metadata.captchaUrl) && !isNonEmptyString(metadata.htmlPageBase64)) {
    return missing("metadata.captchaUrl", "metadata.captchaUrl is required")
  }
  return undefined
}

const dataDome = strictSpec({
  type: "CustomTask",
  fields: [
    required("class", "string", { oneOf: ["DataDome"] }),
    required("websiteURL", "string"),
    required("metadata", "object", { fields: dataDomeMetadata }),
    optional("userAgent", "string"),
    nocache,
  ],
  proxy: requiredProxyWithCredentials,
  extraCheck: dataDomeCheck,
  solution: capMonsterSolutions.dataDome,
})

/**
 * image-to-text.mdx: `body`, `capMonsterModule`, `recognizingThreshold` (integer 0-100), `case`, `numeric`
 * (0 or 1), `math`. client-js ImageToTextRequest.ts sends `CapMonsterModule` and `Case`: accepted as aliases.
 */
const imageToText = strictSpec({
  type: "ImageToTextTask",
  kind: "recognition",
  fields: [
    required("body", "string"),
    optional("capMonsterModule", "string", { aliases: ["CapMonsterModule"] }),
    optional("recognizingThreshold", "integer", { min: 0, max: 100 }),
    optional("case", "boolean", { aliases: ["Case"] }),
    optional("numeric", "integer", { oneOf: [0, 1] }),
    optional("math", "boolean"),
    nocache,
  ],
  solution: capMonsterSolutions.imageToText,
})

export const capMonsterTasks: ReadonlyArray<TaskSpec> = [
  recaptchaV2,
  recaptchaV2Enterprise,
  recaptchaV3,
  recaptchaV3Enterprise,
  turnstile,
  geeTest,
  mtCaptcha,
  amazon,
  dataDome,
  imageToText,
]
