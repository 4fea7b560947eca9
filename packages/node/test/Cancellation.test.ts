/**
 * Cancellation: aborting solves must stop them completely. No request after the abort, no timer and no socket
 * left behind, so a Node process that aborts its work and disposes its client simply ends, without
 * `process.exit`.
 *
 * The process-level check runs a real child `node` process (the built package, as users run it) against an
 * emulator served by this test process: the child holds client sockets only, so nothing on its side is
 * closed for it.
 */
import { spawn } from "node:child_process"
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import {
  isAbortedError,
  type LifecycleEvent,
  Policy,
  ReCaptchaV2TaskProxyLess,
  taskIdOf,
} from "@solvekit/core"
import { type ServedEmulator, serve } from "@solvekit/emulator/node"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createClient } from "../src/NodeClient.ts"

const KEY = "cancel-key"
const SOLVES = 1_000
// Tasks that stay "processing" far longer than the test: every solve is still in flight when aborted.
const slowTask = (index: number) =>
  ReCaptchaV2TaskProxyLess({
    websiteURL: `https://cancel.example/${index}`,
    websiteKey: "emulator-solve-ms-100000",
  })

let served: ServedEmulator
beforeAll(async () => {
  served = await serve({ keys: [KEY], seed: 3, requestLogLimit: 100_000 })
})
afterAll(async () => {
  await served?.close()
})

/** The child: 1,000 solves, abort them all mid-flight, dispose, report, and then just end. */
const childScript = (nodeEntry: string) => `
import { createClient, isAbortedError, Policy, ReCaptchaV2TaskProxyLess } from ${JSON.stringify(nodeEntry)}

const [baseUrl, key, count] = [process.argv[2], process.argv[3], Number(process.argv[4])]
const client = createClient({ apiKey: key, baseUrl, policy: Policy.fixed("40 millis"), maxConcurrentRequests: 64 })
let created = 0
client.onEvent((event) => { if (event._tag === "Created") created++ })
const controller = new AbortController()
const solves = Array.from({ length: count }, (_, i) =>
  client
    .solve(
      ReCaptchaV2TaskProxyLess({ websiteURL: "https://cancel.example/child/" + i, websiteKey: "emulator-solve-ms-100000" }),
      { signal: controller.signal },
    )
    .then(() => "solved", (error) => (isAbortedError(error) ? "aborted" : "other:" + String(error && error._tag))),
)
// Abort once a tenth of the solves are polling; the rest are creating or queued for a request slot.
while (created < count / 10) await new Promise((resolve) => setTimeout(resolve, 10))
const createdAtAbort = created
controller.abort()
const outcomes = await Promise.all(solves)
const settledAt = performance.timeOrigin + performance.now()
await client.dispose()
// Let closed handles finish closing before looking.
await new Promise((resolve) => setImmediate(resolve))
const tally = {}
for (const outcome of outcomes) tally[outcome] = (tally[outcome] ?? 0) + 1
console.log(JSON.stringify({ done: true, createdAtAbort, settledAt, tally, resources: process.getActiveResourcesInfo() }))
`

interface ChildReport {
  readonly done: boolean
  readonly createdAtAbort: number
  /** Wall-clock ms (timeOrigin + now) when every aborted solve had settled. */
  readonly settledAt: number
  readonly tally: Record<string, number>
  readonly resources: ReadonlyArray<string>
}

const runChild = async (script: string, args: ReadonlyArray<string>, livenessMs: number) => {
  const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "pipe", "pipe"] })
  let stdout = ""
  let stderr = ""
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8")
  })
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8")
  })
  // A liveness bound, not a timing assertion: a process kept alive by a leaked timer or socket never ends.
  let killed = false
  const guard = setTimeout(() => {
    killed = true
    child.kill("SIGKILL")
  }, livenessMs)
  const code = await new Promise<number | null>((resolve) =>
    child.on("exit", (exitCode) => resolve(exitCode)),
  )
  clearTimeout(guard)
  return { code, killed, stdout, stderr }
}

describe("cancellation", () => {
  it(`a Node process that aborts ${SOLVES} in-flight solves and disposes its client ends by itself, with no timer or socket left`, {
    timeout: 60_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "solvekit-cancel-"))
    try {
      const nodeEntry = pathToFileURL(fileURLToPath(new URL("../dist/index.js", import.meta.url))).href
      const script = join(dir, "abort-all.mjs")
      await writeFile(script, childScript(nodeEntry))
      // Maps the emulator's clock (provider ms, time scale 1) to wall-clock ms, to compare with the child's.
      const reference = {
        wall: performance.timeOrigin + performance.now(),
        provider: served.emulator.audit({ records: false }).now,
      }
      const requestsBefore = served.emulator.audit({ records: false }).requests.total
      const result = await runChild(script, [served.url, KEY, String(SOLVES)], 30_000)

      expect(result.killed, `the child did not exit by itself; stderr: ${result.stderr}`).toBe(false)
      expect(result.code, result.stderr).toBe(0)
      const report = JSON.parse(result.stdout.trim().split("\n").pop() ?? "{}") as ChildReport
      console.log(
        `\ncancellation child: ${SOLVES} solves, ${report.createdAtAbort} created at abort, outcomes ${JSON.stringify(report.tally)}, active resources after dispose ${JSON.stringify(report.resources)}`,
      )
      expect(report.done).toBe(true)
      expect(report.tally).toEqual({ aborted: SOLVES })
      expect(report.createdAtAbort).toBeGreaterThanOrEqual(SOLVES / 10)
      // Nothing keeps the event loop alive: no timer, no socket (stdio pipes are the child's own).
      expect(report.resources.filter((kind) => kind !== "PipeWrap" && kind !== "TTYWrap")).toEqual([])
      // The child really did the work against the emulator, and no request of its reached the emulator
      // after its aborted solves had settled.
      const audit = served.emulator.audit()
      expect(audit.requests.total - requestsBefore).toBeGreaterThanOrEqual(report.createdAtAbort)
      const wallOf = (at: number) => reference.wall + (at - reference.provider)
      expect(audit.recentRequests.filter((r) => wallOf(r.at) > report.settledAt)).toEqual([])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it(`aborting ${SOLVES} in-flight solves rejects each with AbortedError and stops their requests`, {
    timeout: 60_000,
  }, async () => {
    const client = createClient({
      apiKey: KEY,
      baseUrl: served.url,
      policy: Policy.fixed("20 millis"),
      maxConcurrentRequests: 64,
    })
    const timersBefore = process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length
    try {
      const controller = new AbortController()
      const createdIds = new Map<number, string>()
      let created = 0
      const solves = Array.from({ length: SOLVES }, (_, index) =>
        client
          .solve(slowTask(index), {
            signal: controller.signal,
            onEvent: (event: LifecycleEvent) => {
              if (event._tag === "Created" && event.taskId !== undefined) {
                createdIds.set(index, event.taskId)
                created++
              }
            },
          })
          .then(
            () => ({ index, error: undefined as unknown }),
            (error: unknown) => ({ index, error }),
          ),
      )
      while (created < SOLVES / 10) await new Promise((resolve) => setTimeout(resolve, 10))
      controller.abort()
      const settled = await Promise.all(solves)

      for (const { index, error } of settled) {
        expect(isAbortedError(error)).toBe(true)
        // Once the task exists, the abort names it, so the caller can still collect or report it.
        expect(taskIdOf(error)).toBe(createdIds.get(index))
      }
      // Requests already handed to the socket when the abort came still reach this process's emulator (it
      // shares the event loop, so it reads them late). Once the count stops moving, fifteen poll intervals pass
      // without one more request: nothing kept polling behind the abort.
      const requestsTotal = () => served.emulator.audit({ records: false }).requests.total
      let quiet = requestsTotal()
      for (let checks = 0; checks < 40; checks++) {
        await new Promise((resolve) => setTimeout(resolve, 50))
        const now = requestsTotal()
        if (now === quiet) break
        quiet = now
      }
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(requestsTotal()).toBe(quiet)
    } finally {
      await client.dispose()
    }
    await new Promise((resolve) => setImmediate(resolve))
    const timersAfter = process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length
    expect(timersAfter).toBeLessThanOrEqual(timersBefore)
  })
})
