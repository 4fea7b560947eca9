// Plain vitest: @effect/vitest imports node:assert, which a browser does not have.
import { Effect, Fiber, Stream } from "effect"
import { assert, describe, inject, it } from "vitest"
import {
  type BrowserClientOptions,
  ImageToTextTask,
  layer,
  Policy,
  ReCaptchaV2TaskProxyLess,
  SolveKit,
} from "../src/index.ts"
import { auditOf } from "./support/audit.ts"
import { PIXEL_PNG_BASE64, TEST_KEYS } from "./support/fixtures.ts"

const fastPolls = Policy.fixed("100 millis")

const modes: ReadonlyArray<{ readonly mode: string; readonly options: () => BrowserClientOptions }> = [
  { mode: "key mode", options: () => ({ apiKey: TEST_KEYS.valid, baseUrl: inject("emulatorUrl") }) },
  { mode: "relay mode", options: () => ({ relayUrl: inject("relayUrl") }) },
]

/** Runs a program against the layer for these options (fast polling). */
const run = <A, E>(options: BrowserClientOptions, program: Effect.Effect<A, E, SolveKit>): Promise<A> =>
  Effect.runPromise(program.pipe(Effect.provide(layer({ ...options, policy: fastPolls }))))

describe.each(modes)("BrowserClient.layer in $mode", ({ options }) => {
  it("provides SolveKit: an Effect program solves a recognition and a token task", () =>
    run(
      options(),
      Effect.gen(function* () {
        const solvekit = yield* SolveKit
        const recognised = yield* solvekit.solve(ImageToTextTask({ body: PIXEL_PNG_BASE64 }))
        assert.strictEqual(recognised.queries, 0)
        assert.isString(recognised.solution.text)
        const token = yield* solvekit.solve(
          ReCaptchaV2TaskProxyLess({
            websiteURL: "https://shop.example.com/",
            websiteKey: "emulator-solve-ms-200",
          }),
        )
        assert.include(token.solution.gRecaptchaResponse, token.taskId)
      }),
    ))

  it("interrupting a solve mid-poll stops its queries", () =>
    run(
      options(),
      Effect.gen(function* () {
        const solvekit = yield* SolveKit
        const task = ReCaptchaV2TaskProxyLess({
          websiteURL: "https://shop.example.com/",
          websiteKey: "emulator-solve-ms-600000",
        })
        // The task's id, once it has been polled twice.
        const polledTwice = solvekit.events.pipe(
          Stream.filter((event) => event._tag === "Polled" && event.queries === 2),
          Stream.runHead,
        )
        const watcher = yield* Effect.forkChild(polledTwice)
        yield* Effect.yieldNow
        const solving = yield* Effect.forkChild(solvekit.solve(task))
        const polled = yield* Fiber.join(watcher)
        yield* Fiber.interrupt(solving)
        const taskId = polled._tag === "Some" ? polled.value.taskId : undefined
        assert.isString(taskId)
        const atInterrupt = (yield* Effect.promise(() => auditOf(taskId!))).queries
        // A later solve polls several times at the same cadence; the interrupted one must stay silent meanwhile.
        const later = yield* solvekit.solve(
          ReCaptchaV2TaskProxyLess({
            websiteURL: "https://shop.example.com/",
            websiteKey: "emulator-solve-ms-500",
          }),
        )
        assert.isAtLeast(later.queries, 3)
        assert.strictEqual((yield* Effect.promise(() => auditOf(taskId!))).queries, atInterrupt)
      }),
    ))
})

describe("BrowserClient.layer", () => {
  it("fails with ConfigurationError when given neither a key nor a relay", async () => {
    const program = SolveKit.use((kit) => kit.getBalance()).pipe(Effect.provide(layer({} as never)))
    const error = await Effect.runPromise(Effect.flip(program))
    assert.strictEqual(error._tag, "ConfigurationError")
  })
})
