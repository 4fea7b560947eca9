/**
 * The emulated provider's behaviour per endpoint, on already-parsed bodies: keys, balances, validation,
 * the task lifecycle, its limits and reports, spoken in the configured dialect. Routing, faults and
 * runtimes live in Emulator.ts; the dialect's facts in dialects/.
 */
import { type Account, Accounts } from "./Accounts.ts"
import { AuditLog } from "./Audit.ts"
import type { Dialect, EndpointAction, FailureKind, FieldIssue, ReportAction } from "./dialects/Dialect.ts"
import { endpointNamesOf } from "./dialects/index.ts"
import type { ResolvedOptions } from "./Options.ts"
import { createRandomStream, hashString, makeTaskId, type RandomStream } from "./Random.ts"
import { reportRefusal } from "./Reports.ts"
import { planSolve } from "./SolvePlan.ts"
import { createTaskRecord, type TaskRecord } from "./TaskRecord.ts"
import { TaskStore } from "./TaskStore.ts"
import { findTaskSpec, validateTask } from "./TaskTypes.ts"
import { topLevelIssue } from "./TopLevelFields.ts"
import { type Answer, failure, success } from "./Wire.ts"

export interface EndpointResult {
  readonly answer: Answer
  readonly taskId?: string | undefined
  /** A task this request created (so a dropped answer can be marked on it). */
  readonly created?: TaskRecord | undefined
  /** A task whose outcome this answer carries (collected only if the answer reaches the client). */
  readonly delivers?: TaskRecord | undefined
  /** A client mistake, which counts towards a key block (the provider's "too many erroneous requests"). */
  readonly clientError?: boolean | undefined
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** The idle (queued) phase: a fifth of the solve time, at most two provider seconds. */
const idleShare = 0.2
const maxIdleMs = 2000

/** Integer task ids start above ten billion, like 2Captcha's (74455221488 in its examples). */
const integerIdFloor = 10_000_000_000

export class Provider {
  readonly options: ResolvedOptions
  readonly dialect: Dialect
  readonly accounts: Accounts
  readonly audit: AuditLog
  readonly store: TaskStore
  readonly #solveRandom: RandomStream
  readonly #idRandom: RandomStream
  readonly #unixSeconds: (providerMs: number) => number
  #integerIdBase: number | undefined
  #taskCounter = 0

  /** `startUnixMs`: Unix time of provider time 0, for the timestamps some dialects report. */
  constructor(options: ResolvedOptions, startUnixMs: number) {
    this.options = options
    this.dialect = options.dialect
    this.accounts = new Accounts(options)
    this.audit = new AuditLog(
      options.auditTaskLimit,
      options.requestLogLimit,
      endpointNamesOf(this.dialect.name),
    )
    this.store = new TaskStore(this.accounts, this.audit, options.priceMicros, this.dialect)
    this.#solveRandom = createRandomStream(options.seed, "solve")
    this.#idRandom = createRandomStream(options.seed, "ids")
    this.#unixSeconds = (providerMs) => Math.floor((startUnixMs + providerMs) / 1000)
  }

  /** The answer for a condition, in the dialect's code. */
  #fail(kind: FailureKind, description?: string, clientError = false): EndpointResult {
    return { answer: failure(this.dialect.codes[kind], description), clientError }
  }

  /** A refused field, in the dialect's code and wording; always a client mistake. */
  #refuseField(issue: FieldIssue): EndpointResult {
    const { code, description } = this.dialect.fieldError(issue)
    return { answer: failure(code, description), clientError: true }
  }

  /** Runs one endpoint on a raw body at provider time `now` (after due outcomes were applied). */
  async run(
    action: EndpointAction,
    bodyText: string,
    now: number,
    wait: (providerMs: number) => Promise<void>,
  ): Promise<EndpointResult> {
    let body: unknown
    try {
      body = JSON.parse(bodyText)
    } catch {
      return this.#fail("malformedBody", "The request body is not valid JSON.")
    }
    if (!isObject(body)) return this.#fail("malformedBody", "The request body must be a JSON object.")
    const key = body.clientKey
    const account = this.accounts.get(key)
    if (account === undefined) return this.#fail("keyDoesNotExist")
    if (this.accounts.isBlocked(account, now)) return this.#fail("keyBlocked")
    const result = await this.#route(action, body, key as string, account, now, wait)
    if (result.clientError === true) this.accounts.recordError(account, now)
    return result
  }

  #route(
    action: EndpointAction,
    body: Record<string, unknown>,
    key: string,
    account: Account,
    now: number,
    wait: (providerMs: number) => Promise<void>,
  ): EndpointResult | Promise<EndpointResult> {
    switch (action.kind) {
      case "createTask":
        return this.#createTask(body, key, account, now)
      case "getTaskResult":
        return this.#getTaskResult(body, key, now)
      case "getBalance":
        return { answer: success(this.dialect.balanceFields(account.balanceMicros / 1_000_000)) }
      case "feedbackTask":
        return this.#feedbackTask(body, key)
      case "getToken":
        return this.#getToken(body, key, account, now, wait)
      case "report":
        return this.#report(action, body, key, now)
    }
  }

  #nextTaskId(): string {
    const counter = ++this.#taskCounter
    if (this.dialect.taskIds === "uuid") return makeTaskId(this.#idRandom, counter)
    this.#integerIdBase ??= integerIdFloor + this.#idRandom.nextUint32()
    return String(this.#integerIdBase + counter)
  }

  /** The task id as the dialect sends it: a string UUID or a JSON integer. */
  #wireId(taskId: string): string | number {
    return this.dialect.taskIds === "integer" ? Number(taskId) : taskId
  }

  /** Validates and creates a task; shared by createTask and getToken. */
  #newTask(
    body: Record<string, unknown>,
    key: string,
    account: Account,
    now: number,
    endpoint: "createTask" | "getToken",
  ): TaskRecord | EndpointResult {
    const topLevel = topLevelIssue(this.dialect, body)
    if (topLevel !== undefined) return this.#refuseField(topLevel)
    const task = body.task
    if (!isObject(task))
      return this.#refuseField({ field: "task", message: "task is required", kind: "missing" })
    const type = task.type
    if (typeof type !== "string" || type.length === 0) {
      return this.#fail("taskNotSupported", "task.type is required", true)
    }
    const spec = findTaskSpec(this.dialect.name, type)
    if (spec === undefined) {
      return this.#fail("taskNotSupported", `The task type "${type.slice(0, 100)}" is not supported.`, true)
    }
    if (endpoint === "getToken" && !spec.viaGetToken) {
      return this.#fail("taskNotSupported", `getToken does not accept ${spec.type}; use createTask.`, true)
    }
    const issue = validateTask(spec, task)
    if (issue !== undefined) return this.#refuseField(issue)
    const { options } = this
    if (account.balanceMicros <= 0 || account.balanceMicros < options.priceMicros) {
      return this.#fail("zeroBalance", undefined, true)
    }
    const plan = planSolve(options, this.#solveRandom, spec.type, task)
    const taskId = this.#nextTaskId()
    const payloadHash = hashString(`${key}\u0000${JSON.stringify(task)}`)
    const synchronous = spec.kind === "recognition" && this.dialect.synchronousRecognition
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
    if ("answer" in record) return record
    const { taskId } = record
    if (record.kind === "token" || !this.dialect.synchronousRecognition) {
      this.store.add(record, true)
      const { createdStatus } = this.dialect
      const fields = {
        taskId: this.#wireId(taskId),
        ...(createdStatus === undefined ? {} : { status: createdStatus }),
      }
      return { answer: success(fields), taskId, created: record }
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
    if ("answer" in record) return record
    this.store.add(record, false)
    // The call blocks until the task is solved. It settles when the wait is over even if an injected
    // clock has not moved, since its outcome belongs to this call alone.
    await wait(record.settleAt - now)
    if (record.expiredAt < 0 && record.state === "pending") this.store.settle(record)
    if (record.expiredAt >= 0 && record.state === "pending") {
      return { answer: failure(this.options.expiredTaskErrorCode) }
    }
    return { ...this.#outcome(record), created: record }
  }

  /** The answer for a task whose outcome is known. */
  #outcome(record: TaskRecord): EndpointResult {
    const { taskId } = record
    const { dialect } = this
    const echo = dialect.echoesTaskId ? { taskId: this.#wireId(taskId) } : {}
    if (record.state === "ready") {
      const extras = dialect.resultExtras?.({
        createdAt: record.createdAt,
        readyAt: record.readyAt,
        unixSeconds: this.#unixSeconds,
        priceUsd: this.options.priceMicros / 1_000_000,
      })
      const answer = success({ ...echo, status: "ready", solution: record.solution, ...extras })
      return { answer, taskId, delivers: record }
    }
    const errorCode = record.errorCode ?? dialect.codes.unsolvable
    const extra = dialect.echoesTaskId ? { ...echo, status: "failed" } : undefined
    return { answer: failure(errorCode, undefined, extra), taskId, delivers: record }
  }

  /**
   * The caller's task by the id it sent. Integer dialects take only a JSON integer: a numeric string is
   * refused like an unknown id (undocumented; the docs type taskId Integer, and a client sending a string
   * is caught here rather than passing by luck).
   */
  #findOwned(taskId: unknown, key: string): TaskRecord | undefined {
    let id: string | undefined
    if (this.dialect.taskIds === "integer") {
      id = Number.isSafeInteger(taskId) && (taskId as number) > 0 ? String(taskId) : undefined
    } else {
      id = typeof taskId === "number" ? String(taskId) : typeof taskId === "string" ? taskId : undefined
    }
    if (id === undefined || id.length === 0) return undefined
    const record = this.store.getLive(id) ?? this.audit.find(id)
    return record !== undefined && record.key === key ? record : undefined
  }

  #getTaskResult(body: Record<string, unknown>, key: string, now: number): EndpointResult {
    const record = this.#findOwned(body.taskId, key)
    if (record === undefined) return this.#fail("noSuchTask", undefined, true)
    const { taskId } = record
    const { dialect, options } = this
    record.queries++
    this.audit.countQuery(record)
    if (record.expiredAt < 0 && record.queries > options.maxQueriesPerTask) this.store.expire(record, now)
    const keptAfterReady = dialect.resultWindowAfterReadyMs
    if (record.expiredAt < 0 && keptAfterReady !== undefined && record.readyAt >= 0) {
      const goneAt = record.readyAt + keptAfterReady
      if (now >= goneAt) this.store.expire(record, goneAt)
    }
    if (record.expiredAt >= 0) {
      record.queriesAfterExpiry++
      this.audit.queriesAfterExpiry++
      // A client error, like an unknown id: CapMonster Cloud bans for queries past the 120 limit
      // (api/block-reason.mdx, "WrongTaskId").
      return { answer: failure(options.expiredTaskErrorCode), taskId, clientError: true }
    }
    // The gap counts from the last answered query, so a client that backs off recovers at the documented
    // rate. Too-soon queries still count towards the query budget (both undocumented choices).
    if (
      dialect.minPollGapMs > 0 &&
      record.lastPollAt >= 0 &&
      now - record.lastPollAt < dialect.minPollGapMs
    ) {
      return { ...this.#fail("pollTooSoon"), taskId }
    }
    record.lastPollAt = now
    if (record.firstCollectedAt >= 0) {
      record.queriesAfterReady++
      this.audit.queriesAfterReady++
    }
    if (record.state === "pending") {
      const status = dialect.reportsIdle && now < record.idleUntil ? "idle" : "processing"
      const echo = dialect.echoesTaskId ? { taskId: this.#wireId(taskId) } : {}
      return { answer: success({ ...echo, status, ...dialect.processingFields }), taskId }
    }
    return this.#outcome(record)
  }

  /** CapSolver's feedbackTask: `{ taskId, result: { invalid, code?, message? } }`, at any time. */
  #feedbackTask(body: Record<string, unknown>, key: string): EndpointResult {
    const record = this.#findOwned(body.taskId, key)
    if (record === undefined) return this.#fail("noSuchTask", undefined, true)
    const result = body.result
    const invalid = (field: string, message: string, kind: FieldIssue["kind"] = "invalid") =>
      this.#refuseField({ field, message, kind })
    if (!isObject(result)) return invalid("result", "result is required", "missing")
    if (typeof result.invalid !== "boolean")
      return invalid("result.invalid", "result.invalid must be a boolean")
    if (result.code !== undefined && !Number.isInteger(result.code)) {
      return invalid("result.code", "result.code must be an integer")
    }
    if (result.message !== undefined && typeof result.message !== "string") {
      return invalid("result.message", "result.message must be a string")
    }
    record.feedbackInvalid = result.invalid
    this.audit.feedbackTotal++
    if (result.invalid) this.audit.feedbackInvalid++
    this.#countReport(record, result.invalid ? "incorrect" : "correct")
    return { answer: success({ message: "Feedback received." }), taskId: record.taskId }
  }

  /** The report endpoints of 2Captcha, Anti-Captcha and CapMonster Cloud: `{ clientKey, taskId }`. */
  #report(action: ReportAction, body: Record<string, unknown>, key: string, now: number): EndpointResult {
    const record = this.#findOwned(body.taskId, key)
    if (record === undefined || record.expiredAt >= 0) return this.#fail("noSuchTask", undefined, true)
    const refusal = reportRefusal(this.dialect, action, record, now)
    if (refusal !== undefined) {
      this.audit.reportsRefused++
      return { answer: failure(this.dialect.reports.refusedCode, refusal), taskId: record.taskId }
    }
    this.#countReport(record, action.verdict)
    return { answer: success({ status: "success" }), taskId: record.taskId }
  }

  #countReport(record: TaskRecord, verdict: "correct" | "incorrect"): void {
    if (verdict === "correct") {
      record.reportsCorrect++
      this.audit.reportsCorrect++
    } else {
      record.reportsIncorrect++
      this.audit.reportsIncorrect++
    }
  }
}
