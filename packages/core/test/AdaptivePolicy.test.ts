import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import * as fc from "fast-check"
import { CapSolver } from "../src/domain/Provider.ts"
import * as AdaptivePolicy from "../src/engine/AdaptivePolicy.ts"
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
 * Polls one task that becomes ready at `readyMs` the way the lifecycle does (ask for a delay, query, repeat),
 * reports the completion to the policy, and returns what it cost.
 */
const pollOnce = (policy: PollPolicy, readyMs: number, taskType = "ReCaptchaV2TaskProxyLess") =>
  Effect.gen(function* () {
    let elapsedMs = 0
    let attempt = 0
    let lastStatus: PollContext["lastStatus"] = "created"
    for (;;) {
      elapsedMs += yield* delayOf(policy, context({ taskType, attempt, elapsedMs, lastStatus }))
      attempt++
      if (elapsedMs >= readyMs) break
      lastStatus = "processing"
    }
    yield* policy.observe({ taskType, solveMs: elapsedMs, queries: attempt, outcome: "ready" })
    return { queries: attempt, delayMs: elapsedMs - readyMs } satisfies Outcome
  })

const pollMany = (policy: PollPolicy, readyTimes: ReadonlyArray<number>, taskType?: string) =>
  Effect.forEach(readyTimes, (readyMs) => pollOnce(policy, readyMs, taskType))

const cost = (outcomes: ReadonlyArray<Outcome>) => {
  const meanQueries = outcomes.reduce((sum, o) => sum + o.queries, 0) / outcomes.length
  const meanDelayS = outcomes.reduce((sum, o) => sum + o.delayMs, 0) / outcomes.length / 1000
  return { meanQueries, meanDelayS, cost: meanQueries * meanDelayS }
}

describe("AdaptivePolicy", () => {
  it.effect("follows the provider's advice while a task type has fewer completions than minSamples", () =>
    Effect.gen(function* () {
      const policy = AdaptivePolicy.make({ minSamples: 20 })
      yield* pollMany(
        policy,
        Array.from({ length: 19 }, () => 9_000),
      )
      assert.isUndefined(policy.planFor("ReCaptchaV2TaskProxyLess"))
      assert.strictEqual(yield* delayOf(policy, context()), CapSolver.polling.firstDelayMs)
      assert.strictEqual(
        yield* delayOf(policy, context({ attempt: 1, elapsedMs: 1_500, lastStatus: "processing" })),
        CapSolver.polling.intervalMs,
      )
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
      // A floor above the provider's advised first delay (1.5 s), so that it binds.
      const policy = AdaptivePolicy.make({ floor: "2 seconds" })
      assert.strictEqual(yield* delayOf(policy, context()), 2_000)
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
          return delay >= 2_000
        }),
      )
      assert.strictEqual(yield* delayOf(policy, context()), 2_000)
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
      const policy = AdaptivePolicy.make({ minSamples: 20 })
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
