import * as assert from "node:assert/strict"
import { readEnvironment } from "../src/DenoConfig.ts"
import {
  AntiCaptcha,
  API_KEY_ENV,
  createClient,
  isConfigurationError,
  ProviderEnvironment,
} from "../src/index.ts"
import { KEY, serveEmulator } from "./support/Emulator.ts"
import { thrown, withEnv } from "./support/Environment.ts"

const CAPSOLVER_ONLY_KEY = "SENTINEL-CAPSOLVER-ONLY-KEY-77c3"
// Nothing listens there: a request sent to it would fail, not reach the emulator.
const NOWHERE = "http://127.0.0.1:9"

// Every Anti-Captcha variable unset, so a developer's own cannot decide a test.
const noAntiCaptchaVariables = Object.fromEntries(
  (ProviderEnvironment.variablesOf(AntiCaptcha)?.all ?? []).map((name) => [name, undefined]),
)

Deno.test("an Anti-Captcha client never takes CAPSOLVER_API_KEY: it throws naming ANTICAPTCHA_API_KEY, sending nothing", async () => {
  await using served = serveEmulator({ keys: [CAPSOLVER_ONLY_KEY] })
  await withEnv(
    { ...noAntiCaptchaVariables, CAPSOLVER_API_KEY: CAPSOLVER_ONLY_KEY, CAPSOLVER_BASE_URL: served.url },
    async () => {
      const error = thrown(() => createClient({ provider: AntiCaptcha }))
      assert.ok(isConfigurationError(error), `expected a ConfigurationError, got ${String(error)}`)
      assert.equal(
        error.message,
        "No API key: pass { apiKey } to the client or set the ANTICAPTCHA_API_KEY environment variable.",
      )
      assert.equal(served.emulator.audit().requests.total, 0)
    },
  )
})

Deno.test("an Anti-Captcha client sends ANTICAPTCHA_API_KEY to ANTICAPTCHA_BASE_URL, whatever CAPSOLVER_* say", async () => {
  // The emulator knows KEY only: the CapSolver key, or a request to NOWHERE, would fail.
  await using served = serveEmulator()
  await withEnv(
    {
      ...noAntiCaptchaVariables,
      ANTICAPTCHA_API_KEY: KEY,
      ANTICAPTCHA_BASE_URL: served.url,
      CAPSOLVER_API_KEY: CAPSOLVER_ONLY_KEY,
      CAPSOLVER_BASE_URL: NOWHERE,
    },
    async () => {
      await using client = createClient({ provider: AntiCaptcha })
      const balance = await client.getBalance()
      assert.equal(typeof balance.balance, "number")
      assert.equal(served.emulator.audit().requests.total, 1)
    },
  )
})

Deno.test("reading the environment for Anti-Captcha returns its own variables and none of CapSolver's", async () => {
  await withEnv(
    {
      ...noAntiCaptchaVariables,
      ANTICAPTCHA_API_KEY: "anti-key",
      ANTICAPTCHA_TIMEOUT: "90 seconds",
      CAPSOLVER_API_KEY: CAPSOLVER_ONLY_KEY,
    },
    async () => {
      const environment = readEnvironment(AntiCaptcha)
      assert.deepEqual(environment.values, {
        ANTICAPTCHA_API_KEY: "anti-key",
        ANTICAPTCHA_TIMEOUT: "90 seconds",
      })
      assert.equal(environment.apiKeyAccess, "granted")
    },
  )
})

Deno.test({
  name: "a grant for CAPSOLVER_API_KEY alone gives an Anti-Captcha client nothing: the error asks for --allow-env=ANTICAPTCHA_API_KEY",
  permissions: { env: [API_KEY_ENV] },
  async fn() {
    await withEnv({ [API_KEY_ENV]: CAPSOLVER_ONLY_KEY }, async () => {
      const error = thrown(() => createClient({ provider: AntiCaptcha }))
      assert.ok(isConfigurationError(error), `expected a ConfigurationError, got ${String(error)}`)
      assert.match(error.message, /--allow-env=ANTICAPTCHA_API_KEY /)
      assert.doesNotMatch(error.message, /CAPSOLVER/)
    })
  },
})

Deno.test({
  name: "a grant for ANTICAPTCHA_API_KEY alone is enough for an Anti-Captcha client to read its key",
  permissions: { env: ["ANTICAPTCHA_API_KEY"], net: true },
  async fn() {
    await using served = serveEmulator()
    await withEnv({ ANTICAPTCHA_API_KEY: KEY }, async () => {
      await using client = createClient({ provider: AntiCaptcha, baseUrl: served.url })
      const balance = await client.getBalance()
      assert.equal(typeof balance.balance, "number")
    })
  },
})
