/**
 * Who is asking: the key the relay keeps per-client limits, a client's share of the tracking table and task
 * ownership by. By default it is the peer address, an IPv6 address grouped by its /64; the owner can name it
 * instead (`clientIdentity`: a session, a signed cookie, `trustedProxyHeader`). Where the relay cannot tell its
 * clients apart (no peer address, or a proxy in front of it) it refuses to serve rather than let them share
 * one identity, unless the owner says they may (`sharedIdentity: true`).
 *
 * @since 0.1.0
 */
import { ConfigurationError } from "@solvekit/core"
import type { ConnectionInfo } from "../NodeHandler.ts"
import type { RelayOptions } from "./Options.ts"
import { type Refusal, refusal } from "./Responses.ts"

/** The identity of every request when the owner accepted that clients cannot be told apart. */
export const SHARED_IDENTITY = "anonymous"

/** The client a request comes from, or why the relay will not serve it. */
export type IdentityOf = (request: Request, info: ConnectionInfo) => Promise<string | Refusal>

// Identities are map keys and appear in events: a longer one (a cookie, a header) is kept as a digest.
const MAX_IDENTITY_LENGTH = 64

// Looked up when a relay reads an address, not imported: a plain client never needs node:net or node:crypto,
// and with the file helpers' node:fs/promises they add ~9 ms and 2 MiB to a cold start.
const net = () => process.getBuiltinModule("node:net")
const nodeCrypto = () => process.getBuiltinModule("node:crypto")

/**
 * Headers a reverse proxy adds. On a request they mean the peer address is the proxy's (or a client made them
 * up): either way, the peer address does not tell clients apart.
 */
const FORWARDING_HEADERS = ["forwarded", "x-forwarded-for", "x-real-ip"]

/**
 * The identity of a client at `address`. An IPv6 host usually holds a whole /64 (and picks new addresses in it
 * at will), so an IPv6 address counts as its /64 (`2001:db8:1:2::/64`); an IPv4-mapped IPv6 address
 * (`::ffff:192.0.2.1`) as its IPv4 address. Anything else is returned as it is.
 *
 * @since 0.1.0
 */
export const addressIdentity = (address: string): string => {
  const hextets = ipv6Hextets(address)
  if (hextets === undefined) return address
  return mappedIPv4(hextets) ?? `${hextets.slice(0, 4).join(":")}::/64`
}

/** An address in one spelling, to compare exactly: IPv4-mapped as IPv4, IPv6 as its eight hextets. */
const canonical = (address: string): string => {
  const hextets = ipv6Hextets(address)
  return hextets === undefined ? address : (mappedIPv4(hextets) ?? hextets.join(":"))
}

/** The IPv4 address an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) stands for. */
const mappedIPv4 = (hextets: ReadonlyArray<string>): string | undefined => {
  if (hextets.slice(0, 6).join(":") !== "0:0:0:0:0:ffff") return undefined
  const [high = 0, low = 0] = hextets.slice(6).map((hextet) => Number.parseInt(hextet, 16))
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".")
}

/** The eight hextets of an IPv6 address (lower case, no leading zeros), or `undefined` for anything else. */
const ipv6Hextets = (address: string): Array<string> | undefined => {
  const bare = address.replace(/%.*$/, "")
  if (net().isIP(bare) !== 6) return undefined
  // A trailing dotted IPv4 part (`::ffff:192.0.2.1`) is two hextets.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(bare)
  const hex = dotted
    ? bare.slice(0, dotted.index) +
      [0, 2].map((i) => ((Number(dotted[i + 1]) << 8) | Number(dotted[i + 2])).toString(16)).join(":")
    : bare
  const [head = "", tail] = hex.split("::")
  const left = head === "" ? [] : head.split(":")
  const right = tail === undefined || tail === "" ? [] : tail.split(":")
  const zeros = Array.from({ length: 8 - left.length - right.length }, () => "0")
  return [...left, ...zeros, ...right].map((hextet) => Number.parseInt(hextet, 16).toString(16))
}

/**
 * A `clientIdentity` for a relay behind reverse proxies the owner names: a request whose peer is one of
 * `proxies` is identified by the client address the proxy put in `header` (`x-forwarded-for`, `forwarded`,
 * `x-real-ip`, `cf-connecting-ip`, ...); in a list, the rightmost address that is not itself a listed proxy,
 * since entries left of it were written by the client. A request straight from anyone else is identified by
 * its peer address, so the header cannot be forged by going around the proxy. Proxies are matched by their
 * exact address; the client's is grouped as `addressIdentity` does (IPv6 by /64). List `"unix"` among the
 * proxies when the proxy reaches the relay over a unix socket
 * (no peer address). A trusted request without a usable address is unidentified (refused with 401).
 *
 * @example
 * createRelay({ ..., clientIdentity: trustedProxyHeader("x-forwarded-for", { proxies: ["10.0.0.5"] }) })
 *
 * @since 0.1.0
 */
export const trustedProxyHeader = (
  header: string,
  options: { readonly proxies: ReadonlyArray<string> },
): ((request: Request, info: ConnectionInfo) => string | undefined) => {
  const proxies = new Set(options.proxies.map(canonical))
  const name = header.toLowerCase()
  return (request, info) => {
    const peer = info.remoteAddress === undefined ? "unix" : canonical(info.remoteAddress)
    if (!proxies.has(peer)) return peer === "unix" ? undefined : addressIdentity(peer)
    const listed = addressesIn(request.headers.get(name) ?? "", name === "forwarded")
    // Every entry a proxy: the leftmost is as close to the client as the chain says.
    const client = [...listed].reverse().find((address) => !proxies.has(address)) ?? listed[0]
    return client === undefined ? undefined : addressIdentity(client)
  }
}

/** The addresses in a forwarding header, each in its canonical spelling; what is not an address is skipped. */
const addressesIn = (value: string, rfc7239: boolean): Array<string> =>
  value
    .split(",")
    .map((entry) => (rfc7239 ? (/(?:^|;)\s*for=("?)([^";]*)\1/i.exec(entry)?.[2] ?? "") : entry))
    .map((entry) => withoutPort(entry.trim()))
    .filter((address) => net().isIP(address.replace(/%.*$/, "")) !== 0)
    .map(canonical)

/** `[2001:db8::1]:443` and `192.0.2.1:443` without their port. */
const withoutPort = (entry: string): string => {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry)
  if (bracketed) return bracketed[1] ?? ""
  const v4 = /^([\d.]+):\d+$/.exec(entry)
  return v4 && net().isIPv4(v4[1] ?? "") ? (v4[1] ?? "") : entry
}

/**
 * The identity the options describe. Throws `ConfigurationError` when both `clientIdentity` and its deprecated
 * name `clientId` are given.
 */
export const identityOf = (options: RelayOptions): IdentityOf => {
  if (options.clientIdentity !== undefined && options.clientId !== undefined) {
    throw new ConfigurationError({
      detail: "Pass clientIdentity only: clientId is its deprecated name, and the relay cannot use both.",
    })
  }
  const named = options.clientIdentity ?? options.clientId
  const shared = options.sharedIdentity === true
  return async (request, info) => {
    const identity = named === undefined ? peerIdentity(request, info) : await named(request, info)
    if (typeof identity === "string" && identity !== "") return bounded(identity)
    if (shared) return SHARED_IDENTITY
    return named === undefined ? noIdentity() : unidentified()
  }
}

/** The peer address, when it tells clients apart: there is one, and no proxy stands in front of the relay. */
const peerIdentity = (request: Request, info: ConnectionInfo): string | undefined => {
  if (FORWARDING_HEADERS.some((name) => request.headers.has(name))) return undefined
  return info.remoteAddress === undefined ? undefined : addressIdentity(info.remoteAddress)
}

const bounded = (identity: string): string =>
  identity.length <= MAX_IDENTITY_LENGTH
    ? identity
    : `sha256:${nodeCrypto().createHash("sha256").update(identity).digest("base64url")}`

/** The relay's setup gives every request the same identity: a misconfiguration, reported as such. */
const noIdentity = (): Refusal =>
  refusal(
    500,
    "ERROR_RELAY_NO_CLIENT_IDENTITY",
    "The relay cannot tell its clients apart (no peer address, or a proxy in front of it): its owner must set clientIdentity, or sharedIdentity: true.",
  )

/** The owner's `clientIdentity` does not know this caller (no session, a bad cookie). */
const unidentified = (): Refusal =>
  refusal(401, "ERROR_RELAY_CLIENT_UNIDENTIFIED", "The relay does not know who is asking.")
