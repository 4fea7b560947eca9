/**
 * reCAPTCHA v2 token tasks (https://docs.capsolver.com/guide/captcha/ReCaptchaV2).
 *
 * `recaptchaDataSValue` belongs to the non-enterprise types and `enterprisePayload` to the enterprise
 * ones. `userAgent` and `cookies` are not in the current docs table but are sent by the official SDKs and
 * shown on the cookies page, so they are accepted.
 */
import * as Schema from "effect/Schema"
import * as Task from "../Task.ts"
import { Cookies, JsonObject, NonEmptyString, ReCaptchaSolution } from "./Fields.ts"

const common = {
  websiteURL: NonEmptyString,
  websiteKey: NonEmptyString,
  pageAction: /*#__PURE__*/ Schema.optionalKey(Schema.String),
  isInvisible: /*#__PURE__*/ Schema.optionalKey(Schema.Boolean),
  isSession: /*#__PURE__*/ Schema.optionalKey(Schema.Boolean),
  apiDomain: /*#__PURE__*/ Schema.optionalKey(Schema.String),
  userAgent: /*#__PURE__*/ Schema.optionalKey(Schema.String),
  cookies: /*#__PURE__*/ Schema.optionalKey(Cookies),
}

const standardInput = /*#__PURE__*/ Schema.Struct({
  ...common,
  recaptchaDataSValue: /*#__PURE__*/ Schema.optionalKey(Schema.String),
})

const enterpriseInput = /*#__PURE__*/ Schema.Struct({
  ...common,
  enterprisePayload: /*#__PURE__*/ Schema.optionalKey(JsonObject),
})

/** reCAPTCHA v2 solved through CapSolver's proxies. */
export const ReCaptchaV2TaskProxyLess = /*#__PURE__*/ Task.defineWithoutProxy({
  type: "ReCaptchaV2TaskProxyLess",
  kind: "token",
  proxiedVariant: "ReCaptchaV2Task",
  input: standardInput,
  solution: ReCaptchaSolution,
})

/** reCAPTCHA v2 solved through your proxy. */
export const ReCaptchaV2Task = /*#__PURE__*/ Task.defineWithProxy({
  type: "ReCaptchaV2Task",
  kind: "token",
  input: standardInput,
  solution: ReCaptchaSolution,
})

/** reCAPTCHA v2 Enterprise solved through your proxy. */
export const ReCaptchaV2EnterpriseTask = /*#__PURE__*/ Task.defineWithProxy({
  type: "ReCaptchaV2EnterpriseTask",
  kind: "token",
  input: enterpriseInput,
  solution: ReCaptchaSolution,
})

/** reCAPTCHA v2 Enterprise solved through CapSolver's proxies. */
export const ReCaptchaV2EnterpriseTaskProxyLess = /*#__PURE__*/ Task.defineWithoutProxy({
  type: "ReCaptchaV2EnterpriseTaskProxyLess",
  kind: "token",
  proxiedVariant: "ReCaptchaV2EnterpriseTask",
  input: enterpriseInput,
  solution: ReCaptchaSolution,
})
