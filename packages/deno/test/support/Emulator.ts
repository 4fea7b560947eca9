/**
 * The emulator served over real HTTP by `Deno.serve` on a free port of 127.0.0.1, as a Deno user would run
 * it, plus the settings every test client shares.
 */
import { Policy } from "@solvekit/core"
import { createEmulator, type Emulator, type EmulatorOptions } from "@solvekit/emulator"

export interface ServedEmulator extends AsyncDisposable {
  /** e.g. "http://127.0.0.1:41234" (no trailing slash). */
  readonly url: string
  readonly emulator: Emulator
}

export const serveEmulator = (options: EmulatorOptions = {}): ServedEmulator => {
  const emulator = createEmulator(options)
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, emulator.handle)
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    emulator,
    [Symbol.asyncDispose]: () => server.shutdown(),
  }
}

/** The emulator's default valid key. */
export const KEY = "test-key"

/** Polls every 20 ms so emulator tasks scripted to take tens of milliseconds settle quickly. */
export const fastPolling: Policy.PollPolicy = Policy.fixed(20)

/** A token task the emulator solves `ms` provider-milliseconds after creation. */
export const recaptchaSolvedAfter = (ms: number) => ({
  websiteURL: `https://example.com/login?emulator-solve-ms-${ms}`,
  websiteKey: "6Le-deno-test-site-key",
})
