/**
 * The documented top-level fields of createTask besides `clientKey` and `task`: the developer id, the
 * callback URL and the worker language pool. A wrong type is refused with the dialect's field error; any
 * other top-level field is ignored (official SDKs send undocumented ones such as `source` and `version`,
 * reference §1.2), as the emulator always did.
 */
import type { Dialect, FieldIssue } from "./dialects/Dialect.ts"

export const topLevelIssue = (
  dialect: Dialect,
  body: Readonly<Record<string, unknown>>,
): FieldIssue | undefined => {
  const { field, type } = dialect.developerId
  const id = body[field]
  if (id !== undefined && id !== null) {
    if (type === "string" && typeof id !== "string") {
      return { field, message: `${field} must be a string`, kind: "invalid" }
    }
    if (type === "integer" && !Number.isSafeInteger(id)) {
      return { field, message: `${field} must be an integer`, kind: "invalid" }
    }
  }
  const { callbackUrl } = body
  if (callbackUrl !== undefined && callbackUrl !== null && typeof callbackUrl !== "string") {
    return { field: "callbackUrl", message: "callbackUrl must be a string", kind: "invalid" }
  }
  const pools = dialect.languagePools
  const { languagePool } = body
  if (pools !== undefined && languagePool !== undefined && languagePool !== null) {
    if (typeof languagePool !== "string" || !pools.includes(languagePool)) {
      return {
        field: "languagePool",
        message: `languagePool must be one of ${pools.join(", ")}`,
        kind: "invalid",
      }
    }
  }
  return undefined
}
