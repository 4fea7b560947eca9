import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Exit, Redacted } from "effect"
import { CapSolver, make, type Provider } from "../src/domain/Provider.ts"
import * as ProviderEnvironment from "../src/domain/ProviderEnvironment.ts"
import { AntiCaptcha } from "../src/domain/providers/AntiCaptcha.ts"
import { CapMonsterCloud } from "../src/domain/providers/CapMonsterCloud.ts"
import { TwoCaptcha } from "../src/domain/providers/TwoCaptcha.ts"
import * as ClientConfig from "../src/engine/ClientConfig.ts"
import * as Index from "../src/index.ts"

const builtIn: ReadonlyArray<readonly [Provider, string]> = [
  [CapSolver, "CAPSOLVER"],
  [TwoCaptcha, "TWOCAPTCHA"],
  [AntiCaptcha, "ANTICAPTCHA"],
  [CapMonsterCloud, "CAPMONSTER"],
]

const customOptions = {
  name: "Acme Solver",
  baseUrl: "https://api.acme.test///",
  endpoints: { createTask: "createTask", getTaskResult: "getTaskResult", getBalance: "getBalance" },
  limits: { maxQueriesPerTask: 120, resultWindowMs: 300_000, safetyMarginMs: 10_000 },
  polling: { firstDelayMs: 1_000, intervalMs: 2_000 },
  taskIdType: "string",
  errorCodes: { error_key_denied: "Auth" },
  transientCodes: ["error_busy"],
} as const

const custom = (envPrefix?: string): Provider =>
  make({ ...customOptions, ...(envPrefix === undefined ? {} : { envPrefix }) })

const failureMessage = <A>(exit: Exit.Exit<A, { readonly message: string }>): string => {
  assert.isTrue(Exit.isFailure(exit), "expected a failure")
  if (Exit.isSuccess(exit)) return ""
  const fail = exit.cause.reasons.find((r) => r._tag === "Fail") as { error: { message: string } }
  return fail.error.message
}

/** Every built-in provider's five settings, each value naming the variable it came from. */
/**
 * The developer id set for each provider: CapSolver's `appId` takes any string, the others' `softId` only an
 * integer (a distinct one per provider).
 */
const appIdOf = (prefix: string) =>
  prefix === "CAPSOLVER" ? `${prefix}-app` : String(prefix.length * 1_000 + prefix.charCodeAt(0))

const everyProvidersVariables = Object.fromEntries(
  builtIn.flatMap(([, prefix]) => [
    [`${prefix}_API_KEY`, `${prefix}-key`],
    [`${prefix}_BASE_URL`, `http://${prefix.toLowerCase()}.test`],
    [`${prefix}_APP_ID`, appIdOf(prefix)],
    [`${prefix}_MAX_CONCURRENT_REQUESTS`, String(prefix.length)],
    [`${prefix}_TIMEOUT`, `${prefix.length} seconds`],
  ]),
)

describe("provider environment prefixes", () => {
  it("each built-in provider carries its own prefix, the same value through the package index", () => {
    for (const [provider, prefix] of builtIn) assert.strictEqual(provider.envPrefix, prefix, provider.name)
    assert.strictEqual(Index.CapSolver.envPrefix, "CAPSOLVER")
    assert.strictEqual(Index.TwoCaptcha.envPrefix, "TWOCAPTCHA")
    assert.strictEqual(Index.AntiCaptcha.envPrefix, "ANTICAPTCHA")
    assert.strictEqual(Index.CapMonsterCloud.envPrefix, "CAPMONSTER")
  })

  it("make keeps a given prefix, gives none when none is given, and keeps its code tables off the value", () => {
    const withPrefix = custom("ACME")
    assert.strictEqual(withPrefix.envPrefix, "ACME")
    assert.isUndefined(custom().envPrefix)
    assert.strictEqual(withPrefix.name, "Acme Solver")
    assert.strictEqual(withPrefix.baseUrl, "https://api.acme.test")
    assert.deepStrictEqual(withPrefix.alternateBaseUrls, [])
    assert.strictEqual(withPrefix.taskIdType, "string")
    assert.strictEqual(withPrefix.classify(" ERROR_KEY_DENIED "), "Auth")
    assert.isTrue(withPrefix.isTransient("Error_Busy"))
    assert.strictEqual(withPrefix.taskTypeName("ReCaptchaV2TaskProxyLess"), "ReCaptchaV2TaskProxyLess")
    for (const internal of ["errorCodes", "transientCodes", "taskTypeNames"]) {
      assert.isFalse(Object.hasOwn(withPrefix, internal), internal)
    }
  })

  it("variablesOf names the five variables under the provider's prefix, key first", () => {
    assert.deepStrictEqual(ProviderEnvironment.variablesOf(AntiCaptcha), {
      prefix: "ANTICAPTCHA",
      apiKey: "ANTICAPTCHA_API_KEY",
      baseUrl: "ANTICAPTCHA_BASE_URL",
      appId: "ANTICAPTCHA_APP_ID",
      maxConcurrentRequests: "ANTICAPTCHA_MAX_CONCURRENT_REQUESTS",
      timeout: "ANTICAPTCHA_TIMEOUT",
      all: [
        "ANTICAPTCHA_API_KEY",
        "ANTICAPTCHA_BASE_URL",
        "ANTICAPTCHA_APP_ID",
        "ANTICAPTCHA_MAX_CONCURRENT_REQUESTS",
        "ANTICAPTCHA_TIMEOUT",
      ],
    })
    assert.strictEqual(ProviderEnvironment.variablesOf(CapSolver)?.apiKey, "CAPSOLVER_API_KEY")
  })

  it("a provider without a prefix, or with one that is not capital letters, digits and underscores, has no variables", () => {
    for (const prefix of [
      undefined,
      "",
      "capsolver",
      "ANTI-CAPTCHA",
      "1CAPTCHA",
      "CAP SOLVER",
      "CAPSOLVER=",
    ]) {
      assert.isUndefined(ProviderEnvironment.variablesOf(custom(prefix)), String(prefix))
      assert.isUndefined(
        ProviderEnvironment.settingsIn(
          ConfigProvider.fromEnv({ env: everyProvidersVariables }),
          custom(prefix),
        ),
      )
    }
    // Spread from a built-in provider, a custom one keeps that provider's prefix unless it says otherwise.
    assert.strictEqual(
      ProviderEnvironment.variablesOf({ ...CapSolver, name: "CapSolver mirror" })?.apiKey,
      "CAPSOLVER_API_KEY",
    )
    assert.isUndefined(ProviderEnvironment.variablesOf({ ...CapSolver, envPrefix: undefined }))
  })

  it.effect("each provider reads every setting from its own variables and none from another provider's", () =>
    Effect.gen(function* () {
      const env = ConfigProvider.fromEnv({ env: everyProvidersVariables })
      for (const [provider, prefix] of builtIn) {
        const config = yield* ClientConfig.fromOptions(
          { provider },
          { fallback: ProviderEnvironment.settingsIn(env, provider) },
        )
        assert.strictEqual(Redacted.value(config.apiKey), `${prefix}-key`)
        assert.strictEqual(config.baseUrl, `http://${prefix.toLowerCase()}.test`)
        assert.strictEqual(config.appId, appIdOf(prefix))
        assert.strictEqual(config.maxConcurrentRequests, prefix.length)
        assert.strictEqual(
          config.timeout === undefined ? undefined : Duration.toMillis(config.timeout),
          prefix.length * 1_000,
        )
      }
    }),
  )

  it.effect(
    "a provider without a prefix reads nothing: its key must be an option, and the error says why",
    () =>
      Effect.gen(function* () {
        const acme = custom()
        const env = ConfigProvider.fromEnv({ env: everyProvidersVariables })
        const exit = yield* Effect.exit(
          ClientConfig.fromOptions(
            { provider: acme },
            {
              fallback: ProviderEnvironment.settingsIn(env, acme),
              missingKeyHint: ProviderEnvironment.noVariablesHint(acme),
            },
          ),
        )
        const message = failureMessage(exit)
        assert.strictEqual(
          message,
          'No API key: pass { apiKey } to the client or give the provider "Acme Solver" an envPrefix (capital letters, digits, underscores) so its key can come from the environment.',
        )
        const config = yield* ClientConfig.fromOptions(
          { provider: acme, apiKey: "acme-key" },
          { fallback: ProviderEnvironment.settingsIn(env, acme) },
        )
        assert.strictEqual(config.baseUrl, "https://api.acme.test")
        assert.isUndefined(config.appId)
        assert.isUndefined(config.timeout)
      }),
  )
})
