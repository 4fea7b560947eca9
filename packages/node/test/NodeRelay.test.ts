import {
  isApiError,
  isConfigurationError,
  isCreateTaskOutcomeUnknownError,
  ReCaptchaV2TaskProxyLess,
} from "@solvekit/core"
import { serve } from "@solvekit/emulator/node"
import { describe, expect, it } from "vitest"
import { createClient } from "../src/NodeClient.ts"
import { toNodeHandler } from "../src/NodeHandler.ts"
import { createRelay, type RelayEvent, type RelayOptions } from "../src/NodeRelay.ts"
import { emulatorPerFile, watchForKey } from "./support/emulatorPerFile.ts"
import { closedPortUrl, listen } from "./support/servers.ts"

// A sentinel key: if it shows up in anything the relay answers or reports, the test says so.
const KEY = "SENTINEL-KEY-7f3a9c"
const ZERO_KEY = "SENTINEL-ZERO-5b1e"

// Fast solves, but a result window measured in real minutes: a loaded CI machine must not expire tasks mid-test.
const file = emulatorPerFile({
  keys: [KEY],
  zeroBalanceKeys: [ZERO_KEY],
  timeScale: 1000,
  taskTtlSeconds: 300_000,
})
const { cleanups } = file
/** Every body and event the test saw, to check that the key never leaks. */
const seen = watchForKey()

const makeRelay = (options: Partial<RelayOptions> = {}) => {
  const events: Array<RelayEvent> = []
  const relay = createRelay({
    apiKey: KEY,
    baseUrl: file.emulator.url,
    allowTaskTypes: [ReCaptchaV2TaskProxyLess, "ImageToTextTask"],
    // Most requests here go straight into the handler, with no peer address: one client, by the test's choice.
    sharedIdentity: true,
    onEvent: (event) => {
      events.push(event)
      seen.push(JSON.stringify(event))
    },
    ...options,
  })
  cleanups.push(() => relay.close())
  return { relay, events }
}

/** What a browser sends: CapSolver-shaped JSON, no clientKey. */
const post = async (
  handle: (request: Request) => Promise<Response>,
  endpoint: string,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  const response = await handle(
    new Request(`http://relay.test/api/captcha/${endpoint}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    }),
  )
  const text = await response.text()
  seen.push(text)
  return { status: response.status, headers: response.headers, body: JSON.parse(text) as Record<string, any> }
}

const recaptcha = (websiteKey: string, websiteURL = "https://example.com/login") => ({
  task: { type: "ReCaptchaV2TaskProxyLess", websiteURL, websiteKey },
})

const upstreamRequests = () => file.emulator.emulator.audit().requests.total

describe("createRelay", () => {
  it("solves a task for a browser that never sends the key, over node:http", async () => {
    const { relay } = makeRelay()
    const server = await listen(toNodeHandler(relay.handle))
    cleanups.push(() => server.close())
    const browser = async (endpoint: string, body: unknown) => {
      const response = await fetch(`${server.url}/captcha/${endpoint}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      })
      const text = await response.text()
      seen.push(text)
      return JSON.parse(text) as Record<string, any>
    }
    const created = await browser("createTask", recaptcha("emulator-instant"))
    expect(created).toMatchObject({ errorId: 0 })
    expect(typeof created.taskId).toBe("string")
    const result = await browser("getTaskResult", { taskId: created.taskId })
    expect(result).toMatchObject({ errorId: 0, status: "ready" })
    expect(typeof result.solution.gRecaptchaResponse).toBe("string")
    expect(file.emulator.emulator.audit().tasks.collected).toBe(1)
  })

  it("answers a recognition task synchronously through the relay", async () => {
    const { relay } = makeRelay()
    const answer = await post(relay.handle, "createTask", {
      task: { type: "ImageToTextTask", body: Buffer.from("fake image bytes").toString("base64") },
    })
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ errorId: 0, status: "ready" })
    expect(typeof answer.body.solution.text).toBe("string")
  })

  it("refuses a request that carries a clientKey, before contacting the provider", async () => {
    const { relay } = makeRelay()
    const answer = await post(relay.handle, "createTask", {
      clientKey: "browser-key",
      ...recaptcha("emulator-instant"),
    })
    expect(answer.status).toBe(400)
    expect(answer.body).toMatchObject({ errorId: 1, errorCode: "ERROR_RELAY_CLIENT_KEY_FORBIDDEN" })
    expect(answer.body.errorDescription).not.toContain("browser-key")
    expect(upstreamRequests()).toBe(0)
  })

  it("refuses task types that are not allowed, before contacting the provider", async () => {
    const { relay, events } = makeRelay()
    const answer = await post(relay.handle, "createTask", {
      task: { type: "AntiTurnstileTaskProxyLess", websiteURL: "https://example.com", websiteKey: "0x4AAA" },
    })
    expect(answer.status).toBe(403)
    expect(answer.body).toEqual({
      errorId: 1,
      errorCode: "ERROR_RELAY_TASK_NOT_ALLOWED",
      errorDescription: "The task type AntiTurnstileTaskProxyLess is not allowed by this relay.",
    })
    expect(events).toEqual([
      expect.objectContaining({
        _tag: "Refused",
        endpoint: "createTask",
        errorCode: "ERROR_RELAY_TASK_NOT_ALLOWED",
      }),
    ])
    expect(upstreamRequests()).toBe(0)
  })

  it("matches allowed task types case-insensitively", async () => {
    const { relay } = makeRelay()
    const answer = await post(relay.handle, "createTask", {
      task: {
        type: "recaptchav2taskproxyless",
        websiteURL: "https://example.com",
        websiteKey: "emulator-instant",
      },
    })
    expect(answer.body.errorCode).not.toBe("ERROR_RELAY_TASK_NOT_ALLOWED")
    expect(upstreamRequests()).toBe(1)
  })

  it("refuses websites outside the allow-list, whatever the field's spelling", async () => {
    const { relay } = makeRelay({
      allowWebsiteUrls: [
        "example.com",
        "*.shop.test",
        "https://partner.test/captcha",
        /^https:\/\/regex\.test\//,
      ],
      tasksWithoutWebsite: ["ImageToTextTask"],
    })
    const allowed = [
      "https://example.com/login",
      "https://a.shop.test/cart",
      "https://partner.test/captcha/step-2",
      "https://regex.test/page",
    ]
    for (const url of allowed) {
      const answer = await post(relay.handle, "createTask", recaptcha("emulator-instant", url))
      expect(answer.body).toMatchObject({ errorId: 0 })
    }
    const refused = [
      "https://evil.test/",
      "https://example.com.evil.test/",
      "https://shop.test/", // the wildcard covers subdomains only
      "https://partner.test/other",
      "http://regex.test/page",
      "not a url",
    ]
    for (const url of refused) {
      const answer = await post(relay.handle, "createTask", recaptcha("emulator-instant", url))
      expect(answer.status).toBe(403)
      expect(answer.body.errorCode).toBe("ERROR_RELAY_WEBSITE_NOT_ALLOWED")
    }
    const sneaky = await post(relay.handle, "createTask", {
      task: {
        type: "ReCaptchaV2TaskProxyLess",
        websiteUrl: "https://evil.test/",
        websiteKey: "emulator-instant",
      },
    })
    // Another spelling of the field is not the field: the task is refused as invalid (400), naming the key,
    // before any website rule, so no spelling reaches a provider whose decoder ignores case.
    expect(sneaky.status).toBe(400)
    expect(sneaky.body.errorCode).toBe("ERROR_RELAY_INVALID_TASK")
    expect(sneaky.body.errorDescription).toContain('"websiteUrl"')
    expect(sneaky.body.errorDescription).not.toContain("evil.test")
    // ReCaptchaV2TaskProxyLess requires websiteURL: without it the task is invalid for its type.
    const noWebsite = await post(relay.handle, "createTask", {
      task: { type: "ReCaptchaV2TaskProxyLess", websiteKey: "k" },
    })
    expect(noWebsite.body.errorCode).toBe("ERROR_RELAY_INVALID_TASK")
    expect(noWebsite.body.errorDescription).toContain('"websiteURL" is required')
    expect(upstreamRequests()).toBe(allowed.length)
    // Recognition tasks have no page; the exemption lets them through.
    const image = await post(relay.handle, "createTask", {
      task: { type: "ImageToTextTask", body: "aGVsbG8=" },
    })
    expect(image.body).toMatchObject({ errorId: 0, status: "ready" })
  })

  it("limits tasks per client per minute with 429 and Retry-After, and the window rolls", async () => {
    let now = 1_000_000
    const { relay } = makeRelay({
      limits: { tasksPerClientPerMinute: 2 },
      clientId: (request) => request.headers.get("x-user") ?? "nobody",
      now: () => now,
    })
    const alice = { "x-user": "alice" }
    expect((await post(relay.handle, "createTask", recaptcha("emulator-instant"), alice)).status).toBe(200)
    now += 20_000
    expect((await post(relay.handle, "createTask", recaptcha("emulator-instant"), alice)).status).toBe(200)
    const limited = await post(relay.handle, "createTask", recaptcha("emulator-instant"), alice)
    expect(limited.status).toBe(429)
    expect(limited.body).toMatchObject({ errorId: 1, errorCode: "ERROR_RATE_LIMIT" })
    // The first task leaves the window 40 s from now.
    expect(limited.headers.get("retry-after")).toBe("40")
    // Another client has its own budget.
    expect(
      (await post(relay.handle, "createTask", recaptcha("emulator-instant"), { "x-user": "bob" })).status,
    ).toBe(200)
    now += 40_000
    expect((await post(relay.handle, "createTask", recaptcha("emulator-instant"), alice)).status).toBe(200)
    expect(file.emulator.emulator.audit().tasks.created).toBe(4)
  })

  it("limits tasks across all clients with tasksPerMinute", async () => {
    const { relay } = makeRelay({
      limits: { tasksPerMinute: 1 },
      clientId: (request) => request.headers.get("x-user") ?? "nobody",
    })
    expect(
      (await post(relay.handle, "createTask", recaptcha("emulator-instant"), { "x-user": "a" })).status,
    ).toBe(200)
    const second = await post(relay.handle, "createTask", recaptcha("emulator-instant"), { "x-user": "b" })
    expect(second.status).toBe(429)
    expect(second.body.errorDescription).toContain("all clients")
    expect(upstreamRequests()).toBe(1)
  })

  it("relays getToken under the same rules, and feedbackTask for the client's own tasks", async () => {
    const { relay } = makeRelay()
    const token = await post(relay.handle, "getToken", recaptcha("emulator-instant"))
    expect(token.body).toMatchObject({ errorId: 0, status: "ready" })
    expect(typeof token.body.solution.gRecaptchaResponse).toBe("string")
    const refused = await post(relay.handle, "getToken", {
      task: { type: "ReCaptchaV3TaskProxyLess", websiteURL: "https://example.com", websiteKey: "k" },
    })
    expect(refused.body.errorCode).toBe("ERROR_RELAY_TASK_NOT_ALLOWED")

    const created = await post(relay.handle, "createTask", recaptcha("emulator-instant"))
    await post(relay.handle, "getTaskResult", { taskId: created.body.taskId })
    const feedback = await post(relay.handle, "feedbackTask", {
      taskId: created.body.taskId,
      result: { invalid: true, message: "rejected by the site" },
    })
    expect(feedback.body).toMatchObject({ errorId: 0 })
    expect(file.emulator.emulator.audit().feedback).toEqual({ total: 1, invalid: 1 })
    const foreign = await post(relay.handle, "feedbackTask", {
      taskId: "someone-else",
      result: { invalid: true },
    })
    expect(foreign.body.errorCode).toBe("ERROR_TASKID_INVALID")
  })

  it("forwards getTaskResult only for tasks the same client created", async () => {
    const { relay } = makeRelay({ clientId: (request) => request.headers.get("x-user") ?? "nobody" })
    const created = await post(relay.handle, "createTask", recaptcha("emulator-instant"), {
      "x-user": "alice",
    })
    const taskId = created.body.taskId as string
    const stolen = await post(relay.handle, "getTaskResult", { taskId }, { "x-user": "mallory" })
    expect(stolen.status).toBe(400)
    expect(stolen.body).toMatchObject({ errorId: 1, errorCode: "ERROR_TASKID_INVALID" })
    const unknown = await post(relay.handle, "getTaskResult", { taskId: "made-up" }, { "x-user": "alice" })
    expect(unknown.body.errorCode).toBe("ERROR_TASKID_INVALID")
    expect(file.emulator.emulator.task(taskId)?.queries).toBe(0)
    const mine = await post(relay.handle, "getTaskResult", { taskId }, { "x-user": "alice" })
    expect(mine.body).toMatchObject({ errorId: 0, status: "ready" })
  })

  it("limits unfinished tasks per client until a result is collected", async () => {
    const { relay } = makeRelay({ limits: { pendingTasksPerClient: 1 } })
    const first = await post(relay.handle, "createTask", recaptcha("emulator-instant"))
    const second = await post(relay.handle, "createTask", recaptcha("emulator-instant"))
    expect(second.status).toBe(429)
    expect(second.body.errorDescription).toContain("unfinished tasks")
    await post(relay.handle, "getTaskResult", { taskId: first.body.taskId })
    expect((await post(relay.handle, "createTask", recaptcha("emulator-instant"))).status).toBe(200)
  })

  it("passes provider errors through without the key: bad key, zero balance, unsolvable", async () => {
    const bad = makeRelay({ apiKey: "SENTINEL-WRONG-KEY" }).relay
    const denied = await post(bad.handle, "createTask", recaptcha("emulator-instant"))
    expect(denied.body).toMatchObject({ errorId: 1, errorCode: "ERROR_KEY_DENIED_ACCESS" })
    expect(denied.status).toBe(401)

    const broke = makeRelay({ apiKey: ZERO_KEY }).relay
    const zero = await post(broke.handle, "createTask", recaptcha("emulator-instant"))
    expect(zero.body).toMatchObject({ errorId: 1, errorCode: "ERROR_ZERO_BALANCE" })

    const { relay } = makeRelay()
    const created = await post(relay.handle, "createTask", recaptcha("emulator-unsolvable"))
    let result = await post(relay.handle, "getTaskResult", { taskId: created.body.taskId })
    for (let i = 0; i < 50 && result.body.errorId === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      result = await post(relay.handle, "getTaskResult", { taskId: created.body.taskId })
    }
    expect(result.body).toMatchObject({ errorId: 1, errorCode: "ERROR_CAPTCHA_UNSOLVABLE" })
  })

  it("sets CORS headers for allowed origins and refuses others before contacting the provider", async () => {
    const { relay } = makeRelay({ allowOrigins: ["https://app.example.com"] })
    const preflight = await relay.handle(
      new Request("http://relay.test/createTask", {
        method: "OPTIONS",
        headers: {
          origin: "https://app.example.com",
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type",
        },
      }),
    )
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://app.example.com")
    expect(preflight.headers.get("access-control-allow-methods")).toBe("POST, OPTIONS")

    const allowed = await post(relay.handle, "createTask", recaptcha("emulator-instant"), {
      origin: "https://app.example.com",
    })
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example.com")
    expect(allowed.headers.get("vary")).toBe("Origin")

    const foreign = await post(relay.handle, "createTask", recaptcha("emulator-instant"), {
      origin: "https://evil.test",
    })
    expect(foreign.status).toBe(403)
    expect(foreign.body.errorCode).toBe("ERROR_RELAY_ORIGIN_NOT_ALLOWED")
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull()
    expect(upstreamRequests()).toBe(1)
  })

  it("does not expose getBalance or other endpoints", async () => {
    const { relay } = makeRelay()
    const balance = await post(relay.handle, "getBalance", {})
    expect(balance.status).toBe(404)
    expect(balance.body.errorCode).toBe("ERROR_RELAY_ENDPOINT_NOT_ALLOWED")
    expect(upstreamRequests()).toBe(0)
  })

  it("refuses malformed and oversized bodies", async () => {
    const { relay } = makeRelay({ maxBodyBytes: 1024 })
    const notJson = await relay.handle(
      new Request("http://relay.test/createTask", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{oops",
      }),
    )
    expect(notJson.status).toBe(400)
    expect(((await notJson.json()) as { errorCode: string }).errorCode).toBe("ERROR_RELAY_BAD_REQUEST")
    const big = await post(relay.handle, "createTask", {
      task: { type: "ImageToTextTask", body: "A".repeat(4096) },
    })
    expect(big.status).toBe(413)
    expect(big.body.errorCode).toBe("ERROR_RELAY_BODY_TOO_LARGE")
    expect(upstreamRequests()).toBe(0)
  })

  it("answers a retryable 503 when the provider cannot be reached", async () => {
    const { relay } = makeRelay({ baseUrl: await closedPortUrl() })
    const answer = await post(relay.handle, "createTask", recaptcha("emulator-instant"))
    expect(answer.status).toBe(503)
    expect(answer.body).toMatchObject({ errorId: 1, errorCode: "ERROR_SERVICE_UNAVALIABLE" })
  })

  it("uses a body already parsed by Express-style middleware", async () => {
    const { relay } = makeRelay()
    const handler = toNodeHandler(relay.handle)
    const server = await listen(async (req, res) => {
      const chunks: Array<Buffer> = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      Object.assign(req, { body: JSON.parse(Buffer.concat(chunks).toString("utf8")) })
      handler(req, res)
    })
    cleanups.push(() => server.close())
    const response = await fetch(`${server.url}/createTask`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(recaptcha("emulator-instant")),
    })
    const text = await response.text()
    seen.push(text)
    expect(JSON.parse(text)).toMatchObject({ errorId: 0 })
  })

  it("needs a key: the configuration error names the option and the environment variable", () => {
    const saved = process.env.CAPSOLVER_API_KEY
    delete process.env.CAPSOLVER_API_KEY
    try {
      const error = (() => {
        try {
          createRelay({ allowTaskTypes: ["ImageToTextTask"] })
        } catch (e) {
          return e
        }
      })()
      expect(isConfigurationError(error)).toBe(true)
      expect((error as Error).message).toContain("apiKey")
      expect((error as Error).message).toContain("CAPSOLVER_API_KEY")
    } finally {
      if (saved !== undefined) process.env.CAPSOLVER_API_KEY = saved
    }
  })
})

describe("when the provider's answer cannot be passed on", () => {
  /** Mounts a relay on a real port and returns a relay-mode client (no key: the relay adds it) talking to it. */
  const relayModeClient = async (relayOptions: Partial<RelayOptions>) => {
    const { relay, events } = makeRelay(relayOptions)
    const server = await listen(toNodeHandler(relay.handle))
    cleanups.push(() => server.close())
    const client = createClient({
      keyless: true,
      baseUrl: server.url,
      retry: { baseDelayMs: 1, maxDelayMs: 4 },
    })
    cleanups.push(() => client.dispose())
    return { client, events, url: server.url }
  }

  const task = ReCaptchaV2TaskProxyLess({ websiteURL: "https://example.com/login", websiteKey: "site" })

  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => expect.unreachable("the solve should have failed"),
      (error: unknown) => {
        seen.push(String(error), JSON.stringify(error))
        return error
      },
    )

  /** A plain POST to the relay that keeps the raw answer (it is not JSON in these cases). */
  const postRaw = async (url: string, body: unknown) => {
    const response = await fetch(`${url}/createTask`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    })
    const text = await response.text()
    seen.push(text)
    return { status: response.status, headers: response.headers, text }
  }

  it("a createTask whose answer is lost reaches a relay-mode client as outcome unknown, and is created once", async () => {
    const dropping = await serve({
      keys: [KEY],
      timeScale: 1000,
      taskTtlSeconds: 300_000,
      faults: { dropAfterCreate: { rate: 1, endpoints: ["createTask"] } },
    })
    cleanups.push(() => dropping.close())
    const { client, events } = await relayModeClient({ baseUrl: dropping.url })

    const error = await failure(client.solve(task))

    expect(isCreateTaskOutcomeUnknownError(error)).toBe(true)
    expect(isApiError(error)).toBe(false)
    const audit = dropping.emulator.audit()
    expect(audit.requests.byEndpoint.createTask).toBe(1)
    expect(audit.tasks.created).toBe(1)
    expect(audit.tasks.duplicateCreations).toBe(0)
    expect(events).toMatchObject([{ _tag: "Refused", status: 502, errorCode: "ERROR_RELAY_UPSTREAM_FAILED" }])
  })

  it("answers a lost createTask with a plain-text 502 that names the outcome as unknown", async () => {
    const dropping = await serve({
      keys: [KEY],
      timeScale: 1000,
      taskTtlSeconds: 300_000,
      faults: { dropAfterCreate: { rate: 1, endpoints: ["createTask"] } },
    })
    cleanups.push(() => dropping.close())
    const { url } = await relayModeClient({ baseUrl: dropping.url })

    const answer = await postRaw(url, recaptcha("site"))

    expect(answer.status).toBe(502)
    expect(answer.headers.get("content-type")).toMatch(/^text\/plain/)
    expect(answer.headers.get("x-solvekit-relay-error")).toBe("upstream-outcome-unknown")
    expect(() => JSON.parse(answer.text)).toThrow()
  })

  it("stops reading a provider answer larger than the cap and reports the createTask outcome as unknown", async () => {
    let bytesSent = 0
    const huge = await listen((req, res) => {
      req.resume()
      res.writeHead(200, { "content-type": "application/json" })
      // 64 MiB announced by nothing but the stream itself (chunked): the relay must stop on its own.
      const chunk = Buffer.alloc(64 * 1024, "a")
      let left = 1024
      const pump = () => {
        while (left > 0) {
          left--
          bytesSent += chunk.length
          if (!res.write(chunk)) return void res.once("drain", pump)
        }
        res.end()
      }
      res.on("close", () => {
        left = 0
      })
      res.write('{"errorId":0,"taskId":"huge","padding":"')
      pump()
    })
    cleanups.push(() => huge.close())
    const { client, url, events } = await relayModeClient({
      baseUrl: huge.url,
      maxUpstreamBodyBytes: 256 * 1024,
    })

    const error = await failure(client.solve(task))
    expect(isCreateTaskOutcomeUnknownError(error)).toBe(true)

    const answer = await postRaw(url, recaptcha("site"))
    expect(answer.status).toBe(502)
    expect(answer.headers.get("content-type")).toMatch(/^text\/plain/)
    expect(answer.text.length).toBeLessThan(1024)
    expect(bytesSent).toBeLessThan(64 * 1024 * 1024)
    expect(events.map((event) => event._tag)).toEqual(["Refused", "Refused"])
  })

  it("scrubs the key from a provider errorCode in the Forwarded event", async () => {
    const echoing = await listen(async (req, res) => {
      const chunks: Array<Buffer> = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      const { clientKey } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { clientKey: string }
      res.writeHead(200, { "content-type": "application/json" })
      res.end(JSON.stringify({ errorId: 1, errorCode: `ERROR_KEY_${clientKey}`, errorDescription: "bad" }))
    })
    cleanups.push(() => echoing.close())
    const { relay, events } = makeRelay({ baseUrl: echoing.url })

    const answer = await post(relay.handle, "createTask", recaptcha("site"))

    expect(answer.body.errorCode).toBe("ERROR_KEY_<redacted>")
    expect(events).toMatchObject([{ _tag: "Forwarded", errorCode: "ERROR_KEY_<redacted>" }])
    expect(JSON.stringify(events)).not.toContain(KEY)
  })
})

describe("reading the provider's answer as core does", () => {
  /** A provider that answers each endpoint with a scripted body, built from the key it was sent. */
  const scripted = async (answers: Record<string, (clientKey: string) => unknown>) => {
    const server = await listen(async (req, res) => {
      const chunks: Array<Buffer> = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      const { clientKey } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { clientKey: string }
      const answer = answers[(req.url ?? "").replace(/^\//, "")]
      res.writeHead(200, { "content-type": "application/json" })
      res.end(JSON.stringify(answer?.(clientKey) ?? { errorId: 1, errorCode: "ERROR_UNEXPECTED" }))
    })
    cleanups.push(() => server.close())
    return server
  }

  it("scrubs the key in any case, and as a JSON string escapes it, from the answer and the events", async () => {
    const quotedKey = 'SENTINEL-"QUOTED"-KEY'
    const provider = await scripted({
      createTask: (clientKey) => ({
        errorId: 1,
        errorCode: `ERROR_${clientKey.toUpperCase()}`,
        errorDescription: `key ${clientKey.toLowerCase()} or ${clientKey}`,
      }),
    })
    const { relay, events } = makeRelay({ baseUrl: provider.url, apiKey: quotedKey })

    const answer = await post(relay.handle, "createTask", recaptcha("site"))

    expect(answer.body).toMatchObject({
      errorCode: "ERROR_<redacted>",
      errorDescription: "key <redacted> or <redacted>",
    })
    expect(events).toMatchObject([{ _tag: "Forwarded", errorCode: "ERROR_<redacted>" }])
    expect(JSON.stringify([answer.body, events]).toLowerCase()).not.toContain("quoted")
  })

  it("an answer flagged as an error by a string errorId creates no task for the client", async () => {
    const provider = await scripted({
      createTask: () => ({ errorId: "1", errorCode: "ERROR_INVALID_TASK_DATA", taskId: "not-created" }),
      getTaskResult: () => ({ errorId: 0, status: "processing" }),
    })
    const { relay, events } = makeRelay({ baseUrl: provider.url })

    const created = await post(relay.handle, "createTask", recaptcha("site"))
    const polled = await post(relay.handle, "getTaskResult", { taskId: "not-created" })

    expect(created.body.errorCode).toBe("ERROR_INVALID_TASK_DATA")
    expect(polled.status).toBe(400)
    expect(polled.body.errorCode).toBe("ERROR_TASKID_INVALID")
    expect(events).toMatchObject([
      { _tag: "Forwarded", endpoint: "createTask", errorCode: "ERROR_INVALID_TASK_DATA" },
      { _tag: "Refused", endpoint: "getTaskResult", errorCode: "ERROR_TASKID_INVALID" },
    ])
  })

  it("tracks a task by the id solvekit's client polls with: the answer's id as core's decoder reads it", async () => {
    const provider = await scripted({
      createTask: () => ({ errorId: 0, taskId: "  padded-id ", status: "idle" }),
      getTaskResult: () => ({ errorId: 0, status: "ready", solution: { gRecaptchaResponse: "token" } }),
    })
    const { relay, events } = makeRelay({ baseUrl: provider.url, limits: { pendingTasksPerClient: 1 } })

    await post(relay.handle, "createTask", recaptcha("site"))
    const polled = await post(relay.handle, "getTaskResult", { taskId: "padded-id" })
    const next = await post(relay.handle, "createTask", recaptcha("site"))

    expect(polled.body).toMatchObject({ status: "ready" })
    // The ready poll settled the task, so the one-unfinished-task limit lets the next one through.
    expect(next.status).toBe(200)
    expect(events.map((event) => event._tag)).toEqual(["Forwarded", "Forwarded", "Forwarded"])
    expect(events[0]).toMatchObject({ taskId: "padded-id" })
  })
})
