/**
 * Child process: CPU per solve of one client (see Cpu.ts). Loads only that client's library, makes `jitWarmup`
 * solves with the first query at once (so that the engine's JIT has compiled the client's hot code and its heap
 * has grown to its working size: the state of a long-running client), then `warmup` solves at the client's own
 * cadence (its policy learns), then `solves` more at `concurrency`, all zero-delay tasks (`emulator-instant`,
 * ready at the first query), and reads `process.cpuUsage()` around the measured ones.
 *
 * argv: <emulator url> <dialect> <client> <warmup> <solves> <concurrency> <jitWarmup>. Writes one JSON line.
 */
import { type ClientId, type Dialect, makeDriver, runPool } from "../Clients.ts"

const [url, dialect, client, warmupArg, solvesArg, concurrencyArg, jitWarmupArg] = process.argv.slice(2)
if (url === undefined || dialect === undefined || client === undefined) {
  throw new Error("usage: CpuProbe <url> <dialect> <client> <warmup> <solves> <concurrency>")
}
const warmup = Number(warmupArg ?? 200)
const solves = Number(solvesArg ?? 2_000)
const concurrency = Number(concurrencyArg ?? 100)
const jitWarmup = Number(jitWarmupArg ?? 3_000)

const driver = await makeDriver(client as ClientId, dialect as Dialect, url, { waiting: false })
const solveOne = (index: number) => driver.solve(index, "emulator-instant")
await runPool(jitWarmup, concurrency, 0, (index) => driver.solve(index, "emulator-instant", true))
await runPool(warmup, concurrency, jitWarmup, solveOne)
const cpu = process.cpuUsage()
const start = performance.now()
await runPool(solves, concurrency, jitWarmup + warmup, solveOne)
const wallMs = performance.now() - start
const used = process.cpuUsage(cpu)
await driver.close()
process.stdout.write(
  `${JSON.stringify({ solves, wallMs, userMs: used.user / 1000, systemMs: used.system / 1000 })}\n`,
)
process.exit(0)
