/** Starts the emulator in a child process (see children/EmulatorServer.ts) and stops it. */
import { spawn } from "node:child_process"
import { once } from "node:events"
import { createInterface } from "node:readline"
import type { EmulatorOptions } from "@solvekit/emulator"

export interface EmulatorProcess {
  readonly url: string
  readonly stop: () => Promise<void>
}

export const startEmulator = async (options: EmulatorOptions = {}): Promise<EmulatorProcess> => {
  const child = spawn(
    process.execPath,
    [new URL("./children/EmulatorServer.js", import.meta.url).pathname, JSON.stringify(options)],
    { stdio: ["pipe", "pipe", "inherit"] },
  )
  const lines = createInterface({ input: child.stdout })
  const [first] = (await once(lines, "line")) as [string]
  const { url } = JSON.parse(first) as { url: string }
  return {
    url,
    stop: async () => {
      const exited = once(child, "exit")
      child.stdin.end()
      await exited
    },
  }
}

/**
 * The emulator a measurement runs against: seeded, and keeping no request log or per-task audit (thousands of
 * tasks would grow the server's memory and work for nothing the measurement reads).
 */
export const startMeasuringEmulator = (options: EmulatorOptions = {}): Promise<EmulatorProcess> =>
  startEmulator({ seed: 1, requestLogLimit: 0, auditTaskLimit: 0, ...options })
