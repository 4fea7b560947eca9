/**
 * Cloudflare Challenge, the "Just a moment…" page (https://docs.capsolver.com/guide/captcha/cloudflare_challenge).
 *
 * Needs a static or sticky proxy. The solution shape is unconfirmed (third-party tests read
 * `cookies.cf_clearance` and `userAgent`; an older SDK reads `token`), so every field is optional.
 */
import * as Schema from "effect/Schema"
import * as Task from "../Task.ts"
import { lenient, NonEmptyString } from "./Fields.ts"

/** Cloudflare Challenge, solved through your proxy. */
export const AntiCloudflareTask = /*#__PURE__*/ Task.defineWithProxy({
  type: "AntiCloudflareTask",
  kind: "token",
  input: /*#__PURE__*/ Schema.Struct({
    websiteURL: NonEmptyString,
    userAgent: /*#__PURE__*/ Schema.optionalKey(Schema.String),
    html: /*#__PURE__*/ Schema.optionalKey(Schema.String),
  }),
  solution: /*#__PURE__*/ Schema.Struct({
    cookies: /*#__PURE__*/ lenient(/*#__PURE__*/ Schema.Record(Schema.String, Schema.String)),
    token: /*#__PURE__*/ lenient(Schema.String),
    userAgent: /*#__PURE__*/ lenient(Schema.String),
  }),
})
