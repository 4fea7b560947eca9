/**
 * The emulated provider's behaviour per endpoint, on already-parsed bodies: keys, balances, validation,
 * the task lifecycle and its limits. Routing, faults and runtimes live in Emulator.ts.
 */
import { type Account, Accounts, clientErrorCodes } from "./Accounts.ts"
import { AuditLog } from "./Audit.ts"
import type { EndpointName, ResolvedOptions } from "./Options.ts"
import { createRandomStream, hashString, makeTaskId, type RandomStream } from "./Random.ts"
import { planSolve } from "./SolvePlan.ts"
import { createTaskRecord, type TaskRecord } from "./TaskRecord.ts"
import { TaskStore } from "./TaskStore.ts"
import { findTaskSpec, validateTask } from "./TaskTypes.ts"
import { apiError, ok, type RawResponse } from "./Wire.ts"

export interface EndpointResult {
  readonly response: RawResponse
  readonly errorCode?: string | undefined
  readonly taskId?: string | undefined
  /** A task this request created (so a dropped answer can be marked on it). */
  readonly created?: TaskRecord | undefined
  /** A task whose outcome this answer carries (collected only if the answer reaches the client). */
  readonly delivers?: TaskRecord | undefined
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const failure = (
  errorCode: string,
  errorDescription?: string,
  extra?: Record<string, unknown>,
): EndpointResult => ({
  response: apiError(errorCode, errorDescription, extra),
  errorCode,
})

/** The idle (queued) phase: a fifth of the solve time, at most two provider seconds. */
const idleShare = 0.2
const maxIdleMs = 2000

export class Provider {
  readonly options: ResolvedOptions
  readonly accounts: Accounts
  readonly audit: AuditLog
  readonly store: TaskStore
  readonly #solveRandom: RandomStream
  readonly #idRandom: RandomStream
  #taskCounter = 0

  constructor(options: ResolvedOptions) {
    this.options = options
    this.accounts = new Accounts(options)
    this.audit = new AuditLog(options.auditTaskLimit, options.requestLogLimit)
    this.store = new TaskStore(this.accounts, this.audit, options.priceMicros)
    this.#solveRandom = createRandomStream(options.seed, "solve")
    this.#idRandom = createRandomStream(options.seed, "ids")
  }

  /** Runs one endpoint on a raw body at provider time `now` (after due outcomes were applied). */
  async run(
    endpoint: EndpointName,
    bodyText: string,
    now: number,
    wait: (providerMs: number) => Promise<void>,
  ) {
    let body: unknown
    try {
      body = JSON.parse(bodyText)
    } catch {
      return failure("ERROR_BAD_REQUEST", "The request body is not valid JSON.")
    }
    if (!isObject(body)) return failure("ERROR_BAD_REQUEST", "The request body must be a JSON object.")
    const key = body.clientKey
    const account = this.accounts.get(key)
    if (account === undefined) return failure("ERROR_KEY_DENIED_ACCESS")
    if (this.accounts.isBlocked(account, now)) return failure("ERROR_KEY_TEMP_BLOCKED")
    const result = await this.#route(endpoint, body, key as string, account, now, wait)
    if (result.errorCode !== undefined && clientErrorCodes.has(result.errorCode)) {
      this.accounts.recordError(account, now)
    }
    return result
  }

  #route(
    endpoint: EndpointName,
    body: Record<string, unknown>,
    key: string,
    account: Account,
    now: number,
    wait: (providerMs: number) => Promise<void>,
  ): EndpointResult | Promise<EndpointResult> {
    switch (endpoint) {
      case "createTask":
        return this.#createTask(body, key, account, now)
      case "getTaskResult":
        return this.#getTaskResult(body, key, now)
      case "getBalance":
        return { response: ok({ balance: account.balanceMicros / 1_000_000, packages: [] }) }
      case "feedbackTask":
        return this.#feedbackTask(body, key)
      case "getToken":
        return this.#getToken(body, key, account, now, wait)
    }
  }

  /** Validates and creates a task; shared by createTask and getToken. */
  #newTask(
    body: Record<string, unknown>,
    key: string,
    account: Account,
    now: number,
    endpoint: "createTask" | "getToken",
  ): TaskRecord | EndpointResult {
    const task = body.task
    if (!isObject(task)) return failure("ERROR_INVALID_TASK_DATA", "invalid task data: task is required")
    const type = task.type
    if (typeof type !== "string" || type.length === 0) {
      return failure("ERROR_TASK_NOT_SUPPORTED", "task.type is required")
    }
    const spec = findTaskSpec(type)
    if (spec === undefined) {
      return failure("ERROR_TASK_NOT_SUPPORTED", `The task type "${type.slice(0, 100)}" is not supported.`)
    }
    if (endpoint === "getToken" && !spec.viaGetToken) {
      return failure("ERROR_TASK_NOT_SUPPORTED", `getToken does not accept ${spec.type}; use createTask.`)
    }
    const issue = validateTask(spec, task)
    if (issue !== undefined) return failure("ERROR_INVALID_TASK_DATA", `invalid task data: ${issue.message}`)
    const { options } = this
    if (account.balanceMicros <= 0 || account.balanceMicros < options.priceMicros) {
      return failure("ERROR_ZERO_BALANCE")
    }
    const plan = planSolve(options, this.#solveRandom, spec.type, task)
    const taskId = makeTaskId(this.#idRandom, ++this.#taskCounter)
    const payloadHash = hashString(`${key}\u0000${JSON.stringify(task)}`)
    const synchronous = spec.kind === "recognition"
    const planned = synchronous && plan.outcome === "timeout" ? "ready" : plan.outcome
    const solveMs = synchronous ? 0 : plan.solveMs
    return createTaskRecord({
      taskId,
      type: spec.type,
      kind: spec.kind,
      endpoint,
      key,
      payloadHash,
      duplicate: this.store.hasLivePayload(payloadHash),
      createdAt: now,
      idleUntil: now + Math.min(solveMs * idleShare, maxIdleMs),
      settleAt: now + solveMs,
      planned,
      expiresAt: now + options.taskTtlMs,
      solution: planned === "ready" ? spec.solution({ taskId, task }) : undefined,
    })
  }

  #createTask(body: Record<string, unknown>, key: string, account: Account, now: number): EndpointResult {
    const record = this.#newTask(body, key, account, now, "createTask")
    if ("response" in record) return record
    const { taskId } = record
    if (record.kind === "token") {
      this.store.add(record, true)
      return { response: ok({ taskId, status: "idle" }), taskId, created: record }
    }
    this.store.add(record, false)
    this.store.settle(record)
    return { ...this.#outcome(record), created: record }
  }

  async #getToken(
    body: Record<string, unknown>,
    key: string,
    account: Account,
    now: number,
    wait: (providerMs: number) => Promise<void>,
  ): Promise<EndpointResult> {
    const record = this.#newTask(body, key, account, now, "getToken")
    if ("response" in record) return record
    this.store.add(record, false)
    // The call blocks until the task is solved. It settles when the wait is over even if an injected
    // clock has not moved, since its outcome belongs to this call alone.
    await wait(record.settleAt - now)
    if (record.expiredAt < 0 && record.state === "pending") this.store.settle(record)
    if (record.expiredAt >= 0 && record.state === "pending") return failure(this.options.expiredTaskErrorCode)
    return { ...this.#outcome(record), created: record }
  }

  /** The answer for a task whose outcome is known. */
  #outcome(record: TaskRecord): EndpointResult {
    const { taskId } = record
    if (record.state === "ready") {
      return {
        response: ok({ taskId, status: "ready", solution: record.solution }),
        taskId,
        delivers: record,
      }
    }
    const errorCode = record.errorCode ?? "ERROR_CAPTCHA_UNSOLVABLE"
    return { ...failure(errorCode, undefined, { taskId, status: "failed" }), taskId, delivers: record }
  }

  #findOwned(taskId: unknown, key: string): TaskRecord | undefined {
    const id = typeof taskId === "number" ? String(taskId) : taskId
    if (typeof id !== "string" || id.length === 0) return undefined
    const record = this.store.getLive(id) ?? this.audit.find(id)
    return record !== undefined && record.key === key ? record : undefined
  }

  #getTaskResult(body: Record<string, unknown>, key: string, now: number): EndpointResult {
    const record = this.#findOwned(body.taskId, key)
    if (record === undefined) return failure("ERROR_TASKID_INVALID")
    const { taskId } = record
    record.queries++
    this.audit.countQuery(record)
    if (record.expiredAt < 0 && record.queries > this.options.maxQueriesPerTask) {
      this.store.expire(record, now)
    }
    if (record.expiredAt >= 0) {
      record.queriesAfterExpiry++
      this.audit.queriesAfterExpiry++
      return { ...failure(this.options.expiredTaskErrorCode), taskId }
    }
    if (record.firstCollectedAt >= 0) {
      record.queriesAfterReady++
      this.audit.queriesAfterReady++
    }
    if (record.state === "pending") {
      const status = now < record.idleUntil ? "idle" : "processing"
      return { response: ok({ taskId, status }), taskId }
    }
    return this.#outcome(record)
  }

  #feedbackTask(body: Record<string, unknown>, key: string): EndpointResult {
    const record = this.#findOwned(body.taskId, key)
    if (record === undefined) return failure("ERROR_TASKID_INVALID")
    const result = body.result
    if (!isObject(result)) return failure("ERROR_INVALID_TASK_DATA", "invalid task data: result is required")
    if (typeof result.invalid !== "boolean") {
      return failure("ERROR_INVALID_TASK_DATA", "invalid task data: result.invalid must be a boolean")
    }
    if (result.code !== undefined && !Number.isInteger(result.code)) {
      return failure("ERROR_INVALID_TASK_DATA", "invalid task data: result.code must be an integer")
    }
    if (result.message !== undefined && typeof result.message !== "string") {
      return failure("ERROR_INVALID_TASK_DATA", "invalid task data: result.message must be a string")
    }
    record.feedbackInvalid = result.invalid
    this.audit.feedbackTotal++
    if (result.invalid) this.audit.feedbackInvalid++
    return { response: ok({ message: "Feedback received." }), taskId: record.taskId }
  }
}
