/**
 * Polling efficiency: how late a client notices a ready task, and how many getTaskResult queries it spends,
 * measured server-side by the emulator's audit in virtual provider time (see VirtualTime.ts).
 *
 * Tasks arrive at a steady rate (one every `spacingMs` of provider time), so the creation order, and with the
 * emulator's seeded stream each task's solve time, is the same for every policy: the comparison is paired.
 */
import {
  ClientConfig,
  isPollBudgetExhaustedError,
  isTaskDeadlineError,
  KyTransport,
  type PollPolicy,
  ReCaptchaV2TaskProxyLess,
  SolveKit,
} from "@solvekit/core"
import { createEmulator, defaultKey, type SolveTimeDistribution, type TaskAudit } from "@solvekit/emulator"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import * as Scheduler from "effect/Scheduler"
import type { PolicyUnderTest } from "./Policies.ts"
import { max, mean, quantile } from "./Stats.ts"
import { VirtualTime } from "./VirtualTime.ts"

export interface Workload {
  readonly label: string
  readonly description: string
  readonly distribution: SolveTimeDistribution
}

export const uniformWorkload: Workload = {
  label: "uniform 1-30 s",
  description: "solve times uniform over 1-30 s (the provider's stated range)",
  distribution: { kind: "uniform", minSeconds: 1, maxSeconds: 30 },
}

export const skewedWorkload: Workload = {
  label: "log-normal, median 9 s",
  description: "log-normal solve times, median 9 s, sigma 0.5 (90 % between 4.0 and 20.4 s)",
  distribution: { kind: "lognormal", medianSeconds: 9, sigma: 0.5 },
}

export interface PhaseFigures {
  readonly tasks: number
  readonly meanDelayS: number
  readonly p95DelayS: number
  readonly meanQueries: number
  readonly maxQueries: number
  /** mean detection delay (s) × mean queries per task. */
  readonly cost: number
}

export interface PollingRun {
  readonly policy: string
  readonly workload: string
  readonly seed: number
  /** The first `coldTasks` tasks (the policy has learned little or nothing). */
  readonly cold: PhaseFigures
  /** Tasks after the warm-up. */
  readonly warm: PhaseFigures
  /** Whole-run audit checks. */
  readonly created: number
  readonly collected: number
  readonly failedSolves: number
  readonly queriesAfterReady: number
  readonly queriesAfterExpiry: number
  readonly maxQueriesAnyTask: number
  readonly providerSeconds: number
}

export interface PollingSettings {
  readonly tasks: number
  readonly warmupTasks: number
  readonly coldTasks: number
  readonly spacingMs: number
}

export const defaultSettings: PollingSettings = {
  tasks: 1200,
  warmupTasks: 200,
  coldTasks: 100,
  spacingMs: 200,
}

const figures = (records: ReadonlyArray<TaskAudit>): PhaseFigures => {
  const delays = records.map((r) => (r.detectionDelayMs ?? 0) / 1000)
  const queries = records.map((r) => r.queries)
  const meanDelayS = mean(delays)
  const meanQueries = mean(queries)
  return {
    tasks: records.length,
    meanDelayS,
    p95DelayS: quantile(delays, 0.95),
    meanQueries,
    maxQueries: records.length === 0 ? 0 : max(queries),
    cost: meanDelayS * meanQueries,
  }
}

/** A client over an in-process emulator, on virtual time. */
const clientLayer = (time: VirtualTime, emulator: ReturnType<typeof createEmulator>, policy: PollPolicy) =>
  // `fresh`: v4 memoises layers across runs; every run needs its own client.
  Layer.fresh(SolveKit.layer).pipe(
    Layer.provide(
      KyTransport.layer({ baseUrl: emulator.inProcessUrl, fetch: time.countingFetch(emulator.fetch) }),
    ),
    Layer.provide(ClientConfig.layer({ apiKey: defaultKey, baseUrl: emulator.inProcessUrl, policy })),
  )

const taskFor = (index: number, websiteKey: string) =>
  ReCaptchaV2TaskProxyLess({ websiteURL: `https://bench.example/page/${index}`, websiteKey })

/** Runs `count` tasks arriving every `spacingMs` through one client, on virtual time. */
const runTasks = async (
  time: VirtualTime,
  layer: Layer.Layer<SolveKit, unknown>,
  plan: ReadonlyArray<{ readonly arriveAtMs: number; readonly websiteKey: string; readonly index: number }>,
): Promise<ReadonlyArray<Result.Result<unknown, unknown>>> => {
  const program = Effect.gen(function* () {
    const kit = yield* SolveKit
    return yield* Effect.forEach(
      plan,
      (task) =>
        Effect.gen(function* () {
          yield* Effect.sleep(Math.max(0, task.arriveAtMs - time.now))
          return yield* Effect.result(kit.solve(taskFor(task.index, task.websiteKey)))
        }),
      { concurrency: "unbounded" },
    )
  })
  // The client is built inside: its poll scheduler captures this clock and scheduler.
  const done = Effect.runPromise(
    program.pipe(
      Effect.provide(layer),
      Effect.orDie,
      Effect.provideService(Clock.Clock, time.clock),
      Effect.provideService(Scheduler.Scheduler, time.scheduler),
    ),
  )
  await time.drive(done)
  return await done
}

export const runPolling = async (
  policyUnderTest: PolicyUnderTest,
  workload: Workload,
  seed: number,
  settings: PollingSettings = defaultSettings,
): Promise<PollingRun> => {
  const time = new VirtualTime()
  const emulator = createEmulator({
    seed,
    solveTime: workload.distribution,
    now: time.emulatorNow,
    auditTaskLimit: settings.tasks + 10,
    requestLogLimit: 0,
  })
  const layer = clientLayer(time, emulator, policyUnderTest.make())
  const plan = Array.from({ length: settings.tasks }, (_, index) => ({
    index,
    arriveAtMs: index * settings.spacingMs,
    websiteKey: "bench-site-key",
  }))
  const results = await runTasks(time, layer, plan)
  const audit = emulator.audit()
  const records = audit.taskRecords
    .filter((r) => r.detectionDelayMs !== undefined)
    .map((r) => ({ record: r, index: Math.round(r.createdAt / settings.spacingMs) }))
  return {
    policy: policyUnderTest.label,
    workload: workload.label,
    seed,
    cold: figures(records.filter((r) => r.index < settings.coldTasks).map((r) => r.record)),
    warm: figures(records.filter((r) => r.index >= settings.warmupTasks).map((r) => r.record)),
    created: audit.tasks.created,
    collected: audit.tasks.collected,
    failedSolves: results.filter(Result.isFailure).length,
    queriesAfterReady: audit.queries.afterReady,
    queriesAfterExpiry: audit.queries.afterExpiry,
    maxQueriesAnyTask: audit.queries.perTaskMax,
    providerSeconds: audit.now / 1000,
  }
}

export interface GuaranteeCheck {
  readonly policy: string
  readonly warmupTasks: number
  readonly stuckTasks: number
  readonly maxQueries: number
  readonly queriesAfterExpiry: number
  readonly lastQueryAfterCreationS: number
  readonly outcomes: Readonly<Record<string, number>>
}

/**
 * The hard limits under a learned policy: warm it up on fast tasks, then give it tasks that never finish.
 * Every such task must end with a limit error, with at most 120 queries, none after the 5-minute window.
 */
export const runGuaranteeCheck = async (
  policyUnderTest: PolicyUnderTest,
  seed: number,
  warmupTasks = 300,
  stuckTasks = 20,
): Promise<GuaranteeCheck> => {
  const time = new VirtualTime()
  const emulator = createEmulator({
    seed,
    solveTime: skewedWorkload.distribution,
    // Stuck tasks stay "processing" past the result window instead of failing at the server's 120 s timeout.
    taskTimeoutSeconds: 10_000,
    now: time.emulatorNow,
    requestLogLimit: 100_000,
  })
  const layer = clientLayer(time, emulator, policyUnderTest.make())
  const warmup = Array.from({ length: warmupTasks }, (_, index) => ({
    index,
    arriveAtMs: index * 200,
    websiteKey: "bench-site-key",
  }))
  const stuck = Array.from({ length: stuckTasks }, (_, i) => ({
    index: warmupTasks + i,
    arriveAtMs: warmupTasks * 200 + i * 1000,
    websiteKey: "emulator-solve-ms-5000000",
  }))
  const results = await runTasks(time, layer, [...warmup, ...stuck])
  const outcomes: Record<string, number> = {}
  for (const result of results.slice(warmupTasks)) {
    const key = Result.isSuccess(result)
      ? "solved"
      : isTaskDeadlineError(result.failure)
        ? "TaskDeadlineError"
        : isPollBudgetExhaustedError(result.failure)
          ? "PollBudgetExhaustedError"
          : String((result.failure as { _tag?: string })._tag ?? "other")
    outcomes[key] = (outcomes[key] ?? 0) + 1
  }
  const audit = emulator.audit()
  const stuckRecords = audit.taskRecords.filter((r) => r.createdAt >= warmupTasks * 200)
  const lastQueryAt = new Map<string, number>()
  for (const request of audit.recentRequests) {
    if (request.endpoint === "getTaskResult" && request.taskId !== undefined) {
      lastQueryAt.set(request.taskId, Math.max(lastQueryAt.get(request.taskId) ?? 0, request.at))
    }
  }
  return {
    policy: policyUnderTest.label,
    warmupTasks,
    stuckTasks,
    maxQueries: max(stuckRecords.map((r) => r.queries)),
    queriesAfterExpiry: audit.queries.afterExpiry,
    lastQueryAfterCreationS: max(
      stuckRecords.map((r) => ((lastQueryAt.get(r.taskId) ?? r.createdAt) - r.createdAt) / 1000),
    ),
    outcomes,
  }
}
