import { isConfigurationError } from "@solvekit/core"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Redacted from "effect/Redacted"
import { describe, expect, it } from "vitest"
import { resolveSync } from "../src/NodeConfig.ts"
import { thrown } from "./support/thrown.ts"

const env = (record: Record<string, string>) => ConfigProvider.fromEnv({ env: record })

describe("NodeConfig", () => {
  it("reads the key and base URL from CAPSOLVER_API_KEY and CAPSOLVER_BASE_URL", () => {
    const { client } = resolveSync(
      {},
      env({ CAPSOLVER_API_KEY: "env-key", CAPSOLVER_BASE_URL: "http://127.0.0.1:4000/" }),
    )
    expect(Redacted.value(client.apiKey)).toBe("env-key")
    expect(client.baseUrl).toBe("http://127.0.0.1:4000")
  })

  it("prefers options over the environment, setting by setting", () => {
    const { client } = resolveSync(
      { apiKey: "option-key" },
      env({
        CAPSOLVER_API_KEY: "env-key",
        CAPSOLVER_BASE_URL: "http://env.test",
        CAPSOLVER_TIMEOUT: "90 seconds",
      }),
    )
    expect(Redacted.value(client.apiKey)).toBe("option-key")
    expect(client.baseUrl).toBe("http://env.test")
    expect(client.timeout === undefined ? undefined : Duration.toMillis(client.timeout)).toBe(90_000)
  })

  it("defaults to CapSolver's API with the default policy", () => {
    const { client, proxy } = resolveSync({ apiKey: "k" }, env({}))
    expect(client.baseUrl).toBe("https://api.capsolver.com")
    // The default is a learned policy, fresh per client (core's AdaptivePolicy.make()).
    expect(client.policy.name).toMatch(/^adaptive\(/)
    expect(resolveSync({ apiKey: "k" }, env({})).client.policy).not.toBe(client.policy)
    expect(proxy).toBeUndefined()
  })

  it("fails without a key with a ConfigurationError naming both ways to set it", () => {
    const error = thrown(() => resolveSync({}, env({})))
    expect(isConfigurationError(error)).toBe(true)
    expect((error as Error).message).toBe(
      "No API key: pass { apiKey } to the client or set the CAPSOLVER_API_KEY environment variable.",
    )
  })

  it("treats an empty key as missing", () => {
    const error = thrown(() => resolveSync({}, env({ CAPSOLVER_API_KEY: "" })))
    expect((error as Error).message).toContain("CAPSOLVER_API_KEY")
  })

  it("names the environment variable when the base URL is malformed, without the key", () => {
    const error = thrown(() =>
      resolveSync({}, env({ CAPSOLVER_API_KEY: "secret-key", CAPSOLVER_BASE_URL: "ftp://x" })),
    )
    expect(isConfigurationError(error)).toBe(true)
    expect((error as Error).message).toContain("CAPSOLVER_BASE_URL")
    expect((error as Error).message).not.toContain("secret-key")
  })

  it("reads the proxy from the environment, lower-case spelling first", () => {
    const { proxy } = resolveSync(
      { apiKey: "k" },
      env({
        HTTPS_PROXY: "http://upper.test:3128",
        https_proxy: "http://lower.test:3128",
        HTTP_PROXY: "http://plain.test:3128",
        NO_PROXY: "localhost,.internal",
      }),
    )
    expect(proxy).toEqual({
      httpsProxy: "http://lower.test:3128",
      httpProxy: "http://plain.test:3128",
      noProxy: "localhost,.internal",
    })
  })

  it("lets the proxy option override the environment, or switch proxying off", () => {
    const proxied = env({ HTTPS_PROXY: "http://env.test:3128" })
    expect(resolveSync({ apiKey: "k", proxy: "http://option.test:8080" }, proxied).proxy).toEqual({
      httpsProxy: "http://option.test:8080",
      httpProxy: "http://option.test:8080",
      noProxy: undefined,
    })
    expect(
      resolveSync(
        { apiKey: "k", proxy: { url: "http://option.test:8080", noProxy: ["a.test", "b.test"] } },
        proxied,
      ).proxy,
    ).toMatchObject({ noProxy: "a.test,b.test" })
    expect(resolveSync({ apiKey: "k", proxy: false }, proxied).proxy).toBeUndefined()
  })

  it("refuses a proxy that is not an http(s) URL without repeating it (it may hold a password)", () => {
    const error = thrown(() =>
      resolveSync({ apiKey: "k" }, env({ HTTPS_PROXY: "socks5://user:hunter2@proxy.test:1080" })),
    )
    expect(isConfigurationError(error)).toBe(true)
    expect((error as Error).message).toContain("HTTPS_PROXY")
    expect((error as Error).message).not.toContain("hunter2")
  })
})
