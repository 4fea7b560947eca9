/** Field checks for task payloads. Each problem names the field, as the provider's errorDescription does. */

/**
 * What is wrong: a required field is absent or empty (`missing`), a field has the wrong type or a value
 * outside the documented set (`invalid`), or the field is not documented for the task type (`unknown`).
 * Each dialect maps the kind to its own error code.
 */
export type IssueKind = "missing" | "invalid" | "unknown"

export interface Issue {
  readonly field: string
  readonly message: string
  readonly kind: IssueKind
}

export type FieldType =
  | "string"
  | "boolean"
  | "number"
  | "integer"
  /** `true`/`false` or the integers 1/0 (documented that way by some providers). */
  | "booleanOrBit"
  | "object"
  /** Documented as a string in a table but as an object in the same page's example: both are taken. */
  | "objectOrString"
  | "stringArray"
  /** CapSolver: a `"a=1; b=2"` string or an array of `{ name, value }` objects. */
  | "cookies"
  /** A `"name1=value1; name2=value2"` string (empty allowed: official clients send `""` when unset). */
  | "cookieString"
  /** An IPv4 or IPv6 address, no host name. */
  | "ipAddress"
  /** An IP address or a host name. */
  | "hostOrIp"
  /** An integer from 1 to 65535. */
  | "port"
  /** Any string, number or boolean; only `oneOf` restricts it. */
  | "scalar"

export interface FieldSpec {
  readonly name: string
  readonly type: FieldType
  readonly required: boolean
  /** Other spellings the provider accepts for the same field (e.g. an official client's casing). */
  readonly aliases?: ReadonlyArray<string>
  /** The documented values; anything else is `invalid`. */
  readonly oneOf?: ReadonlyArray<string | number | boolean>
  readonly min?: number
  readonly max?: number
  /** A required string that may be `""` (documented as "provide any string"). */
  readonly allowEmpty?: boolean
  /** For objects: the documented fields inside it; other keys are `unknown`. Free-form when absent. */
  readonly fields?: ReadonlyArray<FieldSpec>
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const invalid = (field: string, message: string): Issue => ({ field, message, kind: "invalid" })
const missing = (field: string, message: string): Issue => ({ field, message, kind: "missing" })

const ipv4Pattern = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/
const hexGroup = /^[0-9a-f]{1,4}$/i

export const isIpv4 = (text: string): boolean => ipv4Pattern.test(text)

export const isIpv6 = (text: string): boolean => {
  const halves = text.split("::")
  if (halves.length > 2) return false
  const groupsOf = (part: string): Array<string> | undefined => {
    if (part.length === 0) return []
    const groups = part.split(":")
    return groups.every((group) => group.length > 0) ? groups : undefined
  }
  const head = groupsOf(halves[0]!)
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : []
  if (head === undefined || tail === undefined) return false
  const all = [...head, ...tail]
  // An embedded IPv4 address may end the address and counts as two groups.
  const last = all[all.length - 1]
  const embedsIpv4 = last !== undefined && isIpv4(last)
  const hexGroups = embedsIpv4 ? all.slice(0, -1) : all
  if (!hexGroups.every((group) => hexGroup.test(group))) return false
  const count = hexGroups.length + (embedsIpv4 ? 2 : 0)
  return halves.length === 2 ? count < 8 : count === 8
}

export const isIpAddress = (text: string): boolean => isIpv4(text) || isIpv6(text)

const hostNamePattern =
  /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i

export const isHostOrIp = (text: string): boolean => isIpAddress(text) || hostNamePattern.test(text)

/** `name1=value1; name2=value2` (a trailing `;` and the empty string are tolerated). */
export const isCookieString = (text: string): boolean =>
  text
    .split(";")
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .every((part) => /^[^=\s;,]+=/.test(part))

const describe = (values: ReadonlyArray<string | number | boolean>): string =>
  values.map((value) => String(value)).join(", ")

const typeIssue = (spec: FieldSpec, name: string, value: unknown): Issue | undefined => {
  switch (spec.type) {
    case "string":
      if (typeof value !== "string") return invalid(name, `${name} must be a string`)
      if (spec.required && !spec.allowEmpty && value.length === 0) {
        return missing(name, `${name} must not be empty`)
      }
      return undefined
    case "boolean":
      return typeof value === "boolean" ? undefined : invalid(name, `${name} must be a boolean`)
    case "booleanOrBit":
      return typeof value === "boolean" || value === 0 || value === 1
        ? undefined
        : invalid(name, `${name} must be true/false or 1/0`)
    case "number":
      return typeof value === "number" && Number.isFinite(value)
        ? undefined
        : invalid(name, `${name} must be a number`)
    case "integer":
      return Number.isInteger(value) ? undefined : invalid(name, `${name} must be an integer`)
    case "port":
      return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535
        ? undefined
        : invalid(name, `${name} must be an integer port number (1-65535)`)
    case "object":
      return isObject(value) ? undefined : invalid(name, `${name} must be an object`)
    case "objectOrString":
      return isObject(value) || typeof value === "string"
        ? undefined
        : invalid(name, `${name} must be an object`)
    case "stringArray":
      if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
        return invalid(name, `${name} must be an array of strings`)
      }
      if (spec.required && value.length === 0) return missing(name, `${name} must not be empty`)
      return undefined
    case "cookies":
      // Both spellings are documented: "a=1;b=2" and [{ name, value }].
      return typeof value === "string" || (Array.isArray(value) && value.every(isObject))
        ? undefined
        : invalid(name, `${name} must be a string or an array of { name, value }`)
    case "cookieString":
      return typeof value === "string" && isCookieString(value)
        ? undefined
        : invalid(name, `${name} must be a string like "name1=value1; name2=value2"`)
    case "ipAddress":
      if (typeof value !== "string" || value.length === 0) {
        return invalid(name, `${name} must be an IPv4 or IPv6 address`)
      }
      return isIpAddress(value)
        ? undefined
        : invalid(name, `${name} must be an IPv4 or IPv6 address, not a host name`)
    case "hostOrIp":
      return typeof value === "string" && isHostOrIp(value)
        ? undefined
        : invalid(name, `${name} must be an IP address or a host name`)
    case "scalar":
      return typeof value === "string" || typeof value === "number" || typeof value === "boolean"
        ? undefined
        : invalid(name, `${name} must be a string or a number`)
  }
}

const valueIssue = (spec: FieldSpec, name: string, value: unknown): Issue | undefined => {
  const issue = typeIssue(spec, name, value)
  if (issue) return issue
  if (spec.oneOf && !spec.oneOf.includes(value as string | number | boolean)) {
    return invalid(name, `${name} must be one of ${describe(spec.oneOf)}`)
  }
  if (typeof value === "number") {
    if (spec.min !== undefined && value < spec.min) {
      return invalid(name, `${name} must be at least ${spec.min}`)
    }
    if (spec.max !== undefined && value > spec.max)
      return invalid(name, `${name} must be at most ${spec.max}`)
  }
  if (spec.fields && isObject(value)) {
    return unknownFieldIssue(spec.fields, value, name) ?? validateFields(spec.fields, value, name)
  }
  return undefined
}

const present = (value: unknown): boolean => value !== undefined && value !== null

/** The value of a field under its name or one of its aliases, with the spelling used. */
const lookUp = (spec: FieldSpec, task: Readonly<Record<string, unknown>>): [string, unknown] => {
  if (present(task[spec.name])) return [spec.name, task[spec.name]]
  for (const alias of spec.aliases ?? []) if (present(task[alias])) return [alias, task[alias]]
  return [spec.name, undefined]
}

/** The first problem with the listed fields (absent, mistyped, out of range), or undefined. */
export const validateFields = (
  specs: ReadonlyArray<FieldSpec>,
  task: Readonly<Record<string, unknown>>,
  prefix?: string,
): Issue | undefined => {
  for (const spec of specs) {
    const [used, value] = lookUp(spec, task)
    const name = prefix === undefined ? used : `${prefix}.${used}`
    if (!present(value)) {
      if (spec.required) return missing(name, `${name} is required`)
      continue
    }
    const issue = valueIssue(spec, name, value)
    if (issue) return issue
  }
  return undefined
}

/**
 * The first field the list does not document, or undefined. `null` values count as absent (official
 * clients send unset options as `null`); `type` is always allowed at the top level.
 */
export const unknownFieldIssue = (
  specs: ReadonlyArray<FieldSpec>,
  task: Readonly<Record<string, unknown>>,
  prefix?: string,
  owner?: string,
): Issue | undefined => {
  const known = new Set<string>(prefix === undefined ? ["type"] : [])
  for (const spec of specs) {
    known.add(spec.name)
    for (const alias of spec.aliases ?? []) known.add(alias)
  }
  for (const [key, value] of Object.entries(task)) {
    if (known.has(key) || !present(value)) continue
    const name = prefix === undefined ? key : `${prefix}.${key}`
    const where = owner ?? (prefix === undefined ? "this task type" : prefix)
    return { field: name, message: `${name} is not a documented field of ${where}`, kind: "unknown" }
  }
  return undefined
}

/** How a provider takes the caller's proxy in split fields (2Captcha, Anti-Captcha, CapMonster Cloud). */
export interface SplitProxyRule {
  /** Whether the task type needs the caller's proxy; otherwise the fields are optional as a group. */
  readonly required: boolean
  /** The documented `proxyType` values. */
  readonly types: ReadonlyArray<string>
  /** `ip`: only an IPv4/IPv6 address is documented; `hostOrIp`: a host name is taken too. */
  readonly address: "ip" | "hostOrIp"
  /** Whether `proxyLogin` and `proxyPassword` are required as well (CapMonster's cookie-returning types). */
  readonly credentialsRequired?: boolean
}

export const splitProxyFieldNames = [
  "proxyType",
  "proxyAddress",
  "proxyPort",
  "proxyLogin",
  "proxyPassword",
] as const

/** The field specs of a split proxy; their presence as a group is checked by `splitProxyIssue`. */
export const splitProxyFields = (rule: SplitProxyRule): ReadonlyArray<FieldSpec> => [
  { name: "proxyType", type: "string", required: false, oneOf: rule.types },
  { name: "proxyAddress", type: rule.address === "ip" ? "ipAddress" : "hostOrIp", required: false },
  { name: "proxyPort", type: "port", required: false },
  { name: "proxyLogin", type: "string", required: false },
  { name: "proxyPassword", type: "string", required: false },
]

/**
 * Split proxy fields as a group: required ones must all be there; optional ones are all-or-nothing for
 * type, address and port (a login without an address is a half-given proxy).
 */
export const splitProxyIssue = (
  rule: SplitProxyRule,
  task: Readonly<Record<string, unknown>>,
): Issue | undefined => {
  const given = splitProxyFieldNames.filter((name) => present(task[name]))
  if (!rule.required && given.length === 0) return undefined
  const needed: ReadonlyArray<string> = rule.credentialsRequired
    ? splitProxyFieldNames
    : ["proxyType", "proxyAddress", "proxyPort"]
  for (const name of needed) {
    if (!present(task[name])) {
      return missing(
        name,
        rule.required
          ? `${name} is required for this task type`
          : `${name} is required when a proxy is given`,
      )
    }
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

/** CapSolver: a proxy task needs a `proxy` string or the split fields `proxyType`, `proxyAddress`, `proxyPort`. */
export const proxyIssue = (task: Readonly<Record<string, unknown>>): Issue | undefined => {
  const { proxy } = task
  if (proxy !== undefined && proxy !== null) {
    if (typeof proxy !== "string" || !isProxyString(proxy)) {
      return invalid("proxy", "proxy must look like [scheme:]host:port[:user:pass]")
    }
    return undefined
  }
  const { proxyType, proxyAddress, proxyPort } = task
  if (proxyType === undefined && proxyAddress === undefined && proxyPort === undefined) {
    return missing("proxy", "proxy is required for this task type")
  }
  if (typeof proxyType !== "string" || !proxySchemes.has(proxyType.toLowerCase())) {
    return invalid("proxyType", "proxyType must be one of http, https, socks4, socks5")
  }
  if (typeof proxyAddress !== "string" || proxyAddress.length === 0) {
    return missing("proxyAddress", "proxyAddress is required")
  }
  const portText =
    typeof proxyPort === "number" ? String(proxyPort) : typeof proxyPort === "string" ? proxyPort : undefined
  if (!isPort(portText)) {
    return invalid("proxyPort", "proxyPort must be a port number")
  }
  for (const name of ["proxyLogin", "proxyPassword"]) {
    const value = task[name]
    if (value !== undefined && typeof value !== "string") {
      return invalid(name, `${name} must be a string`)
    }
  }
  return undefined
}
