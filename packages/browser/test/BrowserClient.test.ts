import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import {
  AntiTurnstileTaskProxyLess,
  type BrowserClientOptions,
  createClient,
  ImageToTextTask,
  imageToBase64,
  isAbortedError,
  isApiError,
  isConfigurationError,
  isInvalidTaskError,
  isTaskTimeoutError,
  type LifecycleEvent,
  Policy,
  ReCaptchaV2TaskProxyLess,
  type SolveKitClient,
} from "../src/index.ts"
import { auditOf } from "./support/audit.ts"
import { PIXEL_PNG_BASE64, TEST_KEYS } from "./support/fixtures.ts"

// Polls often so token tasks that the emulator readies in a few hundred ms finish quickly.
const fastPolls = Policy.fixed("100 millis")

const tokenTask = (websiteKey: string) =>
  ReCaptchaV2TaskProxyLess({ websiteURL: "https://shop.example.com/login", websiteKey })

const drawnCanvas = () => {
  const canvas = document.createElement("canvas")
  canvas.width = 40
  canvas.height = 16
  const context = canvas.getContext("2d")!
  context.fillStyle = "#fff"
  context.fillRect(0, 0, 40, 16)
  context.fillStyle = "#000"
  context.fillText("ab12", 4, 12)
  return canvas
}

const rejectionOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error("expected the call to reject")
    },
    (error: unknown) => error,
  )

const modes: ReadonlyArray<{ readonly mode: string; readonly options: () => BrowserClientOptions }> = [
  { mode: "key mode", options: () => ({ apiKey: TEST_KEYS.valid, baseUrl: inject("emulatorUrl") }) },
  { mode: "relay mode", options: () => ({ relayUrl: inject("relayUrl") }) },
]

describe.each(modes)("BrowserClient in $mode", ({ options }) => {
  let client: SolveKitClient
  beforeAll(() => {
    client = createClient({ ...options(), policy: fastPolls })
  })
  afterAll(() => client.dispose())

  it("solves a recognition task from createTask's answer, without polling", async () => {
    const body = await imageToBase64(drawnCanvas())
    const solved = await client.solve(ImageToTextTask({ body }))
    expect(solved.solution.text).toMatch(/^[0-9a-f]{6}$/)
    expect(solved.queries).toBe(0)
    const audit = await auditOf(solved.taskId)
    expect(audit.type).toBe("ImageToTextTask")
    expect(audit.queries).toBe(0)
  })

  it("solves a token task by polling until the emulator reports it ready", async () => {
    const events: Array<LifecycleEvent["_tag"]> = []
    const solved = await client.solve(tokenTask("emulator-solve-ms-300"), {
      onEvent: (event) => events.push(event._tag),
    })
    expect(solved.solution.gRecaptchaResponse).toContain(solved.taskId)
    expect(solved.queries).toBeGreaterThanOrEqual(1)
    expect(events[0]).toBe("Created")
    expect(events.at(-1)).toBe("Solved")
    const audit = await auditOf(solved.taskId)
    expect(audit.outcome).toBe("ready")
    expect(audit.queries).toBe(solved.queries)
    expect(audit.queriesAfterReady).toBe(0)
  })

  it("rejects an unsolvable task with ApiError reason Unsolvable, carrying the taskId", async () => {
    const error = await rejectionOf(client.solve(tokenTask("emulator-unsolvable")))
    expect(isApiError(error) && error.reason).toBe("Unsolvable")
    const taskId = isApiError(error) ? error.taskId : undefined
    expect(taskId).toBeTypeOf("string")
    expect((await auditOf(taskId!)).outcome).toBe("failed")
  })

  it("rejects with TaskTimeoutError when the timeout passes before the task is ready", async () => {
    const error = await rejectionOf(
      client.solve(tokenTask("emulator-solve-ms-600000"), { timeout: "400 millis" }),
    )
    expect(isTaskTimeoutError(error)).toBe(true)
    expect(isTaskTimeoutError(error) && error.taskId).toBeTypeOf("string")
  })

  it("rejects an invalid task with InvalidTaskError before sending anything", async () => {
    const error = await rejectionOf(
      client.solve(ReCaptchaV2TaskProxyLess({ websiteURL: "", websiteKey: "k" })),
    )
    expect(isInvalidTaskError(error) && error.field).toBe("websiteURL")
  })

  it("stops polling when aborted mid-poll: no getTaskResult reaches the server after the abort", async () => {
    const controller = new AbortController()
    const abortAfterSecondPoll = (event: LifecycleEvent) => {
      if (event._tag === "Polled" && event.queries === 2) controller.abort()
    }
    const error = await rejectionOf(
      client.solve(tokenTask("emulator-solve-ms-600000"), {
        signal: controller.signal,
        onEvent: abortAfterSecondPoll,
      }),
    )
    expect(isAbortedError(error)).toBe(true)
    const taskId = isAbortedError(error) ? error.taskId : undefined
    expect(taskId).toBeTypeOf("string")
    expect((await auditOf(taskId!)).queries).toBe(2)

    // Another solve on the same client polls several times at the same cadence: had the aborted solve kept
    // polling, its queries would have reached the emulator meanwhile.
    const later = await client.solve(tokenTask("emulator-solve-ms-500"))
    expect(later.queries).toBeGreaterThanOrEqual(3)
    const afterwards = await auditOf(taskId!)
    expect(afterwards.queries).toBe(2)
    expect(afterwards.outcome).toBe("pending")
  })

  it("rejects at once with AbortedError when the signal is already aborted, sending nothing", async () => {
    const error = await rejectionOf(
      client.solve(tokenTask("emulator-instant"), { signal: AbortSignal.abort() }),
    )
    expect(isAbortedError(error) && error.taskId).toBe(undefined)
  })
})

describe("BrowserClient in key mode, when the account is wrong", () => {
  const keyClient = (apiKey: string) => createClient({ apiKey, baseUrl: inject("emulatorUrl") })

  it("rejects an unknown key with ApiError reason Auth, and no message shows the key", async () => {
    const client = keyClient(TEST_KEYS.unknown)
    const error = await rejectionOf(client.solve(tokenTask("emulator-instant")))
    await client.dispose()
    expect(isApiError(error) && error.reason).toBe("Auth")
    expect(String(error)).not.toContain(TEST_KEYS.unknown)
    expect(JSON.stringify(error)).not.toContain(TEST_KEYS.unknown)
  })

  it("rejects when the balance is zero with ApiError reason Balance", async () => {
    const client = keyClient(TEST_KEYS.zeroBalance)
    const error = await rejectionOf(client.solve(tokenTask("emulator-instant")))
    await client.dispose()
    expect(isApiError(error) && error.reason).toBe("Balance")
  })

  it("reads the balance of a valid key", async () => {
    const client = keyClient(TEST_KEYS.valid)
    const balance = await client.getBalance()
    await client.dispose()
    expect(balance.balance).toBeGreaterThan(0)
  })
})

describe("BrowserClient in relay mode, on the wire", () => {
  /** Records what leaves the page, then sends it on unchanged (optionally to another origin). */
  const recordingFetch = (
    sent: Array<{ url: string; body: Record<string, unknown> }>,
    rewrite = (url: string) => url,
  ) =>
    (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init)
      const body = await request.text()
      sent.push({ url: request.url, body: JSON.parse(body) as Record<string, unknown> })
      const { method, headers, signal } = request
      return fetch(rewrite(request.url), { method, headers, body, signal })
    }) as typeof fetch

  it("sends no clientKey in any request body", async () => {
    const sent: Array<{ url: string; body: Record<string, unknown> }> = []
    const client = createClient({
      relayUrl: inject("relayUrl"),
      policy: fastPolls,
      fetch: recordingFetch(sent),
    })
    const solved = await client.solve(tokenTask("emulator-solve-ms-300"))
    await client.dispose()
    expect(solved.queries).toBeGreaterThanOrEqual(1)
    expect(sent.map((request) => request.url.replace(inject("relayUrl"), ""))).toEqual([
      "/createTask",
      ...Array.from({ length: solved.queries }, () => "/getTaskResult"),
    ])
    for (const request of sent) expect(Object.keys(request.body)).not.toContain("clientKey")
  })

  it("resolves a relative relayUrl against the page's address", async () => {
    const sent: Array<{ url: string; body: Record<string, unknown> }> = []
    const relayOrigin = new URL(inject("relayUrl")).origin
    const client = createClient({
      relayUrl: "/captcha",
      fetch: recordingFetch(sent, (url) => url.replace(location.origin, relayOrigin)),
    })
    const solved = await client.solve(ImageToTextTask({ body: PIXEL_PNG_BASE64 }))
    await client.dispose()
    expect(solved.solution.text).toBeTypeOf("string")
    expect(sent[0]?.url).toBe(`${location.origin}/captcha/createTask`)
  })

  it("surfaces the relay's refusal of a task type it does not allow as an ApiError with its code", async () => {
    const client = createClient({ relayUrl: inject("relayUrl") })
    const turnstile = AntiTurnstileTaskProxyLess({
      websiteURL: "https://shop.example.com",
      websiteKey: "0x4AAA",
    })
    const error = await rejectionOf(client.solve(turnstile))
    await client.dispose()
    expect(isApiError(error) && error.errorCode).toBe("ERROR_RELAY_TASK_NOT_ALLOWED")
  })

  it("cannot read the balance: a relay never exposes getBalance", async () => {
    const client = createClient({ relayUrl: inject("relayUrl") })
    const error = await rejectionOf(client.getBalance())
    await client.dispose()
    expect(isApiError(error) && error.errorCode).toBe("ERROR_RELAY_ENDPOINT_NOT_ALLOWED")
  })
})

describe("createClient options", () => {
  const configurationErrorOf = (options: unknown): unknown => {
    try {
      createClient(options as BrowserClientOptions)
    } catch (error) {
      return error
    }
    throw new Error("expected createClient to throw")
  }

  it("refuses a key and a relay together, since a relay rejects requests that carry a key", () => {
    const error = configurationErrorOf({ apiKey: "k", relayUrl: "https://app.example.com/captcha" })
    expect(isConfigurationError(error) && error.message).toContain("not both")
  })

  it("refuses options with neither a key nor a relay, naming both", () => {
    const error = configurationErrorOf({})
    expect(isConfigurationError(error) && error.message).toMatch(/relayUrl.*apiKey/)
  })

  it("refuses an empty key", () => {
    expect(isConfigurationError(configurationErrorOf({ apiKey: " " }))).toBe(true)
  })

  it("refuses a baseUrl in relay mode", () => {
    const error = configurationErrorOf({ relayUrl: "/captcha", baseUrl: "https://api.capsolver.com" })
    expect(isConfigurationError(error) && error.message).toContain("baseUrl")
  })
})
