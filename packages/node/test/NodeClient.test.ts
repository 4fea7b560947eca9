import {
  ApiError,
  isAbortedError,
  isApiError,
  isConfigurationError,
  isTaskTimeoutError,
  type LifecycleEvent,
  Policy,
} from "@solvekit/core"
import { serve } from "@solvekit/emulator/node"
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest"
import { ImageToTextTask, ReCaptchaV2TaskProxyLess } from "../src/index.ts"
import { createClient, type NodeClientOptions } from "../src/NodeClient.ts"
import { imageToBase64 } from "../src/NodeFiles.ts"
import { startCountingForwarder, startProxy } from "./support/servers.ts"

const KEY = "SENTINEL-NODE-KEY-41c2"
const ZERO_KEY = "SENTINEL-NODE-ZERO-9d0e"
// Polls every 15 ms instead of CapSolver's 3 s: the emulator answers as fast as we ask.
const fast = Policy.fixed("15 millis")

let emulator: Awaited<ReturnType<typeof serve>>
beforeAll(async () => {
  emulator = await serve({ keys: [KEY], zeroBalanceKeys: [ZERO_KEY] })
})
afterAll(async () => {
  await emulator.close()
})

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  vi.unstubAllEnvs()
  emulator.emulator.reset()
})

const client = (options: NodeClientOptions = {}) => {
  const made = createClient({ apiKey: KEY, baseUrl: emulator.url, policy: fast, ...options })
  cleanups.push(() => made.dispose())
  return made
}

const recaptcha = (websiteKey: string) =>
  ReCaptchaV2TaskProxyLess({ websiteURL: "https://example.com/login", websiteKey })

describe("createClient", () => {
  it("solves a token task against the emulator", async () => {
    const solved = await client().solve(recaptcha("emulator-instant"))
    expect(typeof solved.solution.gRecaptchaResponse).toBe("string")
    expect(solved.taskId).toBe(emulator.emulator.audit().taskRecords[0]?.taskId)
    expect(solved.queries).toBeGreaterThanOrEqual(1)
  })

  it("solves a recognition task from a file helper's base64 without polling", async () => {
    const body = await imageToBase64(Buffer.from("not really a png, the emulator reads any bytes"))
    const solved = await client().solve(ImageToTextTask({ body }))
    expect(typeof solved.solution.text).toBe("string")
    expect(solved.queries).toBe(0)
    expect(emulator.emulator.audit().requests.byEndpoint.getTaskResult).toBe(0)
  })

  it("reads the key and base URL from the environment", async () => {
    vi.stubEnv("CAPSOLVER_API_KEY", KEY)
    vi.stubEnv("CAPSOLVER_BASE_URL", emulator.url)
    const fromEnv = createClient({ policy: fast })
    cleanups.push(() => fromEnv.dispose())
    expect((await fromEnv.getBalance()).balance).toBeGreaterThan(0)
  })

  it("lets an option win over the environment", async () => {
    vi.stubEnv("CAPSOLVER_API_KEY", "SENTINEL-WRONG-ENV-KEY")
    vi.stubEnv("CAPSOLVER_BASE_URL", emulator.url)
    const preferred = createClient({ apiKey: KEY, policy: fast })
    cleanups.push(() => preferred.dispose())
    expect((await preferred.getBalance()).balance).toBeGreaterThan(0)
  })

  it("throws at once without a key, naming the option and the environment variable", () => {
    vi.stubEnv("CAPSOLVER_API_KEY", undefined)
    let error: unknown
    try {
      createClient({ baseUrl: emulator.url })
    } catch (e) {
      error = e
    }
    expect(isConfigurationError(error)).toBe(true)
    expect((error as Error).message).toContain("{ apiKey }")
    expect((error as Error).message).toContain("CAPSOLVER_API_KEY")
  })

  it("rejects a bad key with ApiError reason Auth, without the key in the error", async () => {
    const error = await client({ apiKey: "SENTINEL-BAD-KEY" })
      .solve(recaptcha("emulator-instant"))
      .catch((e: unknown) => e)
    expect(isApiError(error)).toBe(true)
    expect(error).toMatchObject({
      reason: "Auth",
      errorCode: "ERROR_KEY_DENIED_ACCESS",
      endpoint: "createTask",
    })
    expect((error as ApiError).taskId).toBeUndefined()
    expect(JSON.stringify({ message: (error as Error).message, ...(error as object) })).not.toContain(
      "SENTINEL",
    )
    expect((error as Error).stack ?? "").not.toContain("SENTINEL")
  })

  it("rejects a zero balance with ApiError reason Balance", async () => {
    const error = await client({ apiKey: ZERO_KEY })
      .solve(recaptcha("emulator-instant"))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ reason: "Balance", errorCode: "ERROR_ZERO_BALANCE" })
    expect((error as Error).message).not.toContain("SENTINEL")
  })

  it("rejects an unsolvable captcha with ApiError reason Unsolvable carrying the taskId", async () => {
    const error = await client()
      .solve(recaptcha("emulator-unsolvable emulator-instant"))
      .catch((e: unknown) => e)
    expect(error).toMatchObject({
      _tag: "ApiError",
      reason: "Unsolvable",
      errorCode: "ERROR_CAPTCHA_UNSOLVABLE",
    })
    expect((error as ApiError).taskId).toBe(emulator.emulator.audit().taskRecords[0]?.taskId)
  })

  it("times out with TaskTimeoutError (with the taskId), and waitForResult resumes the paid task", async () => {
    const solver = client()
    const error = await solver
      .solve(recaptcha("emulator-solve-ms-400"), { timeout: "100 millis" })
      .catch((e: unknown) => e)
    expect(isTaskTimeoutError(error)).toBe(true)
    expect(isAbortedError(error)).toBe(false)
    const taskId = (error as { taskId?: string }).taskId
    expect(typeof taskId).toBe("string")
    const resumed = await solver.waitForResult(taskId as string, { task: ReCaptchaV2TaskProxyLess })
    expect(resumed.taskId).toBe(taskId)
    expect(typeof resumed.solution.gRecaptchaResponse).toBe("string")
    expect(emulator.emulator.audit().tasks.created).toBe(1)
  })

  it("aborts with AbortedError (with the taskId), distinct from a timeout", async () => {
    const controller = new AbortController()
    const onEvent = (event: LifecycleEvent) => {
      if (event._tag === "Polled") controller.abort()
    }
    const error = await client()
      .solve(recaptcha("emulator-solve-ms-60000"), {
        signal: controller.signal,
        onEvent,
        timeout: "30 seconds",
      })
      .catch((e: unknown) => e)
    expect(isAbortedError(error)).toBe(true)
    expect(isTaskTimeoutError(error)).toBe(false)
    expect((error as { taskId?: string }).taskId).toBe(emulator.emulator.audit().taskRecords[0]?.taskId)
  })

  it("reuses one kept-alive connection across a whole solve, and closes it on dispose", async () => {
    const forwarder = await startCountingForwarder(emulator.url)
    cleanups.push(() => forwarder.close())
    const solver = createClient({ apiKey: KEY, baseUrl: forwarder.url, policy: fast })
    const solved = await solver.solve(recaptcha("emulator-solve-ms-100"))
    const requests = emulator.emulator.audit().requests.total
    expect(solved.queries).toBeGreaterThanOrEqual(2)
    expect(requests).toBe(solved.queries + 1)
    expect(forwarder.connections).toBe(1)
    expect(forwarder.open()).toBe(1)
    await solver.dispose()
    await vi.waitFor(() => expect(forwarder.open()).toBe(0))
  })
})

describe("createClient behind a proxy", () => {
  it("routes the SDK's traffic through HTTP_PROXY from the environment", async () => {
    const proxy = await startProxy()
    cleanups.push(() => proxy.close())
    vi.stubEnv("HTTP_PROXY", proxy.url)
    const solved = await client().solve(recaptcha("emulator-instant"))
    expect(solved.solution.gRecaptchaResponse).toBeTypeOf("string")
    expect(proxy.seen[0]).toBe(`${emulator.url}/createTask`)
    expect(proxy.seen.slice(1).every((target) => target === `${emulator.url}/getTaskResult`)).toBe(true)
    expect(proxy.seen).toHaveLength(1 + solved.queries)
    // Keep-alive through the proxy too.
    expect(proxy.connections).toBe(1)
  })

  it("bypasses the proxy for NO_PROXY hosts", async () => {
    const proxy = await startProxy()
    cleanups.push(() => proxy.close())
    vi.stubEnv("HTTP_PROXY", proxy.url)
    vi.stubEnv("NO_PROXY", "127.0.0.1")
    await client().solve(recaptcha("emulator-instant"))
    expect(proxy.seen).toEqual([])
    expect(proxy.connections).toBe(0)
  })

  it("uses the proxy option over the environment, and proxy: false ignores the environment", async () => {
    const envProxy = await startProxy()
    const optionProxy = await startProxy()
    cleanups.push(
      () => envProxy.close(),
      () => optionProxy.close(),
    )
    vi.stubEnv("HTTP_PROXY", envProxy.url)
    await client({ proxy: optionProxy.url }).getBalance()
    expect(optionProxy.seen).toEqual([`${emulator.url}/getBalance`])
    await client({ proxy: false }).getBalance()
    expect(envProxy.seen).toEqual([])
  })
})
