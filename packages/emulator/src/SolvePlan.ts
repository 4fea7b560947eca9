/**
 * Decides, when a task is created, how and when it will end: the solve time drawn from the configured
 * distribution, the unsolvable draw, and the magic values tests use to script an outcome.
 */
import type { ResolvedOptions, SolveTimeDistribution } from "./Options.ts"
import { type RandomStream, standardNormal } from "./Random.ts"

export type PlannedOutcome = "ready" | "unsolvable" | "timeout"

export interface SolvePlan {
  /** Provider ms from creation until the outcome is known. */
  readonly solveMs: number
  readonly outcome: PlannedOutcome
}

export interface MagicValues {
  readonly unsolvable: boolean
  /** From `emulator-solve-ms-<N>`, or 0 for `emulator-instant`. */
  readonly solveMs: number | undefined
}

const solveMsPattern = /emulator-solve-ms-(\d+)/

/**
 * Magic values may sit in any top-level string field of the task (usually websiteKey or websiteURL), so
 * recognition tasks can be scripted too.
 */
export const findMagicValues = (task: Readonly<Record<string, unknown>>): MagicValues | undefined => {
  let unsolvable = false
  let solveMs: number | undefined
  let found = false
  for (const key in task) {
    const value = task[key]
    if (typeof value !== "string" || !value.includes("emulator-")) continue
    if (value.includes("emulator-unsolvable")) {
      unsolvable = true
      found = true
    }
    const match = solveMsPattern.exec(value)
    if (match) {
      solveMs = Number(match[1])
      found = true
    } else if (value.includes("emulator-instant") && solveMs === undefined) {
      solveMs = 0
      found = true
    }
  }
  return found ? { unsolvable, solveMs } : undefined
}

const drawSeconds = (distribution: SolveTimeDistribution, random: RandomStream): number => {
  // Always two draws, whatever the distribution, so changing it does not shift later tasks' draws.
  const u1 = random.next()
  const u2 = random.next()
  switch (distribution.kind) {
    case "uniform":
      return distribution.minSeconds + u1 * (distribution.maxSeconds - distribution.minSeconds)
    case "lognormal":
      return distribution.medianSeconds * Math.exp(distribution.sigma * standardNormal(u1, u2))
    case "fixed":
      return distribution.seconds
  }
}

export const planSolve = (
  options: ResolvedOptions,
  random: RandomStream,
  canonicalType: string,
  task: Readonly<Record<string, unknown>>,
): SolvePlan => {
  const unsolvableDraw = random.next()
  const distribution = options.solveTimeByType.get(canonicalType.toLowerCase()) ?? options.solveTime
  const drawnMs = Math.round(drawSeconds(distribution, random) * 1000)
  const magic = findMagicValues(task)
  const unsolvable = magic?.unsolvable === true || unsolvableDraw < options.unsolvableRate
  const solveMs = magic?.solveMs ?? drawnMs
  if (solveMs > options.taskTimeoutMs) return { solveMs: options.taskTimeoutMs, outcome: "timeout" }
  return { solveMs, outcome: unsolvable ? "unsolvable" : "ready" }
}
