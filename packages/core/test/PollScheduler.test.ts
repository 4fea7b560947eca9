import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { ReCaptchaV2TaskProxyLess } from "../src/domain/tasks/ReCaptchaV2.ts"
import { DueHeap } from "../src/engine/lifecycle/DueHeap.ts"
import * as Policy from "../src/engine/Policy.ts"
import { SolveKit } from "../src/faces/SolveKit.ts"
import * as Scripted from "./ScriptedTransport.ts"

const recaptcha = ReCaptchaV2TaskProxyLess({
  websiteURL: "https://example.test/",
  websiteKey: "6Le-site-key",
})

const entry = (due: number) => ({ due, heapIndex: -1 })

describe("DueHeap", () => {
  it("hands entries back by due time, and an entry removed anywhere never comes back", () => {
    const heap = new DueHeap<{ due: number; heapIndex: number }>()
    const entries = [50, 10, 40, 30, 20, 60, 5].map(entry)
    for (const e of entries) heap.push(e)
    heap.remove(entries[2]!) // 40
    heap.remove(entries[6]!) // 5, the earliest
    const order: Array<number> = []
    for (let e = heap.pop(); e !== undefined; e = heap.pop()) order.push(e.due)
    assert.deepStrictEqual(order, [10, 20, 30, 50, 60])
    assert.strictEqual(entries[2]!.heapIndex, -1)
  })
})

/** A client whose tasks are created and then always processing, polled every second unless a call says. */
const neverReady = () => {
  const transport = Scripted.make({
    createTask: Scripted.created(),
    getTaskResult: Scripted.processing,
  })
  return { transport, layer: Scripted.clientLayer(transport, { policy: Policy.fixed("1 second") }) }
}

describe("the poll scheduler", () => {
  it.effect("a task due earlier than the one the scheduler sleeps for is queried at its own time", () =>
    Effect.gen(function* () {
      const { transport, layer } = neverReady()
      const program = Effect.gen(function* () {
        const kit = yield* SolveKit
        const slow = yield* Effect.forkChild(kit.solve(recaptcha, { policy: Policy.fixed("30 seconds") }))
        yield* TestClock.adjust("1 second")
        const fast = yield* Effect.forkChild(kit.solve(recaptcha))
        yield* TestClock.adjust("1 second")
        // The fast task (due at 2 s) woke the scheduler asleep until the slow one's 30 s.
        const firstQuery = transport.callsTo("getTaskResult")[0]
        assert.strictEqual(firstQuery?.at, 2_000)
        yield* Fiber.interrupt(slow)
        yield* Fiber.interrupt(fast)
      })
      yield* program.pipe(Effect.provide(layer))
    }),
  )

  it.effect("an interrupted wait sends nothing more, and the other waits go on", () =>
    Effect.gen(function* () {
      const { transport, layer } = neverReady()
      const program = Effect.gen(function* () {
        const kit = yield* SolveKit
        const left = yield* Effect.forkChild(kit.solve(recaptcha))
        const right = yield* Effect.forkChild(kit.solve(recaptcha))
        yield* TestClock.adjust("2 seconds")
        assert.strictEqual(transport.callsTo("getTaskResult").length, 4)
        yield* Fiber.interrupt(left)
        yield* TestClock.adjust("3 seconds")
        assert.strictEqual(transport.callsTo("getTaskResult").length, 7)
        yield* Fiber.interrupt(right)
        yield* TestClock.adjust("1 minute")
        assert.strictEqual(transport.callsTo("getTaskResult").length, 7)
      })
      yield* program.pipe(Effect.provide(layer))
    }),
  )
})
