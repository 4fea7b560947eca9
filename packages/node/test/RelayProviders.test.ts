/**
 * The relay in front of a provider other than CapSolver. The emulator speaks CapSolver's dialect only, so the
 * provider here is a small local server that records what reaches it and answers like Anti-Captcha does
 * (numeric task ids, no getToken / feedbackTask).
 */
import * as http from "node:http"
import type * as net from "node:net"
import {
  AntiCaptcha,
  AntiTurnstileTaskProxyLess,
  CapMonsterCloud,
  isConfigurationError,
  Policy,
  ReCaptchaV2TaskProxyLess,
} from "@solvekit/core"
import { afterEach, describe, expect, it } from "vitest"
import { createClient } from "../src/NodeClient.ts"
import { toNodeHandler } from "../src/NodeHandler.ts"
import { createRelay, type RelayEvent, type RelayOptions } from "../src/NodeRelay.ts"
import { listen } from "./support/servers.ts"

// A sentinel key: if it shows up in anything the relay answers or reports, the test says so.
const KEY = "SENTINEL-ANTI-KEY-4d2e81"

interface Upstream {
  readonly url: string
  /** Every request the provider received: its path and parsed JSON body. */
  readonly requests: Array<{ readonly path: string; readonly body: Record<string, any> }>
  close(): Promise<void>
}

/** A provider that answers createTask with the next numeric id and getTaskResult with a ready solution. */
const startUpstream = async (): Promise<Upstream> => {
  const requests: Array<{ path: string; body: Record<string, any> }> = []
  let nextTaskId = 123
  const server = await listen(async (req, res) => {
    const chunks: Array<Buffer> = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, any>
    const path = req.url ?? ""
    requests.push({ path, body })
    const answer =
      path === "/createTask"
        ? { errorId: 0, taskId: nextTaskId++ }
        : path === "/getTaskResult"
          ? { errorId: 0, status: "ready", solution: { gRecaptchaResponse: `token-for-${body.taskId}` } }
          : { errorId: 1, errorCode: "ERROR_NO_SUCH_METHOD", errorDescription: "No such method" }
    res.setHeader("content-type", "application/json")
    res.end(JSON.stringify(answer))
  })
  return { ...server, requests }
}

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Every body and event the test saw, to check that the key never leaks. */
const seen: Array<string> = []
afterEach(() => {
  for (const text of seen.splice(0)) expect(text).not.toContain("SENTINEL")
})

const upstream = async () => {
  const server = await startUpstream()
  cleanups.push(() => server.close())
  return server
}

/** A relay for Anti-Captcha in front of `upstreamUrl`; clients are told apart by an `x-client` header. */
const makeRelay = (upstreamUrl: string, options: Partial<RelayOptions> = {}) => {
  const events: Array<RelayEvent> = []
  const relay = createRelay({
    provider: AntiCaptcha,
    apiKey: KEY,
    baseUrl: upstreamUrl,
    allowTaskTypes: [AntiTurnstileTaskProxyLess, "ImageToTextTask"],
    clientId: (request) => request.headers.get("x-client") ?? "anonymous",
    onEvent: (event) => {
      events.push(event)
      seen.push(JSON.stringify(event))
    },
    ...options,
  })
  cleanups.push(() => relay.close())
  return { relay, events }
}

/** What a browser sends: the provider's JSON, no clientKey. */
const post = async (
  handle: (request: Request) => Promise<Response>,
  endpoint: string,
  body: unknown,
  client = "browser-a",
) => {
  const response = await handle(
    new Request(`http://relay.test/captcha/${endpoint}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-client": client },
      body: JSON.stringify(body),
    }),
  )
  const text = await response.text()
  seen.push(text)
  return { status: response.status, body: JSON.parse(text) as Record<string, any> }
}

const turnstile = { type: "TurnstileTaskProxyless", websiteURL: "https://example.com", websiteKey: "0x4AAA" }

describe("createRelay with provider: AntiCaptcha", () => {
  it("forwards to the provider's base URL with the relay's key, accepting an allowed type under Anti-Captcha's name", async () => {
    const provider = await upstream()
    const { relay, events } = makeRelay(provider.url)
    const answer = await post(relay.handle, "createTask", { task: turnstile })
    expect(answer).toEqual({ status: 200, body: { errorId: 0, taskId: 123 } })
    expect(provider.requests).toEqual([{ path: "/createTask", body: { clientKey: KEY, task: turnstile } }])
    expect(events).toEqual([
      {
        _tag: "Forwarded",
        endpoint: "createTask",
        clientId: "browser-a",
        taskType: "TurnstileTaskProxyless",
        taskId: "123",
        status: 200,
        errorCode: undefined,
      },
    ])
  })

  it("forwards the developer id as Anti-Captcha's integer softId, never as CapSolver's appId", async () => {
    const provider = await upstream()
    const { relay } = makeRelay(provider.url, { appId: "4580" })
    expect((await post(relay.handle, "createTask", { task: turnstile })).status).toBe(200)
    expect(provider.requests).toEqual([
      { path: "/createTask", body: { clientKey: KEY, task: turnstile, softId: 4_580 } },
    ])
  })

  it("refuses a non-integer developer id for Anti-Captcha when the relay is built", () => {
    expect(() => makeRelay("http://127.0.0.1:9", { appId: "my-app" })).toThrow(/softId/)
  })

  it("still accepts the catalogue's own name for an allowed type, and forwards it under the provider's", async () => {
    const provider = await upstream()
    const { relay } = makeRelay(provider.url)
    const answer = await post(relay.handle, "createTask", {
      task: { ...turnstile, type: "AntiTurnstileTaskProxyLess" },
    })
    expect(answer.status).toBe(200)
    // Anti-Captcha knows the type as TurnstileTaskProxyless: the relay forwards the name the provider reads.
    expect(provider.requests.map((request) => request.body.task.type)).toEqual(["TurnstileTaskProxyless"])
  })

  it("refuses a type the allow-list does not name, in either spelling, without contacting the provider", async () => {
    const provider = await upstream()
    const { relay, events } = makeRelay(provider.url)
    for (const type of ["RecaptchaV2TaskProxyless", "ReCaptchaV2TaskProxyLess", "TurnstileTask"]) {
      const answer = await post(relay.handle, "createTask", { task: { ...turnstile, type } })
      expect(answer.status).toBe(403)
      expect(answer.body).toMatchObject({ errorId: 1, errorCode: "ERROR_RELAY_TASK_NOT_ALLOWED" })
    }
    expect(provider.requests).toEqual([])
    expect(events.map((event) => event._tag)).toEqual(["Refused", "Refused", "Refused"])
  })

  it("exempts a type from the website rule under the provider's name when tasksWithoutWebsite lists it", async () => {
    const provider = await upstream()
    // Recognition types (whose websiteURL is optional) under names of this provider's own.
    const names: Record<string, string> = {
      ImageToTextTask: "ImageToText",
      ReCaptchaV2Classification: "RecaptchaV2Images",
    }
    const renaming = { ...AntiCaptcha, taskTypeName: (type: string) => names[type] ?? type }
    const { relay } = makeRelay(provider.url, {
      provider: renaming,
      allowTaskTypes: ["ImageToTextTask", "ReCaptchaV2Classification"],
      allowWebsiteUrls: ["example.com"],
      tasksWithoutWebsite: ["ImageToTextTask"],
    })
    const exempt = await post(relay.handle, "createTask", { task: { type: "ImageToText", body: "aGVsbG8=" } })
    expect(exempt.status).toBe(200)
    const notExempt = await post(relay.handle, "createTask", {
      task: { type: "RecaptchaV2Images", image: "aGVsbG8=", question: "/m/04_sv" },
    })
    expect(notExempt.body).toMatchObject({ errorId: 1, errorCode: "ERROR_RELAY_WEBSITE_NOT_ALLOWED" })
    expect(provider.requests).toHaveLength(1)
  })

  it("refuses getToken and feedbackTask, which Anti-Captcha does not have, without contacting the provider", async () => {
    const provider = await upstream()
    const { relay, events } = makeRelay(provider.url)
    const created = await post(relay.handle, "createTask", { task: turnstile })
    const token = await post(relay.handle, "getToken", { task: turnstile })
    expect(token.status).toBe(404)
    expect(token.body).toEqual({
      errorId: 1,
      errorCode: "ERROR_RELAY_ENDPOINT_NOT_SUPPORTED",
      errorDescription: "Anti-Captcha has no getToken endpoint; this relay does not forward it.",
    })
    const feedback = await post(relay.handle, "feedbackTask", {
      taskId: created.body.taskId,
      result: { invalid: true },
    })
    expect(feedback.status).toBe(404)
    expect(feedback.body).toMatchObject({ errorId: 1, errorCode: "ERROR_RELAY_ENDPOINT_NOT_SUPPORTED" })
    expect(provider.requests.map((request) => request.path)).toEqual(["/createTask"])
    expect(events.filter((event) => event._tag === "Refused").map((event) => event.errorCode)).toEqual([
      "ERROR_RELAY_ENDPOINT_NOT_SUPPORTED",
      "ERROR_RELAY_ENDPOINT_NOT_SUPPORTED",
    ])
  })

  it("lets the client that created a task poll it by its numeric id, forwarded as a number, and refuses another client", async () => {
    const provider = await upstream()
    const { relay, events } = makeRelay(provider.url)
    const created = await post(relay.handle, "createTask", { task: turnstile }, "browser-a")
    expect(created.body.taskId).toBe(123)

    const stranger = await post(relay.handle, "getTaskResult", { taskId: 123 }, "browser-b")
    expect(stranger.status).toBe(400)
    expect(stranger.body).toMatchObject({ errorId: 1, errorCode: "ERROR_TASKID_INVALID" })
    expect(provider.requests).toHaveLength(1)

    const owner = await post(relay.handle, "getTaskResult", { taskId: 123 }, "browser-a")
    expect(owner.body).toEqual({
      errorId: 0,
      status: "ready",
      solution: { gRecaptchaResponse: "token-for-123" },
    })
    expect(provider.requests[1]).toEqual({ path: "/getTaskResult", body: { clientKey: KEY, taskId: 123 } })
    expect(events.at(-1)).toMatchObject({ _tag: "Forwarded", endpoint: "getTaskResult", taskId: "123" })
  })

  it("counts a numeric-id task as unfinished until its result is collected", async () => {
    const provider = await upstream()
    const { relay } = makeRelay(provider.url, { limits: { pendingTasksPerClient: 1 } })
    await post(relay.handle, "createTask", { task: turnstile })
    const second = await post(relay.handle, "createTask", { task: turnstile })
    expect(second.body).toMatchObject({ errorId: 1, errorCode: "ERROR_RATE_LIMIT" })
    await post(relay.handle, "getTaskResult", { taskId: 123 })
    const third = await post(relay.handle, "createTask", { task: turnstile })
    expect(third.body).toEqual({ errorId: 0, taskId: 124 })
  })

  it("serves a relay-mode client given the same provider: the renamed type and the numeric id reach the provider", async () => {
    const provider = await upstream()
    const { relay } = makeRelay(provider.url, { allowTaskTypes: [ReCaptchaV2TaskProxyLess] })
    const server = await listen(toNodeHandler(relay.handle))
    cleanups.push(() => server.close())
    const client = createClient({
      provider: AntiCaptcha,
      keyless: true,
      baseUrl: server.url,
      policy: Policy.fixed("1 millis"),
    })
    cleanups.push(() => client.dispose())
    const solved = await client.solve(
      ReCaptchaV2TaskProxyLess({ websiteURL: "https://example.com/login", websiteKey: "site" }),
    )
    seen.push(JSON.stringify(solved))
    expect(solved.taskId).toBe("123")
    expect(solved.solution.gRecaptchaResponse).toBe("token-for-123")
    expect(provider.requests).toEqual([
      {
        path: "/createTask",
        body: {
          clientKey: KEY,
          task: {
            type: "RecaptchaV2TaskProxyless",
            websiteURL: "https://example.com/login",
            websiteKey: "site",
          },
        },
      },
      { path: "/getTaskResult", body: { clientKey: KEY, taskId: 123 } },
    ])
  })
})

describe("createRelay's provider decides where the key and the upstream come from", () => {
  const withEnv = (variables: Record<string, string | undefined>, run: () => void | Promise<void>) => {
    const saved = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]))
    const restore = () => {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }
    }
    for (const [name, value] of Object.entries(variables)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
    return Promise.resolve().then(run).finally(restore)
  }

  it("never takes CapSolver's key for Anti-Captcha: the missing-key error names ANTICAPTCHA_API_KEY", () =>
    withEnv({ CAPSOLVER_API_KEY: "SENTINEL-CAPSOLVER-KEY", ANTICAPTCHA_API_KEY: undefined }, () => {
      const error = (() => {
        try {
          createRelay({ provider: AntiCaptcha, allowTaskTypes: ["ImageToTextTask"] })
        } catch (e) {
          return e
        }
      })()
      expect(isConfigurationError(error)).toBe(true)
      expect((error as Error).message).toContain("ANTICAPTCHA_API_KEY")
      expect((error as Error).message).not.toContain("CAPSOLVER")
    }))

  it("reads the key and base URL from the provider's own variables", async () => {
    const provider = await upstream()
    await withEnv(
      { ANTICAPTCHA_API_KEY: KEY, ANTICAPTCHA_BASE_URL: provider.url, CAPSOLVER_API_KEY: "SENTINEL-OTHER" },
      async () => {
        const relay = createRelay({
          provider: AntiCaptcha,
          allowTaskTypes: [AntiTurnstileTaskProxyLess],
          sharedIdentity: true,
        })
        cleanups.push(() => relay.close())
        const answer = await post(relay.handle, "createTask", { task: turnstile })
        expect(answer.body).toEqual({ errorId: 0, taskId: 123 })
      },
    )
    expect(provider.requests.map((request) => request.body.clientKey)).toEqual([KEY])
  })

  it("sends to the provider's own host when no base URL is set", async () => {
    // A proxy that records where the relay tunnels to and refuses: nothing leaves the machine.
    const tunnels: Array<string> = []
    const proxy = http.createServer((_, res) => res.writeHead(405).end())
    proxy.on("connect", (req: http.IncomingMessage, socket: net.Socket) => {
      tunnels.push(req.url ?? "")
      socket.end("HTTP/1.1 403 Forbidden\r\n\r\n")
    })
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve))
    cleanups.push(() => new Promise<void>((resolve) => proxy.close(() => resolve())))
    const { port } = proxy.address() as net.AddressInfo
    const relay = createRelay({
      provider: CapMonsterCloud,
      apiKey: KEY,
      proxy: `http://127.0.0.1:${port}`,
      allowTaskTypes: [ReCaptchaV2TaskProxyLess],
      sharedIdentity: true,
    })
    cleanups.push(() => relay.close())
    // CapMonster Cloud's name for ReCaptchaV2TaskProxyLess is RecaptchaV2Task (its proxy is optional there).
    const response = await relay.handle(
      new Request("http://relay.test/captcha/createTask", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          task: { type: "RecaptchaV2Task", websiteURL: "https://a.example", websiteKey: "k" },
        }),
      }),
    )
    seen.push(await response.text())
    // The tunnel was refused after the request may have left: the relay reports the outcome as unknown.
    expect(response.status).toBe(502)
    expect(tunnels).toEqual(["api.capmonster.cloud:443"])
  })
})
