import { assert, describe, it } from "@effect/vitest"
import { serve } from "@solvekit/emulator/node"
import { ConfigProvider, Effect, Layer } from "effect"
import { afterAll, beforeAll } from "vitest"
import { ImageToTextTask, layer, Policy, ReCaptchaV2TaskProxyLess, SolveKit } from "../src/index.ts"
import { startCountingForwarder } from "./support/servers.ts"

const KEY = "SENTINEL-LAYER-KEY-2b7d"
const fast = Policy.fixed("15 millis")

let emulator: Awaited<ReturnType<typeof serve>>
beforeAll(async () => {
  emulator = await serve({ keys: [KEY] })
})
afterAll(async () => {
  await emulator.close()
})

const solveOne = Effect.gen(function* () {
  const solvekit = yield* SolveKit
  const { solution, taskId } = yield* solvekit.solve(
    ReCaptchaV2TaskProxyLess({ websiteURL: "https://example.com", websiteKey: "emulator-instant" }),
  )
  return { token: solution.gRecaptchaResponse, taskId }
})

const envProvider = (env: Record<string, string>) => ConfigProvider.layer(ConfigProvider.fromEnv({ env }))

describe("layer", () => {
  it.live("provides SolveKit to Effect programs from options", () =>
    Effect.gen(function* () {
      const { token, taskId } = yield* solveOne
      assert.isString(token)
      assert.isTrue(emulator.emulator.task(taskId) !== undefined)
    }).pipe(Effect.provide(layer({ apiKey: KEY, baseUrl: emulator.url, policy: fast }))),
  )

  it.live("reads the key and base URL from the ambient ConfigProvider", () =>
    Effect.gen(function* () {
      const solvekit = yield* SolveKit
      const { solution } = yield* solvekit.solve(ImageToTextTask({ body: "aGVsbG8gd29ybGQ=" }))
      assert.isString(solution.text)
    }).pipe(
      Effect.provide(layer({ policy: fast })),
      Effect.provide(envProvider({ CAPSOLVER_API_KEY: KEY, CAPSOLVER_BASE_URL: emulator.url })),
    ),
  )

  it.live("fails with ConfigurationError when no key is configured", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(solveOne.pipe(Effect.provide(layer({ baseUrl: emulator.url }))))
      assert.strictEqual(error._tag, "ConfigurationError")
      assert.include(error.message, "CAPSOLVER_API_KEY")
      assert.include(error.message, "{ apiKey }")
    }).pipe(Effect.provide(envProvider({}))),
  )

  it.live("keeps two clients with different keys apart, even when one is provided inside the other", () =>
    Effect.gen(function* () {
      const balanceWith = (apiKey: string) =>
        Effect.result(SolveKit.use((solvekit) => solvekit.getBalance())).pipe(
          Effect.provide(layer({ apiKey, baseUrl: emulator.url })),
        )
      const outer = yield* balanceWith(KEY)
      const inner = yield* balanceWith("SENTINEL-OTHER-ACCOUNT")
      assert.strictEqual(outer._tag, "Success")
      assert.strictEqual(inner._tag, "Failure")
    }).pipe(Effect.provide(layer({ apiKey: KEY, baseUrl: emulator.url }))),
  )

  it.live("closes its kept-alive connections when the layer is released", () =>
    Effect.gen(function* () {
      const forwarder = yield* Effect.acquireRelease(
        Effect.promise(() => startCountingForwarder(emulator.url)),
        (f) => Effect.promise(() => f.close()),
      )
      yield* Effect.scoped(
        Effect.gen(function* () {
          const context = yield* Layer.build(layer({ apiKey: KEY, baseUrl: forwarder.url, policy: fast }))
          yield* solveOne.pipe(Effect.provide(context))
          assert.strictEqual(forwarder.open(), 1)
        }),
      )
      yield* Effect.promise(() => waitUntil(() => forwarder.open() === 0))
      assert.strictEqual(forwarder.connections, 1)
    }),
  )
})

const waitUntil = async (condition: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5))
  if (!condition()) throw new Error("condition not met")
}
