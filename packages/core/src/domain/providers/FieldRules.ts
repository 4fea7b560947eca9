/**
 * Field rules a provider's task mapping is built from (issue 15): each takes the task in its current form and
 * either rewrites it or names the field it cannot send, with a reason in plain words that never repeats the
 * field's value. `forType` limits a rule to the provider's name for one task type; `steps` runs rules in order.
 *
 * Structural types only (`ProviderTaskForm.ts`), so `Provider.ts` (CapSolver) can use them without a cycle.
 *
 * @since 0.4.0
 */
import * as Result from "effect/Result"
import type { TaskStep } from "../ProviderTaskForm.ts"

type Wire = Parameters<TaskStep>[0]

/** The rules in order; the first refusal wins. */
export const steps =
  (...all: ReadonlyArray<TaskStep>): TaskStep =>
  (task) => {
    let current = task
    for (const step of all) {
      const next = step(current)
      if (Result.isFailure(next)) return next
      current = next.success
    }
    return Result.succeed(current)
  }

/** The rules, for tasks of the given type names only (as the task carries them when the rule runs). */
export const forType =
  (types: string | ReadonlyArray<string>, ...rules: ReadonlyArray<TaskStep>): TaskStep =>
  (task) =>
    (typeof types === "string" ? task.type === types : types.includes(task.type))
      ? steps(...rules)(task)
      : Result.succeed(task)

const isObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/** The value at a dotted path (`metadata.chlPageData`), or undefined. */
export const valueAt = (task: Wire, path: string): unknown =>
  path.split(".").reduce<unknown>((at, key) => (isObject(at) ? at[key] : undefined), task)

/**
 * Refuses the catalogue fields the provider does not document for this task (dotted paths allowed), when they
 * are set: sending them would be paid for and ignored. `why` per field, else "not in its documentation".
 */
export const refuseFields =
  (
    provider: string,
    theirType: string,
    fields: Readonly<Record<string, string>> | ReadonlyArray<string>,
  ): TaskStep =>
  (task) => {
    const reasons: ReadonlyArray<readonly [string, string | undefined]> = Array.isArray(fields)
      ? fields.map((field: string) => [field, undefined] as const)
      : Object.entries(fields as Readonly<Record<string, string>>)
    for (const [field, why] of reasons) {
      if (valueAt(task, field) === undefined) continue
      return Result.fail({
        field,
        message: `is not sent to ${provider}: ${why ?? `its ${theirType} documentation has no such field`} (refused before any request, issue 15)`,
      })
    }
    return Result.succeed(task)
  }

/** Requires fields the provider requires (top-level or dotted), naming the first one missing. */
export const requireFields =
  (provider: string, fields: Readonly<Record<string, string>>): TaskStep =>
  (task) => {
    for (const [field, why] of Object.entries(fields)) {
      if (valueAt(task, field) !== undefined) continue
      return Result.fail({ field, message: `is required by ${provider}: ${why}` })
    }
    return Result.succeed(task)
  }

/** Renames top-level fields (`{ awsKey: "websiteKey" }`); a field not given is not sent. */
export const renameFields =
  (names: Readonly<Record<string, string>>): TaskStep =>
  (task) => {
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(task))
      out[Object.hasOwn(names, key) ? (names[key] ?? key) : key] = value
    return Result.succeed({ ...out, type: task.type })
  }

/** Sets fields the provider's form of the task always carries (a type name, a flag). */
export const setFields =
  (fields: Readonly<Record<string, unknown>>): TaskStep =>
  (task) =>
    Result.succeed({ ...task, ...fields, type: typeof fields.type === "string" ? fields.type : task.type })

/**
 * Cookies as a string `name=value; name2=value2`, the form 2Captcha, Anti-Captcha and CapMonster Cloud document:
 * a list of `{ name, value }` (CapSolver's other form) is joined; a string is sent as given.
 */
export const cookiesAsString: TaskStep = (task) => {
  const cookies = task.cookies
  if (!Array.isArray(cookies)) return Result.succeed(task)
  const joined = cookies
    .map((cookie: unknown) => (isObject(cookie) ? `${String(cookie.name)}=${String(cookie.value)}` : ""))
    .filter((pair) => pair !== "")
    .join("; ")
  return Result.succeed({ ...task, cookies: joined })
}

/** Refuses a value outside the provider's documented ones, naming the field and the values it takes. */
export const requireOneOf =
  (provider: string, field: string, values: ReadonlyArray<number | string>, why: string): TaskStep =>
  (task) => {
    const value = task[field]
    if (value === undefined) {
      return Result.fail({
        field,
        message: `is required by ${provider}: one of ${values.join(", ")} (${why})`,
      })
    }
    return values.includes(value as number | string)
      ? Result.succeed(task)
      : Result.fail({ field, message: `must be one of ${values.join(", ")} at ${provider} (${why})` })
  }
