/**
 * Runs the built app (`dist/main.js`) as a child process with a clean environment: no provider variable
 * (CAPSOLVER_*, ANTICAPTCHA_*, ...) or SOLVEKIT_* unless the test sets one, no proxy variables, no colour forcing.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

export const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url))

export interface Finished {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

export interface Running {
  readonly child: ChildProcess
  /** Everything written to stdout so far. */
  readonly stdout: () => string
  readonly stderr: () => string
  /** Resolves once stderr or stdout matches `pattern` (rejects if the process ends first). */
  readonly waitFor: (stream: "stdout" | "stderr", pattern: RegExp) => Promise<RegExpMatchArray>
  readonly finished: Promise<Finished>
}

export const cleanEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (
      /^(CAPSOLVER_|TWOCAPTCHA_|ANTICAPTCHA_|CAPMONSTER_|SOLVEKIT_|https?_proxy$|HTTPS?_PROXY$|NO_PROXY$|no_proxy$|FORCE_COLOR$)/.test(
        name,
      )
    )
      continue
    env[name] = value
  }
  return { ...env, NO_COLOR: "1", ...extra }
}

export const start = (
  args: ReadonlyArray<string>,
  options: { readonly env?: Record<string, string>; readonly stdin?: string } = {},
): Running => {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: cleanEnv(options.env),
    stdio: ["pipe", "pipe", "pipe"],
  })
  let stdout = ""
  let stderr = ""
  const listeners = new Set<() => void>()
  const notify = () => {
    for (const listener of listeners) listener()
  }
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk
    notify()
  })
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk
    notify()
  })
  child.stdin?.end(options.stdin ?? "")
  const finished = new Promise<Finished>((resolve, reject) => {
    child.on("error", reject)
    child.on("close", (code, signal) => {
      notify()
      resolve({ code, signal, stdout, stderr })
    })
  })
  const waitFor = (stream: "stdout" | "stderr", pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = (stream === "stdout" ? stdout : stderr).match(pattern)
        if (match !== null) {
          listeners.delete(check)
          resolve(match)
        } else if (child.exitCode !== null || child.signalCode !== null) {
          listeners.delete(check)
          reject(new Error(`process ended before ${stream} matched ${pattern}:\n${stdout}\n${stderr}`))
        }
      }
      listeners.add(check)
      check()
    })
  return { child, stdout: () => stdout, stderr: () => stderr, waitFor, finished }
}

/** Runs the app to completion. */
export const run = (
  args: ReadonlyArray<string>,
  options: { readonly env?: Record<string, string>; readonly stdin?: string } = {},
): Promise<Finished> => start(args, options).finished

export const lines = (text: string): Array<string> => text.split("\n").filter((line) => line !== "")
