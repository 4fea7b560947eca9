/**
 * Building blocks of a provider's task form (issue 15): the reasons a catalogue type is refused before any
 * request, moving the Turnstile options to the provider's field names, GeeTest's two versions, and the proxy
 * rules a provider documents beyond the split fields. Each step either rewrites the wire task or names the field
 * it cannot send; `steps` runs them in order (`FieldRules.ts` holds the generic field rules). Messages never
 * repeat a field's value (a proxy usually carries a password).
 *
 * @since 0.3.0
 */
import * as Result from "effect/Result"
import type { TaskIssue, WireTask } from "../Provider.ts"
import { splitProxy } from "./SplitProxy.ts"

export { steps } from "./FieldRules.ts"

/** One step of an `adaptTask`. */
export type Step = (task: WireTask) => Result.Result<WireTask, TaskIssue>

/**
 * Refuses the listed catalogue types (CapSolver's spelling: `taskTypeName` leaves a type it does not rename as
 * it is) with the reason given, naming the provider. A type not listed is sent as it is (`Task.raw` included).
 */
export const refuseTypes =
  (provider: string, refused: Readonly<Record<string, string>>): Step =>
  (task) => {
    const reason = Object.hasOwn(refused, task.type) ? refused[task.type] : undefined
    return reason === undefined
      ? Result.succeed(task)
      : Result.fail({ field: "type", message: `is not supported by ${provider}: ${reason}` })
  }

/** Reason: no counterpart of this catalogue type was found in the provider's documentation. */
export const notFound = (what: string): string =>
  `no ${what} task type was found in its documentation (issue 15), so it is refused before any request`

/** Reason: the provider offers the captcha only through its own proxies, never the caller's. */
export const ownProxiesOnly = (theirs: string): string =>
  `its documentation offers this only through its own proxies (${theirs}), which takes no proxy of yours`

/** Reason: the provider has a type for it whose fields differ from the catalogue's. */
export const fieldsDiffer = (theirs: string): string =>
  `its ${theirs} takes other fields than this task (fields differ: not mapped yet, issue 15); use Task.raw for now`

/** Reason: the provider's page for this type could not be checked, so solvekit does not guess its name. */
export const notVerified = (what: string): string =>
  `its ${what} task type could not be checked against its documentation (not mapped yet, issue 15); use Task.raw for now`

/**
 * CapSolver's own catalogue types, which none of 2Captcha, Anti-Captcha and CapMonster Cloud documents a
 * counterpart for (their task-type lists, checked for issue 15). A provider spreads these first and overrides
 * the entries it knows more about (CapMonster's Cloudflare challenge has a type whose fields differ).
 */
export const capSolverOnlyTypes: Readonly<Record<string, string>> = {
  AntiCloudflareTask: notFound("Cloudflare challenge"),
  AntiBotdeflectorTaskProxyLess: notFound("BotDeflector"),
  ReCaptchaV2Classification: notFound("reCAPTCHA image classification"),
  AwsWafClassification: notFound("AWS WAF image classification"),
  VisionEngine: notFound("Vision Engine"),
}

/**
 * GeeTest under `type` (the provider's name for the task) as Anti-Captcha and CapMonster Cloud document both
 * versions: v3 is `gt` + `challenge` with `version: 3`, v4 is `gt` = the captcha id, `version: 4` and, when given,
 * `initParameters` (an object, optional at both). Sources: anti-captcha.com/apidoc/task-types/GeeTestTaskProxyless
 * ("version: Integer, No. Default version is 3. Supported versions: 3 and 4"; "initParameters: Object, No") and
 * the official client anti-captcha/anticaptcha-npm index.js `solveGeeTestV4Proxyless` (`gt: captchaId`,
 * `version: 4`); ZennoLab/capmonstercloud-docs captchas/geetest-task.mdx ("gt: the captcha_id parameter",
 * "version: required only for V4", `initParameters: { riskType }` in its example).
 */
export const geeTestVersions =
  (type: string): Step =>
  (task) => {
    if (task.type !== type) return Result.succeed(task)
    if (task.captchaId === undefined) {
      return Result.succeed(task.gt === undefined ? task : { ...task, version: 3 })
    }
    const { captchaId, initParameters, ...rest } = task
    return Result.succeed({
      ...rest,
      type: task.type,
      gt: captchaId,
      version: 4,
      ...(initParameters === undefined ? {} : { initParameters }),
    })
  }

/**
 * GeeTest under `type` as 2Captcha lays it out: v3 is `gt` + `challenge` (+ `geetestApiServerSubdomain`, "Only for
 * GeeTest V3") with `version: 3`; v4 is `version: 4` and `initParameters`, which "must contain captcha_id value"
 * (no `gt`). Its API v2 geetest page is not in the store: SECONDARY source, the TypeScript client
 * blackravenx/captcha-libs @9ef529aa packages/twocaptcha/src/lib/Requests/Token/Base/_GeeTestV4TaskBase.ts and
 * _GeeTestV3TaskBase.ts, whose JSDoc quotes 2captcha.com/api-docs/geetest; the help article
 * 2captcha.com/h/how-to-bypass-and-solve-geetest-v4-captcha-automatically (primary) confirms v4 takes the site's
 * static captcha_id and no challenge.
 */
export const twoCaptchaGeeTestVersions =
  (provider: string, type: string): Step =>
  (task) => {
    if (task.type !== type) return Result.succeed(task)
    if (task.captchaId === undefined) {
      return Result.succeed(task.gt === undefined ? task : { ...task, version: 3 })
    }
    if (task.geetestApiServerSubdomain !== undefined) {
      return Result.fail({
        field: "geetestApiServerSubdomain",
        message: `is not sent to ${provider} for GeeTest v4: its geetest page takes it "Only for GeeTest V3" (refused before any request, issue 15)`,
      })
    }
    const { captchaId, initParameters, ...rest } = task
    const given = typeof initParameters === "object" && initParameters !== null ? initParameters : {}
    return Result.succeed({
      ...rest,
      type: task.type,
      version: 4,
      initParameters: { ...given, captcha_id: captchaId },
    })
  }

/**
 * Moves CapSolver's Turnstile `metadata: { action, cdata, chlPageData }` to the provider's own top-level fields
 * under `type` (the provider's name for the task); an option not given is not sent.
 */
export const turnstileOptions =
  (
    type: string,
    names: { readonly action: string; readonly cdata: string; readonly chlPageData: string },
  ): Step =>
  (task) => {
    if (task.type !== type || !("metadata" in task)) return Result.succeed(task)
    const { metadata, ...rest } = task
    const options = (typeof metadata === "object" && metadata !== null ? metadata : {}) as {
      readonly action?: unknown
      readonly cdata?: unknown
      readonly chlPageData?: unknown
    }
    return Result.succeed({
      ...rest,
      type: task.type,
      ...(options.action === undefined ? {} : { [names.action]: options.action }),
      ...(options.cdata === undefined ? {} : { [names.cdata]: options.cdata }),
      ...(options.chlPageData === undefined ? {} : { [names.chlPageData]: options.chlPageData }),
    })
  }

const ipv4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/

/** An IPv4 dotted quad or an IPv6 address (hex groups and colons, an IPv4 tail allowed); never a host name. */
export const isIpAddress = (address: string): boolean => {
  if (ipv4.test(address)) return true
  if (!address.includes(":") || !/^[0-9A-Fa-f:.]+$/.test(address)) return false
  const groups = address.split(":")
  const tail = groups[groups.length - 1] ?? ""
  if (tail.includes(".") && !ipv4.test(tail)) return false
  return groups.length <= 8 && groups.every((group) => group.includes(".") || group.length <= 4)
}

/**
 * The split proxy fields (`splitProxy`), with an IP address in `proxyAddress`: a host name is refused before
 * any request, naming the field the caller used (`proxy` or `proxyAddress`). With `httpsAsHttp`, an `https`
 * proxy is sent as `http` (Anti-Captcha: "http" covers https proxies).
 */
export const ipProxy =
  (provider: string, options: { readonly httpsAsHttp: boolean }): Step =>
  (task) => {
    const split = splitProxy(task)
    if (Result.isFailure(split)) return split
    const sent = split.success
    const address = sent.proxyAddress
    if (typeof address === "string" && !isIpAddress(address)) {
      return Result.fail({
        field: typeof task.proxy === "string" ? "proxy" : "proxyAddress",
        message: `${provider} takes the proxy's IP address (IPv4 or IPv6), not a host name: resolve the host first`,
      })
    }
    return options.httpsAsHttp && sent.proxyType === "https"
      ? Result.succeed({ ...sent, proxyType: "http" })
      : Result.succeed(sent)
  }
