/**
 * The summary table printed after a set of tasks: how many were solved, how many failed and why, the
 * getTaskResult queries they cost, and the time taken.
 */
import { type Board, formatSeconds } from "./Board.ts"

export interface Summary {
  readonly total: number
  readonly solved: number
  readonly failed: number
  /** Failure counts by reason ("Unsolvable", "Timeout", ...), in first-seen order. */
  readonly failedByReason: ReadonlyMap<string, number>
  readonly queries: number
  readonly wallMs: number
  readonly slowestMs: number
}

export const summarize = (board: Board): Summary => {
  const failedByReason = new Map<string, number>()
  let solved = 0
  let failed = 0
  let queries = 0
  let slowestMs = 0
  for (const row of board.rows) {
    queries += row.queries
    slowestMs = Math.max(slowestMs, board.elapsedMs(row))
    if (row.status === "ready") solved++
    if (row.status === "failed") {
      failed++
      failedByReason.set(row.note, (failedByReason.get(row.note) ?? 0) + 1)
    }
  }
  return {
    total: board.rows.length,
    solved,
    failed,
    failedByReason,
    queries,
    wallMs: board.now() - board.createdAt,
    slowestMs,
  }
}

/** The summary as aligned lines. */
export const renderSummary = (summary: Summary): Array<string> => {
  const reasons = [...summary.failedByReason].map(([reason, count]) => `${reason} ${count}`).join(", ")
  const rows: Array<readonly [string, string]> = [
    ["solved", `${summary.solved} of ${summary.total}`],
    ["failed", summary.failed === 0 ? "0" : `${summary.failed} (${reasons})`],
    ["queries", `${summary.queries} getTaskResult call${summary.queries === 1 ? "" : "s"}`],
    ["time", `${formatSeconds(summary.wallMs)} in all, slowest task ${formatSeconds(summary.slowestMs)}`],
  ]
  return ["summary", ...rows.map(([name, value]) => `  ${name.padEnd(8)} ${value}`)]
}
