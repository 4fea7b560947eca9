/**
 * CPU per solve, side by side with the peers (issue 16): for each dialect, one emulator in a child process, and
 * each client (raw fetch loop, the dialect's peer, solvekit) in a fresh child process of its own (children/
 * CpuProbe.ts) against it, one after the other: warm-up solves, then the measured ones at a fixed concurrency,
 * all zero-delay tasks. The figure is the client process's user + system CPU over the measured solves.
 */
import { runChild } from "./Child.ts"
import { type ClientId, type Dialect, dialects, peerOf } from "./Clients.ts"
import { startMeasuringEmulator } from "./EmulatorProcess.ts"

export interface CpuSettings {
  /** Solves with the first query at once before the warm-up: the JIT compiles, the heap reaches its size. */
  readonly jitWarmup: number
  /** Solves at the client's own cadence before the measured ones (its policy learns). */
  readonly warmup: number
  /** Measured solves of solvekit and the raw loop. */
  readonly solves: number
  /** Measured solves of each peer. */
  readonly peerSolves: number
  readonly concurrency: number
  /** Runs of each client; the rows are the medians, the order rotating between runs. */
  readonly runs: number
}

export const defaultCpuSettings: CpuSettings = {
  jitWarmup: 3_000,
  warmup: 200,
  solves: 1_000,
  peerSolves: 1_000,
  concurrency: 100,
  // One run of a client moves by up to a third on a shared 2-core machine: the median of three.
  runs: 3,
}

export interface CpuRun {
  readonly solves: number
  readonly wallMs: number
  readonly userMs: number
  readonly systemMs: number
}

export interface CpuFigures {
  readonly client: ClientId
  readonly dialect: Dialect
  readonly runs: ReadonlyArray<CpuRun>
  /** Median over the runs. */
  readonly cpuMsPerSolve: number
  readonly solvesPerSecond: number
}

export interface CpuResult {
  readonly settings: CpuSettings
  readonly rows: ReadonlyArray<CpuFigures>
}

/** The middle value; the mean of the two middle ones for an even count. */
const middle = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const half = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[half]! : ((sorted[half - 1] ?? 0) + (sorted[half] ?? 0)) / 2
}

const perSolve = (run: CpuRun) => (run.userMs + run.systemMs) / run.solves

export const runCpu = async (
  settings: CpuSettings = defaultCpuSettings,
  log: (message: string) => void = () => {},
): Promise<CpuResult> => {
  const rows: Array<CpuFigures> = []
  for (const dialect of dialects) {
    const emulator = await startMeasuringEmulator({ provider: dialect })
    try {
      // solvekit with the first query at once too: how much of its figure its default cadence accounts for.
      // solvekit's HTTP layer alone: the floor of its stack, under the SDK.
      // The raw loop at solvekit's cadence: what waiting between a task's calls costs any client.
      const clients: ReadonlyArray<ClientId> = [
        "raw",
        ...(dialect === "capsolver" ? (["raw-3s"] as const) : []),
        peerOf[dialect],
        "solvekit-http",
        "solvekit",
        "solvekit-fixed0",
      ]
      const runs = new Map<ClientId, Array<CpuRun>>(clients.map((client) => [client, []]))
      for (let round = 0; round < settings.runs; round++) {
        // Rotate the order so that drift in the machine's load does not always favour the same client.
        const order = clients.map((_, i) => clients[(i + round) % clients.length]!)
        for (const client of order) {
          const solves = client === peerOf[dialect] ? settings.peerSolves : settings.solves
          const run = await runChild<CpuRun>("CpuProbe.js", [
            emulator.url,
            dialect,
            client,
            String(settings.warmup),
            String(solves),
            String(settings.concurrency),
            String(settings.jitWarmup),
          ])
          runs.get(client)?.push(run)
          log(`  ${dialect}, ${client}: ${perSolve(run).toFixed(2)} ms CPU per solve`)
        }
      }
      for (const client of clients) {
        const own = runs.get(client) ?? []
        rows.push({
          client,
          dialect,
          runs: own,
          cpuMsPerSolve: middle(own.map(perSolve)),
          solvesPerSecond: middle(own.map((run) => (run.solves / run.wallMs) * 1000)),
        })
      }
    } finally {
      await emulator.stop()
    }
  }
  return { settings, rows }
}

/** The best (lowest) peer CPU per solve, and solvekit's in each dialect. */
export const cpuVerdict = (result: CpuResult) => {
  const of = (client: ClientId, dialect: Dialect) =>
    result.rows.find((row) => row.client === client && row.dialect === dialect)?.cpuMsPerSolve ?? Number.NaN
  const peers = dialects.map((dialect) => ({
    dialect,
    client: peerOf[dialect],
    ms: of(peerOf[dialect], dialect),
  }))
  const best = peers.reduce((a, b) => (b.ms < a.ms ? b : a))
  const solvekit = dialects.map((dialect) => ({ dialect, ms: of("solvekit", dialect) }))
  const worstSolvekit = Math.max(...solvekit.map((s) => s.ms))
  return { peers, best, solvekit, worstSolvekit, met: worstSolvekit <= best.ms }
}
