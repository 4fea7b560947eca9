/**
 * BotDeflector (https://docs.capsolver.com/zh/guide/captcha/botdeflector/). The solution shape is
 * unconfirmed, so it is typed as a plain record.
 */
import * as Schema from "effect/Schema"
import * as Task from "../Task.ts"
import { NonEmptyString } from "./Fields.ts"

/** BotDeflector, solved through CapSolver's proxies. */
export const AntiBotdeflectorTaskProxyLess = /*#__PURE__*/ Task.defineWithoutProxy({
  type: "AntiBotdeflectorTaskProxyLess",
  kind: "token",
  input: /*#__PURE__*/ Schema.Struct({
    websiteURL: NonEmptyString,
    // the domain serving /pow/get or icon/get
    domain: NonEmptyString,
    // the site's botDeflectorJwtToken
    flowToken: NonEmptyString,
  }),
  solution: /*#__PURE__*/ Schema.Struct({}),
})
