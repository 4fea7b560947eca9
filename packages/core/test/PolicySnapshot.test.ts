import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Result } from "effect"
import * as Schema from "effect/Schema"
import { TestClock } from "effect/testing"
import { afterEach, expect, it as itAsync } from "vitest"
import { ConfigurationError, isConfigurationError } from "../src/domain/Errors.ts"
import { CapSolver } from "../src/domain/Provider.ts"
import { ReCaptchaV2TaskProxyLess } from "../src/domain/tasks/ReCaptchaV2.ts"
import * as AdaptivePolicy from "../src/engine/AdaptivePolicy.ts"
import * as Policy from "../src/engine/Policy.ts"
import * as PolicySnapshot from "../src/engine/PolicySnapshot.ts"
import { makePromiseClient, type SolveKitClient } from "../src/faces/PromiseClient.ts"
import { SolveKit } from "../src/faces/SolveKit.ts"
import * as Scripted from "./ScriptedTransport.ts"

const TYPE = "ReCaptchaV2TaskProxyLess"

type JsonObject = Record<string, unknown>
const SECRET_PAGE = "https://secret-page.example/checkout?session=s3cr3t"

const task = ReCaptchaV2TaskProxyLess({ websiteURL: SECRET_PAGE, websiteKey: "6Le-site-key" })

/** Ready times (ms) around 15 s: slower than the prior's range midpoint, so a learned plan differs from it. */
const readyTimes = Array.from({ length: 40 }, (_, i) => 12_000 + ((i * 7_919) % 6_000))

/**
 * A provider whose n-th task (`task-n`) becomes ready `readyMs(n)` after its createTask: it answers
 * "processing" until then. Every call is recorded with its TestClock time.
 */
const provider = (readyMs: (n: number) => number) => {
  const createdAt = new Map<string, number>()
  return Scripted.make({
    createTask: (n, call) => {
      createdAt.set(`task-${n}`, call.at)
      return Scripted.created(`task-${n}`)
    },
    getTaskResult: (_, call) => {
      const id = String(call.body.taskId)
      const index = Number(id.slice("task-".length))
      return call.at - (createdAt.get(id) ?? call.at) >= readyMs(index)
        ? Scripted.ready()
        : Scripted.processing
    },
  })
}

/** One solve on the TestClock: started, the clock moved past any result window, its exit. */
const solveNow = (kit: SolveKit["Service"]) =>
  Effect.gen(function* () {
    const fiber = yield* Effect.forkChild(kit.solve(task))
    yield* TestClock.adjust("6 minutes")
    return yield* Fiber.await(fiber)
  })

/** Milliseconds from the last createTask to the first getTaskResult after it. */
const firstQueryOfLastTask = (transport: Scripted.ScriptedTransport): number => {
  const created = transport.callsTo("createTask").at(-1)?.at ?? Number.NaN
  const first = transport.callsTo("getTaskResult").find((call) => call.at >= created)
  return (first?.at ?? Number.NaN) - created
}

const failureOf = <A>(exit: Exit.Exit<A, unknown>): unknown =>
  Exit.isFailure(exit) ? exit.cause.reasons.find((r) => r._tag === "Fail")?.error : undefined

describe("policy snapshots", () => {
  it.effect("a client restored from a snapshot makes its first query when the client that learned does", () =>
    Effect.gen(function* () {
      // The learner: a client with the default policy solves 40 tasks, then saves what it learned.
      const learned = provider((n) => readyTimes[n % readyTimes.length]!)
      const { saved, learnerFirst } = yield* Effect.gen(function* () {
        const kit = yield* SolveKit
        for (let i = 0; i < readyTimes.length; i++) assert.isTrue(Exit.isSuccess(yield* solveNow(kit)))
        const saved = JSON.stringify(yield* kit.policySnapshot())
        yield* solveNow(kit)
        return { saved, learnerFirst: firstQueryOfLastTask(learned) }
      }).pipe(Effect.provide(Scripted.clientLayer(learned)))
      const prior = AdaptivePolicy.priorPlan(CapSolver.polling.intervalMs)
      assert.notStrictEqual(learnerFirst, prior.firstMs)

      // A new client (a restarted process) restores the JSON and solves its very first task.
      const fresh = provider(() => 15_000)
      const restoredFirst = yield* Effect.gen(function* () {
        const kit = yield* SolveKit
        yield* kit.restorePolicy(JSON.parse(saved))
        yield* solveNow(kit)
        return firstQueryOfLastTask(fresh)
      }).pipe(Effect.provide(Scripted.clientLayer(fresh)))
      assert.strictEqual(restoredFirst, learnerFirst)

      // Without the snapshot, a new client starts on the prior.
      const cold = provider(() => 15_000)
      yield* SolveKit.use(solveNow).pipe(Effect.provide(Scripted.clientLayer(cold)))
      assert.strictEqual(firstQueryOfLastTask(cold), prior.firstMs)
    }),
  )

  it.effect(
    "holds per task type the completions and the plan, as plain JSON with no ids, keys or pages",
    () =>
      Effect.gen(function* () {
        const transport = provider((n) => readyTimes[n % readyTimes.length]!)
        const snapshot = yield* Effect.gen(function* () {
          const kit = yield* SolveKit
          for (let i = 0; i < 25; i++) yield* solveNow(kit)
          return yield* kit.policySnapshot()
        }).pipe(Effect.provide(Scripted.clientLayer(transport)))
        assert.strictEqual(snapshot.version, 1)
        assert.deepStrictEqual(Object.keys(snapshot.types), [TYPE])
        const entry = snapshot.types[TYPE]!
        assert.strictEqual(entry.intervalMs, CapSolver.polling.intervalMs)
        assert.strictEqual(entry.completions.length, 25)
        assert.isDefined(entry.plan)
        const json = JSON.stringify(snapshot)
        assert.deepStrictEqual(JSON.parse(json), snapshot)
        for (const secret of [Scripted.API_KEY, "task-", "secret-page", "s3cr3t", "6Le-site-key"]) {
          assert.notInclude(json, secret)
        }
      }),
  )

  it.effect("refuses what is not a snapshot with a ConfigurationError and restores none of it", () =>
    Effect.gen(function* () {
      const policy = AdaptivePolicy.make()
      const good = {
        intervalMs: 3_000,
        completions: Array.from({ length: 30 }, (_, i) => [9_000 + i * 100, 11_000 + i * 100, 4]),
      }
      const refused: ReadonlyArray<unknown> = [
        "{ not json",
        null,
        42,
        [],
        {},
        { version: 2, types: {} },
        { version: 1 },
        { version: 1, types: [] },
        { version: 1, types: { [TYPE]: { ...good, intervalMs: 0 } } },
        { version: 1, types: { [TYPE]: { ...good, completions: [[5_000, 4_000, 2]] } } },
        { version: 1, types: { [TYPE]: { ...good, completions: [[-1, 4_000, 2]] } } },
        { version: 1, types: { [TYPE]: { ...good, completions: [[1_000, 4_000, 0]] } } },
        { version: 1, types: { [TYPE]: { ...good, completions: [[1_000, Number.NaN, 2]] } } },
        { version: 1, types: { [TYPE]: { ...good, completions: [[1_000, 4_000]] } } },
        { version: 1, types: { [TYPE]: { ...good, completions: Array(10_001).fill([1, 2, 1]) } } },
        { version: 1, types: { [TYPE]: { ...good, plan: { firstMs: 5_000, gapMs: 0, tailFromMs: 9_000 } } } },
        { version: 1, types: { ["T".repeat(201)]: good } },
        { version: 1, types: { "": good } },
        // One good type next to a bad one: nothing at all is restored.
        { version: 1, types: { [TYPE]: good, Other: { ...good, intervalMs: "3 s" } } },
      ]
      yield* SolveKit.use((kit) =>
        Effect.gen(function* () {
          for (const input of refused) {
            const failure = failureOf(yield* Effect.exit(kit.restorePolicy(input)))
            assert.instanceOf(failure, ConfigurationError, JSON.stringify(input)?.slice(0, 80))
            assert.isTrue(isConfigurationError(failure))
          }
          assert.deepStrictEqual(yield* kit.policySnapshot(), PolicySnapshot.empty())
          // The same good entry on its own is restored.
          yield* kit.restorePolicy({ version: 1, types: { [TYPE]: good } })
        }),
      ).pipe(Effect.provide(Scripted.clientLayer(Scripted.make({}), { policy })))
      assert.strictEqual(policy.samplesFor(TYPE), 30)
      assert.isDefined(policy.planFor(TYPE))
    }),
  )

  // The bounds are plain filters (smaller in a page than Effect's checks): they must still read as those checks.
  it("says what is out of bounds as Effect's checks do, and describes the bounds in JSON Schema", () => {
    const good = { intervalMs: 3_000, completions: [[1, 2, 1]] }
    const detail = (input: unknown) => {
      const decoded = PolicySnapshot.decode(input)
      return Result.isFailure(decoded) ? decoded.failure.detail : "decoded"
    }
    expect(detail({ version: 1, types: { [TYPE]: { ...good, intervalMs: 0 } } })).toContain(
      "Expected a value between 1 and 3600000",
    )
    expect(
      detail({ version: 1, types: { [TYPE]: { ...good, completions: Array(10_001).fill([1, 2, 1]) } } }),
    ).toContain("Expected a value with a length of at most 10000")
    const many = Object.fromEntries(Array.from({ length: 1_001 }, (_, i) => [`T${i}`, good]))
    expect(detail({ version: 1, types: many })).toContain("Expected a value with at most 1000 entries")

    const { schema } = Schema.toJsonSchemaDocument(PolicySnapshot.PolicySnapshotSchema) as unknown as {
      schema: { properties: { types: JsonObject } }
    }
    const types = schema.properties.types
    expect(types.maxProperties).toBe(1_000)
    const entry = types.additionalProperties as { properties: Record<string, JsonObject> }
    expect(entry.properties.intervalMs).toMatchObject({ minimum: 1, maximum: 3_600_000 })
    expect(entry.properties.completions).toMatchObject({ maxItems: 10_000 })
  })

  it("keeps a restored type named __proto__ as a task type, not a prototype", () => {
    const policy = AdaptivePolicy.make()
    const json = `{"version":1,"types":{"__proto__":{"intervalMs":3000,"completions":[[9000,11000,4]]}}}`
    assert.isTrue(Result.isSuccess(PolicySnapshot.restoreInto(policy, json)))
    assert.strictEqual(policy.samplesFor("__proto__"), 1)
    const again = JSON.parse(JSON.stringify(policy.snapshot()))
    assert.deepStrictEqual(Object.keys(again.types), ["__proto__"])
    assert.strictEqual(Object.getPrototypeOf(again.types), Object.prototype)
  })

  it("keeps the most recent completions a policy can hold, and fits a plan a snapshot lacks", () => {
    const policy = AdaptivePolicy.make({ window: 50, minSamples: 20 })
    const completions = Array.from({ length: 120 }, (_, i) => [i * 100, 10_000 + i * 100, 4] as const)
    policy.restore({ version: 1, types: { [TYPE]: { intervalMs: 3_000, completions } } })
    assert.strictEqual(policy.samplesFor(TYPE), 50)
    assert.deepStrictEqual(policy.snapshot().types[TYPE]?.completions, completions.slice(-50))
    // No plan in the snapshot, but enough completions: the type is warm from its next task.
    assert.isDefined(policy.planFor(TYPE))
  })

  it.effect("is empty for a policy that does not learn, which takes a valid snapshot as a no-op", () =>
    Effect.gen(function* () {
      yield* SolveKit.use((kit) =>
        Effect.gen(function* () {
          assert.deepStrictEqual(yield* kit.policySnapshot(), { version: 1, types: {} })
          yield* kit.restorePolicy({ version: 1, types: { [TYPE]: { intervalMs: 3_000, completions: [] } } })
          assert.deepStrictEqual(yield* kit.policySnapshot(), { version: 1, types: {} })
          assert.isTrue(
            isConfigurationError(failureOf(yield* Effect.exit(kit.restorePolicy({ version: 3 })))),
          )
        }),
      ).pipe(Effect.provide(Scripted.clientLayer(Scripted.make({}), { policy: Policy.fixed("3 seconds") })))
    }),
  )
})

describe("policy snapshots on the Promise client", () => {
  const clients: Array<SolveKitClient> = []
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()))
  })

  itAsync("saves and restores through policySnapshot() and restorePolicy(json)", async () => {
    const learner = AdaptivePolicy.make()
    learner.restore({
      version: 1,
      types: {
        [TYPE]: {
          intervalMs: 3_000,
          completions: Array.from({ length: 40 }, (_, i) => [12_000 + i * 50, 14_000 + i * 50, 5] as const),
        },
      },
    })
    const saving = makePromiseClient(Scripted.clientLayer(Scripted.make({}), { policy: learner }))
    clients.push(saving)
    const saved = JSON.stringify(await saving.policySnapshot())

    const restored = AdaptivePolicy.make()
    const restoring = makePromiseClient(Scripted.clientLayer(Scripted.make({}), { policy: restored }))
    clients.push(restoring)
    await restoring.restorePolicy(saved)
    expect(restored.planFor(TYPE)).toEqual(learner.planFor(TYPE))

    const error = await restoring
      .restorePolicy({ version: 1, types: { [TYPE]: "x" } })
      .catch((e: unknown) => e)
    expect(isConfigurationError(error)).toBe(true)
    expect((error as Error).message).toMatch(/policy snapshot/)
    expect(restored.planFor(TYPE)).toEqual(learner.planFor(TYPE))
  })
})
