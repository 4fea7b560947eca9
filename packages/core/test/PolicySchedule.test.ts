import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Exit, Fiber, Schedule } from "effect"
import { TestClock } from "effect/testing"
import { CapSolver } from "../src/domain/Provider.ts"
import { ReCaptchaV2TaskProxyLess } from "../src/domain/tasks/ReCaptchaV2.ts"
import * as Policy from "../src/engine/Policy.ts"
import { SolveKit } from "../src/faces/SolveKit.ts"
import * as Scripted from "./ScriptedTransport.ts"

const recaptcha = ReCaptchaV2TaskProxyLess({
  websiteURL: "https://example.test/",
  websiteKey: "6Le-site-key",
})

const solveOn = (transport: Scripted.ScriptedTransport, policy: Policy.PollPolicy) =>
  Effect.gen(function* () {
    const fiber = yield* SolveKit.use((kit) => kit.solve(recaptcha)).pipe(
      Effect.provide(Scripted.clientLayer(transport, { policy })),
      Effect.forkChild,
    )
    yield* TestClock.adjust("20 minutes")
    return yield* Fiber.await(fiber)
  })

const queryTimes = (transport: Scripted.ScriptedTransport) =>
  transport.callsTo("getTaskResult").map((call) => call.at - (transport.callsTo("createTask")[0]?.at ?? 0))

describe("Policy.fromSchedule", () => {
  it.effect("polls on the delays of an Effect Schedule", () =>
    Effect.gen(function* () {
      const transport = Scripted.make({
        createTask: Scripted.created(),
        getTaskResult: (n) => (n < 4 ? Scripted.processing : Scripted.ready()),
      })
      const exit = yield* solveOn(transport, Policy.fromSchedule(Schedule.exponential("1 second", 2)))
      assert.isTrue(Exit.isSuccess(exit))
      assert.deepStrictEqual(queryTimes(transport), [1_000, 3_000, 7_000, 15_000, 31_000])
    }),
  )

  it.effect("sees the poll context as the schedule's input", () =>
    Effect.gen(function* () {
      const seen: Array<string> = []
      const transport = Scripted.make({
        createTask: Scripted.created(),
        getTaskResult: (n) => (n < 2 ? Scripted.processing : Scripted.ready()),
      })
      const schedule = Schedule.spaced("2 seconds").pipe(
        Schedule.setInputType<Policy.PollContext>(),
        Schedule.tap(({ input }) => Effect.sync(() => seen.push(`${input.taskType}:${input.lastStatus}`))),
      )
      const exit = yield* solveOn(transport, Policy.fromSchedule(schedule))
      assert.isTrue(Exit.isSuccess(exit))
      assert.include(seen, "ReCaptchaV2TaskProxyLess:created")
      assert.include(seen, "ReCaptchaV2TaskProxyLess:processing")
    }),
  )

  it.effect("stops polling when the schedule ends, with a typed error that keeps the taskId", () =>
    Effect.gen(function* () {
      const transport = Scripted.make({ createTask: Scripted.created(), getTaskResult: Scripted.processing })
      const exit = yield* solveOn(
        transport,
        Policy.fromSchedule(Schedule.spaced("1 second").pipe(Schedule.upTo({ times: 3 }))),
      )
      assert.isTrue(Exit.isFailure(exit))
      const error = Exit.isFailure(exit) ? exit.cause.reasons.find((r) => r._tag === "Fail") : undefined
      const failure = (error as { readonly error: { _tag: string; taskId?: string } } | undefined)?.error
      assert.strictEqual(failure?._tag, "TaskDeadlineError")
      assert.strictEqual(failure?.taskId, "task-1")
      assert.strictEqual(transport.callsTo("getTaskResult").length, 3)
    }),
  )

  it.effect("cannot push the lifecycle past the query budget, whatever the schedule says", () =>
    Effect.gen(function* () {
      const transport = Scripted.make({ createTask: Scripted.created(), getTaskResult: Scripted.processing })
      const exit = yield* solveOn(transport, Policy.fromSchedule(Schedule.spaced(Duration.millis(1))))
      assert.isTrue(Exit.isFailure(exit))
      assert.strictEqual(transport.callsTo("getTaskResult").length, CapSolver.limits.maxQueriesPerTask)
    }),
  )
})
