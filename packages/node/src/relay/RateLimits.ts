/**
 * The relay's rate limits: requests per client, tasks per client and for all clients per rolling minute,
 * and unfinished tasks per client. A limit reached is a 429 `ERROR_RATE_LIMIT` with `Retry-After`.
 *
 * @since 0.1.0
 */
import type { RelayLimits } from "./Options.ts"
import { type Refusal, refusal } from "./Responses.ts"

export const MINUTE_MS = 60_000
const DEFAULT_TASKS_PER_CLIENT_PER_MINUTE = 10
const DEFAULT_REQUESTS_PER_CLIENT_PER_MINUTE = 300
/** The key of the one window all clients share. */
const EVERYONE = "*"

/** Sliding-window counters: a list of recent timestamps per key. */
class RollingWindow {
  readonly #hits = new Map<string, Array<number>>()
  readonly limit: number
  constructor(limit: number) {
    this.limit = limit
  }

  /** Milliseconds until `key` may act again, or 0 when it may act now. */
  wait(key: string, now: number): number {
    const hits = this.#prune(key, now)
    if (hits.length < this.limit) return 0
    return (hits[0] ?? now) + MINUTE_MS - now
  }

  record(key: string, now: number): void {
    const hits = this.#prune(key, now)
    hits.push(now)
    this.#hits.set(key, hits)
  }

  sweep(now: number): void {
    for (const key of this.#hits.keys()) if (this.#prune(key, now).length === 0) this.#hits.delete(key)
  }

  #prune(key: string, now: number): Array<number> {
    const hits = this.#hits.get(key) ?? []
    let drop = 0
    while (drop < hits.length && (hits[drop] ?? 0) <= now - MINUTE_MS) drop++
    if (drop > 0) hits.splice(0, drop)
    return hits
  }
}

const retryAfter = (waitMs: number, what: string): Refusal => {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000))
  return refusal(429, "ERROR_RATE_LIMIT", `Relay limit reached (${what}); retry in ${seconds} s.`, {
    "retry-after": String(seconds),
  })
}

export class RateLimits {
  readonly #tasksPerClient: RollingWindow
  readonly #tasksOverall: RollingWindow | undefined
  readonly #requestsPerClient: RollingWindow
  readonly #pendingTasksPerClient: number | undefined

  constructor(limits: RelayLimits) {
    this.#tasksPerClient = new RollingWindow(
      limits.tasksPerClientPerMinute ?? DEFAULT_TASKS_PER_CLIENT_PER_MINUTE,
    )
    this.#tasksOverall =
      limits.tasksPerMinute === undefined ? undefined : new RollingWindow(limits.tasksPerMinute)
    this.#requestsPerClient = new RollingWindow(
      limits.requestsPerClientPerMinute ?? DEFAULT_REQUESTS_PER_CLIENT_PER_MINUTE,
    )
    this.#pendingTasksPerClient = limits.pendingTasksPerClient
  }

  /** Counts a request of any kind, or refuses it when the client spent its requests for the minute. */
  admitRequest(clientId: string, at: number): Refusal | undefined {
    const wait = this.#requestsPerClient.wait(clientId, at)
    if (wait > 0) {
      return retryAfter(wait, `${this.#requestsPerClient.limit} requests per client per minute`)
    }
    this.#requestsPerClient.record(clientId, at)
    return undefined
  }

  /** Why a client with `pending` unfinished tasks may not start one now, or `undefined` when it may. */
  taskRefusal(clientId: string, at: number, pending: number): Refusal | undefined {
    const mine = this.#tasksPerClient.wait(clientId, at)
    if (mine > 0) return retryAfter(mine, `${this.#tasksPerClient.limit} tasks per client per minute`)
    const all = this.#tasksOverall?.wait(EVERYONE, at) ?? 0
    if (all > 0) return retryAfter(all, "tasks per minute for all clients")
    const most = this.#pendingTasksPerClient
    if (most !== undefined && pending >= most) {
      return refusal(
        429,
        "ERROR_RATE_LIMIT",
        `Relay limit reached (${most} unfinished tasks per client); collect a result first.`,
        { "retry-after": "3" },
      )
    }
    return undefined
  }

  /** Counts a task the client starts. */
  recordTask(clientId: string, at: number): void {
    this.#tasksPerClient.record(clientId, at)
    this.#tasksOverall?.record(EVERYONE, at)
  }

  /** Forgets the clients that did nothing in the last minute. */
  sweep(at: number): void {
    this.#tasksPerClient.sweep(at)
    this.#tasksOverall?.sweep(at)
    this.#requestsPerClient.sweep(at)
  }
}
