/**
 * The whole task catalogue, for turning plain `{ type, ...fields }` objects (CLI arguments, JSON files)
 * into task requests. Importing this module pulls in every definition; applications that build tasks in
 * code should import the definitions themselves.
 *
 * Type names match case-insensitively: the docs and SDKs disagree on casing (`GeetestTaskProxyless`,
 * `DataDomeSliderTask`, `MTCaptchaTask`), and the request always carries the documented casing.
 */
import * as Result from "effect/Result"
import * as Task from "./Task.ts"
import { AntiAwsWafTask, AntiAwsWafTaskProxyLess } from "./tasks/AwsWaf.ts"
import { AwsWafClassification } from "./tasks/AwsWafClassification.ts"
import { AntiBotdeflectorTaskProxyLess } from "./tasks/BotDeflector.ts"
import { AntiCloudflareTask } from "./tasks/CloudflareChallenge.ts"
import { DatadomeSliderTask } from "./tasks/DataDome.ts"
import { GeeTestTaskProxyLess } from "./tasks/GeeTest.ts"
import { ImageToTextTask } from "./tasks/ImageToText.ts"
import { MtCaptchaTask, MtCaptchaTaskProxyLess } from "./tasks/MtCaptcha.ts"
import {
  ReCaptchaV2EnterpriseTask,
  ReCaptchaV2EnterpriseTaskProxyLess,
  ReCaptchaV2Task,
  ReCaptchaV2TaskProxyLess,
} from "./tasks/ReCaptchaV2.ts"
import { ReCaptchaV2Classification } from "./tasks/ReCaptchaV2Classification.ts"
import {
  ReCaptchaV3EnterpriseTask,
  ReCaptchaV3EnterpriseTaskProxyLess,
  ReCaptchaV3Task,
  ReCaptchaV3TaskProxyLess,
} from "./tasks/ReCaptchaV3.ts"
import { AntiTurnstileTaskProxyLess } from "./tasks/Turnstile.ts"
import { VisionEngine } from "./tasks/VisionEngine.ts"

/** Every task type the reference documents, token tasks first, then recognition tasks. */
export const all: ReadonlyArray<Task.AnyTaskDefinition> = [
  ReCaptchaV2TaskProxyLess,
  ReCaptchaV2Task,
  ReCaptchaV2EnterpriseTask,
  ReCaptchaV2EnterpriseTaskProxyLess,
  ReCaptchaV3TaskProxyLess,
  ReCaptchaV3Task,
  ReCaptchaV3EnterpriseTask,
  ReCaptchaV3EnterpriseTaskProxyLess,
  AntiTurnstileTaskProxyLess,
  AntiCloudflareTask,
  AntiAwsWafTask,
  AntiAwsWafTaskProxyLess,
  GeeTestTaskProxyLess,
  MtCaptchaTask,
  MtCaptchaTaskProxyLess,
  DatadomeSliderTask,
  AntiBotdeflectorTaskProxyLess,
  ImageToTextTask,
  ReCaptchaV2Classification,
  AwsWafClassification,
  VisionEngine,
]

/** The definition for a type name, matched case-insensitively. */
export const find = (type: string): Task.AnyTaskDefinition | undefined => {
  const wanted = type.trim().toLowerCase()
  return all.find((definition) => definition.type.toLowerCase() === wanted)
}

const editDistance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution))
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

/**
 * The known type name closest to `type`: case-insensitive edit distance, where a name that merely adds a
 * suffix (`AntiTurnstileTask` → `AntiTurnstileTaskProxyLess`) counts as almost exact.
 */
export const closest = (type: string): string => {
  const wanted = type.trim().toLowerCase()
  let best = all[0]?.type ?? ""
  let bestDistance = Number.POSITIVE_INFINITY
  for (const definition of all) {
    const known = definition.type.toLowerCase()
    const distance = Math.min(
      editDistance(wanted, known),
      editDistance(wanted, known.slice(0, wanted.length)) + 1,
    )
    if (distance < bestDistance) {
      best = definition.type
      bestDistance = distance
    }
  }
  return best
}

const issue = (taskType: string, field: string, message: string): Task.TaskIssue => ({
  taskType,
  field,
  message,
  issues: [{ field, message }],
})

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * Parses a plain `{ type, ...fields }` object into a validated request carrying the normalised input
 * (documented type casing, documented proxy form). Never throws.
 */
export const parse = (u: unknown): Result.Result<Task.AnyTaskRequest, Task.TaskIssue> => {
  if (!isRecord(u)) return Result.fail(issue("", "", "must be an object with a type field"))
  let type: unknown
  try {
    type = u.type
  } catch {
    type = undefined
  }
  if (typeof type !== "string" || type.trim().length === 0) {
    return Result.fail(issue("", "type", "is required: the task type name, e.g. ReCaptchaV2TaskProxyLess"))
  }
  const definition = find(type)
  if (definition === undefined) {
    return Result.fail(
      issue(
        type,
        "type",
        `is not a known task type; did you mean ${closest(type)}? (Task.raw sends a type the catalogue does not know)`,
      ),
    )
  }
  let fields: Record<string, unknown>
  try {
    const { type: _type, ...rest } = u
    fields = rest
  } catch {
    return Result.fail(issue(definition.type, "", "could not be read"))
  }
  const validated = Task.validate(definition(fields))
  if (Result.isFailure(validated)) return Result.fail(validated.failure)
  const { type: _wireType, ...input } = validated.success
  return Result.succeed(definition(input))
}
