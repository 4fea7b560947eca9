import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Metric } from "effect"
import { TestClock } from "effect/testing"
import { afterEach, expect, it as itAsync } from "vitest"
import { CapSolver, type Provider } from "../src/domain/Provider.ts"
import { AntiCaptcha } from "../src/domain/providers/AntiCaptcha.ts"
import { CapMonsterCloud } from "../src/domain/providers/CapMonsterCloud.ts"
import { TwoCaptcha } from "../src/domain/providers/TwoCaptcha.ts"
import { ReCaptchaV2TaskProxyLess } from "../src/domain/tasks/ReCaptchaV2.ts"
import type { LifecycleEvent } from "../src/engine/Events.ts"
import { costTotal } from "../src/engine/Lifecycle.ts"
import * as Policy from "../src/engine/Policy.ts"
import { makePromiseClient, type SolveKitClient } from "../src/faces/PromiseClient.ts"
import { SolveKit } from "../src/faces/SolveKit.ts"
import * as Protocol from "../src/wire/Protocol.ts"
import * as Scripted from "./ScriptedTransport.ts"

const recaptcha = ReCaptchaV2TaskProxyLess({
  websiteURL: "https://example.test/login",
  websiteKey: "6Le-key",
})

/** Runs `program` on the TestClock, advancing virtual time until it settles. */
const settle = <A, E>(program: Effect.Effect<A, E>) =>
  Effect.gen(function* () {
    const fiber = yield* Effect.forkChild(program)
    yield* TestClock.adjust("20 minutes")
    return yield* Fiber.await(fiber)
  })

const solveAt = (
  provider: Provider,
  readyAnswer: Record<string, unknown>,
  onEvent?: (e: LifecycleEvent) => void,
) =>
  Effect.gen(function* () {
    const transport = Scripted.make({
      createTask: { json: { errorId: 0, taskId: provider.taskIdType === "number" ? 9001 : "task-9001" } },
      getTaskResult: {
        json: { errorId: 0, status: "ready", solution: { gRecaptchaResponse: "t" }, ...readyAnswer },
      },
    })
    return yield* settle(
      SolveKit.use((kit) => kit.solve(recaptcha, onEvent === undefined ? {} : { onEvent })).pipe(
        // The provider's advice as a fixed cadence: the first poll comes at its advised first delay.
        Effect.provide(Scripted.clientLayer(transport, { provider, policy: Policy.defaultPolicy })),
      ),
    )
  })

/** 2captcha.com/api-docs/get-task-result, "Task completed" example. */
const twoCaptchaExtras = {
  cost: "0.00299",
  ip: "1.2.3.4",
  createTime: 1_692_863_536,
  endTime: 1_692_863_556,
  solveCount: 1,
}

/** anti-captcha.com/apidoc/methods/getTaskResult example: cost and solveCount as strings. */
const antiCaptchaExtras = {
  cost: "0.000700",
  ip: "46.98.54.221",
  createTime: 1_472_205_564,
  endTime: 1_472_205_570,
  solveCount: "0",
}

describe("what a solve cost", () => {
  it.effect("carries 2Captcha's documented cost, timestamps, solveCount and ip on Solved", () =>
    Effect.gen(function* () {
      const exit = yield* solveAt(TwoCaptcha, twoCaptchaExtras)
      assert.isTrue(Exit.isSuccess(exit))
      if (Exit.isFailure(exit)) return
      assert.deepStrictEqual(exit.value.cost, {
        amount: 0.00299,
        currency: "USD",
        createdAt: 1_692_863_536_000,
        completedAt: 1_692_863_556_000,
        solveCount: 1,
        ip: "1.2.3.4",
      })
    }),
  )

  it.effect("reads Anti-Captcha's cost and solveCount sent as numeric strings", () =>
    Effect.gen(function* () {
      const exit = yield* solveAt(AntiCaptcha, antiCaptchaExtras)
      assert.isTrue(Exit.isSuccess(exit))
      if (Exit.isFailure(exit)) return
      assert.strictEqual(exit.value.cost?.amount, 0.0007)
      assert.strictEqual(exit.value.cost?.solveCount, 0)
      assert.strictEqual(exit.value.cost?.completedAt, 1_472_205_570_000)
    }),
  )

  for (const provider of [CapSolver, CapMonsterCloud]) {
    it.effect(`${provider.name}: a ready answer without a cost leaves Solved.cost out`, () =>
      Effect.gen(function* () {
        const exit = yield* solveAt(provider, {})
        assert.isTrue(Exit.isSuccess(exit))
        if (Exit.isSuccess(exit)) assert.isFalse("cost" in exit.value)
      }),
    )
  }

  it.effect("never fails a paid solve because an extra is malformed: unreadable fields are left out", () =>
    Effect.gen(function* () {
      const exit = yield* solveAt(AntiCaptcha, {
        cost: " 0.0012 ",
        ip: "<script>",
        createTime: "soon",
        endTime: { at: 1 },
        solveCount: -1,
      })
      assert.isTrue(Exit.isSuccess(exit))
      if (Exit.isSuccess(exit)) assert.deepStrictEqual(exit.value.cost, { amount: 0.0012, currency: "USD" })
    }),
  )

  it.effect("leaves the cost out when the cost itself cannot be read, and still solves", () =>
    Effect.gen(function* () {
      for (const cost of ["free", null, -0.5, { usd: 1 }, "", Number.POSITIVE_INFINITY]) {
        const exit = yield* solveAt(TwoCaptcha, { ...twoCaptchaExtras, cost })
        assert.isTrue(Exit.isSuccess(exit), String(cost))
        if (Exit.isSuccess(exit)) assert.isUndefined(exit.value.cost, String(cost))
      }
    }),
  )

  it.effect("drops an ip field that echoes the API key", () =>
    Effect.gen(function* () {
      const exit = yield* solveAt(TwoCaptcha, { ...twoCaptchaExtras, ip: Scripted.API_KEY })
      assert.isTrue(Exit.isSuccess(exit))
      if (Exit.isSuccess(exit)) {
        assert.isUndefined(exit.value.cost?.ip)
        assert.notInclude(JSON.stringify(exit.value), Scripted.API_KEY)
      }
    }),
  )

  it.effect("names the task's type and the instant its ready answer arrived on Solved", () =>
    Effect.gen(function* () {
      const exit = yield* solveAt(TwoCaptcha, twoCaptchaExtras)
      assert.isTrue(Exit.isSuccess(exit))
      if (Exit.isFailure(exit)) return
      assert.strictEqual(exit.value.taskType, "ReCaptchaV2TaskProxyLess")
      // 2Captcha's first poll comes after its advised 5 s: the ready answer arrives then.
      assert.strictEqual(exit.value.solvedAt, TwoCaptcha.polling.firstDelayMs)
    }),
  )

  it.effect("puts the amount and currency on the Solved event, never the ip", () =>
    Effect.gen(function* () {
      const events: Array<LifecycleEvent> = []
      yield* solveAt(TwoCaptcha, twoCaptchaExtras, (event) => events.push(event))
      const solved = events.find((event) => event._tag === "Solved")
      assert.deepStrictEqual(solved?._tag === "Solved" ? solved.cost : undefined, {
        amount: 0.00299,
        currency: "USD",
      })
      assert.notInclude(JSON.stringify(events), "1.2.3.4")
    }),
  )

  it.effect("leaves the Solved event without a cost when the provider sends none", () =>
    Effect.gen(function* () {
      const events: Array<LifecycleEvent> = []
      yield* solveAt(CapMonsterCloud, {}, (event) => events.push(event))
      const solved = events.find((event) => event._tag === "Solved")
      assert.isDefined(solved)
      assert.isFalse(solved !== undefined && "cost" in solved)
    }),
  )

  it.effect("adds each reported cost to solvekit_cost_total, by currency", () =>
    Effect.gen(function* () {
      const usd = Metric.withAttributes(costTotal, { currency: "USD" })
      const before = (yield* Metric.value(usd)).count
      yield* solveAt(TwoCaptcha, twoCaptchaExtras)
      yield* solveAt(AntiCaptcha, antiCaptchaExtras)
      yield* solveAt(CapSolver, {})
      assert.closeTo((yield* Metric.value(usd)).count - before, 0.00299 + 0.0007, 1e-12)
    }),
  )

  it.effect("carries the cost on a task resumed with waitForResult", () =>
    Effect.gen(function* () {
      const transport = Scripted.make({
        getTaskResult: {
          json: { errorId: 0, status: "ready", solution: { token: "t" }, ...twoCaptchaExtras },
        },
      })
      const exit = yield* settle(
        SolveKit.use((kit) =>
          kit.waitForResult({ taskId: "42", taskType: "AntiTurnstileTaskProxyLess" }),
        ).pipe(Effect.provide(Scripted.clientLayer(transport, { provider: TwoCaptcha }))),
      )
      assert.isTrue(Exit.isSuccess(exit))
      if (Exit.isFailure(exit)) return
      assert.strictEqual(exit.value.cost?.amount, 0.00299)
      assert.strictEqual(exit.value.taskType, "AntiTurnstileTaskProxyLess")
    }),
  )

  describe("Protocol.costOf", () => {
    it("reads a number or a numeric string, and nothing else", () => {
      assert.strictEqual(Protocol.costOf({ cost: 0.5 })?.amount, 0.5)
      assert.strictEqual(Protocol.costOf({ cost: "1e-3" })?.amount, 0.001)
      assert.isUndefined(Protocol.costOf({ cost: "0.5 USD" }))
      assert.isUndefined(Protocol.costOf({ cost: true }))
      assert.isUndefined(Protocol.costOf({}))
    })

    it("keeps an IPv6 address and refuses timestamps that name no plausible instant", () => {
      const cost = Protocol.costOf({ cost: 0, ip: "2001:db8::1", createTime: 12, endTime: 1e20 })
      assert.deepStrictEqual(cost, { amount: 0, currency: "USD", ip: "2001:db8::1" })
    })
  })
})

describe("what a solve cost, through the Promise face", () => {
  const clients: Array<SolveKitClient> = []
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()))
  })

  itAsync("resolves solve with the cost the provider reported", async () => {
    const transport = Scripted.make({
      createTask: { json: { errorId: 0, taskId: 5 } },
      getTaskResult: {
        json: { errorId: 0, status: "ready", solution: { gRecaptchaResponse: "t" }, ...antiCaptchaExtras },
      },
    })
    const client = makePromiseClient(
      Scripted.clientLayer(transport, {
        provider: AntiCaptcha,
        policy: Policy.fixed("1 millis", "1 millis"),
      }),
    )
    clients.push(client)
    const solved = await client.solve(recaptcha)
    expect(solved.cost).toEqual({
      amount: 0.0007,
      currency: "USD",
      createdAt: 1_472_205_564_000,
      completedAt: 1_472_205_570_000,
      solveCount: 0,
      ip: "46.98.54.221",
    })
    expect(typeof solved.solvedAt).toBe("number")
  })
})
