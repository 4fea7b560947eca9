import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { Effect, Exit, Fiber, Redacted } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import { isTransportError, type TransportError } from "../src/domain/Errors.ts"
import { ReCaptchaV2TaskProxyLess } from "../src/domain/tasks/ReCaptchaV2.ts"
import * as Policy from "../src/engine/Policy.ts"
import { makePromiseClient } from "../src/faces/PromiseClient.ts"
import { SolveKit } from "../src/faces/SolveKit.ts"
import * as KyTransport from "../src/wire/KyTransport.ts"
import { parseRetryAfter } from "../src/wire/Transport.ts"

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void

interface TestServer {
  readonly url: string
  readonly requests: Array<{
    readonly url: string
    readonly headers: IncomingMessage["headers"]
    readonly body: string
  }>
  readonly closed: Array<string>
  close(): Promise<void>
}

const servers: Array<TestServer> = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

const serve = async (handler: Handler): Promise<TestServer> => {
  const requests: TestServer["requests"] = []
  const closed: Array<string> = []
  const server: Server = createServer((req, res) => {
    let body = ""
    req.setEncoding("utf8")
    req.on("data", (chunk: string) => {
      body += chunk
    })
    req.on("end", () => {
      requests.push({ url: req.url ?? "", headers: req.headers, body })
      res.on("close", () => closed.push(req.url ?? ""))
      handler(req, body, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  const handle: TestServer = {
    url: `http://127.0.0.1:${port}`,
    requests,
    closed,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
  servers.push(handle)
  return handle
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers })
  res.end(JSON.stringify(body))
}

const transportError = (exit: Exit.Exit<unknown, unknown>): TransportError => {
  if (Exit.isSuccess(exit)) throw new Error("expected a failure")
  const fail = exit.cause.reasons.find((r) => r._tag === "Fail") as { error: unknown } | undefined
  if (!isTransportError(fail?.error)) throw new Error(`expected a TransportError, got ${String(fail?.error)}`)
  return fail.error
}

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5))
}

describe("KyTransport", () => {
  it("POSTs JSON under the base URL (path kept) with the key unwrapped only on the wire", async () => {
    const server = await serve((_req, _body, res) => json(res, 200, { errorId: 0, balance: 1 }))
    const transport = KyTransport.make({
      baseUrl: `${server.url}/v1/`,
      headers: { "user-agent": "solvekit-test" },
    })
    const response = await Effect.runPromise(
      transport.post("getBalance", { clientKey: Redacted.make("sk-wire-key"), nested: { n: 1 } }),
    )
    expect(response.status).toBe(200)
    expect(JSON.parse(response.body)).toEqual({ errorId: 0, balance: 1 })
    const [request] = server.requests
    expect(request?.url).toBe("/v1/getBalance")
    expect(request?.headers["content-type"]).toBe("application/json")
    expect(request?.headers["user-agent"]).toBe("solvekit-test")
    expect(JSON.parse(request?.body ?? "")).toEqual({ clientKey: "sk-wire-key", nested: { n: 1 } })
  })

  it("hands the runtime's fetch a URL and the encoded body string, with ky's headers and the call's signal", async () => {
    const server = await serve((_req, _body, res) => json(res, 200, { errorId: 0, balance: 1 }))
    const seen: Array<{ input: unknown; init: RequestInit | undefined }> = []
    const transport = KyTransport.make({
      baseUrl: server.url,
      headers: { "user-agent": "solvekit-test" },
      fetch: (input, init) => {
        seen.push({ input, init })
        return globalThis.fetch(input, init)
      },
    })
    const response = await Effect.runPromise(transport.post("getBalance", { clientKey: "k", n: 1 }))
    expect(JSON.parse(response.body)).toEqual({ errorId: 0, balance: 1 })
    const [call] = seen
    // A plain URL and the body as a string: a Request would hold the body as a stream, which the runtime's
    // fetch would have to pump into a second request.
    expect(call?.input).toBe(`${server.url}/getBalance`)
    expect(call?.init?.method).toBe("POST")
    expect(call?.init?.body).toBe('{"clientKey":"k","n":1}')
    expect(new Headers(call?.init?.headers).get("user-agent")).toBe("solvekit-test")
    expect(new Headers(call?.init?.headers).get("content-type")).toBe("application/json")
    expect(call?.init?.signal).toBeInstanceOf(AbortSignal)
    // ky's own option names never reach fetch.
    expect(Object.keys(call?.init ?? {}).filter((key) => key.startsWith("solvekit"))).toEqual([])
    expect(JSON.parse(server.requests[0]?.body ?? "")).toEqual({ clientKey: "k", n: 1 })
  })

  it("resolves 4xx and 5xx answers with their body (the provider's error envelope lives there)", async () => {
    const server = await serve((_req, _body, res) =>
      json(res, 401, { errorId: 1, errorCode: "ERROR_KEY_DENIED_ACCESS" }),
    )
    const response = await Effect.runPromise(KyTransport.make({ baseUrl: server.url }).post("createTask", {}))
    expect(response.status).toBe(401)
    expect(JSON.parse(response.body).errorCode).toBe("ERROR_KEY_DENIED_ACCESS")
  })

  it("parses Retry-After in seconds and as an HTTP date", async () => {
    const server = await serve((req, _body, res) =>
      req.url === "/seconds"
        ? json(res, 429, {}, { "retry-after": "120" })
        : json(res, 503, {}, { "retry-after": new Date(Date.now() + 3_600_000).toUTCString() }),
    )
    const transport = KyTransport.make({ baseUrl: server.url })
    const seconds = await Effect.runPromise(transport.post("seconds", {}))
    expect(seconds.retryAfterMs).toBe(120_000)
    const date = await Effect.runPromise(transport.post("date", {}))
    // An HTTP date has one-second resolution: about an hour from now.
    expect(date.retryAfterMs).toBeGreaterThan(3_500_000)
    expect(date.retryAfterMs).toBeLessThanOrEqual(3_600_000)
  })

  it("parseRetryAfter handles seconds, dates, garbage and the past", () => {
    const now = Date.parse("2026-01-01T00:00:00Z")
    expect(parseRetryAfter("5", now)).toBe(5_000)
    expect(parseRetryAfter("1.5", now)).toBe(1_500)
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now)).toBe(30_000)
    expect(parseRetryAfter("Wed, 31 Dec 2025 00:00:00 GMT", now)).toBe(0)
    expect(parseRetryAfter("soon", now)).toBeUndefined()
    expect(parseRetryAfter(null, now)).toBeUndefined()
  })

  it("refuses a body above the cap without reading it whole (the stream is cancelled)", async () => {
    const chunk = "x".repeat(64 * 1024)
    const total = 256 // 16 MiB if read whole
    let written = 0
    const server = await serve((_req, _body, res) => {
      res.writeHead(200, { "content-type": "application/json" })
      const pump = () => {
        while (written < total) {
          written += 1
          if (!res.write(chunk)) {
            res.once("drain", pump)
            return
          }
        }
        res.end()
      }
      pump()
    })
    const transport = KyTransport.make({ baseUrl: server.url, maxBodyBytes: 1024 * 1024 })
    const error = transportError(await Effect.runPromiseExit(transport.post("getTaskResult", {})))
    expect(error.kind).toBe("BodyTooLarge")
    expect(error.httpStatus).toBe(200)
    await until(() => server.closed.length > 0)
    expect(written).toBeLessThan(total)
  })

  it("refuses a declared Content-Length above the cap up front", async () => {
    const server = await serve((_req, _body, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(2 * 1024 * 1024) })
      res.write("{")
    })
    const transport = KyTransport.make({ baseUrl: server.url, maxBodyBytes: 1024 })
    const error = transportError(await Effect.runPromiseExit(transport.post("getBalance", {})))
    expect(error.kind).toBe("BodyTooLarge")
  })

  it("reports a refused connection as requestSent: false (safe to re-send createTask)", async () => {
    const server = await serve(() => undefined)
    const url = server.url
    await server.close()
    const error = transportError(
      await Effect.runPromiseExit(KyTransport.make({ baseUrl: url }).post("createTask", {})),
    )
    expect(error.kind).toBe("Network")
    expect(error.requestSent).toBe(false)
    expect(error.message).toContain("request not sent")
  })

  it("reports a body that cannot be encoded as requestSent: false, and sends nothing", async () => {
    const server = await serve((_req, _body, res) => json(res, 200, { errorId: 0, balance: 1 }))
    const transport = KyTransport.make({ baseUrl: server.url })
    const cyclic: Record<string, unknown> = { n: 1 }
    cyclic.self = cyclic
    for (const body of [{ big: 1n }, cyclic]) {
      const error = transportError(await Effect.runPromiseExit(transport.post("createTask", body)))
      expect(error.requestSent).toBe(false)
      expect(error.kind).toBe("Network")
    }
    expect(server.requests).toEqual([])
  })

  it("reports a connection dropped after sending as requestSent: unknown", async () => {
    const server = await serve((req) => req.socket.destroy())
    const error = transportError(
      await Effect.runPromiseExit(KyTransport.make({ baseUrl: server.url }).post("createTask", {})),
    )
    expect(error.kind).toBe("Network")
    expect(error.requestSent).toBe("unknown")
  })

  it("never follows a redirect: the body (key included) is not re-sent elsewhere, and the outcome is unknown", async () => {
    const elsewhere = await serve((_req, _body, res) => json(res, 200, { errorId: 0, taskId: "stolen" }))
    for (const status of [301, 302, 307, 308]) {
      const redirecting = await serve((_req, _body, res) => {
        res.writeHead(status, { location: `${elsewhere.url}/createTask` })
        res.end()
      })
      const error = transportError(
        await Effect.runPromiseExit(
          KyTransport.make({ baseUrl: redirecting.url }).post("createTask", {
            clientKey: Redacted.make("sk-redirect-key"),
          }),
        ),
      )
      expect(error.requestSent).toBe("unknown")
      expect(redirecting.requests).toHaveLength(1)
    }
    expect(elsewhere.requests).toEqual([])
  })

  it("bounds a request by its timeoutMs: a may-have-been-sent TransportError, and the connection is closed", async () => {
    const server = await serve(() => {
      // never answers
    })
    const transport = KyTransport.make({ baseUrl: server.url })
    expect(transport.enforcesTimeout).toBe(true)
    const exit = await Effect.runPromiseExit(transport.post("createTask", {}, { timeoutMs: 50 }))
    const error = transportError(exit)
    expect(error.kind).toBe("Network")
    expect(error.requestSent).toBe("unknown")
    expect(error.message).toContain("no answer within 50 ms")
    await until(() => server.closed.length === 1)
    expect(server.closed).toEqual(["/createTask"])
  })

  it("interruption aborts the request: the server sees the connection close", async () => {
    const server = await serve(() => undefined) // never answers
    const fiber = Effect.runFork(KyTransport.make({ baseUrl: server.url }).post("getTaskResult", {}))
    await until(() => server.requests.length > 0)
    await Effect.runPromise(Fiber.interrupt(fiber))
    await until(() => server.closed.length > 0)
    expect(server.closed).toEqual(["/getTaskResult"])
  })

  it("drives a whole solve through SolveKit.layerKy against a local server", async () => {
    let polls = 0
    const server = await serve((req, body, res) => {
      const parsed = JSON.parse(body) as { clientKey?: string }
      if (parsed.clientKey !== "sk-local")
        return json(res, 401, { errorId: 1, errorCode: "ERROR_KEY_DENIED_ACCESS" })
      if (req.url === "/createTask") return json(res, 200, { errorId: 0, taskId: "srv-1", status: "idle" })
      polls += 1
      return polls < 2
        ? json(res, 200, { errorId: 0, status: "processing" })
        : json(res, 200, { errorId: 0, status: "ready", solution: { gRecaptchaResponse: "from-server" } })
    })
    const client = makePromiseClient(
      SolveKit.layerKy({
        apiKey: "sk-local",
        baseUrl: server.url,
        policy: Policy.fixed("5 millis", "1 millis"),
      }),
    )
    try {
      const solved = await client.solve(
        ReCaptchaV2TaskProxyLess({ websiteURL: "https://x.test", websiteKey: "k" }),
      )
      expect(solved.solution.gRecaptchaResponse).toBe("from-server")
      expect(solved.taskId).toBe("srv-1")
    } finally {
      await client.dispose()
    }
  })
  it("keeps two clients' keys apart when both layers live in one program", async () => {
    const server = await serve((_req, _body, res) => json(res, 200, { errorId: 0, balance: 1 }))
    const balanceWith = (apiKey: string) =>
      SolveKit.use((kit) => kit.getBalance()).pipe(
        Effect.provide(SolveKit.layerKy({ apiKey, baseUrl: server.url })),
      )
    await Effect.runPromise(
      balanceWith("sk-first").pipe(
        Effect.andThen(balanceWith("sk-second")),
        Effect.provide(SolveKit.layerKy({ apiKey: "sk-outer", baseUrl: server.url })),
      ),
    )
    const keys = server.requests.map((r) => (JSON.parse(r.body) as { clientKey: string }).clientKey)
    expect(keys).toEqual(["sk-first", "sk-second"])
  })
})
