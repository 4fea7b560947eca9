import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Proxies from "../src/domain/Proxy.ts"

const parsed = (text: string): Proxies.ProxyConfig => Result.getOrThrow(Proxies.parse(text))

const reason = (text: string): string => {
  const result = Proxies.parse(text)
  if (Result.isSuccess(result)) throw new Error("expected the proxy to be rejected")
  return result.failure
}

describe("Proxy.parse", () => {
  it.each([
    [
      "socks5:192.191.100.10:4780:user:pwd",
      { type: "socks5", address: "192.191.100.10", port: 4780, login: "user", password: "pwd" },
    ],
    [
      "192.191.100.10:4780:user:pwd",
      { address: "192.191.100.10", port: 4780, login: "user", password: "pwd" },
    ],
    ["http:proxy.example.com:8080", { type: "http", address: "proxy.example.com", port: 8080 }],
    ["192.191.100.10:4780", { address: "192.191.100.10", port: 4780 }],
    ["HTTPS:192.191.100.10:443", { type: "https", address: "192.191.100.10", port: 443 }],
    [
      "socks4://user:p%40ss@proxy.example.com:1080",
      { type: "socks4", address: "proxy.example.com", port: 1080, login: "user", password: "p@ss" },
    ],
    ["http://proxy.example.com:3128/", { type: "http", address: "proxy.example.com", port: 3128 }],
    ["  http:10.0.0.1:80  ", { type: "http", address: "10.0.0.1", port: 80 }],
  ])("reads %s", (text, expected) => {
    expect(parsed(text)).toStrictEqual(expected)
  })

  it.each([
    ["", "it is empty"],
    ["10.0.0.1", "the port is missing"],
    ["10.0.0.1:0", "the port must be a number from 1 to 65535"],
    ["10.0.0.1:65536", "the port must be a number from 1 to 65535"],
    ["10.0.0.1:8080:user", "a login needs a password"],
    ["ftp:10.0.0.1:21", "the scheme must be http, https, socks4 or socks5"],
    ["ftp://10.0.0.1:21", "the scheme must be http, https, socks4 or socks5"],
    ["http://user@10.0.0.1:80", "a login needs a password"],
    ["http://10.0.0.1:80/path", "a proxy URL cannot have a path, query or fragment"],
    ["10.0.0.1 :8080", "it contains whitespace"],
    [":8080", "the host is empty"],
  ])("rejects %j because %s", (text, expected) => {
    expect(reason(text)).toBe(expected)
  })

  it("rejects an IPv6 URL and a password with ':' and points to the split fields", () => {
    expect(reason("http://[::1]:8080")).toContain("proxyAddress")
    expect(reason("http://user:pa%3Ass@10.0.0.1:80")).toContain("proxyPassword")
    expect(reason("10.0.0.1:80:user:pa:ss")).toContain("proxyPassword")
  })

  it("never repeats the credentials in a reason", () => {
    for (const text of [
      "http:10.0.0.1:port:user:hunter2",
      "http://user:hunter2@10.0.0.1",
      "x:y:z:user:hunter2:!",
    ]) {
      expect(reason(text)).not.toContain("hunter2")
    }
  })
})

describe("Proxy.format", () => {
  it("writes the documented colon form", () => {
    expect(
      Proxies.format({ type: "socks5", address: "10.0.0.1", port: 1080, login: "u", password: "p" }),
    ).toBe("socks5:10.0.0.1:1080:u:p")
    expect(Proxies.format({ address: "10.0.0.1", port: 8080 })).toBe("10.0.0.1:8080")
  })

  it("normalises every accepted form to the documented string", () => {
    expect(Result.getOrThrow(Proxies.normalize("SOCKS5://u:p@10.0.0.1:1080"))).toBe(
      "socks5:10.0.0.1:1080:u:p",
    )
    expect(Result.getOrThrow(Proxies.normalize("10.0.0.1:8080:u:p"))).toBe("10.0.0.1:8080:u:p")
  })

  it("converts to the split fields", () => {
    expect(
      Proxies.toFields({ type: "http", address: "10.0.0.1", port: 80, login: "u", password: "p" }),
    ).toStrictEqual({
      proxyType: "http",
      proxyAddress: "10.0.0.1",
      proxyPort: 80,
      proxyLogin: "u",
      proxyPassword: "p",
    })
  })

  it("reads back what it writes", () => {
    const part = fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/)
    const config = fc.record(
      {
        type: fc.constantFrom(...Proxies.proxyTypes),
        // a host that is all digits would read as a port; real hosts are names or dotted addresses
        address: fc.stringMatching(/^[a-z][a-z0-9.-]{0,19}$/),
        port: fc.integer({ min: 1, max: 65535 }),
        login: part,
        password: part,
      },
      { requiredKeys: ["address", "port"] },
    )
    fc.assert(
      fc.property(config, (proxy) => {
        // credentials come as a pair in every string form
        const { login, password, ...rest } = proxy
        const paired = login !== undefined && password !== undefined ? { ...rest, login, password } : rest
        expect(parsed(Proxies.format(paired))).toStrictEqual(paired)
      }),
    )
  })

  it("never throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const result = Proxies.parse(text)
        expect(Result.isSuccess(result) || typeof result.failure === "string").toBe(true)
      }),
    )
  })
})

describe("Proxy.ProxyString", () => {
  it("decodes to the documented string form", () => {
    expect(Schema.decodeUnknownSync(Proxies.ProxyString)("http://u:p@10.0.0.1:80")).toBe(
      "http:10.0.0.1:80:u:p",
    )
  })

  it("fails with the reason", () => {
    const result = Schema.decodeUnknownResult(Proxies.ProxyString)("10.0.0.1")
    expect(Result.isFailure(result) && result.failure.message).toContain("the port is missing")
  })
})
