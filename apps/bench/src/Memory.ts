/**
 * Memory: heap and RSS with many solves in flight at once, measured in a fresh child process (with
 * --expose-gc, so each reading follows a full collection) against an emulator in another child process.
 */
import { runChild } from "./Child.ts"
import { startEmulator } from "./EmulatorProcess.ts"

interface Snapshot {
  readonly heapUsed: number
  readonly rss: number
}

export interface InFlightFigures {
  readonly before: Snapshot
  readonly during: Snapshot
  readonly heapBytesPerTask: number
  readonly rssBytesPerTask: number
}

export interface MemoryResult {
  readonly tasks: number
  readonly sdk: InFlightFigures
  readonly raw: InFlightFigures
  /** One Effect fiber per task (createTask, then a sleep), run from a Promise: the floor of an Effect client. */
  readonly effect: InFlightFigures
}

const perTask = (count: number, run: { before: Snapshot; during: Snapshot }): InFlightFigures => ({
  ...run,
  heapBytesPerTask: (run.during.heapUsed - run.before.heapUsed) / count,
  rssBytesPerTask: (run.during.rss - run.before.rss) / count,
})

export const runMemory = async (tasks = 10_000): Promise<MemoryResult> => {
  // Slow tasks stay pending: the server's own timeout must not end them while we measure.
  const emulator = await startEmulator({
    seed: 1,
    requestLogLimit: 0,
    auditTaskLimit: 0,
    taskTimeoutSeconds: 600,
  })
  try {
    const run = (mode: "sdk" | "raw" | "effect") =>
      runChild<{ before: Snapshot; during: Snapshot }>(
        "MemoryProbe.js",
        [emulator.url, String(tasks), mode],
        {
          nodeFlags: ["--expose-gc"],
        },
      )
    const sdk = perTask(tasks, await run("sdk"))
    const raw = perTask(tasks, await run("raw"))
    const effect = perTask(tasks, await run("effect"))
    return { tasks, sdk, raw, effect }
  } finally {
    await emulator.stop()
  }
}
