/**
 * Proxies for token tasks that solve through the caller's own proxy.
 *
 * CapSolver documents two ways to put a proxy in a task: one `proxy` string
 * (`"socks5:host:port:user:pass"`, `"host:port:user:pass"`, `"host:port"`, …) or the split fields
 * `proxyType`/`proxyAddress`/`proxyPort`/`proxyLogin`/`proxyPassword`. This module parses every form we
 * accept (including the URL form `scheme://user:pass@host:port`, which the docs do not confirm) and formats
 * back to the documented colon-separated string, so what we send is always a documented shape.
 *
 * Messages never repeat the proxy text: it usually carries a password.
 */
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaGetter from "effect/SchemaGetter"

export type ProxyType = "http" | "https" | "socks4" | "socks5"

export const proxyTypes: ReadonlyArray<ProxyType> = ["http", "https", "socks4", "socks5"]

/** A parsed proxy. `type` is absent for the scheme-less string form (`host:port:user:pass`). */
export interface ProxyConfig {
  readonly type?: ProxyType
  readonly address: string
  readonly port: number
  readonly login?: string
  readonly password?: string
}

/** The documented split form, as it appears inside a task. */
export interface ProxyFields {
  readonly proxyType: ProxyType
  readonly proxyAddress: string
  readonly proxyPort: number
  readonly proxyLogin?: string
  readonly proxyPassword?: string
}

/** Either documented form; a task that needs a proxy takes exactly one of them. */
export type ProxyInput = { readonly proxy: string } | ProxyFields

/** The field names of the split form, in documented order. */
export const proxyFieldNames = [
  "proxyType",
  "proxyAddress",
  "proxyPort",
  "proxyLogin",
  "proxyPassword",
] as const

const toProxyType = (text: string): ProxyType | undefined => {
  const lower = text.toLowerCase()
  return proxyTypes.find((type) => type === lower)
}

const looksLikeScheme = (text: string): boolean => /^[A-Za-z][A-Za-z0-9+.-]*$/.test(text)

const isPortText = (text: string): boolean => /^\d{1,5}$/.test(text)

const passwordHint = "put it in the proxyType/proxyAddress/proxyPort/proxyLogin/proxyPassword fields instead"

const build = (
  type: ProxyType | undefined,
  address: string,
  portText: string,
  credentials: readonly [login: string, password: string] | undefined,
): Result.Result<ProxyConfig, string> => {
  if (address.length === 0) return Result.fail("the host is empty")
  if (/[/@[\]]/.test(address)) return Result.fail("the host is not a plain host name or IPv4 address")
  const port = Number(portText)
  if (!isPortText(portText) || port < 1 || port > 65535) {
    return Result.fail("the port must be a number from 1 to 65535")
  }
  const base = { ...(type === undefined ? {} : { type }), address, port }
  if (credentials === undefined) return Result.succeed(base)
  const [login, password] = credentials
  if (login.length === 0) return Result.fail("the login is empty")
  if (login.includes(":") || password.includes(":")) {
    return Result.fail(`a login or password containing ':' cannot be written in this form; ${passwordHint}`)
  }
  return Result.succeed({ ...base, login, password })
}

const decodeComponent = (text: string): string | undefined => {
  try {
    return decodeURIComponent(text)
  } catch {
    return undefined
  }
}

const parseUrlForm = (schemeText: string, rest: string): Result.Result<ProxyConfig, string> => {
  const type = toProxyType(schemeText)
  if (type === undefined) return Result.fail("the scheme must be http, https, socks4 or socks5")
  const authority = rest.endsWith("/") ? rest.slice(0, -1) : rest
  if (/[/?#]/.test(authority)) return Result.fail("a proxy URL cannot have a path, query or fragment")
  const at = authority.lastIndexOf("@")
  const hostPort = at === -1 ? authority : authority.slice(at + 1)
  if (hostPort.startsWith("[")) {
    return Result.fail(`an IPv6 address cannot be written in the string form; ${passwordHint}`)
  }
  const colon = hostPort.lastIndexOf(":")
  if (colon === -1) return Result.fail("the port is missing")
  const address = hostPort.slice(0, colon)
  const portText = hostPort.slice(colon + 1)
  if (at === -1) return build(type, address, portText, undefined)
  const userInfo = authority.slice(0, at)
  const separator = userInfo.indexOf(":")
  if (separator === -1) return Result.fail("a login needs a password")
  const login = decodeComponent(userInfo.slice(0, separator))
  const password = decodeComponent(userInfo.slice(separator + 1))
  if (login === undefined || password === undefined)
    return Result.fail("the login or password is badly %-encoded")
  return build(type, address, portText, [login, password])
}

const parseColonForm = (text: string): Result.Result<ProxyConfig, string> => {
  let parts = text.split(":")
  let type: ProxyType | undefined
  // A leading scheme is recognised by position: with it, the port is the third part, not the second.
  const first = parts[0] ?? ""
  if ((parts.length === 3 || parts.length === 5) && !isPortText(parts[1] ?? "")) {
    type = toProxyType(first)
    if (type === undefined) {
      return Result.fail(
        looksLikeScheme(first)
          ? "the scheme must be http, https, socks4 or socks5"
          : "expected host:port or scheme:host:port:user:pass",
      )
    }
    parts = parts.slice(1)
  }
  const [address = "", portText = "", login, password] = parts
  if (parts.length === 1) return Result.fail("the port is missing")
  if (parts.length === 2) return build(type, address, portText, undefined)
  if (parts.length === 3) return Result.fail("a login needs a password")
  if (parts.length === 4 && login !== undefined && password !== undefined) {
    return build(type, address, portText, [login, password])
  }
  return Result.fail(`there are too many ':'-separated parts (a password containing ':'? ${passwordHint})`)
}

/**
 * Parses any accepted proxy string. The failure is a plain-words reason that never quotes the input.
 */
export const parse = (input: string): Result.Result<ProxyConfig, string> => {
  const text = input.trim()
  if (text.length === 0) return Result.fail("it is empty")
  if (/\s/.test(text)) return Result.fail("it contains whitespace")
  const url = /^([^:/@]+):\/\/(.*)$/.exec(text)
  return url === null ? parseColonForm(text) : parseUrlForm(url[1] ?? "", url[2] ?? "")
}

/**
 * Formats a proxy in the documented string form: `scheme:host:port:user:pass`, or without the scheme
 * when `type` is absent, or without credentials when `login` is absent. It does not validate; pass the
 * result through {@link parse} when the parts come from untrusted input.
 */
export const format = (proxy: ProxyConfig): string => {
  const parts: Array<string> = []
  if (proxy.type !== undefined) parts.push(proxy.type)
  parts.push(proxy.address, String(proxy.port))
  if (proxy.login !== undefined) parts.push(proxy.login, proxy.password ?? "")
  return parts.join(":")
}

/** Parses and re-formats: the documented string a task will carry, or the reason the input is not a proxy. */
export const normalize = (input: string): Result.Result<string, string> => Result.map(parse(input), format)

/** The split form of a proxy whose scheme is known. */
export const toFields = (proxy: ProxyConfig & { readonly type: ProxyType }): ProxyFields => ({
  proxyType: proxy.type,
  proxyAddress: proxy.address,
  proxyPort: proxy.port,
  ...(proxy.login === undefined ? {} : { proxyLogin: proxy.login, proxyPassword: proxy.password ?? "" }),
})

const proxyExample = "must be a proxy like http:host:port:user:pass or host:port"

/**
 * The `proxy` string field: accepts every form {@link parse} accepts and decodes to the documented
 * string form (so `socks5://u:p@h:1080` is sent as `socks5:h:1080:u:p`).
 */
export const ProxyString = /*#__PURE__*/ Schema.String.check(
  /*#__PURE__*/ Schema.makeFilter((text: string) => {
    const parsed = parse(text)
    return Result.isSuccess(parsed) ? undefined : `${proxyExample} (${parsed.failure})`
  }),
).pipe(
  /*#__PURE__*/ Schema.decode({
    decode: /*#__PURE__*/ SchemaGetter.transform((text: string) =>
      Result.getOrElse(normalize(text), () => text),
    ),
    encode: /*#__PURE__*/ SchemaGetter.passthrough(),
  }),
)

// proxyType is matched case-insensitively ("HTTP" from a hand-written JSON file) and sent in lower case.
const ProxyTypeField = /*#__PURE__*/ Schema.String.pipe(
  /*#__PURE__*/ Schema.decodeTo(
    /*#__PURE__*/ Schema.Literals(["http", "https", "socks4", "socks5"]).annotate({
      message: 'must be one of "http", "https", "socks4", "socks5"',
    }),
    {
      decode: /*#__PURE__*/ SchemaGetter.transform(
        // the Literals target re-checks the value, so an unknown scheme still fails with a clear message
        (text: string) => (toProxyType(text) ?? text) as ProxyType,
      ),
      encode: /*#__PURE__*/ SchemaGetter.passthrough(),
    },
  ),
)

// proxyPort is documented as an integer; a numeric string is accepted and sent as a number.
const ProxyPortField = /*#__PURE__*/ Schema.Union([Schema.Number, Schema.String])
  .annotate({
    message: "must be a number or a string",
  })
  .pipe(
    /*#__PURE__*/ Schema.decodeTo(
      /*#__PURE__*/ Schema.Number.check(
        /*#__PURE__*/ Schema.makeFilter(
          (port: number) => Number.isInteger(port) && port >= 1 && port <= 65535,
          {
            message: "must be a whole number from 1 to 65535",
          },
        ),
      ),
      {
        decode: /*#__PURE__*/ SchemaGetter.transform((port: number | string) =>
          typeof port === "number" ? port : isPortText(port.trim()) ? Number(port.trim()) : Number.NaN,
        ),
        encode: /*#__PURE__*/ SchemaGetter.passthrough({ strict: false }),
      },
    ),
  )

const ProxyHostField = /*#__PURE__*/ Schema.String.check(
  /*#__PURE__*/ Schema.makeFilter((host: string) => host.trim().length > 0 && !/\s/.test(host), {
    message: "must be a host name or IP address",
  }),
)

/** Struct fields of the split form, for a task schema to spread. */
export const proxyFields = {
  proxyType: ProxyTypeField,
  proxyAddress: ProxyHostField,
  proxyPort: ProxyPortField,
  proxyLogin: /*#__PURE__*/ Schema.optionalKey(Schema.String),
  proxyPassword: /*#__PURE__*/ Schema.optionalKey(Schema.String),
}

/** A login without a password (or the reverse) is never a usable proxy. */
export const proxyCredentialsCheck = /*#__PURE__*/ Schema.makeFilter(
  (fields: { readonly proxyLogin?: string; readonly proxyPassword?: string }) => {
    if (fields.proxyLogin !== undefined && fields.proxyPassword === undefined) {
      return { path: ["proxyPassword"], issue: "is required when proxyLogin is given" }
    }
    if (fields.proxyPassword !== undefined && fields.proxyLogin === undefined) {
      return { path: ["proxyLogin"], issue: "is required when proxyPassword is given" }
    }
    return undefined
  },
)
