/**
 * Memory per waiting solve, side by side with the peers (issue 16): N solves of tasks that never finish, each
 * client in a fresh child process (children/WaitingProbe.ts, with --expose-gc, so each reading follows full
 * collections) against an emulator in another child process speaking the client's dialect. The heap once the
 * emulator holds all N tasks, minus the heap before, over N.
 */
import { runChild } from "./Child.ts"
import { type ClientId, type Dialect, dialects, peerOf } from "./Clients.ts"
import { startMeasuringEmulator } from "./EmulatorProcess.ts"

interface Snapshot {
  readonly heapUsed: number
  readonly rss: number
}

export interface InFlightFigures {
  /** A client id, or "effect" for the Effect floor. */
  readonly client: ClientId | "effect"
  readonly dialect: Dialect
  readonly before: Snapshot
  readonly during: Snapshot
  readonly heapBytesPerTask: number
  readonly rssBytesPerTask: number
}

export interface MemoryResult {
  readonly tasks: number
  readonly rows: ReadonlyArray<InFlightFigures>
}

export const runMemory = async (
  tasks = 10_000,
  log: (message: string) => void = () => {},
): Promise<MemoryResult> => {
  const rows: Array<InFlightFigures> = []
  for (const dialect of dialects) {
    // Slow tasks stay pending: the server's own timeout must not end them while we measure.
    const emulator = await startMeasuringEmulator({ provider: dialect, taskTimeoutSeconds: 600 })
    try {
      const modes: ReadonlyArray<ClientId | "effect"> = [
        "raw",
        peerOf[dialect],
        "solvekit",
        ...(dialect === "capsolver" ? (["effect"] as const) : []),
      ]
      for (const client of modes) {
        // Forget the previous client's tasks.
        await fetch(`${emulator.url}/__emulator/reset`, { method: "POST" })
        const run = await runChild<{ before: Snapshot; during: Snapshot }>(
          "WaitingProbe.js",
          [emulator.url, dialect, client, String(tasks)],
          { nodeFlags: ["--expose-gc"] },
        )
        const figures: InFlightFigures = {
          client,
          dialect,
          ...run,
          heapBytesPerTask: (run.during.heapUsed - run.before.heapUsed) / tasks,
          rssBytesPerTask: (run.during.rss - run.before.rss) / tasks,
        }
        log(`  ${dialect}, ${client}: ${Math.round(figures.heapBytesPerTask)} B heap per waiting solve`)
        rows.push(figures)
      }
    } finally {
      await emulator.stop()
    }
  }
  return { tasks, rows }
}

/** solvekit's worst heap per waiting solve against each peer's. */
export const memoryVerdict = (result: MemoryResult) => {
  const of = (client: ClientId, dialect: Dialect) =>
    result.rows.find((row) => row.client === client && row.dialect === dialect)?.heapBytesPerTask ??
    Number.NaN
  const solvekit = dialects.map((dialect) => ({ dialect, bytes: of("solvekit", dialect) }))
  const peers = dialects.map((dialect) => ({
    dialect,
    client: peerOf[dialect],
    bytes: of(peerOf[dialect], dialect),
  }))
  const worstSolvekit = Math.max(...solvekit.map((s) => s.bytes))
  const bestPeer = Math.min(...peers.map((p) => p.bytes))
  return { solvekit, peers, worstSolvekit, bestPeer, met: worstSolvekit < 4096 && worstSolvekit <= bestPeer }
}
