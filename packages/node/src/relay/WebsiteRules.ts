/**
 * Website rules: for which pages browsers may have tasks solved. A task's `websiteURL` is parsed once, refused
 * unless it is an http(s) URL with a well-formed host and no credentials, and normalised (WHATWG: lower-case
 * host, punycode, dot segments resolved, `\` read as `/`). The rules are tested against that normalised URL,
 * and the same string is what the provider receives: a provider that parses URLs its own way sees the page the
 * rules saw, never the browser's spelling of it.
 *
 * @since 0.2.0
 */
import { ConfigurationError } from "@solvekit/core"
import type { WebsiteRule } from "./Options.ts"

/** One DNS label as the URL parser leaves it: 1 to 63 of a-z, 0-9, `_` and `-`, no `-` at either end. */
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/
const IPV6 = /^\[[0-9a-f:.]+\]$/

/**
 * A host a website rule can be about: an IP address, or a DNS name with no empty label (so no leading,
 * doubled or trailing dot: `..example.net` and `example.net.` are refused, not read as subdomains) and no
 * character a name cannot hold (`*.example.net` as a host is refused too).
 */
const isWellFormedHost = (host: string): boolean =>
  IPV4.test(host) ||
  IPV6.test(host) ||
  (host.length <= 253 && host.split(".").every((label) => LABEL.test(label)))

/**
 * The page a `websiteURL` names, or `undefined` when no rule may match it: not a URL, not http(s), a
 * malformed host, or credentials (`https://evil.test@shop.example/`: a classic way to make two parsers
 * disagree about the host, and never part of a page address a solver needs).
 */
const pageOf = (raw: string): URL | undefined => {
  const url = URL.parse(raw)
  if (url === null || (url.protocol !== "http:" && url.protocol !== "https:")) return undefined
  if (url.username !== "" || url.password !== "") return undefined
  return isWellFormedHost(url.hostname) ? url : undefined
}

const unreadableRule = (rule: string, why: string): ConfigurationError =>
  new ConfigurationError({
    detail: `allowWebsiteUrls: the rule ${JSON.stringify(rule)} ${why}. A rule is a host name ("shop.example.com"), "*." and a host name for its subdomains, a URL prefix ("https://shop.example.com/checkout"), or a RegExp.`,
  })

/** `/checkout` covers `/checkout`, `/checkout/` and `/checkout/step-2`, never `/checkout-evil`. */
const underPath = (path: string, prefix: string): boolean =>
  prefix === "/" || path === prefix || path.startsWith(prefix.endsWith("/") ? prefix : `${prefix}/`)

const prefixRule = (rule: string): ((url: URL) => boolean) => {
  const prefix = pageOf(rule)
  if (prefix === undefined) throw unreadableRule(rule, "is not an http(s) URL with a well-formed host")
  // A query or fragment would be silently ignored, and the rule would allow more than it says.
  if (prefix.search !== "" || prefix.hash !== "") throw unreadableRule(rule, "has a query or a fragment")
  return (url) => url.origin === prefix.origin && underPath(url.pathname, prefix.pathname)
}

/** A host rule's host in the URL parser's form (lower case, punycode), so it compares with a page's. */
const hostOf = (rule: string, host: string): string => {
  const parsed = URL.parse(`http://${host}/`)
  // Anything beyond a bare host (a port, a path, credentials) would be dropped by the comparison: refuse it.
  const bare = parsed !== null && parsed.host === parsed.hostname && parsed.href === `http://${parsed.host}/`
  if (!bare || !isWellFormedHost(parsed.hostname))
    throw unreadableRule(rule, "is not a well-formed host name")
  return parsed.hostname
}

const hostRule = (rule: string): ((url: URL) => boolean) => {
  // One trailing dot is the same host written as a fully qualified name.
  const written = rule.trim().replace(/\.$/, "")
  if (written.startsWith("*.")) {
    const base = hostOf(rule, written.slice(2))
    if (IPV4.test(base) || IPV6.test(base)) throw unreadableRule(rule, "puts a wildcard on an IP address")
    // The page's host is well-formed, so whatever precedes the suffix is one or more real labels.
    return (url) => !IPV4.test(url.hostname) && url.hostname.endsWith(`.${base}`)
  }
  const host = hostOf(rule, written)
  return (url) => url.hostname === host
}

const compileRule = (rule: WebsiteRule): ((url: URL) => boolean) => {
  if (rule instanceof RegExp) {
    // A global/sticky RegExp keeps state between calls; test a copy without those flags.
    const pattern = new RegExp(rule.source, rule.flags.replace(/[gy]/g, ""))
    return (url) => pattern.test(url.href)
  }
  return rule.includes("://") ? prefixRule(rule) : hostRule(rule)
}

/**
 * Compiles the rules (a rule it cannot read is a `ConfigurationError`, at start) into one check of a
 * `websiteURL`: the normalised URL when a rule matches it, the one to forward; `undefined` when none does.
 */
export const websiteMatcher = (rules: ReadonlyArray<WebsiteRule>): ((raw: string) => string | undefined) => {
  const tests = rules.map(compileRule)
  return (raw) => {
    const page = pageOf(raw)
    return page !== undefined && tests.some((test) => test(page)) ? page.href : undefined
  }
}
