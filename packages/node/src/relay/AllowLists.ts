/**
 * The relay's allow-lists: which task types browsers may start, and on which websites. Checked before
 * anything is sent upstream, so a refused task costs nothing.
 *
 * @since 0.1.0
 */
import type { Provider } from "@solvekit/core"
import type { RelayOptions, WebsiteRule } from "./Options.ts"
import { isRecord } from "./Requests.ts"
import { badRequest, type Refusal, refusal } from "./Responses.ts"

/** A task that passed the allow-lists: its type as sent, and the task object to forward unchanged. */
export interface AllowedTask {
  readonly type: string
  readonly task: Record<string, unknown>
}

/** Checks a createTask / getToken body's task against the allow-lists. */
export type TaskCheck = (body: Record<string, unknown>) => AllowedTask | Refusal

const typeName = (entry: string | { readonly type: string }): string =>
  typeof entry === "string" ? entry : entry.type

/**
 * The lower-cased wire names an allow-list admits for this provider: each listed type as written, and the
 * provider's name for it (a listed name that is not canonical maps to itself, so nothing else is added).
 */
const wireTypeNames = (
  entries: ReadonlyArray<string | { readonly type: string }>,
  provider: Provider.Provider,
): ReadonlySet<string> =>
  new Set(
    entries.flatMap((entry) => {
      const canonical = typeName(entry)
      return [canonical.toLowerCase(), provider.taskTypeName(canonical).toLowerCase()]
    }),
  )

/** One website rule as a test of a parsed URL (and its raw text, for RegExp rules). */
const ruleTest = (rule: WebsiteRule): ((url: URL, raw: string) => boolean) => {
  if (rule instanceof RegExp) {
    // A global/sticky RegExp keeps state between calls; test a copy without those flags.
    const pattern = new RegExp(rule.source, rule.flags.replace(/[gy]/g, ""))
    return (_, raw) => pattern.test(raw)
  }
  if (rule.includes("://")) {
    const prefix = new URL(rule)
    return (url) =>
      url.origin === prefix.origin && (prefix.pathname === "/" || url.pathname.startsWith(prefix.pathname))
  }
  const host = rule.toLowerCase().replace(/\.$/, "")
  if (host.startsWith("*.")) {
    const suffix = host.slice(1)
    return (url) => url.hostname.endsWith(suffix) && url.hostname.length > suffix.length
  }
  return (url) => url.hostname === host
}

/** Compiles website rules into one predicate over a URL string; only http(s) URLs can match. */
const websiteMatcher = (rules: ReadonlyArray<WebsiteRule>): ((url: string) => boolean) => {
  const tests = rules.map(ruleTest)
  return (raw) => {
    let url: URL
    try {
      url = new URL(raw)
    } catch {
      return false
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return false
    return tests.some((test) => test(url, raw))
  }
}

const websiteRefusal = (errorDescription: string): Refusal =>
  refusal(403, "ERROR_RELAY_WEBSITE_NOT_ALLOWED", errorDescription)

/** Checks a task's `websiteURL` against the rules; `undefined` when it passes. */
const websiteCheck = (
  rules: ReadonlyArray<WebsiteRule>,
  exempt: ReadonlySet<string>,
): ((task: Record<string, unknown>, type: string) => Refusal | undefined) => {
  const allowed = websiteMatcher(rules)
  return (task, type) => {
    // Any spelling of websiteURL counts, so `websiteUrl` cannot slip past the check.
    const urls = Object.keys(task)
      .filter((key) => key.toLowerCase() === "websiteurl")
      .map((key) => task[key])
    if (urls.length === 0) {
      return exempt.has(type.toLowerCase())
        ? undefined
        : websiteRefusal("The task has no websiteURL; this relay requires one.")
    }
    return urls.every((url) => typeof url === "string" && allowed(url))
      ? undefined
      : websiteRefusal("The task's websiteURL is not allowed by this relay.")
  }
}

/** The relay's task check: a task object with a type, of an allowed type, for an allowed website. */
export const taskCheck = (
  options: Pick<RelayOptions, "allowTaskTypes" | "allowWebsiteUrls" | "tasksWithoutWebsite">,
  provider: Provider.Provider,
): TaskCheck => {
  const allowedTypes = wireTypeNames(options.allowTaskTypes, provider)
  const checkWebsite =
    options.allowWebsiteUrls === undefined
      ? undefined
      : websiteCheck(options.allowWebsiteUrls, wireTypeNames(options.tasksWithoutWebsite ?? [], provider))
  return (body) => {
    const task = body.task
    if (!isRecord(task) || typeof task.type !== "string" || task.type === "") {
      return badRequest("The request needs a task object with a type.")
    }
    const type = task.type
    if (!allowedTypes.has(type.toLowerCase())) {
      return refusal(
        403,
        "ERROR_RELAY_TASK_NOT_ALLOWED",
        `The task type ${type} is not allowed by this relay.`,
      )
    }
    return checkWebsite?.(task, type) ?? { type, task }
  }
}
