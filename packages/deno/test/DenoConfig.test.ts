import * as assert from "node:assert/strict"
import { Effect } from "effect"
import {
  API_KEY_ENV,
  BASE_URL_ENV,
  createClient,
  isConfigurationError,
  layer,
  ReCaptchaV2TaskProxyLess,
  SolveKit,
} from "../src/index.ts"
import { fastPolling, KEY, recaptchaSolvedAfter, serveEmulator } from "./support/Emulator.ts"
import { thrown, withEnv } from "./support/Environment.ts"

Deno.test("with --allow-env, createClient() reads CAPSOLVER_API_KEY and CAPSOLVER_BASE_URL", async () => {
  await using served = serveEmulator({ keys: ["key-from-env"] })
  await withEnv({ [API_KEY_ENV]: "key-from-env", [BASE_URL_ENV]: served.url }, async () => {
    await using client = createClient({ policy: fastPolling })
    const solved = await client.solve(ReCaptchaV2TaskProxyLess(recaptchaSolvedAfter(10)))
    assert.ok(solved.solution.gRecaptchaResponse.length > 0)
  })
})

Deno.test("options win over the environment", async () => {
  await using served = serveEmulator()
  await withEnv({ [API_KEY_ENV]: "stale-key-from-env", [BASE_URL_ENV]: "http://127.0.0.1:9" }, async () => {
    await using client = createClient({ apiKey: KEY, baseUrl: served.url })
    const balance = await client.getBalance()
    assert.equal(typeof balance.balance, "number")
  })
})

Deno.test("with --allow-env but no variable set, the error says to set CAPSOLVER_API_KEY", async () => {
  await withEnv({ [API_KEY_ENV]: undefined }, async () => {
    const error = thrown(() => createClient())
    assert.ok(isConfigurationError(error), `expected a ConfigurationError, got ${String(error)}`)
    assert.match(error.message, /set the CAPSOLVER_API_KEY environment variable/)
    assert.doesNotMatch(error.message, /--allow-env/)
  })
})

Deno.test({
  name: "without env permission, createClient() throws a ConfigurationError naming the --allow-env flag",
  permissions: { env: false },
  fn() {
    assert.notEqual(Deno.permissions.querySync({ name: "env", variable: API_KEY_ENV }).state, "granted")
    const error = thrown(() => createClient())
    assert.ok(isConfigurationError(error), `expected a ConfigurationError, got ${String(error)}`)
    assert.match(error.message, /--allow-env=CAPSOLVER_API_KEY/)
    assert.match(error.message, /pass \{ apiKey \}/)
  },
})

Deno.test({
  name: "without env permission, an explicit apiKey works and the environment is never touched",
  permissions: { env: false, net: true },
  async fn() {
    await using served = serveEmulator()
    await using client = createClient({ apiKey: KEY, baseUrl: served.url })
    const balance = await client.getBalance()
    assert.equal(typeof balance.balance, "number")
  },
})

Deno.test({
  name: "a grant for CAPSOLVER_API_KEY alone is enough to read the key",
  permissions: { env: [API_KEY_ENV], net: true },
  async fn() {
    assert.notEqual(Deno.permissions.querySync({ name: "env", variable: BASE_URL_ENV }).state, "granted")
    await using served = serveEmulator({ keys: ["key-from-env"] })
    await withEnv({ [API_KEY_ENV]: "key-from-env" }, async () => {
      await using client = createClient({ baseUrl: served.url })
      const balance = await client.getBalance()
      assert.equal(typeof balance.balance, "number")
    })
  },
})

Deno.test({
  name: "without env permission, layer() fails with the same ConfigurationError for Effect programs",
  permissions: { env: false },
  async fn() {
    const error = await Effect.runPromise(
      SolveKit.use((kit) => kit.getBalance()).pipe(Effect.provide(layer()), Effect.flip),
    )
    assert.ok(isConfigurationError(error), `expected a ConfigurationError, got ${String(error)}`)
    assert.match(error.message, /--allow-env=CAPSOLVER_API_KEY/)
  },
})

Deno.test("a malformed CAPSOLVER_BASE_URL is named in the error, without the key", async () => {
  await withEnv({ [API_KEY_ENV]: "secret-key-from-env", [BASE_URL_ENV]: "not a url" }, async () => {
    const error = thrown(() => createClient())
    assert.ok(isConfigurationError(error), `expected a ConfigurationError, got ${String(error)}`)
    assert.match(error.message, /CAPSOLVER_BASE_URL/)
    assert.doesNotMatch(error.message, /secret-key-from-env/)
  })
})
