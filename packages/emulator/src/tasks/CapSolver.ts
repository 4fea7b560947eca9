/**
 * CapSolver's task types, from the project reference `/work/shared/reference/capsolver-api.md` §5, which
 * cites docs.capsolver.com per type (URLs below). Lenient like the provider seems to be: fields not listed
 * here are ignored, not refused (`strict` is not set), and type names match case-insensitively.
 */

import { solutions } from "../Solutions.ts"
import type { FieldSpec, Issue } from "../Validation.ts"
import { optional, required, type TaskSpec } from "./TaskSpec.ts"

/** https://docs.capsolver.com/guide/captcha/ReCaptchaV2 (field table from the /zh/ and /jp/ pages). */
const recaptchaV2Fields: ReadonlyArray<FieldSpec> = [
  required("websiteURL", "string"),
  required("websiteKey", "string"),
  optional("pageAction", "string"),
  optional("recaptchaDataSValue", "string"),
  optional("enterprisePayload", "object"),
  optional("isInvisible", "boolean"),
  optional("isSession", "boolean"),
  optional("apiDomain", "string"),
  // userAgent: not in the current table, sent by the official SDK (capsolver-core); cookies: the
  // getting-started example sends a string, the cookies page an array of { name, value }.
  optional("userAgent", "string"),
  optional("cookies", "cookies"),
]

/**
 * https://docs.capsolver.com/guide/captcha/ReCaptchaV3 and the fuller table of
 * https://docs.capsolver.com/zh/guide/captcha/ReCaptchaV3.html: `minScore` "Value from 0.1 to 0.9",
 * `userAgent`, `cookies` (Array), `anchor`, `reload`. The zh table marks `pageAction` required, the
 * English one optional: kept optional (today's behaviour; the pages disagree).
 */
const recaptchaV3Fields: ReadonlyArray<FieldSpec> = [
  required("websiteURL", "string"),
  required("websiteKey", "string"),
  optional("pageAction", "string"),
  optional("enterprisePayload", "object"),
  optional("isSession", "boolean"),
  optional("apiDomain", "string"),
  optional("minScore", "number", { min: 0.1, max: 0.9 }),
  optional("userAgent", "string"),
  optional("cookies", "cookies"),
  optional("anchor", "string"),
  optional("reload", "string"),
]

const recaptcha = (type: string, fields: ReadonlyArray<FieldSpec>, needsProxy: boolean): TaskSpec => ({
  type,
  kind: "token",
  needsProxy,
  viaGetToken: true,
  fields,
  solution: solutions.recaptcha,
})

const token = (
  type: string,
  needsProxy: boolean,
  fields: ReadonlyArray<FieldSpec>,
  solution: TaskSpec["solution"],
  extraCheck?: TaskSpec["extraCheck"],
): TaskSpec => ({
  type,
  kind: "token",
  needsProxy,
  viaGetToken: false,
  fields,
  solution,
  ...(extraCheck ? { extraCheck } : {}),
})

const recognition = (
  type: string,
  fields: ReadonlyArray<FieldSpec>,
  solution: TaskSpec["solution"],
  extraCheck?: TaskSpec["extraCheck"],
): TaskSpec => ({
  type,
  kind: "recognition",
  needsProxy: false,
  viaGetToken: false,
  fields,
  solution,
  ...(extraCheck ? { extraCheck } : {}),
})

/** https://docs.capsolver.com/guide/captcha/awsWaf */
const awsWafFields: ReadonlyArray<FieldSpec> = [
  required("websiteURL", "string"),
  optional("awsKey", "string"),
  optional("awsIv", "string"),
  optional("awsContext", "string"),
  optional("awsChallengeJS", "string"),
  optional("awsApiJs", "string"),
  optional("awsProblemUrl", "string"),
  optional("awsApiKey", "string"),
  optional("awsExistingToken", "string"),
]

/** https://docs.capsolver.com/guide/captcha/MtCaptcha */
const mtCaptchaFields: ReadonlyArray<FieldSpec> = [
  required("websiteURL", "string"),
  required("websiteKey", "string"),
]

const missing = (field: string, message: string): Issue => ({ field, message, kind: "missing" })
const invalid = (field: string, message: string): Issue => ({ field, message, kind: "invalid" })

/** GeeTest v3 needs `gt` + `challenge`, v4 needs `captchaId` (https://docs.capsolver.com/guide/captcha/Geetest). */
const geeTestCheck = (task: Readonly<Record<string, unknown>>): Issue | undefined => {
  if (task.captchaId !== undefined) return undefined
  if (task.gt === undefined) return missing("gt", "gt is required (or captchaId for GeeTest v4)")
  if (task.challenge === undefined) return missing("challenge", "challenge is required with gt")
  return undefined
}

/** ImageToTextTask needs `body`, except the `number` module which may send `images` instead. */
const imageToTextCheck = (task: Readonly<Record<string, unknown>>): Issue | undefined => {
  if (task.body !== undefined) return undefined
  const images = task.images
  if (task.module === "number" && Array.isArray(images) && images.length > 0) {
    return images.length > 9 ? invalid("images", "images must hold at most 9 images") : undefined
  }
  return missing("body", "body is required")
}

const visionModules = ["slider_1", "rotate_1", "rotate_2", "shein"]

/** https://docs.capsolver.com/guide/recognition/VisionEngine */
const visionEngineCheck = (task: Readonly<Record<string, unknown>>): Issue | undefined => {
  const module = task.module as string
  if (!visionModules.includes(module)) {
    return invalid("module", `module must be one of ${visionModules.join(", ")}`)
  }
  if ((module === "slider_1" || module === "rotate_1") && typeof task.imageBackground !== "string") {
    return missing("imageBackground", `imageBackground is required for module ${module}`)
  }
  if (module === "shein" && typeof task.question !== "string") {
    return missing("question", "question is required for module shein")
  }
  return undefined
}

export const capSolverTasks: ReadonlyArray<TaskSpec> = [
  // ReCaptchaV2Task is no longer in the v2 page's type list but is in the proxy, cookies and getToken pages.
  recaptcha("ReCaptchaV2Task", recaptchaV2Fields, true),
  recaptcha("ReCaptchaV2TaskProxyLess", recaptchaV2Fields, false),
  recaptcha("ReCaptchaV2EnterpriseTask", recaptchaV2Fields, true),
  recaptcha("ReCaptchaV2EnterpriseTaskProxyLess", recaptchaV2Fields, false),
  recaptcha("ReCaptchaV3Task", recaptchaV3Fields, true),
  recaptcha("ReCaptchaV3TaskProxyLess", recaptchaV3Fields, false),
  recaptcha("ReCaptchaV3EnterpriseTask", recaptchaV3Fields, true),
  recaptcha("ReCaptchaV3EnterpriseTaskProxyLess", recaptchaV3Fields, false),
  // https://docs.capsolver.com/guide/antibots/cloudflare_turnstile
  token(
    "AntiTurnstileTaskProxyLess",
    false,
    [required("websiteURL", "string"), required("websiteKey", "string"), optional("metadata", "object")],
    solutions.turnstile,
  ),
  // https://docs.capsolver.com/guide/captcha/cloudflare_challenge
  token(
    "AntiCloudflareTask",
    true,
    [required("websiteURL", "string"), optional("userAgent", "string"), optional("html", "string")],
    solutions.cloudflare,
  ),
  token("AntiAwsWafTask", true, awsWafFields, solutions.awsWaf),
  token("AntiAwsWafTaskProxyLess", false, awsWafFields, solutions.awsWaf),
  token(
    "GeeTestTaskProxyLess",
    false,
    [
      required("websiteURL", "string"),
      optional("gt", "string"),
      optional("challenge", "string"),
      optional("captchaId", "string"),
      optional("geetestApiServerSubdomain", "string"),
    ],
    solutions.geeTest,
    geeTestCheck,
  ),
  token("MtCaptchaTask", true, mtCaptchaFields, solutions.mtCaptcha),
  token("MtCaptchaTaskProxyLess", false, mtCaptchaFields, solutions.mtCaptcha),
  // https://docs.capsolver.com/guide/antibots/datadome (websiteURL: required on older pages only)
  token(
    "DatadomeSliderTask",
    true,
    [required("captchaUrl", "string"), required("userAgent", "string"), optional("websiteURL", "string")],
    solutions.dataDome,
  ),
  // https://docs.capsolver.com/zh/guide/captcha/botdeflector/
  token(
    "AntiBotdeflectorTaskProxyLess",
    false,
    [required("websiteURL", "string"), required("domain", "string"), required("flowToken", "string")],
    solutions.botDeflector,
  ),
  // https://docs.capsolver.com/zh/guide/recognition/ImageToTextTask (score, case: SDK-only, unconfirmed)
  recognition(
    "ImageToTextTask",
    [
      optional("body", "string"),
      optional("websiteURL", "string"),
      optional("module", "string"),
      optional("images", "stringArray"),
      optional("score", "number"),
      optional("case", "boolean"),
    ],
    solutions.imageToText,
    imageToTextCheck,
  ),
  // https://docs.capsolver.com/de/guide/recognition/ReCaptchaClassification
  recognition(
    "ReCaptchaV2Classification",
    [
      required("image", "string"),
      required("question", "string"),
      optional("websiteURL", "string"),
      optional("websiteKey", "string"),
    ],
    solutions.recaptchaClassification,
  ),
  // https://docs.capsolver.com/zh/guide/recognition/AwsWafClassification
  recognition(
    "AwsWafClassification",
    [required("images", "stringArray"), required("question", "string"), optional("websiteURL", "string")],
    solutions.awsWafClassification,
  ),
  recognition(
    "VisionEngine",
    [
      required("module", "string"),
      required("image", "string"),
      optional("imageBackground", "string"),
      optional("question", "string"),
      optional("websiteURL", "string"),
    ],
    solutions.visionEngine,
    visionEngineCheck,
  ),
]
