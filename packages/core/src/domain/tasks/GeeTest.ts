/**
 * GeeTest v3 and v4 (https://docs.capsolver.com/guide/captcha/Geetest).
 *
 * One type covers both versions: v3 needs `gt` and a fresh `challenge`, v4 needs `captchaId`. The
 * solution fields of both versions are SDK-observed, so all are optional. `initParameters` (v4 only) is not a
 * CapSolver field: Anti-Captcha and CapMonster Cloud document it as an optional object for v4 (e.g.
 * `{ riskType: "slide" }`; anti-captcha.com/apidoc/task-types/GeeTestTaskProxyless, ZennoLab/capmonstercloud-docs
 * captchas/geetest-task.mdx), so it is typed here and refused at CapSolver before any request.
 */
import * as Schema from "effect/Schema"
import * as Task from "../Task.ts"
import { JsonObject, lenient, NonEmptyString } from "./Fields.ts"

interface VersionFields {
  readonly gt?: string
  readonly challenge?: string
  readonly captchaId?: string
  readonly initParameters?: Readonly<Record<string, unknown>>
}

const oneVersion = (fields: VersionFields) => {
  const v3 = fields.gt !== undefined || fields.challenge !== undefined
  if (v3 && fields.captchaId !== undefined) {
    return {
      path: ["captchaId"],
      issue:
        "cannot be combined with gt/challenge: give gt and challenge for GeeTest v3, or captchaId for v4",
    }
  }
  if (fields.gt !== undefined && fields.challenge === undefined) {
    return { path: ["challenge"], issue: "is required with gt (GeeTest v3)" }
  }
  if (fields.challenge !== undefined && fields.gt === undefined) {
    return { path: ["gt"], issue: "is required with challenge (GeeTest v3)" }
  }
  if (fields.initParameters !== undefined && fields.captchaId === undefined) {
    return { path: ["initParameters"], issue: "is only used with captchaId (GeeTest v4)" }
  }
  if (!v3 && fields.captchaId === undefined) {
    return { path: ["captchaId"], issue: "is required for GeeTest v4 (for v3 give gt and challenge instead)" }
  }
  return undefined
}

/** GeeTest v3 or v4, solved through CapSolver's proxies. */
export const GeeTestTaskProxyLess = /*#__PURE__*/ Task.defineWithoutProxy({
  type: "GeeTestTaskProxyLess",
  kind: "token",
  input: /*#__PURE__*/ Schema.Struct({
    websiteURL: NonEmptyString,
    gt: /*#__PURE__*/ Schema.optionalKey(NonEmptyString),
    challenge: /*#__PURE__*/ Schema.optionalKey(NonEmptyString),
    captchaId: /*#__PURE__*/ Schema.optionalKey(NonEmptyString),
    geetestApiServerSubdomain: /*#__PURE__*/ Schema.optionalKey(Schema.String),
    initParameters: /*#__PURE__*/ Schema.optionalKey(JsonObject),
  }).check(/*#__PURE__*/ Schema.makeFilter(oneVersion)),
  solution: /*#__PURE__*/ Schema.Struct({
    // v3
    challenge: /*#__PURE__*/ lenient(Schema.String),
    validate: /*#__PURE__*/ lenient(Schema.String),
    seccode: /*#__PURE__*/ lenient(Schema.String),
    // v4
    captcha_id: /*#__PURE__*/ lenient(Schema.String),
    captcha_output: /*#__PURE__*/ lenient(Schema.String),
    gen_time: /*#__PURE__*/ lenient(/*#__PURE__*/ Schema.Union([Schema.String, Schema.Number])),
    lot_number: /*#__PURE__*/ lenient(Schema.String),
    pass_token: /*#__PURE__*/ lenient(Schema.String),
    risk_type: /*#__PURE__*/ lenient(Schema.String),
  }),
})
