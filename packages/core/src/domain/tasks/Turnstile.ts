/**
 * Cloudflare Turnstile (https://docs.capsolver.com/guide/antibots/cloudflare_turnstile).
 *
 * `metadata` is optional (one old page says required). Its keys are checked, so the old page's `acton`
 * misspelling is reported instead of silently sent. `metadata.chlPageData` (the challenge page's
 * `chlPageData`) and `userAgent` are not CapSolver fields (its page documents neither and says a user agent is
 * ignored): they are typed here for the providers that document them (Anti-Captcha `chlPageData`, 2Captcha
 * `pagedata` and `userAgent`, CapMonster Cloud's challenge variant `pageData` and `userAgent`) and refused at
 * CapSolver before any request. The solution is SDK-observed: `token` is what every client reads, so it is
 * required; the rest is optional.
 */
import * as Schema from "effect/Schema"
import * as Task from "../Task.ts"
import { lenient, NonEmptyString } from "./Fields.ts"

/** Cloudflare Turnstile, solved through CapSolver's proxies (no proxied variant exists). */
export const AntiTurnstileTaskProxyLess = /*#__PURE__*/ Task.defineWithoutProxy({
  type: "AntiTurnstileTaskProxyLess",
  kind: "token",
  input: /*#__PURE__*/ Schema.Struct({
    websiteURL: NonEmptyString,
    websiteKey: NonEmptyString,
    metadata: /*#__PURE__*/ Schema.optionalKey(
      /*#__PURE__*/ Schema.Struct({
        action: /*#__PURE__*/ Schema.optionalKey(Schema.String),
        cdata: /*#__PURE__*/ Schema.optionalKey(Schema.String),
        chlPageData: /*#__PURE__*/ Schema.optionalKey(NonEmptyString),
      }),
    ),
    userAgent: /*#__PURE__*/ Schema.optionalKey(NonEmptyString),
  }),
  solution: /*#__PURE__*/ Schema.Struct({
    token: Schema.String,
    type: /*#__PURE__*/ lenient(Schema.String),
    userAgent: /*#__PURE__*/ lenient(Schema.String),
  }),
})
