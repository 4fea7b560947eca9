/**
 * The emulator's own table of the provider's task types, written from the protocol reference and NOT
 * shared with @solvekit/core: if both read one table, a mistake in it could never be caught by a test.
 */

import { type SolutionInput, solutions } from "./Solutions.ts"
import { type FieldSpec, type Issue, proxyIssue, validateFields } from "./Validation.ts"

export type TaskKind = "token" | "recognition"

export interface TaskSpec {
  /** The documented spelling; requests match it case-insensitively. */
  readonly type: string
  readonly kind: TaskKind
  /** Whether the task needs the caller's proxy (a `proxy` string or the split `proxy*` fields). */
  readonly needsProxy: boolean
  /** Whether `/getToken` accepts it (only the reCAPTCHA family). */
  readonly viaGetToken: boolean
  readonly fields: ReadonlyArray<FieldSpec>
  /** Rules a field list cannot say (either-or fields, module-dependent fields). */
  readonly extraCheck?: (task: Readonly<Record<string, unknown>>) => Issue | undefined
  readonly solution: (input: SolutionInput) => Record<string, unknown>
}

const required = (name: string, type: FieldSpec["type"]): FieldSpec => ({ name, type, required: true })
const optional = (name: string, type: FieldSpec["type"]): FieldSpec => ({ name, type, required: false })

const recaptchaV2Fields: ReadonlyArray<FieldSpec> = [
  required("websiteURL", "string"),
  required("websiteKey", "string"),
  optional("pageAction", "string"),
  optional("recaptchaDataSValue", "string"),
  optional("enterprisePayload", "object"),
  optional("isInvisible", "boolean"),
  optional("isSession", "boolean"),
  optional("apiDomain", "string"),
  optional("userAgent", "string"),
  optional("cookies", "cookies"),
]

const recaptchaV3Fields: ReadonlyArray<FieldSpec> = [
  required("websiteURL", "string"),
  required("websiteKey", "string"),
  optional("pageAction", "string"),
  optional("enterprisePayload", "object"),
  optional("isSession", "boolean"),
  optional("apiDomain", "string"),
  optional("minScore", "number"),
  optional("userAgent", "string"),
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
  solution: (input: SolutionInput) => Record<string, unknown>,
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
  solution: (input: SolutionInput) => Record<string, unknown>,
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

const mtCaptchaFields: ReadonlyArray<FieldSpec> = [
  required("websiteURL", "string"),
  required("websiteKey", "string"),
]

/** GeeTest v3 needs `gt` + `challenge`, v4 needs `captchaId`. */
const geeTestCheck = (task: Readonly<Record<string, unknown>>): Issue | undefined => {
  if (task.captchaId !== undefined) return undefined
  if (task.gt === undefined) return { field: "gt", message: "gt is required (or captchaId for GeeTest v4)" }
  if (task.challenge === undefined) return { field: "challenge", message: "challenge is required with gt" }
  return undefined
}

/** ImageToTextTask needs `body`, except the `number` module which may send `images` instead. */
const imageToTextCheck = (task: Readonly<Record<string, unknown>>): Issue | undefined => {
  if (task.body !== undefined) return undefined
  const images = task.images
  if (task.module === "number" && Array.isArray(images) && images.length > 0) {
    return images.length > 9 ? { field: "images", message: "images must hold at most 9 images" } : undefined
  }
  return { field: "body", message: "body is required" }
}

const visionModules = ["slider_1", "rotate_1", "rotate_2", "shein"]

const visionEngineCheck = (task: Readonly<Record<string, unknown>>): Issue | undefined => {
  const module = task.module as string
  if (!visionModules.includes(module)) {
    return { field: "module", message: `module must be one of ${visionModules.join(", ")}` }
  }
  if ((module === "slider_1" || module === "rotate_1") && typeof task.imageBackground !== "string") {
    return { field: "imageBackground", message: `imageBackground is required for module ${module}` }
  }
  if (module === "shein" && typeof task.question !== "string") {
    return { field: "question", message: "question is required for module shein" }
  }
  return undefined
}

export const taskSpecs: ReadonlyArray<TaskSpec> = [
  recaptcha("ReCaptchaV2Task", recaptchaV2Fields, true),
  recaptcha("ReCaptchaV2TaskProxyLess", recaptchaV2Fields, false),
  recaptcha("ReCaptchaV2EnterpriseTask", recaptchaV2Fields, true),
  recaptcha("ReCaptchaV2EnterpriseTaskProxyLess", recaptchaV2Fields, false),
  recaptcha("ReCaptchaV3Task", recaptchaV3Fields, true),
  recaptcha("ReCaptchaV3TaskProxyLess", recaptchaV3Fields, false),
  recaptcha("ReCaptchaV3EnterpriseTask", recaptchaV3Fields, true),
  recaptcha("ReCaptchaV3EnterpriseTaskProxyLess", recaptchaV3Fields, false),
  token(
    "AntiTurnstileTaskProxyLess",
    false,
    [required("websiteURL", "string"), required("websiteKey", "string"), optional("metadata", "object")],
    solutions.turnstile,
  ),
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
  token(
    "DatadomeSliderTask",
    true,
    [required("captchaUrl", "string"), required("userAgent", "string"), optional("websiteURL", "string")],
    solutions.dataDome,
  ),
  token(
    "AntiBotdeflectorTaskProxyLess",
    false,
    [required("websiteURL", "string"), required("domain", "string"), required("flowToken", "string")],
    solutions.botDeflector,
  ),
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

/** Every task type the emulator accepts, in its documented spelling. */
export const supportedTaskTypes: ReadonlyArray<{ readonly type: string; readonly kind: TaskKind }> =
  taskSpecs.map(({ type, kind }) => ({ type, kind }))

const byLowerCaseType = new Map(taskSpecs.map((spec) => [spec.type.toLowerCase(), spec]))

/** Looks a type up the way the provider seems to: ignoring case (`GeetestTaskProxyless` works too). */
export const findTaskSpec = (type: string): TaskSpec | undefined => byLowerCaseType.get(type.toLowerCase())

/** The first problem with a task's fields, or undefined when the task is acceptable. */
export const validateTask = (spec: TaskSpec, task: Readonly<Record<string, unknown>>): Issue | undefined =>
  validateFields(spec.fields, task) ??
  (spec.needsProxy ? proxyIssue(task) : undefined) ??
  spec.extraCheck?.(task)
