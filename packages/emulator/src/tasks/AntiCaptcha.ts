/**
 * Anti-Captcha's task types, written from its documentation pages https://anti-captcha.com/apidoc/task-types/<Type>
 * (read through the stored copies; several pages' tables were cut off there, so the official clients fill the
 * gap) and from what its official clients send:
 * - anticaptcha-npm: github.com/anti-captcha/anticaptcha-npm @a74d5ab5797b8310801c75f7e11072b6469cac5a index.js
 * - anticaptcha-python: github.com/anti-captcha/anticaptcha-python @0fcd00ae6bad38a375bfcce6f51b4a7fdbf6906b
 *   anticaptchaofficial/*.py
 * - anticaptcha-csharp: github.com/anti-captcha/anticaptcha-csharp @7c769e00657cd12cbc45556d12280efa89828784
 *   src/AntiCaptcha/**
 *
 * Strict: a field neither the page nor an official client sends is refused as `unknown`. (The real service
 * seems to ignore unknown fields: its Python client sends `waf_type`. Refusing them is deliberate, so a
 * misspelled field is caught in tests instead of being silently dropped.)
 * Undocumented, choice made: type names match exactly; the old names the pages promise to support forever
 * (`NoCaptchaTaskProxyless`, `NoCaptchaTask`) are aliases.
 * No MTCaptcha or DataDome task type is documented: not in the table (the emulator answers "not supported").
 */

import { antiCaptchaSolutions } from "../Solutions.ts"
import type { FieldSpec, Issue, SplitProxyRule } from "../Validation.ts"
import { isNonEmptyString, optional, required, strictSpec, type TaskSpec } from "./TaskSpec.ts"

/**
 * Every proxy page (e.g. /apidoc/task-types/TurnstileTask, /GeeTestTask): `proxyType` "http - usual
 * http/https proxy, socks4, socks5"; `proxyAddress` "Proxy IP address ipv4/ipv6. No host names or IP
 * addresses from local networks"; `proxyPort` Integer. The tables mark `proxyLogin`/`proxyPassword`
 * "Yes", but the official C# client leaves both out when no login is set (AnticaptchaBase.cs AddProxyData),
 * so they are optional here. The "no local network addresses" rule is not enforced (undocumented whether it
 * is refused at createTask or fails the task later).
 */
const requiredProxy: SplitProxyRule = { required: true, types: ["http", "socks4", "socks5"], address: "ip" }

const missing = (field: string, message: string): Issue => ({ field, message, kind: "missing" })

/**
 * /apidoc/task-types/RecaptchaV2TaskProxyless: `websiteURL`, `websiteKey`, `recaptchaDataSValue` (Google
 * sites), `isInvisible`. `websiteSToken`: sent by the npm and Python clients (an older Google-sites token).
 */
const recaptchaV2Fields: ReadonlyArray<FieldSpec> = [
  required("websiteURL", "string"),
  required("websiteKey", "string"),
  optional("recaptchaDataSValue", "string"),
  optional("isInvisible", "boolean"),
  optional("websiteSToken", "string"),
]

/** Proxy types add the browser's `userAgent` and `cookies` ("name1=value1; name2=value2", C# RecaptchaV2.cs). */
const browserFields: ReadonlyArray<FieldSpec> = [
  optional("userAgent", "string"),
  optional("cookies", "cookieString"),
]

/**
 * /apidoc/task-types/RecaptchaV2EnterpriseTask (+ ...Proxyless): `enterprisePayload` object, `apiDomain`
 * "Can have only one of two values: www.google.com or www.recaptcha.net".
 */
const recaptchaV2EnterpriseFields: ReadonlyArray<FieldSpec> = [
  required("websiteURL", "string"),
  required("websiteKey", "string"),
  optional("enterprisePayload", "object"),
  optional("apiDomain", "string", { oneOf: ["www.google.com", "www.recaptcha.net"] }),
]

/**
 * /apidoc/task-types/TurnstileTaskProxyless, /TurnstileTask: `action`, `cData`, `chlPageData`. A custom
 * User-Agent "is not necessary and won't work at all"; the C# client still sends `userAgent` on TurnstileTask.
 */
const turnstileFields: ReadonlyArray<FieldSpec> = [
  required("websiteURL", "string"),
  required("websiteKey", "string"),
  optional("action", "string"),
  optional("cData", "string"),
  optional("chlPageData", "string"),
]

/**
 * /apidoc/task-types/GeeTestTaskProxyless, /GeeTestTask: `gt` (v4: the captcha_id, C# GeeTestV4Proxyless.cs),
 * `challenge` ("Required for version 3. Not required for version 4"), `geetestApiServerSubdomain`, `version`
 * (Integer, default 3, supported 3 and 4), `initParameters` (object, version 4). `geetestGetLib`: sent by the
 * npm and Python clients (JSON as a string).
 */
const geeTestFields: ReadonlyArray<FieldSpec> = [
  required("websiteURL", "string"),
  required("gt", "string"),
  optional("challenge", "string"),
  optional("geetestApiServerSubdomain", "string"),
  optional("geetestGetLib", "string"),
  optional("version", "integer", { oneOf: [3, 4] }),
  optional("initParameters", "object"),
]

const geeTestCheck = (task: Readonly<Record<string, unknown>>): Issue | undefined =>
  task.version !== 4 && !isNonEmptyString(task.challenge)
    ? missing("challenge", "challenge is required for version 3 (send version 4 for GeeTest v4)")
    : undefined

/**
 * /apidoc/task-types/AmazonTaskProxyless, /AmazonTask: `websiteKey`, `iv`, `context` (Yes, the "gokuProps"
 * page), `captchaScript`, `challengeScript` (optional URLs). The "Widget" variant: `wafType: "widget"` with
 * `jsapiScript` (the C# AmazonProxyless.cs and npm solveAmazonWidget* send these, without iv/context).
 */
const amazonFields: ReadonlyArray<FieldSpec> = [
  required("websiteURL", "string"),
  required("websiteKey", "string"),
  optional("iv", "string"),
  optional("context", "string"),
  optional("captchaScript", "string"),
  optional("challengeScript", "string"),
  optional("jsapiScript", "string"),
  optional("wafType", "string"),
]

const amazonCheck = (task: Readonly<Record<string, unknown>>): Issue | undefined => {
  if (task.wafType === "widget") {
    return isNonEmptyString(task.jsapiScript)
      ? undefined
      : missing("jsapiScript", 'jsapiScript is required with wafType "widget"')
  }
  for (const name of ["iv", "context"]) {
    if (!isNonEmptyString(task[name])) return missing(name, `${name} is required`)
  }
  return undefined
}

/**
 * /apidoc/task-types/ImageToTextTask: `body`, `phrase`, `case` (default true), `numeric` (0 none, 1 numbers
 * only, 2 letters only), `math`, `minLength`, `maxLength`, `comment`, `websiteURL`, `languagePool` ("en" or
 * "rn"). `math` is Boolean in the table, an integer 0/1 in the C# client (ImageToText.cs): both accepted.
 */
const imageToTextFields: ReadonlyArray<FieldSpec> = [
  required("body", "string"),
  optional("phrase", "boolean"),
  optional("case", "boolean"),
  optional("numeric", "integer", { oneOf: [0, 1, 2] }),
  optional("math", "booleanOrBit"),
  optional("minLength", "integer", { min: 0 }),
  optional("maxLength", "integer", { min: 0 }),
  optional("comment", "string"),
  optional("websiteURL", "string"),
  optional("languagePool", "string", { oneOf: ["en", "rn"] }),
]

export const antiCaptchaTasks: ReadonlyArray<TaskSpec> = [
  strictSpec({
    type: "RecaptchaV2TaskProxyless",
    aliases: ["NoCaptchaTaskProxyless"],
    fields: recaptchaV2Fields,
    solution: antiCaptchaSolutions.recaptcha,
  }),
  strictSpec({
    type: "RecaptchaV2Task",
    aliases: ["NoCaptchaTask"],
    fields: [...recaptchaV2Fields, ...browserFields],
    proxy: requiredProxy,
    solution: antiCaptchaSolutions.recaptcha,
  }),
  // The proxyless Enterprise page exists (/es/apidoc/task-types/RecaptchaV2EnterpriseTaskProxyless) and
  // the npm client sends it (solveRecaptchaV2EnterpriseProxyless).
  strictSpec({
    type: "RecaptchaV2EnterpriseTaskProxyless",
    fields: recaptchaV2EnterpriseFields,
    solution: antiCaptchaSolutions.recaptcha,
  }),
  strictSpec({
    type: "RecaptchaV2EnterpriseTask",
    fields: [...recaptchaV2EnterpriseFields, ...browserFields],
    proxy: requiredProxy,
    solution: antiCaptchaSolutions.recaptcha,
  }),
  // /apidoc/task-types/RecaptchaV3TaskProxyless: `minScore` Double, required, one of 0.3, 0.7, 0.9 (the
  // worker queues); `pageAction`. /apidoc/task-types/RecaptchaV3Enterprise: Enterprise is the flag
  // `isEnterprise: true` on this type. No proxy variant is documented.
  strictSpec({
    type: "RecaptchaV3TaskProxyless",
    fields: [
      required("websiteURL", "string"),
      required("websiteKey", "string"),
      required("minScore", "number", { oneOf: [0.3, 0.7, 0.9] }),
      optional("pageAction", "string"),
      optional("isEnterprise", "boolean"),
    ],
    solution: antiCaptchaSolutions.recaptcha,
  }),
  strictSpec({
    type: "TurnstileTaskProxyless",
    fields: turnstileFields,
    solution: antiCaptchaSolutions.turnstile,
  }),
  strictSpec({
    type: "TurnstileTask",
    fields: [...turnstileFields, optional("userAgent", "string")],
    proxy: requiredProxy,
    solution: antiCaptchaSolutions.turnstile,
  }),
  strictSpec({
    type: "GeeTestTaskProxyless",
    fields: geeTestFields,
    extraCheck: geeTestCheck,
    solution: antiCaptchaSolutions.geeTest,
  }),
  // GeeTestTask's table marks `userAgent` required; the npm client also sends `cookies`.
  strictSpec({
    type: "GeeTestTask",
    fields: [...geeTestFields, required("userAgent", "string"), optional("cookies", "cookieString")],
    proxy: requiredProxy,
    extraCheck: geeTestCheck,
    solution: antiCaptchaSolutions.geeTest,
  }),
  strictSpec({
    type: "AmazonTaskProxyless",
    fields: amazonFields,
    extraCheck: amazonCheck,
    solution: antiCaptchaSolutions.amazon,
  }),
  // C# Amazon.cs adds `userAgent` on the proxy variant.
  strictSpec({
    type: "AmazonTask",
    fields: [...amazonFields, optional("userAgent", "string")],
    proxy: requiredProxy,
    extraCheck: amazonCheck,
    solution: antiCaptchaSolutions.amazon,
  }),
  strictSpec({
    type: "ImageToTextTask",
    kind: "recognition",
    fields: imageToTextFields,
    solution: antiCaptchaSolutions.imageToText,
  }),
]
