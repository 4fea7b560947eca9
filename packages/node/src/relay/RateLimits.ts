/**
 * The relay's rate limits: requests per client, tasks per client per rolling minute, tasks for all clients per
 * rolling minute and per rolling day (the spending cap, on by default), and unfinished tasks per client. A limit
 * reached is a 429 `ERROR_RATE_LIMIT` with `Retry-After`.
 *
 * @since 0.1.0
 */
import type { RelayLimits } from "./Options.ts"
import { type Refusal, refusal } from "./Responses.ts"

export const MINUTE_MS = 60_000
const DAY_MS = 24 * 60 * MINUTE_MS
const DEFAULT_TASKS_PER_CLIENT_PER_MINUTE = 10
const DEFAULT_REQUESTS_PER_CLIENT_PER_MINUTE = 300
/**
 * The default spending cap, for all clients together. A minute's cap of six clients at their full default rate
 * covers a busy site's bursts; the day's bounds what a relay found by attackers costs (a few dollars at
 * token-task prices) while covering a small site's sign-ups and logins. Owners with more traffic raise both.
 */
const DEFAULT_TASKS_PER_MINUTE = 60
const DEFAULT_TASKS_PER_DAY = 2_000
/** The key of the one window all clients share. */
const EVERYONE = "*"

/** Hits counted together: those within one bucket of time. `last` is when the latest of them happened. */
interface Bucket {
  readonly slot: number
  last: number
  count: number
}

/** One key's hits within the window, oldest bucket first. */
interface Hits {
  readonly buckets: Array<Bucket>
  total: number
}

/**
 * Sliding-window counters per key. Hits are kept in buckets of `bucketMs` (1 ms: every hit on its own), so a
 * window's memory is bounded by its length over the bucket, whatever its limit: the day's window keeps at most
 * one bucket a minute. A bucket leaves the window when its latest hit does, so the count is never too low.
 */
class RollingWindow {
  readonly #hits = new Map<string, Hits>()
  readonly limit: number
  readonly #windowMs: number
  readonly #bucketMs: number
  constructor(limit: number, windowMs = MINUTE_MS, bucketMs = 1) {
    this.limit = limit
    this.#windowMs = windowMs
    this.#bucketMs = bucketMs
  }

  /** Milliseconds until `key` may act again, or 0 when it may act now. */
  wait(key: string, now: number): number {
    const hits = this.#prune(key, now)
    if (hits.total < this.limit) return 0
    return (hits.buckets[0]?.last ?? now) + this.#windowMs - now
  }

  record(key: string, now: number): void {
    const hits = this.#prune(key, now)
    const slot = Math.floor(now / this.#bucketMs)
    const latest = hits.buckets.at(-1)
    if (latest !== undefined && latest.slot === slot) {
      latest.count++
      latest.last = Math.max(latest.last, now)
    } else {
      hits.buckets.push({ slot, last: now, count: 1 })
    }
    hits.total++
    this.#hits.set(key, hits)
  }

  sweep(now: number): void {
    for (const key of this.#hits.keys()) if (this.#prune(key, now).total === 0) this.#hits.delete(key)
  }

  #prune(key: string, now: number): Hits {
    const hits = this.#hits.get(key) ?? { buckets: [], total: 0 }
    let drop = 0
    for (const bucket of hits.buckets) {
      if (bucket.last > now - this.#windowMs) break
      hits.total -= bucket.count
      drop++
    }
    if (drop > 0) hits.buckets.splice(0, drop)
    return hits
  }
}

/** A window for all clients together; none when the owner lifted the cap (`Infinity`). */
const overall = (limit: number, windowMs: number, bucketMs: number): RollingWindow | undefined =>
  limit === Number.POSITIVE_INFINITY ? undefined : new RollingWindow(limit, windowMs, bucketMs)

const retryAfter = (waitMs: number, what: string): Refusal => {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000))
  return refusal(429, "ERROR_RATE_LIMIT", `Relay limit reached (${what}); retry in ${seconds} s.`, {
    "retry-after": String(seconds),
  })
}

export class RateLimits {
  readonly #tasksPerClient: RollingWindow
  readonly #tasksPerMinute: RollingWindow | undefined
  readonly #tasksPerDay: RollingWindow | undefined
  readonly #requestsPerClient: RollingWindow
  readonly #pendingTasksPerClient: number | undefined

  constructor(limits: RelayLimits) {
    this.#tasksPerClient = new RollingWindow(
      limits.tasksPerClientPerMinute ?? DEFAULT_TASKS_PER_CLIENT_PER_MINUTE,
    )
    // One-second buckets for the minute, one-minute buckets for the day: a few dozen numbers each.
    this.#tasksPerMinute = overall(limits.tasksPerMinute ?? DEFAULT_TASKS_PER_MINUTE, MINUTE_MS, 1_000)
    this.#tasksPerDay = overall(limits.tasksPerDay ?? DEFAULT_TASKS_PER_DAY, DAY_MS, MINUTE_MS)
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

  /**
   * Why a client with `pending` unfinished tasks (those in flight included) may not start one now, or
   * `undefined` when it may.
   */
  taskRefusal(clientId: string, at: number, pending: number): Refusal | undefined {
    const mine = this.#tasksPerClient.wait(clientId, at)
    if (mine > 0) return retryAfter(mine, `${this.#tasksPerClient.limit} tasks per client per minute`)
    for (const [window, period] of [
      [this.#tasksPerMinute, "minute"],
      [this.#tasksPerDay, "day"],
    ] as const) {
      const all = window?.wait(EVERYONE, at) ?? 0
      if (all > 0) return retryAfter(all, `${window?.limit} tasks per ${period} for all clients`)
    }
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
    this.#tasksPerMinute?.record(EVERYONE, at)
    this.#tasksPerDay?.record(EVERYONE, at)
  }

  /** Forgets the clients that did nothing in the last minute. */
  sweep(at: number): void {
    this.#tasksPerClient.sweep(at)
    this.#tasksPerMinute?.sweep(at)
    this.#tasksPerDay?.sweep(at)
    this.#requestsPerClient.sweep(at)
  }
}
