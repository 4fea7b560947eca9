import { assert, describe, it } from "@effect/vitest"
import { serve } from "@solvekit/emulator/node"
import { ConfigProvider, Duration, Effect, Redacted } from "effect"
import { afterAll, afterEach, beforeAll } from "vitest"
import {
  AntiCaptcha,
  CapMonsterCloud,
  CapSolver,
  isConfigurationError,
  layer,
  Provider,
  SolveKit,
  TwoCaptcha,
} from "../src/index.ts"
import { resolveSync } from "../src/NodeConfig.ts"
import { thrown } from "./support/thrown.ts"

const KEY = "SENTINEL-PROVIDER-ENV-KEY-5e1a"
const CAPSOLVER_ONLY_KEY = "SENTINEL-CAPSOLVER-ONLY-KEY-77c3"
// Nothing listens there: a request sent to it would fail, not reach the emulator.
const NOWHERE = "http://127.0.0.1:9"

let emulator: Awaited<ReturnType<typeof serve>>
beforeAll(async () => {
  emulator = await serve({ keys: [KEY] })
})
afterAll(async () => {
  await emulator.close()
})
afterEach(() => {
  emulator.emulator.reset()
})

const env = (record: Record<string, string>) => ConfigProvider.fromEnv({ env: record })
const ambientEnv = (record: Record<string, string>) => ConfigProvider.layer(env(record))
const requestsSeen = () => emulator.emulator.audit().requests.total

const builtIn = [
  [CapSolver, "CAPSOLVER"],
  [TwoCaptcha, "TWOCAPTCHA"],
  [AntiCaptcha, "ANTICAPTCHA"],
  [CapMonsterCloud, "CAPMONSTER"],
] as const

const balance = SolveKit.use((solvekit) => solvekit.getBalance())

/**
 * The developer id set for each provider: CapSolver's `appId` takes any string, the others' `softId` only an
 * integer (a distinct one per provider).
 */
const appIdOf = (prefix: string) =>
  prefix === "CAPSOLVER" ? `${prefix}-app` : String(prefix.length * 1_000 + prefix.charCodeAt(0))

describe("the environment a Node client reads follows its provider", () => {
  it.live(
    "an Anti-Captcha client never takes CAPSOLVER_API_KEY: it fails naming ANTICAPTCHA_API_KEY, sending nothing",
    () =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(balance.pipe(Effect.provide(layer({ provider: AntiCaptcha }))))
        assert.isTrue(isConfigurationError(error))
        assert.strictEqual(
          error.message,
          "No API key: pass { apiKey } to the client or set the ANTICAPTCHA_API_KEY environment variable.",
        )
        assert.notInclude(error.message, CAPSOLVER_ONLY_KEY)
        assert.strictEqual(requestsSeen(), 0)
      }).pipe(
        Effect.provide(
          ambientEnv({ CAPSOLVER_API_KEY: CAPSOLVER_ONLY_KEY, CAPSOLVER_BASE_URL: emulator.url }),
        ),
      ),
  )

  it.live(
    "an Anti-Captcha client sends ANTICAPTCHA_API_KEY to ANTICAPTCHA_BASE_URL, whatever CAPSOLVER_* say",
    () =>
      Effect.gen(function* () {
        // The emulator knows KEY only: a CapSolver key, or a request to NOWHERE, would fail.
        const { balance: amount } = yield* balance.pipe(Effect.provide(layer({ provider: AntiCaptcha })))
        assert.isAbove(amount, 0)
        assert.strictEqual(requestsSeen(), 1)
      }).pipe(
        Effect.provide(
          ambientEnv({
            ANTICAPTCHA_API_KEY: KEY,
            ANTICAPTCHA_BASE_URL: emulator.url,
            CAPSOLVER_API_KEY: CAPSOLVER_ONLY_KEY,
            CAPSOLVER_BASE_URL: NOWHERE,
          }),
        ),
      ),
  )

  it.live(
    "a CapSolver client still reads CAPSOLVER_API_KEY and CAPSOLVER_BASE_URL, and no other provider's",
    () =>
      Effect.gen(function* () {
        const { balance: amount } = yield* balance.pipe(Effect.provide(layer()))
        assert.isAbove(amount, 0)
        assert.strictEqual(requestsSeen(), 1)
      }).pipe(
        Effect.provide(
          ambientEnv({
            CAPSOLVER_API_KEY: KEY,
            CAPSOLVER_BASE_URL: emulator.url,
            ANTICAPTCHA_API_KEY: "SENTINEL-ANTICAPTCHA-KEY",
            ANTICAPTCHA_BASE_URL: NOWHERE,
          }),
        ),
      ),
  )

  it("ignores CAPSOLVER_BASE_URL for an Anti-Captcha client, whose key goes to Anti-Captcha's own host", () => {
    const { client } = resolveSync(
      { provider: AntiCaptcha },
      env({ ANTICAPTCHA_API_KEY: "anti-key", CAPSOLVER_BASE_URL: "http://capsolver-mirror.test" }),
    )
    assert.strictEqual(client.provider, AntiCaptcha)
    assert.strictEqual(Redacted.value(client.apiKey), "anti-key")
    assert.strictEqual(client.baseUrl, "https://api.anti-captcha.com")
  })

  it("gives every built-in provider its own five settings when all providers' variables are set", () => {
    const everything = env(
      Object.fromEntries(
        builtIn.flatMap(([, prefix]) => [
          [`${prefix}_API_KEY`, `${prefix}-key`],
          [`${prefix}_BASE_URL`, `http://${prefix.toLowerCase()}.test`],
          [`${prefix}_APP_ID`, appIdOf(prefix)],
          [`${prefix}_MAX_CONCURRENT_REQUESTS`, String(prefix.length)],
          [`${prefix}_TIMEOUT`, `${prefix.length} seconds`],
        ]),
      ),
    )
    for (const [provider, prefix] of builtIn) {
      const { client } = resolveSync({ provider }, everything)
      assert.strictEqual(Redacted.value(client.apiKey), `${prefix}-key`)
      assert.strictEqual(client.baseUrl, `http://${prefix.toLowerCase()}.test`)
      assert.strictEqual(client.appId, appIdOf(prefix))
      assert.strictEqual(client.maxConcurrentRequests, prefix.length)
      assert.strictEqual(client.timeout && Duration.toMillis(client.timeout), prefix.length * 1_000)
    }
  })

  it("names each provider's own key variable when its key is missing", () => {
    for (const [provider, prefix] of builtIn) {
      const error = thrown(() => resolveSync({ provider }, env({ OTHER_API_KEY: "other-key" })))
      assert.isTrue(isConfigurationError(error))
      assert.include((error as Error).message, `set the ${prefix}_API_KEY environment variable`)
    }
  })

  it("names ANTICAPTCHA_BASE_URL, not CAPSOLVER_BASE_URL, when an Anti-Captcha base URL is malformed", () => {
    const error = thrown(() =>
      resolveSync(
        { provider: AntiCaptcha },
        env({ ANTICAPTCHA_API_KEY: "secret-anti-key", ANTICAPTCHA_BASE_URL: "ftp://x" }),
      ),
    )
    assert.isTrue(isConfigurationError(error))
    assert.include((error as Error).message, "the ANTICAPTCHA_BASE_URL environment variable")
    assert.notInclude((error as Error).message, "CAPSOLVER")
    assert.notInclude((error as Error).message, "secret-anti-key")
  })

  it("reads no provider variable for a custom provider without envPrefix, only the proxy ones", () => {
    const acme = Provider.make({
      name: "Acme Solver",
      baseUrl: "https://api.acme.test",
      endpoints: { createTask: "createTask", getTaskResult: "getTaskResult", getBalance: "getBalance" },
      limits: { maxQueriesPerTask: 120, resultWindowMs: 300_000, safetyMarginMs: 10_000 },
      polling: { firstDelayMs: 1_000, intervalMs: 2_000 },
      taskIdType: "string",
      errorCodes: {},
      transientCodes: [],
    })
    const crowded = env({
      CAPSOLVER_API_KEY: CAPSOLVER_ONLY_KEY,
      CAPSOLVER_BASE_URL: "http://capsolver-mirror.test",
      ACME_SOLVER_API_KEY: "guessed-key",
      ACME_API_KEY: "guessed-key",
      HTTPS_PROXY: "http://proxy.test:3128",
    })
    const error = thrown(() => resolveSync({ provider: acme }, crowded))
    assert.isTrue(isConfigurationError(error))
    assert.strictEqual(
      (error as Error).message,
      'No API key: pass { apiKey } to the client or give the provider "Acme Solver" an envPrefix (capital letters, digits, underscores) so its key can come from the environment.',
    )
    const { client, proxy } = resolveSync({ provider: acme, apiKey: "acme-key" }, crowded)
    assert.strictEqual(Redacted.value(client.apiKey), "acme-key")
    assert.strictEqual(client.baseUrl, "https://api.acme.test")
    assert.strictEqual(proxy?.httpsProxy, "http://proxy.test:3128")
  })
})
