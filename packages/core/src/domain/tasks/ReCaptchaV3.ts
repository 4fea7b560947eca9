/**
 * reCAPTCHA v3 token tasks (https://docs.capsolver.com/guide/captcha/ReCaptchaV3).
 *
 * `minScore` is sent by the official capsolver-core SDK and listed on the Chinese page
 * (https://docs.capsolver.com/zh/guide/captcha/ReCaptchaV3.html) but absent from the English table: accepted,
 * never required here (2Captcha and Anti-Captcha require it and take only 0.3, 0.7 or 0.9: their provider values
 * check that before any request). The same Chinese page lists `userAgent`, `cookies` (a list of `{ name, value }`),
 * `anchor` and `reload` (the base64 bodies of Google's /anchor and /reload answers): accepted and typed. The
 * deprecated `ReCaptchaV3M1TaskProxyLess` is left to `Task.raw`.
 */
import * as Schema from "effect/Schema"
import * as Task from "../Task.ts"
import { Cookies, JsonObject, NonEmptyString, ReCaptchaSolution } from "./Fields.ts"

const common = {
  websiteURL: NonEmptyString,
  websiteKey: NonEmptyString,
  pageAction: /*#__PURE__*/ Schema.optionalKey(Schema.String),
  isSession: /*#__PURE__*/ Schema.optionalKey(Schema.Boolean),
  apiDomain: /*#__PURE__*/ Schema.optionalKey(Schema.String),
  minScore: /*#__PURE__*/ Schema.optionalKey(
    /*#__PURE__*/ Schema.Number.check(
      /*#__PURE__*/ Schema.makeFilter((score: number) => score >= 0.1 && score <= 0.9, {
        message: "must be a number from 0.1 to 0.9",
      }),
    ),
  ),
  userAgent: /*#__PURE__*/ Schema.optionalKey(Schema.String),
  cookies: /*#__PURE__*/ Schema.optionalKey(Cookies),
  anchor: /*#__PURE__*/ Schema.optionalKey(NonEmptyString),
  reload: /*#__PURE__*/ Schema.optionalKey(NonEmptyString),
}

const standardInput = /*#__PURE__*/ Schema.Struct(common)

const enterpriseInput = /*#__PURE__*/ Schema.Struct({
  ...common,
  enterprisePayload: /*#__PURE__*/ Schema.optionalKey(JsonObject),
})

/** reCAPTCHA v3 solved through CapSolver's proxies. */
export const ReCaptchaV3TaskProxyLess = /*#__PURE__*/ Task.defineWithoutProxy({
  type: "ReCaptchaV3TaskProxyLess",
  kind: "token",
  proxiedVariant: "ReCaptchaV3Task",
  input: standardInput,
  solution: ReCaptchaSolution,
})

/** reCAPTCHA v3 solved through your proxy. */
export const ReCaptchaV3Task = /*#__PURE__*/ Task.defineWithProxy({
  type: "ReCaptchaV3Task",
  kind: "token",
  input: standardInput,
  solution: ReCaptchaSolution,
})

/** reCAPTCHA v3 Enterprise solved through your proxy. */
export const ReCaptchaV3EnterpriseTask = /*#__PURE__*/ Task.defineWithProxy({
  type: "ReCaptchaV3EnterpriseTask",
  kind: "token",
  input: enterpriseInput,
  solution: ReCaptchaSolution,
})

/** reCAPTCHA v3 Enterprise solved through CapSolver's proxies. */
export const ReCaptchaV3EnterpriseTaskProxyLess = /*#__PURE__*/ Task.defineWithoutProxy({
  type: "ReCaptchaV3EnterpriseTaskProxyLess",
  kind: "token",
  proxiedVariant: "ReCaptchaV3EnterpriseTask",
  input: enterpriseInput,
  solution: ReCaptchaSolution,
})
