/**
 * DataDome slider and interstitial (https://docs.capsolver.com/guide/antibots/datadome).
 *
 * `userAgent` must be the one you browse with. A `captchaUrl` with `t=bv` means DataDome has banned the
 * proxy's IP, so it is rejected before paying for a task that cannot succeed. `websiteURL` was required by
 * older docs and is not listed by the newest, so it is optional. `cookie` is SDK-observed, hence optional.
 */
import * as Schema from "effect/Schema"
import * as Task from "../Task.ts"
import { lenient, NonEmptyString } from "./Fields.ts"

/** DataDome, solved through your proxy. */
export const DatadomeSliderTask = /*#__PURE__*/ Task.defineWithProxy({
  type: "DatadomeSliderTask",
  kind: "token",
  input: /*#__PURE__*/ Schema.Struct({
    captchaUrl: /*#__PURE__*/ NonEmptyString.check(
      /*#__PURE__*/ Schema.makeFilter((url: string) => !/[?&]t=bv(&|$)/.test(url), {
        message: "has t=bv, which means DataDome banned this IP: change the proxy (a solvable URL has t=fe)",
      }),
    ),
    userAgent: NonEmptyString,
    websiteURL: /*#__PURE__*/ Schema.optionalKey(NonEmptyString),
  }),
  solution: /*#__PURE__*/ Schema.Struct({
    cookie: /*#__PURE__*/ lenient(Schema.String),
  }),
})
