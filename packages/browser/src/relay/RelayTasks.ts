/**
 * Tasks for the light relay client, as types only: a page writes a plain `{ type, ...fields }` object and
 * TypeScript checks it against the catalogue's definition of that type, while nothing of the catalogue (its
 * Schema, its checks) reaches the page. The relay checks the task with the catalogue's strict schema; what it
 * refuses reaches the page as `InvalidTaskError`.
 *
 * @since 0.2.0
 */
import type * as Core from "@solvekit/core"

/** The catalogue's definitions by type name: read by the types below, never imported as values. */
export interface RelayTaskDefinitions {
  readonly ReCaptchaV2TaskProxyLess: typeof Core.ReCaptchaV2TaskProxyLess
  readonly ReCaptchaV2Task: typeof Core.ReCaptchaV2Task
  readonly ReCaptchaV2EnterpriseTask: typeof Core.ReCaptchaV2EnterpriseTask
  readonly ReCaptchaV2EnterpriseTaskProxyLess: typeof Core.ReCaptchaV2EnterpriseTaskProxyLess
  readonly ReCaptchaV3TaskProxyLess: typeof Core.ReCaptchaV3TaskProxyLess
  readonly ReCaptchaV3Task: typeof Core.ReCaptchaV3Task
  readonly ReCaptchaV3EnterpriseTask: typeof Core.ReCaptchaV3EnterpriseTask
  readonly ReCaptchaV3EnterpriseTaskProxyLess: typeof Core.ReCaptchaV3EnterpriseTaskProxyLess
  readonly AntiTurnstileTaskProxyLess: typeof Core.AntiTurnstileTaskProxyLess
  readonly AntiCloudflareTask: typeof Core.AntiCloudflareTask
  readonly AntiAwsWafTask: typeof Core.AntiAwsWafTask
  readonly AntiAwsWafTaskProxyLess: typeof Core.AntiAwsWafTaskProxyLess
  readonly GeeTestTaskProxyLess: typeof Core.GeeTestTaskProxyLess
  readonly MtCaptchaTask: typeof Core.MtCaptchaTask
  readonly MtCaptchaTaskProxyLess: typeof Core.MtCaptchaTaskProxyLess
  readonly DatadomeSliderTask: typeof Core.DatadomeSliderTask
  readonly AntiBotdeflectorTaskProxyLess: typeof Core.AntiBotdeflectorTaskProxyLess
  readonly ImageToTextTask: typeof Core.ImageToTextTask
  readonly ReCaptchaV2Classification: typeof Core.ReCaptchaV2Classification
  readonly AwsWafClassification: typeof Core.AwsWafClassification
  readonly VisionEngine: typeof Core.VisionEngine
}

/** A catalogue task type's name. */
export type RelayTaskType = keyof RelayTaskDefinitions

type Simplify<A> = { [K in keyof A]: A[K] } & {}

/**
 * A task as the page sends it: its type's name and its fields, as the catalogue's constructor takes them
 * (`{ type: "ReCaptchaV2TaskProxyLess", websiteURL, websiteKey }`).
 */
export type RelayTask<T extends RelayTaskType = RelayTaskType> = T extends RelayTaskType
  ? Simplify<{ readonly type: T } & Core.InputOf<RelayTaskDefinitions[T]>>
  : never

/** The solution a task's type answers with (the known fields typed, the provider's others kept). */
export type RelaySolutionOf<T> = T extends { readonly type: infer K extends RelayTaskType }
  ? Core.SolutionOf<RelayTaskDefinitions[K]>
  : T extends Core.AnyTaskRequest
    ? Core.SolutionOf<T>
    : Record<string, unknown>
