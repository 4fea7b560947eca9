/**
 * The catalogue fields CapSolver does not take (issue 15). The catalogue is CapSolver's spelling, but it also
 * types fields other providers document for the same captcha; CapSolver refuses those before any request
 * rather than charge for a task whose option never reaches the solver.
 *
 * @since 0.4.0
 */
import type { TaskStep } from "../ProviderTaskForm.ts"
import { forType, refuseFields, steps } from "./FieldRules.ts"

const otherProviders = (names: string): string =>
  `a field of ${names}, which CapSolver's documentation does not list`

/**
 * Turnstile: docs.capsolver.com/guide/antibots/cloudflare_turnstile lists only websiteURL, websiteKey and
 * `metadata.action` / `metadata.cdata`, and says a custom User-Agent is ignored. GeeTest:
 * docs.capsolver.com/guide/captcha/Geetest has `captchaId` for v4 and no `initParameters`. ImageToTextTask:
 * docs.capsolver.com/guide/recognition/ImageToTextTask lists body, module, images, websiteURL (and SDKs send
 * score and case).
 */
export const capSolverFields: TaskStep = steps(
  forType(
    "AntiTurnstileTaskProxyLess",
    refuseFields("CapSolver", "AntiTurnstileTaskProxyLess", {
      "metadata.chlPageData": otherProviders("Anti-Captcha, 2Captcha and CapMonster Cloud"),
      userAgent: "its Turnstile page says a custom User-Agent is ignored",
    }),
  ),
  forType(
    "GeeTestTaskProxyLess",
    refuseFields("CapSolver", "GeeTestTaskProxyLess", {
      initParameters: otherProviders("Anti-Captcha and CapMonster Cloud (GeeTest v4)"),
    }),
  ),
  forType(
    "ImageToTextTask",
    refuseFields("CapSolver", "ImageToTextTask", {
      phrase: otherProviders("Anti-Captcha"),
      numeric: otherProviders("Anti-Captcha and CapMonster Cloud"),
      math: otherProviders("Anti-Captcha and CapMonster Cloud"),
      minLength: otherProviders("Anti-Captcha"),
      maxLength: otherProviders("Anti-Captcha"),
      comment: otherProviders("Anti-Captcha"),
      recognizingThreshold: otherProviders("CapMonster Cloud"),
      capMonsterModule: otherProviders("CapMonster Cloud"),
    }),
  ),
)
