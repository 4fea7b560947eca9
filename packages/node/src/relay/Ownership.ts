/**
 * Which client created which task: a client may poll and give feedback only on its own tasks, whatever their
 * ids look like (a guessed or walked id of another client's task is refused like an unknown one); its
 * unfinished tasks count against its `pendingTasksPerClient` limit; and no client holds more than its share of
 * the table. A task request holds a slot from its admission to the provider's answer, so requests that run at
 * the same time count each other.
 *
 * @since 0.1.0
 */
import type { Provider } from "@solvekit/core"
import { badRequest, type Refusal, refusal } from "./Responses.ts"

// Ownership outlives the provider's result window (CapSolver: 5 minutes) by a minute, so late polls get the
// provider's own answer.
const OWNERSHIP_GRACE_MS = 60_000
// Bounds the table's memory whatever the clients do; past it, new tasks wait for old ones to expire.
export const MAX_TRACKED_TASKS = 100_000
/**
 * One client's share of the table: filling it takes a hundred clients, each within its own limits. A client at
 * the default 10 tasks a minute holds about 60 entries (its tasks of the last ownership window).
 */
export const MAX_TRACKED_TASKS_PER_CLIENT = MAX_TRACKED_TASKS / 100
// Entries leave the table when the once-a-minute sweep finds them expired.
const SHARE_RETRY_AFTER_SECONDS = 60

interface OwnedTask {
  readonly clientId: string
  /** When the relay admitted the request that created it: at or before the provider's own creation time. */
  readonly createdAt: number
  readonly expiresAt: number
  pending: boolean
  /** getTaskResult queries the relay made or forwarded for it, as far as it knows. */
  queries: number
}

/** Where an owned task stands, as the relay saw it: what the solve endpoint resumes it with. */
export interface OwnedProgress {
  readonly createdAt: number
  readonly queries: number
}

/** A task request's slot, held from its admission until the provider answers. */
export interface Reservation {
  /** The provider created `taskId`: it is the client's, and keeps the slot while it is unfinished. */
  readonly keep: (taskId: string, at: number, unfinished: boolean) => void
  /**
   * The provider may have created a task whose id nobody knows (its answer was lost): the slot stays taken
   * until the ownership window ends, as a created task's would, so lost answers cannot overshoot the limits.
   */
  readonly holdUnknown: (at: number) => void
  /** The request failed, or left no task to track (getToken): the slot is free. Does nothing after `keep`. */
  readonly release: () => void
}

/** Counts per client; a client at zero is forgotten. */
class Tally {
  readonly #counts = new Map<string, number>()

  of(clientId: string): number {
    return this.#counts.get(clientId) ?? 0
  }

  add(clientId: string, delta: number): void {
    const next = this.of(clientId) + delta
    if (next > 0) this.#counts.set(clientId, next)
    else this.#counts.delete(clientId)
  }
}

/**
 * The task id a poll or feedback names, as the string the relay tracks it by. Other providers' ids are
 * numbers: tracked as their string form (forwarded as the browser sent them), trimmed as core's decoder
 * names the id a createTask answer gives.
 */
export const polledTaskId = (raw: unknown): string | undefined =>
  typeof raw === "string" ? raw.trim() : typeof raw === "number" ? String(raw) : undefined

export class TaskOwnership {
  readonly #ttlMs: number
  readonly #owned = new Map<string, OwnedTask>()
  /** Tasks that may exist without an id (a lost createTask answer): they count until they expire. */
  readonly #unknown = new Set<OwnedTask>()
  /** Per client: its unfinished tasks and the slots it holds. */
  readonly #pending = new Tally()
  /** Per client: its entries in the table and the slots it holds, which may become entries. */
  readonly #tracked = new Tally()
  /** Slots held by all clients. */
  #held = 0

  constructor(provider: Provider.Provider) {
    this.#ttlMs = provider.limits.resultWindowMs + OWNERSHIP_GRACE_MS
  }

  /** Takes a slot for a task request `clientId` was just admitted to send. */
  reserve(clientId: string): Reservation {
    this.#pending.add(clientId, 1)
    this.#tracked.add(clientId, 1)
    this.#held++
    let held = true
    const free = (): boolean => {
      if (!held) return false
      held = false
      this.#held--
      return true
    }
    return {
      keep: (taskId, at, unfinished) => {
        if (!free()) return
        // A provider that answers an id twice: the older entry and its counts make way.
        this.#forget(taskId)
        this.#owned.set(taskId, {
          clientId,
          createdAt: at,
          expiresAt: at + this.#ttlMs,
          pending: unfinished,
          queries: 0,
        })
        if (!unfinished) this.#pending.add(clientId, -1)
      },
      holdUnknown: (at) => {
        if (!free()) return
        this.#unknown.add({ clientId, createdAt: at, expiresAt: at + this.#ttlMs, pending: true, queries: 0 })
      },
      release: () => {
        if (!free()) return
        this.#pending.add(clientId, -1)
        this.#tracked.add(clientId, -1)
      },
    }
  }

  /** The id of the task a poll or feedback names, when it is this client's and still tracked. */
  check(rawTaskId: unknown, clientId: string, at: number): { readonly taskId: string } | Refusal {
    const taskId = polledTaskId(rawTaskId)
    if (taskId === undefined || taskId === "") return badRequest("The request needs a taskId.")
    const task = this.#owned.get(taskId)
    // Unknown, expired and other clients' tasks get the same answer: nothing leaks about other tasks.
    if (task === undefined || task.clientId !== clientId || task.expiresAt <= at) {
      return refusal(400, "ERROR_TASKID_INVALID", "Task not found for this client.")
    }
    return { taskId }
  }

  /** Refuses a new task of a client at its share of the table, and anyone's while the table is full. */
  capacityRefusal(clientId: string): Refusal | undefined {
    if (this.#tracked.of(clientId) >= MAX_TRACKED_TASKS_PER_CLIENT) {
      return refusal(
        429,
        "ERROR_RATE_LIMIT",
        `Relay limit reached (${MAX_TRACKED_TASKS_PER_CLIENT} tracked tasks per client); retry in ${SHARE_RETRY_AFTER_SECONDS} s.`,
        { "retry-after": String(SHARE_RETRY_AFTER_SECONDS) },
      )
    }
    return this.#owned.size + this.#unknown.size + this.#held >= MAX_TRACKED_TASKS
      ? refusal(503, "ERROR_SERVICE_UNAVALIABLE", "The relay is tracking too many tasks; retry later.", {
          "retry-after": "30",
        })
      : undefined
  }

  /** The client's unfinished tasks, those whose request is still in flight included. */
  pendingOf(clientId: string): number {
    return this.#pending.of(clientId)
  }

  /** Where an owned task stands (call after `check`): when it was admitted, and the queries made for it. */
  progressOf(taskId: string): OwnedProgress | undefined {
    const task = this.#owned.get(taskId)
    return task === undefined ? undefined : { createdAt: task.createdAt, queries: task.queries }
  }

  /** Raises the count of queries made for a task (to `queries`, or by one): a resume continues from there. */
  countQueries(taskId: string, queries?: number): void {
    const task = this.#owned.get(taskId)
    if (task !== undefined)
      task.queries = queries === undefined ? task.queries + 1 : Math.max(task.queries, queries)
  }

  /** The task finished (solved, failed or answered with an error): it no longer counts as pending. */
  settle(taskId: string): void {
    const task = this.#owned.get(taskId)
    if (task !== undefined) this.#settle(task)
  }

  /** Forgets the tasks whose ownership expired. */
  sweep(at: number): void {
    for (const [taskId, task] of this.#owned) if (task.expiresAt <= at) this.#forget(taskId)
    for (const task of this.#unknown) {
      if (task.expiresAt > at) continue
      this.#settle(task)
      this.#tracked.add(task.clientId, -1)
      this.#unknown.delete(task)
    }
  }

  #forget(taskId: string): void {
    const task = this.#owned.get(taskId)
    if (task === undefined) return
    this.#settle(task)
    this.#tracked.add(task.clientId, -1)
    this.#owned.delete(taskId)
  }

  #settle(task: OwnedTask): void {
    if (!task.pending) return
    task.pending = false
    this.#pending.add(task.clientId, -1)
  }
}
