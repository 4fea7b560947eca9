/**
 * Live tasks and the two time-ordered queues that move them on: outcomes (a min-heap on settle time, as
 * solve times vary) and expiries (a FIFO, as every task lives the same window). Nothing runs on a timer:
 * each request first applies whatever became due, so an idle emulator costs nothing and an injected
 * clock drives everything.
 */
import type { Accounts } from "./Accounts.ts"
import type { AuditLog } from "./Audit.ts"
import type { Dialect } from "./dialects/Dialect.ts"
import type { TaskRecord } from "./TaskRecord.ts"

export class TaskStore {
  readonly #live = new Map<string, TaskRecord>()
  readonly #settleHeap: Array<TaskRecord> = []
  #expiryQueue: Array<TaskRecord> = []
  #expiryHead = 0
  /** Live tasks per payload hash, to spot the same task being created twice. */
  readonly #livePayloads = new Map<number, number>()
  readonly #accounts: Accounts
  readonly #audit: AuditLog
  readonly #priceMicros: number
  readonly #dialect: Dialect

  constructor(accounts: Accounts, audit: AuditLog, priceMicros: number, dialect: Dialect) {
    this.#accounts = accounts
    this.#audit = audit
    this.#priceMicros = priceMicros
    this.#dialect = dialect
  }

  get liveCount(): number {
    return this.#live.size
  }

  getLive(taskId: string): TaskRecord | undefined {
    return this.#live.get(taskId)
  }

  hasLivePayload(payloadHash: number): boolean {
    return this.#livePayloads.has(payloadHash)
  }

  /** Registers a new task; `scheduled` tasks settle by themselves when their time comes. */
  add(record: TaskRecord, scheduled: boolean): void {
    this.#live.set(record.taskId, record)
    this.#livePayloads.set(record.payloadHash, (this.#livePayloads.get(record.payloadHash) ?? 0) + 1)
    this.#audit.addTask(record)
    if (scheduled) this.#pushHeap(record)
    this.#expiryQueue.push(record)
  }

  /** Applies every outcome and expiry due at provider time `now`. */
  processDue(now: number): void {
    const heap = this.#settleHeap
    while (heap.length > 0 && heap[0]!.settleAt <= now) {
      const record = this.#popHeap()
      if (record.state === "pending" && record.expiredAt < 0) this.settle(record)
    }
    const queue = this.#expiryQueue
    while (this.#expiryHead < queue.length && queue[this.#expiryHead]!.expiresAt <= now) {
      const record = queue[this.#expiryHead++]!
      if (record.expiredAt < 0) this.expire(record, record.expiresAt)
    }
    if (this.#expiryHead > 1024 && this.#expiryHead * 2 > queue.length) {
      this.#expiryQueue = queue.slice(this.#expiryHead)
      this.#expiryHead = 0
    }
  }

  /**
   * Fixes the outcome: a success is charged now (or fails settlement); failures are free, except an
   * unsolvable task where the dialect charges for it (Anti-Captcha).
   */
  settle(record: TaskRecord): void {
    record.readyAt = record.settleAt
    const { codes } = this.#dialect
    if (record.planned !== "ready") {
      record.state = "failed"
      record.errorCode = record.planned === "unsolvable" ? codes.unsolvable : codes.timeout
      this.#audit.failed++
      if (record.planned === "unsolvable" && this.#dialect.chargesUnsolvable) this.#charge(record.key)
      return
    }
    if (!this.#charge(record.key)) {
      record.state = "failed"
      record.errorCode = codes.settlementFailed
      this.#audit.failed++
      return
    }
    record.state = "ready"
    this.#audit.ready++
  }

  /** Takes the task price from the key's balance if it covers it. */
  #charge(key: string): boolean {
    const account = this.#accounts.get(key)
    if (account === undefined || account.balanceMicros < this.#priceMicros) return false
    account.balanceMicros -= this.#priceMicros
    this.#audit.chargedMicros += this.#priceMicros
    return true
  }

  /** The result is gone: the window passed or the query budget is spent. */
  expire(record: TaskRecord, at: number): void {
    record.expiredAt = at
    record.solution = undefined
    this.#live.delete(record.taskId)
    const left = (this.#livePayloads.get(record.payloadHash) ?? 1) - 1
    if (left <= 0) this.#livePayloads.delete(record.payloadHash)
    else this.#livePayloads.set(record.payloadHash, left)
    this.#audit.expired++
    if (record.state === "pending") this.#audit.expiredPending++
  }

  #pushHeap(record: TaskRecord): void {
    const heap = this.#settleHeap
    heap.push(record)
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (heap[parent]!.settleAt <= record.settleAt) break
      heap[i] = heap[parent]!
      i = parent
    }
    heap[i] = record
  }

  #popHeap(): TaskRecord {
    const heap = this.#settleHeap
    const top = heap[0]!
    const last = heap.pop()!
    if (heap.length === 0) return top
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      if (left >= heap.length) break
      const right = left + 1
      const child = right < heap.length && heap[right]!.settleAt < heap[left]!.settleAt ? right : left
      if (heap[child]!.settleAt >= last.settleAt) break
      heap[i] = heap[child]!
      i = child
    }
    heap[i] = last
    return top
  }
}
