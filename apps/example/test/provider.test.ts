/**
 * --provider: the app talks to another provider with that provider's own key and endpoint, and never falls
 * back to the CapSolver emulator (or to CapSolver's variables) for it. A tiny local server plays the provider
 * and records what reached it.
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest"
import { lines, run } from "./run.ts"

const KEY = "cm-key-3b9e71d0c4a2"
const CAPSOLVER_KEY = "cs-key-8d2f64a1e7b0"
const ANTICAPTCHA_KEY = "ac-key-51c7e09b3d28"
const CHOICES = ["capsolver", "2captcha", "anticaptcha", "capmonster"]

interface Received {
  readonly path: string
  readonly clientKey: unknown
}

let server: http.Server
let url = ""
const received: Array<Received> = []

beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    const chunks: Array<Buffer> = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as { clientKey?: unknown }
    received.push({ path: req.url ?? "", clientKey: body.clientKey })
    // What CapMonster Cloud and Anti-Captcha answer to getBalance: a number, no packages.
    res.writeHead(200, { "content-type": "application/json" })
    res.end(JSON.stringify({ errorId: 0, balance: 12.5 }))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})
beforeEach(() => {
  received.length = 0
})

describe("--provider", () => {
  it("sends balance to --base-url with --api-key's key when the provider is capmonster", async () => {
    const result = await run(["balance", "--provider", "capmonster", "--api-key", KEY, "--base-url", url])
    expect(result.code).toBe(0)
    expect(received).toEqual([{ path: "/getBalance", clientKey: KEY }])
    expect(lines(result.stderr)[0]).toBe(
      `Solving on ${url} (CapMonster Cloud's API) with the key from --api-key.`,
    )
    expect(result.stdout).toBe("balance: $12.5000\n")
    expect(result.stdout + result.stderr).not.toContain(KEY)
  })

  it("reads the provider's own key and endpoint variables, never CAPSOLVER_*", async () => {
    const result = await run(["balance", "--provider", "anticaptcha", "--json"], {
      env: {
        CAPSOLVER_API_KEY: CAPSOLVER_KEY,
        CAPSOLVER_BASE_URL: `${url}/capsolver`,
        ANTICAPTCHA_API_KEY: ANTICAPTCHA_KEY,
        ANTICAPTCHA_BASE_URL: `${url}/anticaptcha`,
      },
    })
    expect(result.code).toBe(0)
    expect(received).toEqual([{ path: "/anticaptcha/getBalance", clientKey: ANTICAPTCHA_KEY }])
    expect(result.stderr).toContain("with the key from ANTICAPTCHA_API_KEY")
    expect(JSON.parse(result.stdout)).toEqual({ balance: 12.5, packages: [] })
  })

  it("answers balance from the embedded Anti-Captcha emulator when anticaptcha has no key, never with CAPSOLVER_API_KEY or CAPSOLVER_BASE_URL", async () => {
    const result = await run(["balance", "--provider", "anticaptcha"], {
      env: { CAPSOLVER_API_KEY: CAPSOLVER_KEY, CAPSOLVER_BASE_URL: url },
    })
    expect(result.code).toBe(0)
    expect(lines(result.stderr)[0]).toMatch(
      /^No ANTICAPTCHA_API_KEY set: solving on the embedded emulator speaking Anti-Captcha's API at http:\/\/127\.0\.0\.1:\d+ /,
    )
    expect(result.stdout).toMatch(/^balance: \$\d/)
    expect(received).toEqual([])
    expect(result.stdout + result.stderr).not.toContain(CAPSOLVER_KEY)
  })

  it("takes the provider from SOLVEKIT_PROVIDER when --provider is not given", async () => {
    const result = await run(
      ["solve", "--type", "ReCaptchaV2TaskProxyLess", "--website-url", "https://a.b", "--website-key", "k"],
      { env: { SOLVEKIT_PROVIDER: "2captcha", CAPSOLVER_API_KEY: CAPSOLVER_KEY, CAPSOLVER_BASE_URL: url } },
    )
    expect(result.code).toBe(0)
    expect(lines(result.stderr)[0]).toMatch(/^No TWOCAPTCHA_API_KEY set: .* speaking 2Captcha's API /)
    expect(received).toEqual([])
  })

  for (const provider of CHOICES) {
    it(`runs the demo on the embedded emulator in ${provider}'s dialect: five solved, the unsolvable one failed`, async () => {
      const result = await run(["demo", "--provider", provider, "--time-scale", "40"])
      expect(result.stderr).toBe("")
      expect(result.code).toBe(0)
      expect(lines(result.stdout)[0]).toMatch(/^No [A-Z]+_API_KEY set: solving on the embedded emulator/)
      expect(result.stdout).toMatch(/^ {2}solved\s+5 of 6$/m)
      expect(result.stdout).toMatch(/^ {2}failed\s+1 \(Unsolvable 1\)$/m)
      expect(result.stdout).toContain("Everything behaved as expected")
      expect(received).toEqual([])
    })
  }

  it("answers an unknown --provider with exit code 2 and the list of choices", async () => {
    const result = await run(["balance", "--provider", "deathbycaptcha", "--api-key", KEY])
    expect(result.code).toBe(2)
    expect(result.stdout).toBe("")
    const [line, ...rest] = lines(result.stderr)
    expect(rest).toEqual([])
    expect(line).toMatch(/^error: .*--provider.*deathbycaptcha/)
    for (const choice of CHOICES) expect(line).toContain(`"${choice}"`)
    expect(received).toEqual([])
  })

  it("answers an unknown SOLVEKIT_PROVIDER with exit code 2 and the list of choices", async () => {
    const result = await run(["balance", "--api-key", KEY, "--base-url", url], {
      env: { SOLVEKIT_PROVIDER: "deathbycaptcha" },
    })
    expect(result.code).toBe(2)
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(
        /^error: .*one of capsolver, 2captcha, anticaptcha, capmonster .*SOLVEKIT_PROVIDER/,
      ),
    ])
    expect(received).toEqual([])
  })

  it("refuses to send the demo's made-up tasks to Anti-Captcha's own API with a real key, with exit code 3", async () => {
    const result = await run(["demo", "--provider", "anticaptcha", "--api-key", KEY])
    expect(result.code).toBe(3)
    expect(lines(result.stderr).at(-1)).toMatch(
      /^error: the demo's tasks are made up, and Anti-Captcha would charge for every one it solves — /,
    )
    expect(result.stdout + result.stderr).not.toContain(KEY)
  })
})
