/**
 * The state of a set of tasks being solved, one row per task, fed by the SDK's lifecycle events. It knows
 * nothing about terminals: `Progress` draws it live in a TTY, or prints its transitions line by line.
 */

export type RowStatus = "queued" | "creating" | "idle" | "processing" | "ready" | "failed"

/** The lifecycle event fields the board reads (a structural subset of the SDK's `LifecycleEvent`). */
export interface ProgressEvent {
  readonly _tag: "Created" | "Polled" | "Solved" | "Failed"
  readonly taskId: string | undefined
  readonly queries: number
  readonly status?: string | undefined
  readonly ready?: boolean | undefined
}

export interface Row {
  readonly label: string
  readonly type: string
  status: RowStatus
  queries: number
  taskId: string | undefined
  startedAt: number | undefined
  finishedAt: number | undefined
  /** Why it failed ("Unsolvable", "Auth", ...), or a short solution preview once ready. */
  note: string
}

export class Board {
  readonly rows: Array<Row>
  readonly createdAt: number
  readonly now: () => number

  constructor(tasks: ReadonlyArray<{ readonly label: string; readonly type: string }>, now: () => number) {
    this.now = now
    this.createdAt = now()
    this.rows = tasks.map((task) => ({
      label: task.label,
      type: task.type,
      status: "queued",
      queries: 0,
      taskId: undefined,
      startedAt: undefined,
      finishedAt: undefined,
      note: "",
    }))
  }

  private row(index: number): Row {
    const row = this.rows[index]
    if (row === undefined) throw new RangeError(`no row ${index}`)
    return row
  }

  /** The solve call for row `index` began. */
  start(index: number): void {
    const row = this.row(index)
    row.startedAt = this.now()
    row.status = "creating"
  }

  /**
   * Applies a lifecycle event; returns true when it is worth a line of its own: something visible changed and
   * the event does not end the task (`finish` follows those, with the outcome).
   */
  apply(index: number, event: ProgressEvent): boolean {
    const row = this.row(index)
    if (row.finishedAt !== undefined) return false
    const before = `${row.status}/${row.queries}/${row.taskId}`
    row.queries = Math.max(row.queries, event.queries)
    if (event.taskId !== undefined) row.taskId = event.taskId
    switch (event._tag) {
      case "Created":
        row.status = event.ready === true ? "ready" : "idle"
        break
      case "Polled":
        if (event.status === "idle" || event.status === "processing" || event.status === "ready")
          row.status = event.status
        break
      case "Solved":
        row.status = "ready"
        break
      case "Failed":
        row.status = "failed"
        break
    }
    const ends = row.status === "ready" || row.status === "failed"
    return !ends && before !== `${row.status}/${row.queries}/${row.taskId}`
  }

  /** The solve call for row `index` ended. */
  finish(
    index: number,
    outcome:
      | {
          readonly _tag: "Solved"
          readonly taskId: string
          readonly queries: number
          readonly preview: string
        }
      | {
          readonly _tag: "Failed"
          readonly reason: string
          readonly taskId: string | undefined
          readonly queries?: number | undefined
        },
  ): void {
    const row = this.row(index)
    row.finishedAt = this.now()
    if (row.startedAt === undefined) row.startedAt = row.finishedAt
    if (outcome.taskId !== undefined) row.taskId = outcome.taskId
    if (outcome.queries !== undefined) row.queries = Math.max(row.queries, outcome.queries)
    if (outcome._tag === "Solved") {
      row.status = "ready"
      row.note = outcome.preview
    } else {
      row.status = "failed"
      row.note = outcome.reason
    }
  }

  elapsedMs(row: Row): number {
    if (row.startedAt === undefined) return 0
    return (row.finishedAt ?? this.now()) - row.startedAt
  }

  /** True once every row has finished. */
  get done(): boolean {
    return this.rows.every((row) => row.finishedAt !== undefined)
  }

  /** The taskIds created but not finished: what is still pending on the provider. */
  pending(): Array<{ readonly label: string; readonly taskId: string }> {
    return this.rows.flatMap((row) =>
      row.finishedAt === undefined && row.taskId !== undefined
        ? [{ label: row.label, taskId: row.taskId }]
        : [],
    )
  }
}

export const formatSeconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`
