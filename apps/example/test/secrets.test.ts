/**
 * Secrets, for the CLI: whatever fails, the built app never prints the API key. The key is a sentinel, and the
 * provider is a hostile gateway that echoes each request, key included, in the answers a client is most tempted
 * to repeat (an HTML error page, a solution, a task status); the rest goes to an emulator that knows the key.
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { createEmulator, isDroppedResponse } from "@solvekit/emulator"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { run } from "./run.ts"

const KEY = "sk-SENTINEL-6f1c0b7e"
const WRONG_KEY = "sk-SENTINEL-WRONG-6f1c0b7e"
/** Any trace of either key, in any case: the marker word or the distinctive suffix. */
const LEAK = /sentinel|6f1c0b7e/i

const emulator = createEmulator({ keys: [KEY], timeScale: 20, seed: 5 })

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
/** The hostile answers the gateway actually gave, so the test knows each one was put to the CLI. */
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
      served.add(kind)
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

const solve = (key: string, websiteKey: string, ...extra: Array<string>) =>
  run([
    "solve",
    "--api-key",
    key,
    "--base-url",
    baseUrl,
    "--type",
    "ReCaptchaV2TaskProxyLess",
    "--website-url",
    "https://secrets.example/cli",
    "--website-key",
    websiteKey,
    ...extra,
  ])

describe("the CLI and the API key", () => {
  it("never prints the key, whatever fails", { timeout: 120_000 }, async () => {
    const runs = await Promise.all([
      solve(WRONG_KEY, "site"),
      solve(KEY, "emulator-unsolvable", "--json"),
      solve(KEY, "gw-create-html-echo"),
      solve(KEY, "gw-poll-solution-echo", "--json"),
      solve(KEY, "gw-poll-status-echo-offset", "--timeout", "20"),
    ])
    expect([...served].sort()).toEqual(["create-html-echo", "poll-solution-echo", "poll-status-echo-offset"])
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
