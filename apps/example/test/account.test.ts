import { type ServedEmulator, serve } from "@solvekit/emulator/node"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { lines, run } from "./run.ts"

let emulator: ServedEmulator
const BAD_KEY = "wrong-key-5f1c0d9a2b7e4c33"
const EMPTY_KEY = "empty-key-8c2d4e6f0a1b3c5d"

beforeAll(async () => {
  emulator = await serve({ timeScale: 60, keys: ["test-key"], zeroBalanceKeys: [EMPTY_KEY] })
})
afterAll(() => emulator.close())

describe("against an emulator started separately (--base-url)", () => {
  it("says which endpoint it uses, without the key, and prints the balance", async () => {
    const result = await run(["balance", "--base-url", emulator.url, "--api-key", "test-key"])
    expect(result.code).toBe(0)
    expect(lines(result.stderr)[0]).toBe(`Solving on ${emulator.url} with the key from --api-key.`)
    expect(result.stdout).toMatch(/^balance: \$\d+\.\d{4}$/m)
  })

  it("exits 3 on a rejected key and never prints the key", async () => {
    const result = await run(["balance", "--base-url", emulator.url, "--api-key", BAD_KEY])
    expect(result.code).toBe(3)
    expect(lines(result.stderr).at(-1)).toMatch(
      /^error: .* rejected the API key \(ERROR_KEY_DENIED_ACCESS\) — check /,
    )
    expect(result.stdout + result.stderr).not.toContain(BAD_KEY)
  })

  it("exits 3 on a rejected key from CAPSOLVER_API_KEY during a solve, and never prints it", async () => {
    const result = await run(
      [
        "solve",
        "--type",
        "AntiTurnstileTaskProxyLess",
        "--website-url",
        "https://a.b",
        "--website-key",
        "k",
        "--json",
      ],
      { env: { CAPSOLVER_API_KEY: BAD_KEY, CAPSOLVER_BASE_URL: emulator.url } },
    )
    expect(result.code).toBe(3)
    expect(result.stderr).toContain("with the key from CAPSOLVER_API_KEY")
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, error: { reason: "Auth" } })
    expect(result.stdout + result.stderr).not.toContain(BAD_KEY)
  })

  it("exits 3 with a top-up hint when the balance is zero", async () => {
    const result = await run(
      ["solve", "--type", "ReCaptchaV2TaskProxyLess", "--website-url", "https://a.b", "--website-key", "k"],
      { env: { CAPSOLVER_API_KEY: EMPTY_KEY, CAPSOLVER_BASE_URL: emulator.url } },
    )
    expect(result.code).toBe(3)
    expect(lines(result.stderr).at(-1)).toMatch(/^error: the account's balance is too low .* — top up/)
    expect(result.stdout + result.stderr).not.toContain(EMPTY_KEY)
  })

  it("exits 4 when the endpoint cannot be reached", async () => {
    const closed = await serve({})
    const url = closed.url
    await closed.close()
    const result = await run(["balance", "--base-url", url, "--api-key", "test-key"])
    expect(result.code).toBe(4)
    expect(lines(result.stderr).at(-1)).toMatch(
      /^error: could not reach .* — check your network and --base-url/,
    )
  })

  it("exits 3 when --base-url is given without a key", async () => {
    const result = await run(["balance", "--base-url", emulator.url])
    expect(result.code).toBe(3)
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(/^error: --base-url .* without an API key — pass --api-key/),
    ])
  })
})
