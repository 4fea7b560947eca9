/**
 * The relay's allow-lists: which task types browsers may start, and on which websites. Checked before
 * anything is sent upstream, so a refused task costs nothing. A task that passes is rebuilt from what was
 * checked (`TaskInput.ts`): its type's definition decodes it, the website rule checks the decoded, normalised
 * `websiteURL` (`WebsiteRules.ts`), and that is what the provider receives.
 *
 * @since 0.1.0
 */
import type { Provider } from "@solvekit/core"
import { echoed } from "./Echo.ts"
import type { RelayOptions, WebsiteRule } from "./Options.ts"
import { isRecord } from "./Requests.ts"
import { InvalidTaskRefusal, Refusal, refusal } from "./Responses.ts"
import { type DecodedTask, decodeTask, providerTask, typeNames, typeTable } from "./TaskInput.ts"
import { websiteMatcher } from "./WebsiteRules.ts"

/**
 * A task that passed the allow-lists: the type name forwarded, the task object to forward, and the decoded task
 * it was built from (its definition and checked fields: what the solve endpoint gives the relay's own client).
 */
export interface AllowedTask {
  readonly type: string
  readonly task: Provider.WireTask
  readonly decoded: DecodedTask
}

/** Checks a createTask / getToken body's task against the allow-lists. */
export type TaskCheck = (body: Record<string, unknown>) => AllowedTask | Refusal

const websiteRefusal = (errorDescription: string): Refusal =>
  refusal(403, "ERROR_RELAY_WEBSITE_NOT_ALLOWED", errorDescription)

/**
 * Checks a decoded task's `websiteURL` against the rules: its fields with the normalised URL the rules
 * matched, or the refusal. Decoded by a strict schema, the task can carry no other spelling of the field.
 */
const websiteCheck = (
  rules: ReadonlyArray<WebsiteRule>,
  exempt: ReadonlySet<string>,
): ((decoded: DecodedTask) => DecodedTask | Refusal) => {
  const allowed = websiteMatcher(rules)
  return (decoded) => {
    const url = decoded.fields.websiteURL
    if (url === undefined) {
      return exempt.has(decoded.definition.type.toLowerCase())
        ? decoded
        : websiteRefusal("The task has no websiteURL; this relay requires one.")
    }
    const page = typeof url === "string" ? allowed(url) : undefined
    return page === undefined
      ? websiteRefusal("The task's websiteURL is not allowed by this relay.")
      : { ...decoded, fields: { ...decoded.fields, websiteURL: page } }
  }
}

/**
 * The relay's task check: a task object with a type, of an allowed type, valid for that type's definition,
 * for an allowed website; forwarded in the provider's form. Throws `ConfigurationError` for a list entry or
 * a website rule it cannot check.
 */
export const taskCheck = (
  options: Pick<RelayOptions, "allowTaskTypes" | "allowWebsiteUrls" | "tasksWithoutWebsite">,
  provider: Provider.Provider,
): TaskCheck => {
  const allowedTypes = typeTable(options.allowTaskTypes, provider)
  const checkWebsite =
    options.allowWebsiteUrls === undefined
      ? undefined
      : websiteCheck(options.allowWebsiteUrls, typeNames(options.tasksWithoutWebsite ?? [], provider))
  return (body) => {
    const task = body.task
    if (!isRecord(task) || typeof task.type !== "string" || task.type === "") {
      const type = isRecord(task) && typeof task.type === "string" ? task.type : ""
      return new InvalidTaskRefusal(
        "ERROR_RELAY_BAD_REQUEST",
        "The request needs a task object with a type.",
        echoed(type),
        "type",
        "is missing",
      )
    }
    const type = task.type
    const candidates = allowedTypes.get(type.toLowerCase())
    if (candidates === undefined) {
      return refusal(
        403,
        "ERROR_RELAY_TASK_NOT_ALLOWED",
        `The task type ${type} is not allowed by this relay.`,
      )
    }
    const decoded = decodeTask(candidates, task)
    if (decoded instanceof Refusal) return decoded
    const checked = checkWebsite === undefined ? decoded : checkWebsite(decoded)
    if (checked instanceof Refusal) return checked
    const forwarded = providerTask(provider, checked)
    return forwarded instanceof Refusal
      ? forwarded
      : { type: forwarded.type, task: forwarded, decoded: checked }
  }
}
