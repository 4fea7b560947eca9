/**
 * AWS WAF token tasks (https://docs.capsolver.com/guide/captcha/awsWaf).
 *
 * Which optional `aws*` fields are needed depends on the site (the docs describe scenarios), so none is
 * required beyond `websiteURL`. The `cookie` solution field is SDK-observed, hence optional.
 */
import * as Schema from "effect/Schema"
import * as Task from "../Task.ts"
import { lenient, NonEmptyString } from "./Fields.ts"

const input = /*#__PURE__*/ Schema.Struct({
  websiteURL: NonEmptyString,
  awsKey: /*#__PURE__*/ Schema.optionalKey(Schema.String),
  awsIv: /*#__PURE__*/ Schema.optionalKey(Schema.String),
  awsContext: /*#__PURE__*/ Schema.optionalKey(Schema.String),
  awsChallengeJS: /*#__PURE__*/ Schema.optionalKey(Schema.String),
  awsApiJs: /*#__PURE__*/ Schema.optionalKey(Schema.String),
  awsProblemUrl: /*#__PURE__*/ Schema.optionalKey(Schema.String),
  awsApiKey: /*#__PURE__*/ Schema.optionalKey(Schema.String),
  awsExistingToken: /*#__PURE__*/ Schema.optionalKey(Schema.String),
})

const solution = /*#__PURE__*/ Schema.Struct({
  cookie: /*#__PURE__*/ lenient(Schema.String),
})

/** AWS WAF token, solved through your proxy. */
export const AntiAwsWafTask = /*#__PURE__*/ Task.defineWithProxy({
  type: "AntiAwsWafTask",
  kind: "token",
  input,
  solution,
})

/** AWS WAF token, solved through CapSolver's proxies. */
export const AntiAwsWafTaskProxyLess = /*#__PURE__*/ Task.defineWithoutProxy({
  type: "AntiAwsWafTaskProxyLess",
  kind: "token",
  proxiedVariant: "AntiAwsWafTask",
  input,
  solution,
})
