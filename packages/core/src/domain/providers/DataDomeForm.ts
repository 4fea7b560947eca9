/**
 * CapSolver's `DatadomeSliderTask` as CapMonster Cloud's DataDome task (issue 15), from
 * ZennoLab/capmonstercloud-docs captchas/datadome.mdx: type `CustomTask` with `class: "DataDome"`, `websiteURL`
 * (required), `metadata.captchaUrl` (required), `metadata.datadomeCookie` (required: the site's current
 * `datadome=...` cookie), optional `metadata.datadomeVersion` ("new"), `userAgent`, and the proxy fields
 * (required). The catalogue has no `datadomeCookie` (CapSolver does not take one): it comes through an extra
 * field, `Task.extend(DatadomeSliderTask, { metadata: { datadomeCookie: "string" } })`, and a task sent without
 * it is refused before any request. 2Captcha's `DataDomeSliderTask` (`twoCaptchaDataDome`) takes the catalogue's
 * fields as they are.
 *
 * @since 0.4.0
 */
import * as Result from "effect/Result"
import type { TaskStep } from "../ProviderTaskForm.ts"
import { forType, requireFields, valueAt } from "./FieldRules.ts"

/** The catalogue's fields in CapMonster Cloud's layout (the type keeps the catalogue's name until here). */
export const capMonsterDataDome: TaskStep = forType(
  "DatadomeSliderTask",
  requireFields("CapMonster Cloud", { websiteURL: "its DataDome task (CustomTask) requires the page's URL" }),
  (task) => {
    const { captchaUrl, ...rest } = task
    return Result.succeed({ ...rest, type: "CustomTask", class: "DataDome", metadata: { captchaUrl } })
  },
)

/** The task as sent must carry `metadata.datadomeCookie` (an extra field), which CapMonster Cloud requires. */
export const capMonsterDataDomeCookie: TaskStep = (task) =>
  task.type === "CustomTask" &&
  task.class === "DataDome" &&
  valueAt(task, "metadata.datadomeCookie") === undefined
    ? Result.fail({
        field: "metadata.datadomeCookie",
        message:
          'is required by CapMonster Cloud (the site\'s current datadome cookie): give it as an extra field, Task.extend(DatadomeSliderTask, { metadata: { datadomeCookie: "string" } })',
      })
    : Result.succeed(task)

/**
 * 2Captcha's `DataDomeSliderTask` (note the casing; `TwoCaptcha.taskTypeNames` renames the catalogue's
 * `DatadomeSliderTask` first). Its API v2 page (2captcha.com/api-docs/datadome-slider-captcha) is not in the
 * store: SECONDARY source, the TypeScript client blackravenx/captcha-libs @7218906b
 * packages/twocaptcha/src/lib/Requests/Token/Base/_DataDomeSliderTaskBase.ts, whose JSDoc quotes and links that
 * page: `websiteURL` and `captchaUrl` ("The value of the src parameter for the iframe element containing the
 * captcha on the page") required, `userAgent` optional ("It is important to use the supported User-Agent
 * values"), the proxy required. The catalogue's fields keep their names; its optional `websiteURL` is required.
 * The answer is `{ cookie }` (`Solutions/Token/DataDomeSliderTaskSolution.ts`), already the catalogue's shape.
 */
export const twoCaptchaDataDome: TaskStep = forType(
  "DataDomeSliderTask",
  requireFields("2Captcha", {
    websiteURL: "its DataDomeSliderTask requires the page's URL (websiteURL)",
  }),
)

const isObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * CapMonster Cloud answers `{ domains: { "<host>": { cookies: { datadome: "..." } } }, ... }` (datadome.mdx,
 * its getTaskResult example); the catalogue's `cookie` (CapSolver's `datadome=...` cookie line) is
 * `datadome=<value>` from the first domain that has one.
 */
export const dataDomeCookieFromDomains = (
  solution: Readonly<Record<string, unknown>>,
): Record<string, unknown> => {
  if (solution.cookie !== undefined || !isObject(solution.domains)) return { ...solution }
  for (const domain of Object.values(solution.domains)) {
    const value = isObject(domain) && isObject(domain.cookies) ? domain.cookies.datadome : undefined
    if (typeof value === "string") return { ...solution, cookie: `datadome=${value}` }
  }
  return { ...solution }
}
