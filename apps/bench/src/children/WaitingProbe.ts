/**
 * Child process (run with --expose-gc): heap and RSS of one client with N solves waiting at once (see
 * Memory.ts). Loads only that client's library. Every client is set to wait `LONG_WAIT_MS` before its next
 * query through its own cadence setting (Clients.ts), so once the emulator holds all N tasks every solve is
 * parked between queries: that is the state measured.
 *
 * Modes: a client id (Clients.ts), or `effect`: the floor any client built on Effect pays, one fiber per task
 * run from a Promise (`ManagedRuntime.runPromise` with an `AbortSignal`) that fetches createTask and then
 * waits on `Effect.sleep`; no lifecycle, limits, spans or events.
 *
 * Solves are started in batches of `BATCH`, the next batch once the emulator has created the previous one, so
 * that no client opens thousands of connections at once (the peers have no request limit of their own).
 *
 * argv: <emulator url> <dialect> <mode> <tasks>. Writes one JSON line `{ before, during }` to stdout.
 */
import { defaultKey } from "@solvekit/emulator"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import {
  auditCounters,
  type ClientId,
  type Dialect,
  type Driver,
  LONG_WAIT_MS,
  makeDriver,
} from "../Clients.ts"

const [url, dialectArg, mode, countArg] = process.argv.slice(2)
if (url === undefined || dialectArg === undefined || mode === undefined) {
  throw new Error("usage: WaitingProbe <emulator url> <dialect> <client|effect> <tasks>")
}
const dialect = dialectArg as Dialect
const count = Number(countArg ?? 10_000)
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error("run with --expose-gc")

const BATCH = 100
/** A task that will not be ready while we measure (the emulator's own timeout is set above it). */
const SLOW = "emulator-solve-ms-250000"
const WARMUP = 20

interface Snapshot {
  readonly heapUsed: number
  readonly rss: number
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const settle = async (): Promise<Snapshot> => {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve))
    gc()
  }
  const usage = process.memoryUsage()
  return { heapUsed: usage.heapUsed, rss: usage.rss }
}

/** The Effect floor as a driver: createTask through a fiber, then a sleep. */
const effectFloor = (): Driver => {
  const runtime = ManagedRuntime.make(Layer.empty)
  const controller = new AbortController()
  const createTask = (task: Record<string, unknown>) =>
    Effect.tryPromise(async (signal): Promise<Record<string, unknown>> => {
      const response = await fetch(`${url}/createTask`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ clientKey: defaultKey, task }),
        signal,
      })
      return (await response.json()) as Record<string, unknown>
    })
  return {
    solve: async (index, websiteKey, immediate = false) => {
      const task = {
        type: "ReCaptchaV2TaskProxyLess",
        websiteURL: `https://floor.example/${index}`,
        websiteKey,
      }
      const program = immediate
        ? createTask(task)
        : Effect.flatMap(createTask(task), (answer) =>
            Effect.as(Effect.sleep(`${LONG_WAIT_MS} millis`), answer),
          )
      await runtime.runPromise(program, { signal: controller.signal }).catch(() => undefined)
    },
    close: async () => {
      controller.abort()
      await runtime.dispose()
    },
  }
}

if (mode === "effect" && dialect !== "capsolver")
  throw new Error("the Effect floor speaks CapSolver's dialect")
const driver =
  mode === "effect" ? effectFloor() : await makeDriver(mode as ClientId, dialect, url, { waiting: true })

// Warm-up: a few complete solves, so lazily built parts of the client exist before the baseline; one audit
// read, so that the fetch used to watch the emulator is in the baseline too.
// (At once: some clients wait a provider's minimum gap before even an immediate first query.)
await Promise.all(Array.from({ length: WARMUP }, (_, i) => driver.solve(i, "emulator-instant", true)))
const start = await auditCounters(url)
// capsolver-npm queries once at once after createTask, then waits: the emulator must have answered that too.
const queriesPerTask = mode === "capsolver-npm" ? 1 : 0
const before = await settle()

for (let launched = 0; launched < count; ) {
  const size = Math.min(BATCH, count - launched)
  for (let i = 0; i < size; i++) {
    // Not kept in an array: the client's own references are what the figure is about.
    void driver.solve(WARMUP + launched + i, SLOW).catch(() => undefined)
  }
  launched += size
  for (;;) {
    const now = await auditCounters(url)
    if (now.created - start.created >= launched) break
    await pause(5)
  }
}
for (;;) {
  const now = await auditCounters(url)
  if (now.created - start.created >= count && now.queries - start.queries >= count * queriesPerTask) break
  await pause(20)
}
// Let the last answers reach their callers before reading.
await pause(250)
const during = await settle()
process.stdout.write(`${JSON.stringify({ before, during })}\n`)
// The waiting solves would keep the process alive for minutes; nothing is left to measure.
process.exit(0)
