import * as assert from "node:assert/strict"
import { Effect } from "effect"
import {
  createClient,
  ImageToTextTask,
  isAbortedError,
  isApiError,
  isTaskTimeoutError,
  layer,
  ReCaptchaV2TaskProxyLess,
  SolveKit,
} from "../src/index.ts"
import { fastPolling, KEY, recaptchaSolvedAfter, serveEmulator } from "./support/Emulator.ts"

const rejection = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new assert.AssertionError({ message: "expected the promise to reject" })
}

Deno.test("createClient solves a token task against the emulator served by Deno.serve", async () => {
  await using served = serveEmulator()
  await using client = createClient({ apiKey: KEY, baseUrl: served.url, policy: fastPolling })
  const solved = await client.solve(ReCaptchaV2TaskProxyLess(recaptchaSolvedAfter(40)))
  assert.equal(typeof solved.solution.gRecaptchaResponse, "string")
  assert.ok(solved.solution.gRecaptchaResponse.length > 0)
  assert.ok(solved.queries >= 1)
  const audit = served.emulator.audit()
  assert.equal(audit.tasks.created, 1)
  assert.equal(audit.tasks.neverCollected, 0)
})

Deno.test("a recognition task is answered by createTask itself, without a single poll", async () => {
  await using served = serveEmulator()
  await using client = createClient({ apiKey: KEY, baseUrl: served.url })
  const solved = await client.solve(ImageToTextTask({ body: btoa("not really a png, but base64") }))
  assert.equal(typeof solved.solution.text, "string")
  assert.equal(solved.queries, 0)
})

Deno.test("getBalance reads the account balance through Deno's fetch", async () => {
  await using served = serveEmulator({ balance: 12.5 })
  await using client = createClient({ apiKey: KEY, baseUrl: served.url })
  const balance = await client.getBalance()
  assert.equal(balance.balance, 12.5)
})

Deno.test("a wrong API key rejects with an Auth ApiError whose message never shows the key", async () => {
  const secret = "wrong-key-0123456789abcdef"
  await using served = serveEmulator()
  await using client = createClient({ apiKey: secret, baseUrl: served.url })
  const error = await rejection(client.solve(ReCaptchaV2TaskProxyLess(recaptchaSolvedAfter(0))))
  assert.ok(isApiError(error), `expected an ApiError, got ${String(error)}`)
  assert.equal(error.reason, "Auth")
  assert.equal(error.endpoint, "createTask")
  assert.ok(!error.message.includes(secret))
  assert.ok(!String(error.stack).includes(secret))
  assert.ok(!JSON.stringify(error).includes(secret))
})

Deno.test("a key with zero balance rejects with a Balance ApiError before any task exists", async () => {
  await using served = serveEmulator({ zeroBalanceKeys: ["empty-key"] })
  await using client = createClient({ apiKey: "empty-key", baseUrl: served.url })
  const error = await rejection(client.solve(ReCaptchaV2TaskProxyLess(recaptchaSolvedAfter(0))))
  assert.ok(isApiError(error), `expected an ApiError, got ${String(error)}`)
  assert.equal(error.reason, "Balance")
  assert.equal(error.taskId, undefined)
  assert.equal(served.emulator.audit().tasks.created, 0)
})

Deno.test("an unsolvable task rejects with an Unsolvable ApiError carrying its taskId", async () => {
  await using served = serveEmulator()
  await using client = createClient({ apiKey: KEY, baseUrl: served.url, policy: fastPolling })
  let createdTaskId: string | undefined
  const error = await rejection(
    client.solve(
      ReCaptchaV2TaskProxyLess({
        websiteURL: "https://example.com/emulator-solve-ms-30",
        websiteKey: "emulator-unsolvable",
      }),
      {
        onEvent: (event) => {
          if (event._tag === "Created") createdTaskId = event.taskId
        },
      },
    ),
  )
  assert.ok(isApiError(error), `expected an ApiError, got ${String(error)}`)
  assert.equal(error.reason, "Unsolvable")
  assert.equal(error.errorCode, "ERROR_CAPTCHA_UNSOLVABLE")
  assert.equal(typeof error.taskId, "string")
  assert.equal(error.taskId, createdTaskId)
})

Deno.test("aborting a solve rejects with AbortedError carrying the taskId, not a timeout", async () => {
  await using served = serveEmulator()
  await using client = createClient({ apiKey: KEY, baseUrl: served.url, policy: fastPolling })
  const controller = new AbortController()
  let createdTaskId: string | undefined
  const error = await rejection(
    client.solve(ReCaptchaV2TaskProxyLess(recaptchaSolvedAfter(60_000)), {
      signal: controller.signal,
      timeout: "10 minutes",
      onEvent: (event) => {
        if (event._tag !== "Created") return
        createdTaskId = event.taskId
        controller.abort(new Error("the user left the page"))
      },
    }),
  )
  assert.ok(isAbortedError(error), `expected an AbortedError, got ${String(error)}`)
  assert.ok(!isTaskTimeoutError(error))
  assert.equal(typeof createdTaskId, "string")
  assert.equal(error.taskId, createdTaskId)
})

Deno.test("the timeout option rejects with TaskTimeoutError carrying the taskId, not an abort", async () => {
  await using served = serveEmulator()
  await using client = createClient({ apiKey: KEY, baseUrl: served.url, policy: fastPolling })
  const error = await rejection(
    client.solve(ReCaptchaV2TaskProxyLess(recaptchaSolvedAfter(60_000)), { timeout: 150 }),
  )
  assert.ok(isTaskTimeoutError(error), `expected a TaskTimeoutError, got ${String(error)}`)
  assert.ok(!isAbortedError(error))
  assert.equal(error.timeoutMs, 150)
  assert.equal(typeof error.taskId, "string")
})

Deno.test("an already aborted signal rejects at once without contacting the provider", async () => {
  await using served = serveEmulator()
  await using client = createClient({ apiKey: KEY, baseUrl: served.url })
  const error = await rejection(
    client.solve(ReCaptchaV2TaskProxyLess(recaptchaSolvedAfter(0)), { signal: AbortSignal.abort() }),
  )
  assert.ok(isAbortedError(error), `expected an AbortedError, got ${String(error)}`)
  assert.equal(served.emulator.audit().tasks.created, 0)
})

Deno.test("Effect programs get the SolveKit service from layer()", async () => {
  await using served = serveEmulator()
  const program = Effect.gen(function* () {
    const solvekit = yield* SolveKit
    const solved = yield* solvekit.solve(ReCaptchaV2TaskProxyLess(recaptchaSolvedAfter(20)))
    const balance = yield* solvekit.getBalance()
    return { token: solved.solution.gRecaptchaResponse, balance: balance.balance }
  })
  const result = await Effect.runPromise(
    program.pipe(Effect.provide(layer({ apiKey: KEY, baseUrl: served.url, policy: fastPolling }))),
  )
  assert.ok(result.token.length > 0)
  assert.ok(result.balance < 1000)
})

Deno.test("Effect programs can catch the typed Auth error by tag", async () => {
  await using served = serveEmulator()
  const program = SolveKit.use((kit) => kit.getBalance()).pipe(
    Effect.map(() => "unexpected success"),
    Effect.catchTag("ApiError", (error) => Effect.succeed(error.reason)),
  )
  const reason = await Effect.runPromise(
    program.pipe(Effect.provide(layer({ apiKey: "nobody", baseUrl: served.url }))),
  )
  assert.equal(reason, "Auth")
})
