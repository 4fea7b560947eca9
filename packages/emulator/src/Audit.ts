/**
 * What the emulator saw: every request counted by endpoint, fault, status and error code; every task's
 * figures; and a summary tests and benchmarks read. Counters are exact for the whole run; per-task
 * records and recent requests are bounded (oldest dropped first) so memory stays flat on long runs.
 */
import type { EndpointName } from "./EndpointName.ts"
import { type FaultKind, faultKinds } from "./Options.ts"
import type { TaskRecord } from "./TaskRecord.ts"

export interface TaskAudit {
  readonly taskId: string
  readonly type: string
  readonly endpoint: "createTask" | "getToken"
  /** Provider ms since the emulator started (or was reset), like every time in the audit. */
  readonly createdAt: number
  /** When the outcome (ready or failed) became known. */
  readonly readyAt: number | undefined
  /** When the client first received the outcome. */
  readonly firstCollectedAt: number | undefined
  /** When the result stopped being retrievable (window passed or query budget spent). */
  readonly expiredAt: number | undefined
  /** firstCollectedAt − readyAt, for outcomes collected by polling getTaskResult. */
  readonly detectionDelayMs: number | undefined
  /** getTaskResult queries naming this task, including refused ones. */
  readonly queries: number
  /** Queries after the client had already received the outcome. */
  readonly queriesAfterReady: number
  /** Queries after the result stopped being retrievable. */
  readonly queriesAfterExpiry: number
  readonly outcome: "pending" | "ready" | "failed"
  readonly errorCode: string | undefined
  /** The answer to the creating request was dropped: the client never learnt this task's id. */
  readonly responseDropped: boolean
  /** The same key had a live task with the same payload when this one was created. */
  readonly duplicate: boolean
  readonly feedback: { readonly invalid: boolean } | undefined
  /** Accepted reports on this task (feedbackTask included: invalid counts as incorrect); undefined if none. */
  readonly reports: { readonly correct: number; readonly incorrect: number } | undefined
}

export interface RequestRecord {
  readonly at: number
  readonly endpoint: EndpointName | "other"
  readonly status: number | "dropped"
  readonly errorCode: string | undefined
  readonly fault: Exclude<FaultKind, "slow"> | undefined
  readonly slow: boolean
  readonly taskId: string | undefined
}

export interface Distribution {
  readonly count: number
  readonly mean: number
  readonly p95: number
  readonly max: number
}

export interface AuditSummary {
  /** The emulator's provider clock, ms since start (or reset). */
  readonly now: number
  readonly timeScale: number
  readonly requests: {
    readonly total: number
    /** Every endpoint the dialect serves (zero if unused), and "other" for paths it does not. */
    readonly byEndpoint: { readonly [E in EndpointName | "other"]?: number }
    readonly byFault: Readonly<Record<FaultKind, number>>
    /** By HTTP status ("200", "400", ...) and "dropped". */
    readonly byStatus: Readonly<Record<string, number>>
    readonly byErrorCode: Readonly<Record<string, number>>
  }
  readonly tasks: {
    readonly created: number
    /** Tasks whose result can still be fetched (expired ones are pruned from memory). */
    readonly live: number
    readonly pending: number
    readonly ready: number
    readonly failed: number
    readonly expired: number
    readonly collected: number
    /** Outcome known (ready or failed) but never delivered to the client. */
    readonly neverCollected: number
    readonly duplicateCreations: number
    readonly responseDropped: number
    readonly byType: Readonly<Record<string, number>>
  }
  readonly queries: {
    /** getTaskResult queries attributed to a known task. */
    readonly total: number
    /** Mean and max over tasks created by createTask that had to be polled (token tasks). */
    readonly perTaskMean: number
    readonly perTaskMax: number
    readonly afterReady: number
    readonly afterExpiry: number
  }
  /** Delay between a task becoming ready and the client noticing it, provider ms (retained tasks). */
  readonly detectionDelayMs: Distribution
  readonly chargedUsd: number
  readonly feedback: { readonly total: number; readonly invalid: number }
  /** Reports accepted by verdict (feedbackTask included), and reports refused (window, family, repeat). */
  readonly reports: { readonly correct: number; readonly incorrect: number; readonly refused: number }
  /** The most recent tasks (up to `auditTaskLimit`). */
  readonly taskRecords: ReadonlyArray<TaskAudit>
  /** The most recent requests (up to `requestLogLimit`). */
  readonly recentRequests: ReadonlyArray<RequestRecord>
}

const orUndefined = (value: number): number | undefined => (value < 0 ? undefined : value)

export const toTaskAudit = (record: TaskRecord): TaskAudit => ({
  taskId: record.taskId,
  type: record.type,
  endpoint: record.endpoint,
  createdAt: record.createdAt,
  readyAt: orUndefined(record.readyAt),
  firstCollectedAt: orUndefined(record.firstCollectedAt),
  expiredAt: orUndefined(record.expiredAt),
  detectionDelayMs: detectionDelay(record),
  queries: record.queries,
  queriesAfterReady: record.queriesAfterReady,
  queriesAfterExpiry: record.queriesAfterExpiry,
  outcome: record.state,
  errorCode: record.errorCode,
  responseDropped: record.responseDropped,
  duplicate: record.duplicate,
  feedback: record.feedbackInvalid === undefined ? undefined : { invalid: record.feedbackInvalid },
  reports:
    record.reportsCorrect + record.reportsIncorrect === 0
      ? undefined
      : { correct: record.reportsCorrect, incorrect: record.reportsIncorrect },
})

/** Only polled outcomes have a detection delay: a synchronous answer is noticed at once by definition. */
const detectionDelay = (record: TaskRecord): number | undefined =>
  record.kind === "token" && record.endpoint === "createTask" && record.firstCollectedAt >= 0
    ? record.firstCollectedAt - record.readyAt
    : undefined

const zeroCounts = <K extends string>(keys: ReadonlyArray<K>): Record<K, number> =>
  Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>

const bump = (counts: Record<string, number>, key: string): void => {
  counts[key] = (counts[key] ?? 0) + 1
}

export class AuditLog {
  readonly #taskLimit: number
  readonly #requestLimit: number
  readonly #records = new Map<string, TaskRecord>()
  readonly #requests: Array<RequestRecord> = []
  #requestCursor = 0

  requestsTotal = 0
  readonly byEndpoint: Record<string, number>
  readonly byFault = zeroCounts<FaultKind>(faultKinds)
  readonly byStatus: Record<string, number> = {}
  readonly byErrorCode: Record<string, number> = {}

  created = 0
  ready = 0
  failed = 0
  expired = 0
  expiredPending = 0
  collected = 0
  duplicateCreations = 0
  responseDropped = 0
  readonly byType: Record<string, number> = {}
  polledTasks = 0
  queries = 0
  queriesMax = 0
  queriesAfterReady = 0
  queriesAfterExpiry = 0
  delayCount = 0
  delaySum = 0
  delayMax = 0
  chargedMicros = 0
  feedbackTotal = 0
  feedbackInvalid = 0
  reportsCorrect = 0
  reportsIncorrect = 0
  reportsRefused = 0

  /** `endpoints`: the dialect's endpoints, counted from zero so the summary lists every one. */
  constructor(taskLimit: number, requestLimit: number, endpoints: ReadonlyArray<EndpointName>) {
    this.#taskLimit = taskLimit
    this.#requestLimit = requestLimit
    this.byEndpoint = zeroCounts<string>([...endpoints, "other"])
  }

  /** A retained task, live or not (expired tasks stay findable so late queries are attributed). */
  find(taskId: string): TaskRecord | undefined {
    return this.#records.get(taskId)
  }

  addTask(record: TaskRecord): void {
    this.created++
    bump(this.byType, record.type)
    if (record.duplicate) this.duplicateCreations++
    if (record.kind === "token" && record.endpoint === "createTask") this.polledTasks++
    if (this.#taskLimit === 0) return
    if (this.#records.size >= this.#taskLimit) {
      const oldest = this.#records.keys().next()
      if (!oldest.done) this.#records.delete(oldest.value)
    }
    this.#records.set(record.taskId, record)
  }

  countQuery(record: TaskRecord): void {
    this.queries++
    if (record.queries > this.queriesMax) this.queriesMax = record.queries
  }

  countCollected(record: TaskRecord): void {
    this.collected++
    const delay = detectionDelay(record)
    if (delay === undefined) return
    this.delayCount++
    this.delaySum += delay
    if (delay > this.delayMax) this.delayMax = delay
  }

  logRequest(entry: RequestRecord): void {
    this.requestsTotal++
    bump(this.byEndpoint, entry.endpoint)
    if (entry.fault !== undefined) this.byFault[entry.fault]++
    if (entry.slow) this.byFault.slow++
    bump(this.byStatus, String(entry.status))
    if (entry.errorCode !== undefined) bump(this.byErrorCode, entry.errorCode)
    if (this.#requestLimit === 0) return
    if (this.#requests.length < this.#requestLimit) {
      this.#requests.push(entry)
    } else {
      this.#requests[this.#requestCursor] = entry
      this.#requestCursor = (this.#requestCursor + 1) % this.#requestLimit
    }
  }

  summary(now: number, timeScale: number, liveTasks: number, includeRecords: boolean): AuditSummary {
    const taskRecords = [...this.#records.values()].map(toTaskAudit)
    const delays = taskRecords
      .map((task) => task.detectionDelayMs)
      .filter((delay): delay is number => delay !== undefined)
      .sort((a, b) => a - b)
    const p95 = delays.length === 0 ? 0 : delays[Math.ceil(0.95 * delays.length) - 1]!
    const recentRequests = [
      ...this.#requests.slice(this.#requestCursor),
      ...this.#requests.slice(0, this.#requestCursor),
    ]
    return {
      now,
      timeScale,
      requests: {
        total: this.requestsTotal,
        byEndpoint: { ...this.byEndpoint },
        byFault: { ...this.byFault },
        byStatus: { ...this.byStatus },
        byErrorCode: { ...this.byErrorCode },
      },
      tasks: {
        created: this.created,
        live: liveTasks,
        pending: this.created - this.ready - this.failed - this.expiredPending,
        ready: this.ready,
        failed: this.failed,
        expired: this.expired,
        collected: this.collected,
        neverCollected: this.ready + this.failed - this.collected,
        duplicateCreations: this.duplicateCreations,
        responseDropped: this.responseDropped,
        byType: { ...this.byType },
      },
      queries: {
        total: this.queries,
        perTaskMean: this.polledTasks === 0 ? 0 : this.queries / this.polledTasks,
        perTaskMax: this.queriesMax,
        afterReady: this.queriesAfterReady,
        afterExpiry: this.queriesAfterExpiry,
      },
      detectionDelayMs: {
        count: this.delayCount,
        mean: this.delayCount === 0 ? 0 : this.delaySum / this.delayCount,
        p95,
        max: this.delayMax,
      },
      chargedUsd: this.chargedMicros / 1_000_000,
      feedback: { total: this.feedbackTotal, invalid: this.feedbackInvalid },
      reports: {
        correct: this.reportsCorrect,
        incorrect: this.reportsIncorrect,
        refused: this.reportsRefused,
      },
      taskRecords: includeRecords ? taskRecords : [],
      recentRequests: includeRecords ? recentRequests : [],
    }
  }
}
