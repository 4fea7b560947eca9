/**
 * The catalogue fields CapSolver does not take (issue 15). The catalogue is CapSolver's spelling, but it also
 * types fields other providers document for the same captcha; CapSolver refuses those before any request
 * rather than charge for a task whose option never reaches the solver.
 *
 * @since 0.4.0
 */
import type { TaskStep } from "../ProviderTaskForm.ts"
import { refuseFields } from "./FieldRules.ts"

const otherProviders = (names: string): string =>
  `a field of ${names}, which CapSolver's documentation does not list`

/**
 * Turnstile: docs.capsolver.com/guide/antibots/cloudflare_turnstile lists only websiteURL, websiteKey and
 * `metadata.action` / `metadata.cdata` (a custom User-Agent "is ignored", so `userAgent` is sent as given: it
 * costs nothing and changes nothing). GeeTest: docs.capsolver.com/guide/captcha/Geetest has `captchaId` for v4
 * and no `initParameters`. ImageToTextTask: docs.capsolver.com/guide/recognition/ImageToTextTask lists body,
 * module, images, websiteURL (and SDKs send score and case).
 *
 * Each of these fields belongs to exactly one catalogue type, so the rule goes by field, not by type name: a
 * page bundling CapSolver with one task type then carries no other type's name (the bundle budget checks it).
 */
const refused: Readonly<Record<string, string>> = {
  "metadata.chlPageData": otherProviders("Anti-Captcha, 2Captcha and CapMonster Cloud"),
  initParameters: otherProviders("Anti-Captcha and CapMonster Cloud (GeeTest v4)"),
  phrase: otherProviders("Anti-Captcha"),
  numeric: otherProviders("Anti-Captcha and CapMonster Cloud"),
  math: otherProviders("Anti-Captcha and CapMonster Cloud"),
  minLength: otherProviders("Anti-Captcha"),
  maxLength: otherProviders("Anti-Captcha"),
  comment: otherProviders("Anti-Captcha"),
  recognizingThreshold: otherProviders("CapMonster Cloud"),
  capMonsterModule: otherProviders("CapMonster Cloud"),
}

export const capSolverFields: TaskStep = (task) => refuseFields("CapSolver", task.type, refused)(task)
