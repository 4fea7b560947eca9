/**
 * MTCaptcha (https://docs.capsolver.com/guide/captcha/MtCaptcha). The docs example shows `{ token }`.
 */
import * as Schema from "effect/Schema"
import * as Task from "../Task.ts"
import { NonEmptyString } from "./Fields.ts"

const input = /*#__PURE__*/ Schema.Struct({
  websiteURL: NonEmptyString,
  // "MTPublic-..." in the docs; the prefix is not enforced in case other key formats exist
  websiteKey: NonEmptyString,
})

const solution = /*#__PURE__*/ Schema.Struct({ token: Schema.String })

/** MTCaptcha, solved through your proxy. */
export const MtCaptchaTask = /*#__PURE__*/ Task.defineWithProxy({
  type: "MtCaptchaTask",
  kind: "token",
  input,
  solution,
})

/** MTCaptcha, solved through CapSolver's proxies. */
export const MtCaptchaTaskProxyLess = /*#__PURE__*/ Task.defineWithoutProxy({
  type: "MtCaptchaTaskProxyLess",
  kind: "token",
  proxiedVariant: "MtCaptchaTask",
  input,
  solution,
})
