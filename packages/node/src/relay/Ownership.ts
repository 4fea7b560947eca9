/**
 * Which client created which task: a client may poll and give feedback only on its own tasks, and the
 * unfinished ones count against its `pendingTasksPerClient` limit.
 *
 * @since 0.1.0
 */
import type { Provider } from "@solvekit/core"
import { badRequest, type Refusal, refusal } from "./Responses.ts"

// Ownership outlives the provider's result window (CapSolver: 5 minutes) by a minute, so late polls get the
// provider's own answer.
const OWNERSHIP_GRACE_MS = 60_000
// Bounds the table's memory whatever the clients do; past it, new tasks wait for old ones to expire.
const MAX_TRACKED_TASKS = 100_000

interface OwnedTask {
  readonly clientId: string
  readonly expiresAt: number
  pending: boolean
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
  readonly #pending = new Map<string, number>()

  constructor(provider: Provider.Provider) {
    this.#ttlMs = provider.limits.resultWindowMs + OWNERSHIP_GRACE_MS
  }

  /** Records that `clientId` created `taskId`; an unfinished task counts as pending until it settles. */
  claim(taskId: string, clientId: string, at: number, unfinished: boolean): void {
    this.#owned.set(taskId, { clientId, expiresAt: at + this.#ttlMs, pending: unfinished })
    if (unfinished) this.#pending.set(clientId, this.pendingOf(clientId) + 1)
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

  /** Refuses new tasks while the table is full. */
  capacityRefusal(): Refusal | undefined {
    return this.#owned.size >= MAX_TRACKED_TASKS
      ? refusal(503, "ERROR_SERVICE_UNAVALIABLE", "The relay is tracking too many tasks; retry later.", {
          "retry-after": "30",
        })
      : undefined
  }

  pendingOf(clientId: string): number {
    return this.#pending.get(clientId) ?? 0
  }

  /** The task finished (solved, failed or answered with an error): it no longer counts as pending. */
  settle(taskId: string): void {
    const task = this.#owned.get(taskId)
    if (task !== undefined) this.#settle(task)
  }

  /** Forgets the tasks whose ownership expired. */
  sweep(at: number): void {
    for (const [taskId, task] of this.#owned) {
      if (task.expiresAt > at) continue
      this.#settle(task)
      this.#owned.delete(taskId)
    }
  }

  #settle(task: OwnedTask): void {
    if (!task.pending) return
    task.pending = false
    const left = this.pendingOf(task.clientId) - 1
    if (left > 0) this.#pending.set(task.clientId, left)
    else this.#pending.delete(task.clientId)
  }
}
