/**
 * Memory: heap and RSS with many solves in flight at once, measured in a fresh child process (with
 * --expose-gc, so each reading follows a full collection) against an emulator in another child process.
 */
import { execFile } from "node:child_process"
import { promisify } from "node:util"
import { startEmulator } from "./EmulatorProcess.ts"

const execFileAsync = promisify(execFile)

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
    const probe = new URL("./children/MemoryProbe.js", import.meta.url).pathname
    const run = async (mode: "sdk" | "raw") => {
      const { stdout } = await execFileAsync(
        process.execPath,
        ["--expose-gc", probe, emulator.url, String(tasks), mode],
        {
          maxBuffer: 1024 * 1024,
        },
      )
      return JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as { before: Snapshot; during: Snapshot }
    }
    const sdk = perTask(tasks, await run("sdk"))
    const raw = perTask(tasks, await run("raw"))
    return { tasks, sdk, raw }
  } finally {
    await emulator.stop()
  }
}
