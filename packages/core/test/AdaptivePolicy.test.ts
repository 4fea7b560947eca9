import { assert, describe, it } from "@effect/vitest"
import { Clock, Duration, Effect } from "effect"
import { TestClock } from "effect/testing"
import * as fc from "fast-check"
import { CapSolver } from "../src/domain/Provider.ts"
import { TwoCaptcha } from "../src/domain/providers/TwoCaptcha.ts"
import * as AdaptivePolicy from "../src/engine/AdaptivePolicy.ts"
import { type Plan, PollTimes } from "../src/engine/PlanFit.ts"
import type { PollContext, PollPolicy } from "../src/engine/Policy.ts"

const context = (overrides: Partial<PollContext> = {}): PollContext => ({
  taskType: "ReCaptchaV2TaskProxyLess",
  kind: "token",
  attempt: 0,
  elapsedMs: 0,
  lastStatus: "created",
  limits: CapSolver.limits,
  advice: CapSolver.polling,
  ...overrides,
})

const delayOf = (policy: PollPolicy, ctx: PollContext) =>
  Effect.map(policy.nextDelay(ctx), (d) => Duration.toMillis(d))

/** Deterministic uniform numbers in [0, 1) (mulberry32). */
const seeded = (seed: number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = Math.imul(state ^ (state >>> 15), state | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Log-normal ready times (ms): median `medianMs`, shape `sigma`. */
const logNormal = (seed: number, medianMs: number, sigma: number) => {
  const random = seeded(seed)
  return () =>
    medianMs * Math.exp(sigma * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()))
}

interface Outcome {
  readonly queries: number
  readonly delayMs: number
}

/**
 * Polls one task that becomes ready at `readyMs` the way the lifecycle does (ask for a delay, sleep on the
 * TestClock, query, repeat), reports the completion to the policy, and returns what it cost.
 */
const pollOnce = (policy: PollPolicy, readyMs: number, taskType = "ReCaptchaV2TaskProxyLess") =>
  Effect.gen(function* () {
    let elapsedMs = 0
    let attempt = 0
    let lastPendingMs: number | undefined
    let lastStatus: PollContext["lastStatus"] = "created"
    for (;;) {
      const delay = yield* delayOf(policy, context({ taskType, attempt, elapsedMs, lastStatus }))
      yield* TestClock.adjust(Duration.millis(delay))
      elapsedMs += delay
      attempt++
      if (elapsedMs >= readyMs) break
      lastPendingMs = elapsedMs
      lastStatus = "processing"
    }
    yield* policy.observe({ taskType, solveMs: elapsedMs, lastPendingMs, queries: attempt, outcome: "ready" })
    return { queries: attempt, delayMs: elapsedMs - readyMs } satisfies Outcome
  })

const pollMany = (policy: PollPolicy, readyTimes: ReadonlyArray<number>, taskType?: string) =>
  Effect.forEach(readyTimes, (readyMs) => pollOnce(policy, readyMs, taskType))

const cost = (outcomes: ReadonlyArray<Outcome>) => {
  const meanQueries = outcomes.reduce((sum, o) => sum + o.queries, 0) / outcomes.length
  const meanDelayS = outcomes.reduce((sum, o) => sum + o.delayMs, 0) / outcomes.length / 1000
  return { meanQueries, meanDelayS, cost: meanQueries * meanDelayS }
}

/** What a fixed poll every `intervalMs` (first query one interval in) costs on the same ready times. */
const fixedCost = (readyTimes: ReadonlyArray<number>, intervalMs = 3_000) =>
  cost(
    readyTimes.map((readyMs) => {
      const queries = Math.max(1, Math.ceil(readyMs / intervalMs))
      return { queries, delayMs: queries * intervalMs - readyMs }
    }),
  )

/** What a plan costs on ready times, each task following it from creation. */
const planCost = (plan: Plan, readyTimes: ReadonlyArray<number>, intervalMs = 3_000) => {
  const times = new PollTimes({ ...plan, intervalMs })
  return cost(
    readyTimes.map((readyMs) => {
      let queries = 1
      while (times.at(queries) < readyMs) queries++
      return { queries, delayMs: times.at(queries) - readyMs }
    }),
  )
}

/**
 * Many tasks of one type at once, as a client sees them: one created every `spacingMs`, each polled on the
 * policy's delays in TestClock time, in time order. Returns each task's outcome (by creation order) and the
 * policy's plan at every completion.
 */
const pollConcurrently = (
  policy: AdaptivePolicy.AdaptivePolicy,
  readyTimes: ReadonlyArray<number>,
  spacingMs: number,
) =>
  Effect.gen(function* () {
    const taskType = "ReCaptchaV2TaskProxyLess"
    interface Running {
      readonly index: number
      readonly createdAt: number
      dueAt: number
      attempt: number
      lastPendingMs: number | undefined
    }
    const outcomes: Array<Outcome> = []
    const plans: Array<Plan | undefined> = []
    const running: Array<Running> = []
    let next = 0
    let now = 0
    const ask = (task: Running) =>
      Effect.map(
        delayOf(
          policy,
          context({
            taskType,
            attempt: task.attempt,
            elapsedMs: now - task.createdAt,
            lastStatus: task.attempt === 0 ? "created" : "processing",
          }),
        ),
        (delay) => {
          task.dueAt = now + delay
        },
      )
    while (next < readyTimes.length || running.length > 0) {
      const arrival = next < readyTimes.length ? next * spacingMs : Number.POSITIVE_INFINITY
      const due = running.reduce((soonest, task) => Math.min(soonest, task.dueAt), Number.POSITIVE_INFINITY)
      now = Math.min(arrival, due)
      yield* TestClock.setTime(now)
      if (arrival <= due) {
        const task: Running = {
          index: next++,
          createdAt: now,
          dueAt: 0,
          attempt: 0,
          lastPendingMs: undefined,
        }
        running.push(task)
        yield* ask(task)
        continue
      }
      const task = running.find((t) => t.dueAt === due)!
      task.attempt++
      const elapsedMs = now - task.createdAt
      if (elapsedMs >= readyTimes[task.index]!) {
        running.splice(running.indexOf(task), 1)
        yield* policy.observe({
          taskType,
          solveMs: elapsedMs,
          lastPendingMs: task.lastPendingMs,
          queries: task.attempt,
          outcome: "ready",
        })
        outcomes[task.index] = { queries: task.attempt, delayMs: elapsedMs - readyTimes[task.index]! }
        plans.push(policy.planFor(taskType))
      } else {
        task.lastPendingMs = elapsedMs
        yield* ask(task)
      }
    }
    return { outcomes, plans }
  })

/** Uniform ready times over `[minMs, maxMs]` (seeded). */
const uniform = (seed: number, minMs: number, maxMs: number) => {
  const random = seeded(seed)
  return () => minMs + (maxMs - minMs) * random()
}

describe("AdaptivePolicy", () => {
  it.effect(
    "on an empty history, queries at the prior's first time and gap, the plan fitted on the documented 1-30 s",
    () =>
      Effect.gen(function* () {
        const policy = AdaptivePolicy.make()
        const prior = AdaptivePolicy.priorPlan(CapSolver.polling.intervalMs)
        // Tasks ready evenly over 1-30 s are rarely ready at 3 s: the first query waits, the gap is tighter.
        assert.isAbove(prior.firstMs, CapSolver.polling.intervalMs)
        assert.isAtMost(prior.gapMs, CapSolver.polling.intervalMs)
        assert.isAtMost(prior.expectedQueries, prior.referenceQueries)
        assert.strictEqual(yield* delayOf(policy, context()), prior.firstMs)
        assert.strictEqual(
          yield* delayOf(policy, context({ attempt: 1, elapsedMs: prior.firstMs, lastStatus: "processing" })),
          prior.gapMs,
        )
        assert.isUndefined(policy.planFor("ReCaptchaV2TaskProxyLess"))
      }),
  )

  it.effect("fits the prior to each provider's advised interval", () =>
    Effect.gen(function* () {
      const policy = AdaptivePolicy.make()
      const prior = AdaptivePolicy.priorPlan(TwoCaptcha.polling.intervalMs)
      assert.strictEqual(
        yield* delayOf(policy, context({ advice: TwoCaptcha.polling, limits: TwoCaptcha.limits })),
        prior.firstMs,
      )
      assert.isAtMost(prior.gapMs, TwoCaptcha.polling.intervalMs)
    }),
  )

  it.effect("follows the prior while a task type has fewer completions than minSamples", () =>
    Effect.gen(function* () {
      const policy = AdaptivePolicy.make({ minSamples: 20 })
      yield* pollMany(
        policy,
        Array.from({ length: 19 }, () => 9_000),
      )
      assert.isUndefined(policy.planFor("ReCaptchaV2TaskProxyLess"))
      assert.strictEqual(
        yield* delayOf(policy, context()),
        AdaptivePolicy.priorPlan(CapSolver.polling.intervalMs).firstMs,
      )
    }),
  )

  it.effect("costs less than a fixed 3-second poll before any history, on 1-30 s and on skewed tasks", () =>
    Effect.gen(function* () {
      for (const readyTimes of [
        Array.from({ length: 400 }, uniform(21, 1_000, 30_000)),
        Array.from({ length: 400 }, logNormal(22, 9_000, 0.5)),
      ]) {
        // A history that never fills: the prior alone.
        const policy = AdaptivePolicy.make({ minSamples: 1_000, window: 1_000 })
        const prior = cost(yield* pollMany(policy, readyTimes))
        assert.isBelow(prior.cost, fixedCost(readyTimes).cost)
      }
    }),
  )

  it.effect("keeps a task created before the type's first plan on the prior until it ends", () =>
    Effect.gen(function* () {
      const policy = AdaptivePolicy.make({ minSamples: 20 })
      const prior = AdaptivePolicy.priorPlan(CapSolver.polling.intervalMs)
      // An early task: created now, first query at the prior's first time.
      assert.strictEqual(yield* delayOf(policy, context()), prior.firstMs)
      // 20 slow tasks finish meanwhile (one after the other, later on the clock): the type gets a plan.
      yield* pollMany(policy, Array.from({ length: 20 }, logNormal(5, 20_000, 0.2)))
      const plan = policy.planFor("ReCaptchaV2TaskProxyLess")
      assert.isDefined(plan)
      if (plan === undefined) return
      assert.notStrictEqual(plan.gapMs, prior.gapMs)
      // The early task, seen again after its first query, keeps the prior's gap ...
      const now = yield* Clock.currentTimeMillis
      const early = { attempt: 1, elapsedMs: now, lastStatus: "processing" as const }
      const times = new PollTimes({ ...prior, intervalMs: CapSolver.polling.intervalMs })
      assert.strictEqual(
        yield* delayOf(policy, context(early)),
        Math.min(CapSolver.polling.intervalMs, times.at(times.firstAfter(now)) - now),
      )
      // ... while a task created now follows the plan.
      assert.strictEqual(yield* delayOf(policy, context()), plan.firstMs)
    }),
  )

  it.effect(
    "plans query times from creation, so request latency does not add up and retries do not get ahead",
    () =>
      Effect.gen(function* () {
        const policy = AdaptivePolicy.make()
        const prior = AdaptivePolicy.priorPlan(CapSolver.polling.intervalMs)
        // The first query's answer took 700 ms: the second query still happens at the prior's second time.
        const late = prior.firstMs + 700
        assert.strictEqual(
          yield* delayOf(policy, context({ attempt: 1, elapsedMs: late, lastStatus: "processing" })),
          prior.firstMs + prior.gapMs - late,
        )
        // Two retries counted as queries: the task has made three by the prior's first time, so it waits for the
        // prior's fourth, at most one advised interval.
        assert.strictEqual(
          yield* delayOf(policy, context({ attempt: 3, elapsedMs: prior.firstMs, lastStatus: "processing" })),
          Math.min(CapSolver.polling.intervalMs, 3 * prior.gapMs),
        )
      }),
  )

  it.effect(
    "learns from early completions without mistaking them for the whole type: the slow tasks are still running",
    () =>
      Effect.gen(function* () {
        // Tasks ready evenly over 1-30 s, one created every 200 ms: the first 20 completions are all fast ones.
        // (window = minSamples: the prior's own weight is gone by the first plan, only the weighting is left.)
        const readyTimes = Array.from({ length: 150 }, uniform(31, 1_000, 30_000))
        const policy = AdaptivePolicy.make({ minSamples: 20, window: 20 })
        const { plans } = yield* pollConcurrently(policy, readyTimes, 200)
        const first = plans.find((plan) => plan !== undefined)
        assert.isDefined(first)
        if (first === undefined) return
        // Fitted on the fast survivors alone, the bulk would end before 15 s; weighted for the tasks still
        // running, it reaches into the slow half of the range, and the plan costs no more than the fixed poll there.
        assert.isAbove(first.tailFromMs, 20_000)
        const truth = Array.from({ length: 2_000 }, uniform(32, 1_000, 30_000))
        assert.isBelow(planCost(first, truth).cost, fixedCost(truth).cost)
      }),
  )

  it.effect(
    "costs no more than a fixed 3-second poll over its first 100 tasks, on 1-30 s and on skewed tasks",
    () =>
      Effect.gen(function* () {
        for (const readyTimes of [
          Array.from({ length: 100 }, uniform(41, 1_000, 30_000)),
          Array.from({ length: 100 }, logNormal(42, 9_000, 0.5)),
        ]) {
          const { outcomes } = yield* pollConcurrently(AdaptivePolicy.make(), readyTimes, 200)
          assert.isAtMost(cost(outcomes).cost, fixedCost(readyTimes).cost)
        }
      }),
  )

  it.effect("once warm on a skewed type, waits longer for the first query and polls tighter after it", () =>
    Effect.gen(function* () {
      const policy = AdaptivePolicy.make()
      const draw = logNormal(7, 9_000, 0.5)
      yield* pollMany(
        policy,
        Array.from({ length: 300 }, () => draw()),
      )
      const plan = policy.planFor("ReCaptchaV2TaskProxyLess")
      assert.isDefined(plan)
      if (plan === undefined) return
      assert.isAbove(plan.firstMs, CapSolver.polling.intervalMs)
      assert.isBelow(plan.gapMs, CapSolver.polling.intervalMs)
      assert.isAtMost(plan.expectedQueries, plan.referenceQueries)
      assert.strictEqual(yield* delayOf(policy, context()), plan.firstMs)
    }),
  )

  it.effect("costs less than a fixed 3-second poll on the same skewed tasks once warm", () =>
    Effect.gen(function* () {
      const draw = logNormal(11, 9_000, 0.5)
      const warmup = Array.from({ length: 200 }, () => draw())
      const measured = Array.from({ length: 600 }, () => draw())
      const adaptive = AdaptivePolicy.make()
      yield* pollMany(adaptive, warmup)
      const learned = cost(yield* pollMany(adaptive, measured))
      const fixed = cost(
        measured.map((readyMs) => {
          const queries = Math.ceil(readyMs / 3_000)
          return { queries, delayMs: queries * 3_000 - readyMs }
        }),
      )
      assert.isBelow(learned.cost, 0.8 * fixed.cost)
      assert.isAtMost(learned.meanQueries, fixed.meanQueries * 1.05)
    }),
  )

  it.effect("never returns a delay below the floor, whatever it has learned", () =>
    Effect.gen(function* () {
      // A floor above the advised interval (3 s), so that it binds on every delay.
      const policy = AdaptivePolicy.make({ floor: "4 seconds" })
      assert.strictEqual(yield* delayOf(policy, context()), 4_000)
      // Instant tasks teach it that the earliest possible query is best.
      yield* pollMany(
        policy,
        Array.from({ length: 100 }, () => 0),
      )
      assert.isDefined(policy.planFor("ReCaptchaV2TaskProxyLess"))
      fc.assert(
        fc.property(fc.nat(119), fc.nat(289_000), (attempt, elapsedMs) => {
          const delay = Effect.runSync(
            delayOf(
              policy,
              context({ attempt, elapsedMs, lastStatus: attempt === 0 ? "created" : "processing" }),
            ),
          )
          return delay >= 4_000
        }),
      )
      assert.strictEqual(yield* delayOf(policy, context()), 4_000)
    }),
  )

  it.effect("moves the first query earlier when the tasks of a type get faster", () =>
    Effect.gen(function* () {
      const policy = AdaptivePolicy.make()
      const slow = logNormal(3, 15_000, 0.3)
      yield* pollMany(
        policy,
        Array.from({ length: 300 }, () => slow()),
      )
      const before = policy.planFor("ReCaptchaV2TaskProxyLess")?.firstMs ?? 0
      const fast = logNormal(4, 3_000, 0.3)
      yield* pollMany(
        policy,
        Array.from({ length: 400 }, () => fast()),
      )
      const after = policy.planFor("ReCaptchaV2TaskProxyLess")?.firstMs ?? Number.POSITIVE_INFINITY
      assert.isAbove(before, 8_000)
      assert.isBelow(after, 3_500)
    }),
  )

  it.effect("keeps a separate plan per task type", () =>
    Effect.gen(function* () {
      const policy = AdaptivePolicy.make()
      const slow = logNormal(5, 20_000, 0.3)
      yield* pollMany(
        policy,
        Array.from({ length: 100 }, () => slow()),
        "AntiTurnstileTaskProxyLess",
      )
      const fast = logNormal(6, 4_000, 0.3)
      yield* pollMany(
        policy,
        Array.from({ length: 100 }, () => fast()),
        "ReCaptchaV2TaskProxyLess",
      )
      const turnstile = policy.planFor("AntiTurnstileTaskProxyLess")
      const recaptcha = policy.planFor("ReCaptchaV2TaskProxyLess")
      assert.isDefined(turnstile)
      assert.isDefined(recaptcha)
      assert.isAbove(turnstile?.firstMs ?? 0, 2 * (recaptcha?.firstMs ?? 0))
      assert.isUndefined(policy.planFor("ImageToTextTask"))
    }),
  )

  it.effect("stays bounded: at most `window` completions per type and `maxTaskTypes` types", () =>
    Effect.gen(function* () {
      const policy = AdaptivePolicy.make({ window: 50, maxTaskTypes: 3 })
      yield* pollMany(
        policy,
        Array.from({ length: 120 }, () => 5_000),
        "A",
      )
      assert.strictEqual(policy.samplesFor("A"), 50)
      for (const type of ["B", "C", "D"]) yield* pollOnce(policy, 5_000, type)
      // "A" completed least recently: it is the one forgotten.
      assert.deepStrictEqual(policy.taskTypes(), ["B", "C", "D"])
      assert.strictEqual(policy.samplesFor("A"), 0)
      yield* pollOnce(policy, 5_000, "B")
      yield* pollOnce(policy, 5_000, "E")
      assert.deepStrictEqual(policy.taskTypes(), ["D", "B", "E"])
    }),
  )

  it.effect("is deterministic: the same completions give the same plan", () =>
    Effect.gen(function* () {
      const times = Array.from({ length: 150 }, logNormal(9, 9_000, 0.5))
      const first = AdaptivePolicy.make()
      const second = AdaptivePolicy.make()
      yield* pollMany(first, times)
      yield* pollMany(second, times)
      assert.deepStrictEqual(
        first.planFor("ReCaptchaV2TaskProxyLess"),
        second.planFor("ReCaptchaV2TaskProxyLess"),
      )
    }),
  )

  it.effect("learns only from tasks that became ready, not from failures", () =>
    Effect.gen(function* () {
      const policy = AdaptivePolicy.make()
      for (let i = 0; i < 30; i++) {
        yield* policy.observe({
          taskType: "GeeTestTaskProxyLess",
          solveMs: 4_000,
          queries: 2,
          outcome: "failed",
        })
      }
      assert.strictEqual(policy.samplesFor("GeeTestTaskProxyLess"), 0)
      assert.isUndefined(policy.planFor("GeeTestTaskProxyLess"))
    }),
  )

  it.effect("spreads the queries left over the rest of the window once the budget runs short", () =>
    Effect.gen(function* () {
      const policy = AdaptivePolicy.make()
      const { maxQueriesPerTask, resultWindowMs, safetyMarginMs } = CapSolver.limits
      const deadline = resultWindowMs - safetyMarginMs
      // Plenty of budget: the advised interval.
      assert.strictEqual(
        yield* delayOf(policy, context({ attempt: 10, elapsedMs: 30_000, lastStatus: "processing" })),
        CapSolver.polling.intervalMs,
      )
      // 10 queries left for 190 s: 3-second gaps would spend them in 30 s.
      const attempt = maxQueriesPerTask - 10
      const elapsedMs = 100_000
      const delay = yield* delayOf(policy, context({ attempt, elapsedMs, lastStatus: "processing" }))
      assert.isAbove(delay, CapSolver.polling.intervalMs)
      assert.isBelow(elapsedMs + 10 * delay, deadline)
    }),
  )

  it("fits the first query on the ready time when completions carry exact bounds", () => {
    const size = 100
    const plan = AdaptivePolicy.fitPlan(
      {
        lower: new Float64Array(size).fill(9_950),
        upper: new Float64Array(size).fill(10_000),
        queries: new Uint16Array(size).fill(3),
        size,
      },
      { intervalMs: 3_000, floorMs: 1_000, maxLateShare: 0.05, currentGapMs: 3_000 },
    )
    assert.isAtLeast(plan.firstMs, 9_950)
    assert.isAtMost(plan.firstMs, 10_400)
    assert.isAtMost(plan.expectedQueries, 1.1)
    assert.isAtMost(plan.expectedQueries, plan.referenceQueries)
  })

  it.effect("reads the exact bound of a completion when the lifecycle provides lastPendingMs", () =>
    Effect.gen(function* () {
      // A full history (window = minSamples): the prior no longer weighs in, the plan follows the completions.
      const policy = AdaptivePolicy.make({ minSamples: 20, window: 20 })
      const completion = {
        taskType: "T",
        solveMs: 10_000,
        queries: 3,
        outcome: "ready" as const,
        lastPendingMs: 9_950,
      }
      for (let i = 0; i < 20; i++) yield* policy.observe(completion)
      const plan = policy.planFor("T")
      assert.isAtLeast(plan?.firstMs ?? 0, 9_950)
      assert.isAtMost(plan?.firstMs ?? 0, 10_400)
    }),
  )
})
