/**
 * The harness the relay test files share: one emulator per file (served before its tests, reset after each,
 * closed after all), the file's cleanups (run last first after each test, before the reset), and a watch that
 * no body, line or event a test saw carries the API key's sentinel.
 */
import { type EmulatorOptions, serve } from "@solvekit/emulator/node"
import { afterAll, afterEach, beforeAll, expect } from "vitest"

export type ServedEmulator = Awaited<ReturnType<typeof serve>>

export interface FileEmulator {
  /** The file's emulator (served in `beforeAll`). */
  readonly emulator: ServedEmulator
  /** Run after each test, last added first, before the emulator is reset. */
  readonly cleanups: Array<() => Promise<void>>
}

export const emulatorPerFile = (options: EmulatorOptions): FileEmulator => {
  let served: ServedEmulator | undefined
  const cleanups: Array<() => Promise<void>> = []
  beforeAll(async () => {
    served = await serve(options)
  })
  afterAll(async () => {
    await served?.close()
  })
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
    served?.emulator.reset()
  })
  return {
    cleanups,
    get emulator(): ServedEmulator {
      if (served === undefined) throw new Error("the file's emulator is served in beforeAll")
      return served
    },
  }
}

/** Every text the tests see goes here; after each test, none may contain `marker` (the key's sentinel). */
export const watchForKey = (marker = "SENTINEL"): Array<string> => {
  const seen: Array<string> = []
  afterEach(() => {
    for (const text of seen.splice(0)) expect(text).not.toContain(marker)
  })
  return seen
}
