import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Exit, Redacted } from "effect"
import { CapSolver } from "../src/domain/Provider.ts"
import type * as AdaptivePolicy from "../src/engine/AdaptivePolicy.ts"
import * as ClientConfig from "../src/engine/ClientConfig.ts"
import * as Policy from "../src/engine/Policy.ts"

const env = (record: Record<string, string>) =>
  ConfigProvider.fromEnv({ env: record }).pipe(ConfigProvider.nested("SOLVEKIT"), ConfigProvider.constantCase)

const failureMessage = <A>(exit: Exit.Exit<A, { readonly message: string; readonly _tag: string }>) => {
  assert.isTrue(Exit.isFailure(exit))
  if (Exit.isSuccess(exit)) return ""
  const fail = exit.cause.reasons.find((r) => r._tag === "Fail") as {
    error: { _tag: string; message: string }
  }
  assert.strictEqual(fail.error._tag, "ConfigurationError")
  return fail.error.message
}

describe("ClientConfig", () => {
  it.effect("builds a redacted key and the provider's defaults from minimal options", () =>
    Effect.gen(function* () {
      const config = yield* ClientConfig.fromOptions({ apiKey: "sk-abc" })
      assert.isTrue(Redacted.isRedacted(config.apiKey))
      assert.strictEqual(Redacted.value(config.apiKey), "sk-abc")
      assert.notInclude(String(config.apiKey), "sk-abc")
      assert.strictEqual(config.provider, CapSolver)
      assert.strictEqual(config.baseUrl, "https://api.capsolver.com")
      assert.match(config.policy.name, /^adaptive\(/)
      assert.strictEqual(Policy.default, Policy.defaultPolicy)
      assert.strictEqual(config.maxConcurrentRequests, ClientConfig.DEFAULT_MAX_CONCURRENT_REQUESTS)
      assert.isUndefined(config.timeout)
    }),
  )

  it.effect("takes options first, then the fallback provider (e.g. the environment)", () =>
    Effect.gen(function* () {
      const fallback = env({
        SOLVEKIT_API_KEY: "from-env",
        SOLVEKIT_BASE_URL: "http://127.0.0.1:9999/",
        SOLVEKIT_MAX_CONCURRENT_REQUESTS: "4",
        SOLVEKIT_TIMEOUT: "90 seconds",
      })
      const fromEnv = yield* ClientConfig.fromOptions({}, { fallback })
      assert.strictEqual(Redacted.value(fromEnv.apiKey), "from-env")
      assert.strictEqual(fromEnv.baseUrl, "http://127.0.0.1:9999")
      assert.strictEqual(fromEnv.maxConcurrentRequests, 4)
      assert.strictEqual(Duration.toMillis(fromEnv.timeout ?? Duration.zero), 90_000)
      const overridden = yield* ClientConfig.fromOptions(
        { apiKey: "from-options", maxConcurrentRequests: 8 },
        { fallback },
      )
      assert.strictEqual(Redacted.value(overridden.apiKey), "from-options")
      assert.strictEqual(overridden.maxConcurrentRequests, 8)
      assert.strictEqual(overridden.baseUrl, "http://127.0.0.1:9999")
    }),
  )

  it.effect("a missing key fails with a ConfigurationError that says how to set it", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(
        ClientConfig.fromOptions(
          {},
          { fallback: env({}), missingKeyHint: "set the SOLVEKIT_API_KEY environment variable" },
        ),
      )
      const message = failureMessage(exit)
      assert.include(message, "apiKey")
      assert.include(message, "SOLVEKIT_API_KEY")
    }),
  )

  it.effect("an empty key is a missing key", () =>
    Effect.gen(function* () {
      const message = failureMessage(yield* Effect.exit(ClientConfig.fromOptions({ apiKey: "  " })))
      assert.include(message, "No API key")
    }),
  )

  it.effect("keyless mode needs no key, reads none from the environment, and refuses one given", () =>
    Effect.gen(function* () {
      const fallback = env({ SOLVEKIT_API_KEY: "from-env", SOLVEKIT_BASE_URL: "http://relay.test/captcha" })
      const config = yield* ClientConfig.fromOptions({ keyless: true }, { fallback })
      assert.isTrue(config.keyless)
      assert.strictEqual(Redacted.value(config.apiKey), "")
      assert.strictEqual(config.baseUrl, "http://relay.test/captcha")
      const made = yield* ClientConfig.make({ keyless: true, baseUrl: "https://relay.test" })
      assert.isTrue(made.keyless)
      const keyed = yield* ClientConfig.fromOptions({ apiKey: "sk-abc" })
      assert.isFalse(keyed.keyless)
      for (const attempt of [
        ClientConfig.fromOptions({ keyless: true, apiKey: "sk-secret" }),
        ClientConfig.make({ keyless: true, apiKey: "sk-secret" }),
      ]) {
        const message = failureMessage(yield* Effect.exit(attempt))
        assert.include(message, "keyless")
        assert.notInclude(message, "sk-secret")
      }
    }),
  )

  it.effect(
    "a malformed, negative or NaN timeout option is a ConfigurationError naming timeout, not a throw",
    () =>
      Effect.gen(function* () {
        for (const timeout of ["2 minuts" as Duration.Input, -5, Number.NaN]) {
          const viaOptions = failureMessage(
            yield* Effect.exit(ClientConfig.fromOptions({ apiKey: "sk-abc", timeout })),
          )
          assert.include(viaOptions, "timeout")
          const viaMake = failureMessage(yield* Effect.exit(ClientConfig.make({ apiKey: "sk-abc", timeout })))
          assert.include(viaMake, "timeout")
        }
      }),
  )

  it.effect("rejects a malformed setting by name without echoing the key", () =>
    Effect.gen(function* () {
      const bad = failureMessage(
        yield* Effect.exit(ClientConfig.fromOptions({ apiKey: "sk-secret", maxConcurrentRequests: 0 })),
      )
      assert.include(bad, "maxConcurrentRequests")
      assert.notInclude(bad, "sk-secret")
      const url = failureMessage(
        yield* Effect.exit(ClientConfig.fromOptions({ apiKey: "sk-secret", baseUrl: "ftp://x" })),
      )
      assert.include(url, "baseUrl")
      const envBad = failureMessage(
        yield* Effect.exit(
          ClientConfig.fromOptions(
            {},
            { fallback: env({ SOLVEKIT_API_KEY: "k", SOLVEKIT_MAX_CONCURRENT_REQUESTS: "many" }) },
          ),
        ),
      )
      assert.include(envBad, "maxConcurrentRequests")
    }),
  )

  it.effect("layerConfig reads the ambient ConfigProvider", () =>
    Effect.gen(function* () {
      const config = yield* ClientConfig.ClientConfig.pipe(
        Effect.provide(ClientConfig.layerConfig()),
        Effect.provideService(
          ConfigProvider.ConfigProvider,
          ConfigProvider.fromUnknown({ apiKey: "ambient" }),
        ),
      )
      assert.strictEqual(Redacted.value(config.apiKey), "ambient")
    }),
  )

  it.effect("gives each client its own learned policy by default, and keeps a policy it is given", () =>
    Effect.gen(function* () {
      const first = yield* ClientConfig.make({ apiKey: "k" })
      const second = yield* ClientConfig.fromOptions({ apiKey: "k" })
      // A learned policy holds its client's history: two clients never share one.
      assert.notStrictEqual(first.policy, second.policy)
      for (const config of [first, second]) {
        const policy = config.policy as AdaptivePolicy.AdaptivePolicy
        assert.isFunction(policy.planFor)
        assert.deepStrictEqual(policy.taskTypes(), [])
      }
      const fixed = Policy.fixed("2 seconds")
      assert.strictEqual((yield* ClientConfig.make({ apiKey: "k", policy: fixed })).policy, fixed)
    }),
  )

  it.effect("merges partial retry settings over the defaults", () =>
    Effect.gen(function* () {
      const config = yield* ClientConfig.make({ apiKey: "k", retry: { maxRetries: 1 } })
      assert.deepStrictEqual(config.retry, { ...Policy.defaultRetry, maxRetries: 1 })
    }),
  )
})
