/**
 * Secrets, for the CLI: whatever fails, the built app never prints the API key. The key is a sentinel, and the
 * provider is a hostile gateway that echoes each request, key included, in the answers a client is most tempted
 * to repeat (an HTML error page, a solution, a task status); the rest goes to an emulator that knows the key.
 * The same runs go through another provider (--provider anticaptcha, with its own key, from the flag or from
 * ANTICAPTCHA_API_KEY), whose client reads and decodes through that provider's settings.
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { createEmulator, isDroppedResponse } from "@solvekit/emulator"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { run } from "./run.ts"

const KEY = "sk-SENTINEL-6f1c0b7e"
const WRONG_KEY = "sk-SENTINEL-WRONG-6f1c0b7e"
const ANTICAPTCHA_KEY = "sk-SENTINEL-AC-6f1c0b7e"
/** Any trace of either key, in any case: the marker word or the distinctive suffix. */
const LEAK = /sentinel|6f1c0b7e/i

const emulator = createEmulator({ keys: [KEY, ANTICAPTCHA_KEY], timeScale: 20, seed: 5 })

/** The gateway's own answer to `echo` (the raw request body), chosen by a `gw-<kind>` marker in the task. */
const hostileAnswer = (kind: string, echo: string, taskId: string | undefined) => {
  switch (kind) {
    case "create-html-echo":
      return {
        status: 502,
        contentType: "text/html",
        body: `<html><body><h1>502 Bad Gateway</h1><pre>request was: ${echo}</pre></body></html>`,
      }
    case "poll-solution-echo":
      return {
        status: 200,
        body: JSON.stringify({ errorId: 0, taskId, status: "ready", solution: { echo } }),
      }
    // Placed so that a 64-character excerpt of the status ends inside the key.
    case "poll-status-echo-offset":
      return { status: 200, body: JSON.stringify({ errorId: 0, taskId, status: `${"p".repeat(34)}${echo}` }) }
    default:
      return undefined
  }
}

let gateway: http.Server
/**
 * The hostile answers the gateway actually gave, by kind and by the client's key, so the test knows each one
 * was put to each provider's client.
 */
const served = new Set<string>()
let baseUrl = ""
beforeAll(async () => {
  let created = 0
  gateway = http.createServer(async (req, res) => {
    const chunks: Array<Buffer> = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks).toString("utf8")
    const endpoint = (req.url ?? "/").split("?")[0]?.split("/").pop() ?? ""
    const kind = /gw-((?:create|poll)-[a-z-]+?)(?:-\d+)?"/.exec(body)?.[1]
    if (endpoint === "createTask" && kind?.startsWith("poll-")) {
      res.writeHead(200, { "content-type": "application/json" })
      return res.end(JSON.stringify({ errorId: 0, taskId: `gw-${kind}-${++created}`, status: "idle" }))
    }
    const hostile =
      kind === undefined || (endpoint === "createTask") !== kind.startsWith("create-")
        ? undefined
        : hostileAnswer(kind, body, /"taskId":"([^"]+)"/.exec(body)?.[1])
    if (hostile !== undefined && kind !== undefined) {
      const clientKey = (JSON.parse(body) as { clientKey?: unknown }).clientKey
      served.add(`${kind} ${clientKey === ANTICAPTCHA_KEY ? "anticaptcha" : "capsolver"}`)
      res.writeHead(hostile.status, { "content-type": hostile.contentType ?? "application/json" })
      return res.end(hostile.body)
    }
    const answer = await emulator.handle(
      new Request(`http://emulator/${endpoint}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      }),
    )
    if (isDroppedResponse(answer)) return req.socket.destroy()
    res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" })
    res.end(await answer.text())
  })
  await new Promise<void>((resolve) => gateway.listen(0, "127.0.0.1", resolve))
  baseUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`
})
afterAll(async () => {
  gateway.closeAllConnections()
  await new Promise<void>((resolve) => gateway.close(() => resolve()))
})

/** `auth`: the flags that choose the provider and give the key; `env`: variables for the process. */
const solve = (
  auth: ReadonlyArray<string>,
  websiteKey: string,
  extra: ReadonlyArray<string> = [],
  env: Record<string, string> = {},
) =>
  run(
    [
      "solve",
      ...auth,
      "--base-url",
      baseUrl,
      "--type",
      "ReCaptchaV2TaskProxyLess",
      "--website-url",
      "https://secrets.example/cli",
      "--website-key",
      websiteKey,
      ...extra,
    ],
    { env },
  )

const capsolver = (key: string) => ["--api-key", key]
const anticaptcha = (key: string) => ["--provider", "anticaptcha", "--api-key", key]
/** Anti-Captcha with its key from ANTICAPTCHA_API_KEY, and a CapSolver key around that must not be used. */
const anticaptchaFromEnv = { ANTICAPTCHA_API_KEY: ANTICAPTCHA_KEY, CAPSOLVER_API_KEY: KEY }

describe("the CLI and the API key", () => {
  it("never prints the key, whatever fails", { timeout: 120_000 }, async () => {
    const runs = await Promise.all([
      solve(capsolver(WRONG_KEY), "site"),
      solve(capsolver(KEY), "emulator-unsolvable", ["--json"]),
      solve(capsolver(KEY), "gw-create-html-echo"),
      solve(capsolver(KEY), "gw-poll-solution-echo", ["--json"]),
      solve(capsolver(KEY), "gw-poll-status-echo-offset", ["--timeout", "20"]),
      solve(anticaptcha(WRONG_KEY), "site"),
      solve(anticaptcha(ANTICAPTCHA_KEY), "emulator-unsolvable", ["--json"]),
      solve(["--provider", "anticaptcha"], "gw-create-html-echo", [], anticaptchaFromEnv),
      solve(anticaptcha(ANTICAPTCHA_KEY), "gw-poll-solution-echo", ["--json"]),
      solve(
        ["--provider", "anticaptcha"],
        "gw-poll-status-echo-offset",
        ["--timeout", "20"],
        anticaptchaFromEnv,
      ),
    ])
    expect([...served].sort()).toEqual([
      "create-html-echo anticaptcha",
      "create-html-echo capsolver",
      "poll-solution-echo anticaptcha",
      "poll-solution-echo capsolver",
      "poll-status-echo-offset anticaptcha",
      "poll-status-echo-offset capsolver",
    ])
    for (const finished of runs) {
      const output = finished.stdout + finished.stderr
      expect(finished.code).not.toBe(0)
      expect(output.length).toBeGreaterThan(0)
    }
    expect(
      runs.map((finished) => finished.stdout + finished.stderr).filter((output) => LEAK.test(output)),
    ).toEqual([])
  })
})
