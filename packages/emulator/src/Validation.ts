/** Field checks for task payloads. Each problem names the field, as the provider's errorDescription does. */

export interface Issue {
  readonly field: string
  readonly message: string
}

export interface FieldSpec {
  readonly name: string
  readonly type: "string" | "boolean" | "number" | "object" | "stringArray" | "cookies"
  readonly required: boolean
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const typeIssue = (spec: FieldSpec, value: unknown): Issue | undefined => {
  const { name } = spec
  switch (spec.type) {
    case "string":
      if (typeof value !== "string") return { field: name, message: `${name} must be a string` }
      if (spec.required && value.length === 0) return { field: name, message: `${name} must not be empty` }
      return undefined
    case "boolean":
      return typeof value === "boolean" ? undefined : { field: name, message: `${name} must be a boolean` }
    case "number":
      return typeof value === "number" && Number.isFinite(value)
        ? undefined
        : { field: name, message: `${name} must be a number` }
    case "object":
      return isObject(value) ? undefined : { field: name, message: `${name} must be an object` }
    case "stringArray":
      if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
        return { field: name, message: `${name} must be an array of strings` }
      }
      if (spec.required && value.length === 0) return { field: name, message: `${name} must not be empty` }
      return undefined
    case "cookies":
      // Both spellings are documented: "a=1;b=2" and [{ name, value }].
      return typeof value === "string" || (Array.isArray(value) && value.every(isObject))
        ? undefined
        : { field: name, message: `${name} must be a string or an array of { name, value }` }
  }
}

export const validateFields = (
  specs: ReadonlyArray<FieldSpec>,
  task: Readonly<Record<string, unknown>>,
): Issue | undefined => {
  for (const spec of specs) {
    const value = task[spec.name]
    if (value === undefined || value === null) {
      if (spec.required) return { field: spec.name, message: `${spec.name} is required` }
      continue
    }
    const issue = typeIssue(spec, value)
    if (issue) return issue
  }
  return undefined
}

const proxySchemes = new Set(["http", "https", "socks4", "socks5"])

const isPort = (text: string | undefined): boolean => {
  if (text === undefined || !/^\d{1,5}$/.test(text)) return false
  const port = Number(text)
  return port >= 1 && port <= 65535
}

/**
 * Accepts `[scheme:]host:port[:user:pass]` (the documented form) and `scheme://[user:pass@]host:port`
 * (seen in clients). Only the shape is checked; the emulator never connects to it.
 */
export const isProxyString = (proxy: string): boolean => {
  const url = /^(\w+):\/\/(?:[^@/]*@)?([^:@/]+):(\d+)\/?$/.exec(proxy)
  if (url) return proxySchemes.has(url[1]!.toLowerCase()) && isPort(url[3])
  const parts = proxy.split(":")
  const rest = proxySchemes.has(parts[0]!.toLowerCase()) ? parts.slice(1) : parts
  return (rest.length === 2 || rest.length === 4) && rest[0]!.length > 0 && isPort(rest[1])
}

/** A proxy task needs a `proxy` string or the split fields `proxyType`, `proxyAddress`, `proxyPort`. */
export const proxyIssue = (task: Readonly<Record<string, unknown>>): Issue | undefined => {
  const { proxy } = task
  if (proxy !== undefined && proxy !== null) {
    if (typeof proxy !== "string" || !isProxyString(proxy)) {
      return { field: "proxy", message: "proxy must look like [scheme:]host:port[:user:pass]" }
    }
    return undefined
  }
  const { proxyType, proxyAddress, proxyPort } = task
  if (proxyType === undefined && proxyAddress === undefined && proxyPort === undefined) {
    return { field: "proxy", message: "proxy is required for this task type" }
  }
  if (typeof proxyType !== "string" || !proxySchemes.has(proxyType.toLowerCase())) {
    return { field: "proxyType", message: "proxyType must be one of http, https, socks4, socks5" }
  }
  if (typeof proxyAddress !== "string" || proxyAddress.length === 0) {
    return { field: "proxyAddress", message: "proxyAddress is required" }
  }
  const portText =
    typeof proxyPort === "number" ? String(proxyPort) : typeof proxyPort === "string" ? proxyPort : undefined
  if (!isPort(portText)) {
    return { field: "proxyPort", message: "proxyPort must be a port number" }
  }
  for (const name of ["proxyLogin", "proxyPassword"]) {
    const value = task[name]
    if (value !== undefined && typeof value !== "string") {
      return { field: name, message: `${name} must be a string` }
    }
  }
  return undefined
}
