/**
 * CapSolver's AWS WAF task (`AntiAwsWafTask[ProxyLess]`) as Anti-Captcha's, CapMonster Cloud's and 2Captcha's
 * `AmazonTask` (issue 15; the providers' `taskTypeNames` rename the type first): the catalogue's `aws*` fields
 * under their names, the fields they lack refused before any request, and (Anti-Captcha, CapMonster Cloud) their
 * answers read back as the catalogue's `cookie`.
 *
 * What the catalogue fields mean (docs.capsolver.com/guide/captcha/awsWaf): `awsKey`, `awsIv`, `awsContext` are
 * `window.gokuProps` key, iv and context; `awsChallengeJS` is the challenge.js link; `awsApiJs` the jsapi.js link;
 * `awsProblemUrl`, `awsApiKey` and `awsExistingToken` belong to CapSolver's "problem" endpoint scenario, which
 * no other provider documents.
 *
 * @since 0.4.0
 */
import * as Result from "effect/Result"
import type { TaskStep } from "../ProviderTaskForm.ts"
import { forType, refuseFields, renameFields, requireFields, setFields, steps } from "./FieldRules.ts"

/** The catalogue fields of CapSolver's "problem endpoint" scenario, which no other provider documents. */
const problemScenario = (provider: string): TaskStep =>
  refuseFields(provider, "AmazonTask", {
    awsProblemUrl: "its AmazonTask has no problem-endpoint field (CapSolver's scenario only)",
    awsApiKey: "its AmazonTask has no problem-endpoint api_key field (CapSolver's scenario only)",
    awsExistingToken: "its AmazonTask takes no previous aws-waf-token",
  })

/**
 * Anti-Captcha (anti-captcha.com/apidoc/task-types/AmazonTaskProxyless, /AmazonTask): `websiteKey`, `iv` and
 * `context` are required on the bot-filtering page ("gokuProps"), `challengeScript` and `captchaScript` optional
 * URLs. The standalone widget is `wafType: "widget"` with `jsapiScript` (the jsapi.js URL) and no iv/context
 * (official clients anti-captcha/anticaptcha-npm index.js `solveAmazonWidgetProxyless`,
 * anti-captcha/anticaptcha-csharp src/AntiCaptcha/Api/AmazonProxyless.cs). So `awsApiJs` (jsapi.js) selects the
 * widget; captcha.js has no catalogue field.
 */
export const antiCaptchaAmazon: TaskStep = forType(
  ["AmazonTask", "AmazonTaskProxyless"],
  problemScenario("Anti-Captcha"),
  requireFields("Anti-Captcha", {
    awsKey: "its AmazonTask needs websiteKey, the key of window.gokuProps (or of the widget)",
  }),
  (task) =>
    task.awsApiJs !== undefined
      ? steps(renameFields({ awsApiJs: "jsapiScript" }), setFields({ wafType: "widget" }))(task)
      : requireFields("Anti-Captcha", {
          awsIv:
            "its AmazonTask needs iv from window.gokuProps (unless awsApiJs names the widget's jsapi.js)",
          awsContext:
            "its AmazonTask needs context from window.gokuProps (unless awsApiJs names the widget's jsapi.js)",
        })(task),
  renameFields({
    awsKey: "websiteKey",
    awsIv: "iv",
    awsContext: "context",
    awsChallengeJS: "challengeScript",
  }),
)

/**
 * CapMonster Cloud (ZennoLab/capmonstercloud-docs captchas/amazon-task.mdx), one type `AmazonTask`, proxy
 * optional: option 1 is `websiteKey` + `captchaScript` ("link to jsapi.js"), option 2 `websiteKey`, `context`,
 * `iv` and `challengeScript` (challenge.js). `cookieSolution: true` makes it answer with the `aws-waf-token`
 * cookie, which is what the catalogue's solution holds (its default answers `captcha_voucher` and
 * `existing_token` instead); an extra field cannot turn it off (it never replaces a mapped field).
 */
export const capMonsterAmazon: TaskStep = forType(
  "AmazonTask",
  problemScenario("CapMonster Cloud"),
  requireFields("CapMonster Cloud", { awsKey: "its AmazonTask needs websiteKey (the captcha's key)" }),
  (task) =>
    task.awsApiJs !== undefined
      ? Result.succeed(task)
      : requireFields("CapMonster Cloud", {
          awsChallengeJS:
            "its AmazonTask needs challengeScript (challenge.js), or captchaScript (awsApiJs: jsapi.js)",
          awsContext: "its AmazonTask needs context with challengeScript (or captchaScript: awsApiJs)",
          awsIv: "its AmazonTask needs iv with challengeScript (or captchaScript: awsApiJs)",
        })(task),
  renameFields({
    awsKey: "websiteKey",
    awsIv: "iv",
    awsContext: "context",
    awsChallengeJS: "challengeScript",
    awsApiJs: "captchaScript",
  }),
  setFields({ cookieSolution: true }),
)

/**
 * 2Captcha (`AmazonTask` / `AmazonTaskProxyless`, proxy required on the first). Its API v2 page
 * (2captcha.com/api-docs/amazon-aws-waf-captcha) is not in the store: SECONDARY source, the TypeScript client
 * blackravenx/captcha-libs @7218906b packages/twocaptcha/src/lib/Requests/Token/Base/_AmazonTaskBase.ts, whose
 * JSDoc quotes and links that page: `websiteURL`, `websiteKey` ("Value of key parameter you found on the page"),
 * `iv` and `context` (all four required there), `challengeScript` ("The source URL of challenge.js script on the
 * page") and `captchaScript` ("The source URL of captcha.js script on the page"), both optional, and the proxy.
 * The catalogue's `awsApiJs` is the widget's jsapi.js, which that page does not take: refused (captcha.js has no
 * catalogue field; give it as an extra field, `Task.extend(AntiAwsWafTaskProxyLess, { captchaScript: "string" })`).
 * Its answer is `captcha_voucher` and `existing_token` (`Solutions/Token/AmazonTaskSolution.ts`), not the
 * `aws-waf-token` cookie: see `TwoCaptcha.ts`.
 */
export const twoCaptchaAmazon: TaskStep = forType(
  ["AmazonTask", "AmazonTaskProxyless"],
  problemScenario("2Captcha"),
  refuseFields("2Captcha", "AmazonTask", {
    awsApiJs:
      "its AmazonTask takes captchaScript, the captcha.js URL, not the widget's jsapi.js (give captcha.js as an extra field captchaScript)",
  }),
  requireFields("2Captcha", {
    awsKey: "its AmazonTask requires websiteKey, the key of window.gokuProps",
    awsIv: "its AmazonTask requires iv, from window.gokuProps",
    awsContext: "its AmazonTask requires context, from window.gokuProps",
  }),
  renameFields({
    awsKey: "websiteKey",
    awsIv: "iv",
    awsContext: "context",
    awsChallengeJS: "challengeScript",
  }),
)

const isObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * Anti-Captcha's Amazon answer is `token` ("a token which you can use in your HTTP request as a cookie value",
 * task-types/AmazonTaskProxyless; `solution.token` in anticaptcha-npm `solveAmazonProxyless`), plus `domain`
 * (anticaptcha-csharp TaskResultResponse.cs): the catalogue's `cookie` is that value.
 */
export const amazonCookieFromToken = (
  solution: Readonly<Record<string, unknown>>,
): Record<string, unknown> =>
  typeof solution.token === "string" && solution.cookie === undefined
    ? { ...solution, cookie: solution.token }
    : { ...solution }

/**
 * CapMonster Cloud answers `{ cookies: { "aws-waf-token": "..." }, userAgent }` with `cookieSolution: true`
 * (captchas/amazon-task.mdx, its getTaskResult example): the catalogue's `cookie` is that cookie's value.
 */
export const amazonCookieFromCookies = (
  solution: Readonly<Record<string, unknown>>,
): Record<string, unknown> => {
  const token = isObject(solution.cookies) ? solution.cookies["aws-waf-token"] : undefined
  return typeof token === "string" && solution.cookie === undefined
    ? { ...solution, cookie: token }
    : { ...solution }
}
