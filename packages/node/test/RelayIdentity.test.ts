/**
 * Who the relay thinks is asking, and what one party can take from the others (issue 14, items 4 to 6):
 * pending slots reserved at admission (so concurrent requests cannot overshoot `pendingTasksPerClient`, and a
 * getToken in flight counts), IPv6 clients grouped by /64, a per-client share of the tracking table, a default
 * global spending cap, and a client identity that is real (refused where every request would look the same,
 * taken from a proxy header only when the proxy is the one the owner named).
 *
 * Identity comes from real sockets: each client connects from its own loopback source address (127.0.0.x, all
 * routed to `lo` on Linux), to the relay directly, through a reverse proxy, or over a unix socket. IPv6 grouping
 * is checked through the handler with `ConnectionInfo` carrying IPv6 addresses (a machine has one IPv6 loopback
 * address, `::1`, which is checked over a real socket too). The provider is a small recording server.
 */
import * as fs from "node:fs"
import * as http from "node:http"
import type * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { AntiCaptcha, isConfigurationError } from "@solvekit/core"
import { afterEach, describe, expect, it } from "vitest"
import { toNodeHandler } from "../src/NodeHandler.ts"
import {
  createRelay,
  type Relay,
  type RelayEvent,
  type RelayOptions,
  trustedProxyHeader,
} from "../src/NodeRelay.ts"
import { closedPortUrl, listen } from "./support/servers.ts"

const KEY = "SENTINEL-IDENTITY-KEY-93c1"
// Limits out of the way, for the tests about something else than limits.
const UNLIMITED = {
  tasksPerClientPerMinute: 1_000_000,
  requestsPerClientPerMinute: 1_000_000,
  tasksPerMinute: 1_000_000,
  tasksPerDay: 1_000_000,
}

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

interface Recorded {
  readonly path: string
  readonly body: Record<string, any>
}

interface Upstream {
  readonly url: string
  readonly requests: Array<Recorded>
  /** Sends the answers held so far, and holds none from then on (see `hold`). */
  readonly release: () => void
  close(): Promise<void>
}

interface UpstreamScript {
  /** Task ids: CapSolver-like strings, or Anti-Captcha-like numbers. */
  readonly ids?: "string" | "number"
  /** A createTask answer says the task is still running (default) or already solved. */
  readonly created?: "running" | "ready"
  /** Endpoints whose answers wait for `release()`. */
  readonly hold?: ReadonlyArray<string>
  /** Endpoints answered with a provider error. */
  readonly fail?: ReadonlyArray<string>
  /** Endpoints answered with a page that is not the protocol. */
  readonly unreadable?: ReadonlyArray<string>
}

/** A provider that records each request and answers it as scripted. */
const startUpstream = async (script: UpstreamScript = {}): Promise<Upstream> => {
  const requests: Array<Recorded> = []
  let nextId = 1
  let open = (): void => {}
  const gate = new Promise<void>((resolve) => {
    open = resolve
  })
  const server = await listen(async (req, res) => {
    const chunks: Array<Buffer> = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, any>
    const endpoint = (req.url ?? "").replace(/^\//, "")
    requests.push({ path: endpoint, body })
    if (script.hold?.includes(endpoint)) await gate
    if (script.unreadable?.includes(endpoint)) {
      // A proxy's error page instead of the provider's answer: the task may have been created.
      res.setHeader("content-type", "text/html")
      res.end("<html>gateway hiccup</html>")
      return
    }
    const id = script.ids === "number" ? nextId++ : `task-${nextId++}`
    const solution = { gRecaptchaResponse: `token-for-${body.taskId ?? id}` }
    const answer = script.fail?.includes(endpoint)
      ? { errorId: 1, errorCode: "ERROR_ZERO_BALANCE", errorDescription: "no money" }
      : endpoint === "createTask"
        ? script.created === "ready"
          ? { errorId: 0, taskId: id, status: "ready", solution }
          : { errorId: 0, taskId: id, status: "idle" }
        : { errorId: 0, taskId: body.taskId ?? id, status: "ready", solution }
    res.setHeader("content-type", "application/json")
    res.end(JSON.stringify(answer))
  })
  cleanups.push(() => server.close())
  return {
    url: server.url,
    requests,
    release: () => open(),
    close: server.close,
  }
}

const makeRelay = (upstreamUrl: string, options: Partial<RelayOptions> = {}) => {
  const events: Array<RelayEvent> = []
  const relay = createRelay({
    apiKey: KEY,
    baseUrl: upstreamUrl,
    allowTaskTypes: ["ReCaptchaV2TaskProxyLess", "AntiTurnstileTaskProxyLess"],
    onEvent: (event) => events.push(event),
    ...options,
  })
  cleanups.push(() => relay.close())
  return { relay, events }
}

/** The relay on a real port of 127.0.0.1. */
const serveRelay = async (relay: Relay): Promise<string> => {
  const server = await listen(toNodeHandler(relay.handle))
  cleanups.push(() => server.close())
  return server.url
}

interface Answer {
  readonly status: number
  readonly headers: http.IncomingHttpHeaders
  readonly body: Record<string, any>
}

interface Via {
  /** The source address the client connects from. */
  readonly from?: string
  /** A unix socket to connect to instead of the URL's host and port. */
  readonly socketPath?: string
  readonly headers?: Record<string, string>
}

/** A browser's POST over a real socket, from the source address it names. */
const postFrom = (url: string, endpoint: string, body: unknown, via: Via = {}): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const target = new URL(`${url}/captcha/${endpoint}`)
    const payload = JSON.stringify(body)
    const request = http.request(
      {
        ...(via.socketPath === undefined
          ? { host: target.hostname.replace(/^\[(.*)\]$/, "$1"), port: target.port, localAddress: via.from }
          : { socketPath: via.socketPath }),
        path: target.pathname,
        method: "POST",
        agent: false,
        headers: { "content-type": "application/json", ...via.headers },
      },
      (response) => {
        const chunks: Array<Buffer> = []
        response.on("data", (chunk: Buffer) => chunks.push(chunk))
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8")
          expect(text).not.toContain("SENTINEL")
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: JSON.parse(text) })
        })
      },
    )
    request.on("error", reject)
    request.end(payload)
  })

/** The same request straight into the handler, with the connection details a server would pass. */
const handlePost = async (relay: Relay, endpoint: string, body: unknown, remoteAddress?: string) => {
  const response = await relay.handle(
    new Request(`http://relay.test/captcha/${endpoint}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    { remoteAddress },
  )
  return { status: response.status, headers: response.headers, body: (await response.json()) as any }
}

const recaptcha = {
  task: { type: "ReCaptchaV2TaskProxyLess", websiteURL: "https://a.test/", websiteKey: "k" },
}
const turnstile = { task: { type: "TurnstileTaskProxyless", websiteURL: "https://a.test/", websiteKey: "k" } }

const createTasks = (upstream: Upstream) => upstream.requests.filter((r) => r.path === "createTask").length

/** Waits until `upstream` has received `count` requests (the held ones included). */
const untilReceived = async (upstream: Upstream, count: number) => {
  for (let i = 0; i < 500 && upstream.requests.length < count; i++) await new Promise((r) => setTimeout(r, 5))
  expect(upstream.requests.length).toBe(count)
}

describe("item 4: a pending slot is reserved when a task request is admitted", () => {
  it("admits exactly pendingTasksPerClient: 2 of 10 concurrent createTasks from one client", async () => {
    const upstream = await startUpstream({ hold: ["createTask"] })
    const { relay } = makeRelay(upstream.url, { limits: { ...UNLIMITED, pendingTasksPerClient: 2 } })
    const url = await serveRelay(relay)

    const answers = Array.from({ length: 10 }, () =>
      postFrom(url, "createTask", recaptcha, { from: "127.0.0.2" }),
    )
    let answered = 0
    for (const answer of answers) void answer.then(() => answered++)
    // The provider holds the admitted requests until every other one has been answered.
    for (let i = 0; i < 1_000 && answered < 8; i++) await new Promise((r) => setTimeout(r, 5))
    expect(answered).toBe(8)
    upstream.release()
    const statuses = (await Promise.all(answers)).map((answer) => answer.status).sort()

    expect(statuses).toEqual([200, 200, 429, 429, 429, 429, 429, 429, 429, 429])
    expect(createTasks(upstream)).toBe(2)
    // Another client has its own slots.
    expect((await postFrom(url, "createTask", recaptcha, { from: "127.0.0.3" })).status).toBe(200)
  })

  it("releases the slot when the request fails: a provider error, an unreachable provider", async () => {
    const failing = await startUpstream({ fail: ["createTask"] })
    const { relay } = makeRelay(failing.url, { limits: { ...UNLIMITED, pendingTasksPerClient: 1 } })
    const url = await serveRelay(relay)
    for (let i = 0; i < 3; i++) {
      const answer = await postFrom(url, "createTask", recaptcha, { from: "127.0.0.2" })
      expect(answer.body.errorCode).toBe("ERROR_ZERO_BALANCE")
    }
    expect(createTasks(failing)).toBe(3)

    const unreachable = makeRelay(await closedPortUrl(), {
      limits: { ...UNLIMITED, pendingTasksPerClient: 1 },
    })
    const unreachableUrl = await serveRelay(unreachable.relay)
    for (let i = 0; i < 3; i++) {
      const answer = await postFrom(unreachableUrl, "createTask", recaptcha, { from: "127.0.0.2" })
      expect(answer.status).toBe(503)
      expect(answer.body.errorCode).toBe("ERROR_SERVICE_UNAVALIABLE")
    }
  })

  it("keeps the slot of a createTask whose answer was lost: the task may exist", async () => {
    const upstream = await startUpstream({ unreadable: ["createTask"] })
    const { relay } = makeRelay(upstream.url, { limits: { ...UNLIMITED, pendingTasksPerClient: 1 } })
    const lost = await relay.handle(
      new Request("http://relay.test/captcha/createTask", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(recaptcha),
      }),
      { remoteAddress: "127.0.0.2" },
    )
    expect(lost.status).toBe(502)
    expect(lost.headers.get("x-solvekit-relay-error")).toBe("upstream-outcome-unknown")
    const next = await handlePost(relay, "createTask", recaptcha, "127.0.0.2")
    expect(next.status).toBe(429)
    expect(next.body.errorDescription).toContain("unfinished tasks")
    expect(createTasks(upstream)).toBe(1)
  })

  it("counts a getToken in flight as an unfinished task, and frees it with the answer", async () => {
    const upstream = await startUpstream({ hold: ["getToken"] })
    const { relay } = makeRelay(upstream.url, { limits: { ...UNLIMITED, pendingTasksPerClient: 1 } })
    const url = await serveRelay(relay)

    const token = postFrom(url, "getToken", recaptcha, { from: "127.0.0.2" })
    await untilReceived(upstream, 1)
    const meanwhile = await postFrom(url, "createTask", recaptcha, { from: "127.0.0.2" })
    expect(meanwhile.status).toBe(429)
    expect(meanwhile.body.errorDescription).toContain("unfinished tasks")
    expect((await postFrom(url, "createTask", recaptcha, { from: "127.0.0.3" })).status).toBe(200)

    upstream.release()
    expect((await token).body).toMatchObject({ errorId: 0, status: "ready" })
    expect((await postFrom(url, "createTask", recaptcha, { from: "127.0.0.2" })).status).toBe(200)
  })
})

describe("item 5: one party cannot lock everyone out", () => {
  it("groups IPv6 clients by /64 (and an IPv4-mapped address with its IPv4 form)", async () => {
    const upstream = await startUpstream({ created: "ready" })
    const { relay } = makeRelay(upstream.url, { limits: { ...UNLIMITED, tasksPerClientPerMinute: 2 } })
    const status = async (address: string) =>
      (await handlePost(relay, "createTask", recaptcha, address)).status

    expect(await status("2001:db8:1:2::1")).toBe(200)
    expect(await status("2001:db8:1:2:ffff:ffff:ffff:fffe")).toBe(200)
    // A third address of the same /64: the same client, over its budget.
    expect(await status("2001:0db8:0001:0002:0:0:0:abcd")).toBe(429)
    expect(await status("2001:db8:1:3::1")).toBe(200)
    expect(await status("fe80::1:2:3:4%eth0")).toBe(200)
    expect(await status("127.0.0.5")).toBe(200)
    expect(await status("::ffff:127.0.0.5")).toBe(200)
    expect(await status("::ffff:7f00:5")).toBe(429)
  })

  it("names an IPv6 peer by its /64 over a real ::1 socket", async () => {
    const upstream = await startUpstream({ created: "ready" })
    const { relay, events } = makeRelay(upstream.url, { limits: UNLIMITED })
    const server = http.createServer(toNodeHandler(relay.handle))
    await new Promise<void>((resolve) => server.listen(0, "::1", resolve))
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())))
    const { port } = server.address() as net.AddressInfo

    const answer = await postFrom(`http://[::1]:${port}`, "createTask", recaptcha)

    expect(answer.status).toBe(200)
    expect(events).toMatchObject([{ _tag: "Forwarded", clientId: "0:0:0:0::/64" }])
  })

  it("gives no client more than its share (1,000) of the tracking table; others are still served", async () => {
    const upstream = await startUpstream()
    const { relay } = makeRelay(upstream.url, { limits: UNLIMITED })
    const url = await serveRelay(relay)
    const share = 1_000
    for (let batch = 0; batch < share / 50; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, () => postFrom(url, "createTask", recaptcha, { from: "127.0.0.2" })),
      )
      expect(answers.every((answer) => answer.status === 200)).toBe(true)
    }

    const over = await postFrom(url, "createTask", recaptcha, { from: "127.0.0.2" })
    expect(over.status).toBe(429)
    expect(over.body).toMatchObject({ errorId: 1, errorCode: "ERROR_RATE_LIMIT" })
    expect(over.body.errorDescription).toContain("tracked tasks per client")
    expect(Number(over.headers["retry-after"])).toBeGreaterThan(0)
    expect(createTasks(upstream)).toBe(share)
    expect((await postFrom(url, "createTask", recaptcha, { from: "127.0.0.3" })).status).toBe(200)
  }, 60_000)

  it("caps all clients together at 60 tasks a minute by default", async () => {
    const upstream = await startUpstream({ created: "ready" })
    const { relay } = makeRelay(upstream.url)
    const url = await serveRelay(relay)

    // Seven clients, each within its own default budget of 10 a minute.
    const answers = await Promise.all(
      Array.from({ length: 70 }, (_, i) =>
        postFrom(url, "createTask", recaptcha, { from: `127.0.0.${2 + (i % 7)}` }),
      ),
    )

    const refused = answers.filter((answer) => answer.status === 429)
    expect(answers.length - refused.length).toBe(60)
    expect(refused).toHaveLength(10)
    for (const answer of refused) expect(answer.body.errorDescription).toContain("all clients")
    expect(createTasks(upstream)).toBe(60)
  })

  it("caps all clients together at 2,000 tasks a day by default; the owner can raise it", async () => {
    const upstream = await startUpstream({ created: "ready" })
    let now = 1_000_000_000
    const { relay } = makeRelay(upstream.url, { now: () => now })
    // 60 tasks a minute (the default minute cap) from six clients a minute, for 34 minutes.
    let admitted = 0
    for (let minute = 0; admitted < 2_000 && minute < 40; minute++) {
      const answers = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          handlePost(relay, "createTask", recaptcha, `10.${minute}.${i % 6}.1`),
        ),
      )
      admitted += answers.filter((answer) => answer.status === 200).length
      now += 61_000
    }
    expect(admitted).toBe(2_000)
    const over = await handlePost(relay, "createTask", recaptcha, "10.200.0.1")
    expect(over.status).toBe(429)
    expect(over.body.errorDescription).toContain("tasks per day for all clients")
    // The first tasks leave the 24-hour window in about 23 hours.
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(22 * 3_600)

    const raised = makeRelay(upstream.url, { now: () => now, limits: { tasksPerDay: 3 } }).relay
    const three = [1, 2, 3, 4].map((i) => handlePost(raised, "createTask", recaptcha, `10.250.0.${i}`))
    expect((await Promise.all(three)).map((answer) => answer.status)).toEqual([200, 200, 200, 429])
  }, 60_000)
})

describe("item 6: ownership rests on a real client identity", () => {
  /** The relay on a unix socket: the requests it receives carry no peer address. */
  const serveOnUnixSocket = async (relay: Relay): Promise<string> => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "relay-"))
    const socketPath = path.join(dir, "relay.sock")
    const server = http.createServer(toNodeHandler(relay.handle))
    await new Promise<void>((resolve) => server.listen(socketPath, resolve))
    cleanups.push(
      () =>
        new Promise((resolve) => {
          server.closeAllConnections()
          server.close(() => {
            fs.rmSync(dir, { recursive: true, force: true })
            resolve()
          })
        }),
    )
    return socketPath
  }

  it("refuses every request that arrives without a peer address (a unix socket) and says why in an event", async () => {
    const upstream = await startUpstream()
    const { relay, events } = makeRelay(upstream.url)
    const socketPath = await serveOnUnixSocket(relay)

    const answer = await postFrom("http://relay", "createTask", recaptcha, { socketPath })
    const direct = await handlePost(relay, "getTaskResult", { taskId: "task-1" })

    for (const refused of [answer, direct]) {
      expect(refused.status).toBe(500)
      expect(refused.body).toMatchObject({ errorId: 1, errorCode: "ERROR_RELAY_NO_CLIENT_IDENTITY" })
      expect(refused.body.errorDescription).toContain("clientIdentity")
    }
    expect(events).toMatchObject([
      { _tag: "Refused", endpoint: "createTask", status: 500, errorCode: "ERROR_RELAY_NO_CLIENT_IDENTITY" },
      {
        _tag: "Refused",
        endpoint: "getTaskResult",
        status: 500,
        errorCode: "ERROR_RELAY_NO_CLIENT_IDENTITY",
      },
    ])
    expect(upstream.requests).toEqual([])
  })

  it("serves a unix socket when the owner says every client is one (sharedIdentity: true)", async () => {
    const upstream = await startUpstream()
    const { relay, events } = makeRelay(upstream.url, { sharedIdentity: true })
    const socketPath = await serveOnUnixSocket(relay)

    const answer = await postFrom("http://relay", "createTask", recaptcha, { socketPath })

    expect(answer.status).toBe(200)
    expect(events).toMatchObject([{ _tag: "Forwarded", clientId: "anonymous" }])
  })

  it("tells clients apart over a unix socket by the owner's clientIdentity (a session cookie)", async () => {
    const upstream = await startUpstream()
    const sessions = new Map([
      ["s-alice", "alice"],
      ["s-bob", "bob"],
    ])
    const { relay, events } = makeRelay(upstream.url, {
      clientIdentity: (request) =>
        sessions.get(/session=([\w-]+)/.exec(request.headers.get("cookie") ?? "")?.[1] ?? ""),
    })
    const socketPath = await serveOnUnixSocket(relay)
    const as = (session: string) => ({ socketPath, headers: { cookie: `session=${session}` } })

    const created = await postFrom("http://relay", "createTask", recaptcha, as("s-alice"))
    const stolen = await postFrom(
      "http://relay",
      "getTaskResult",
      { taskId: created.body.taskId },
      as("s-bob"),
    )
    const mine = await postFrom(
      "http://relay",
      "getTaskResult",
      { taskId: created.body.taskId },
      as("s-alice"),
    )
    const stranger = await postFrom("http://relay", "createTask", recaptcha, as("s-forged"))

    expect(stolen.body).toMatchObject({ errorId: 1, errorCode: "ERROR_TASKID_INVALID" })
    expect(mine.body).toMatchObject({ errorId: 0, status: "ready" })
    expect(stranger.status).toBe(401)
    expect(stranger.body.errorCode).toBe("ERROR_RELAY_CLIENT_UNIDENTIFIED")
    expect(events.map((event) => event.clientId)).toEqual(["alice", "bob", "alice", "anonymous"])
    expect(upstream.requests.map((request) => request.path)).toEqual(["createTask", "getTaskResult"])
  })

  /** A reverse proxy on 127.0.0.1 in front of `relayUrl` that appends the client's address to X-Forwarded-For. */
  const startReverseProxy = async (relayUrl: string): Promise<string> => {
    const target = new URL(relayUrl)
    const proxy = await listen((req, res) => {
      const forwarded = [req.headers["x-forwarded-for"], req.socket.remoteAddress].filter(Boolean).join(", ")
      const upstream = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: req.url,
          method: req.method,
          agent: false,
          headers: { ...req.headers, "x-forwarded-for": forwarded },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        },
      )
      req.pipe(upstream)
    })
    cleanups.push(() => proxy.close())
    return proxy.url
  }

  it("behind a reverse proxy, refuses to serve until the owner names the identity (every peer is the proxy)", async () => {
    const upstream = await startUpstream()
    const { relay, events } = makeRelay(upstream.url)
    const proxyUrl = await startReverseProxy(await serveRelay(relay))

    const answer = await postFrom(proxyUrl, "createTask", recaptcha, { from: "127.0.0.2" })

    expect(answer.status).toBe(500)
    expect(answer.body.errorCode).toBe("ERROR_RELAY_NO_CLIENT_IDENTITY")
    expect(events).toMatchObject([{ _tag: "Refused", status: 500 }])
    expect(upstream.requests).toEqual([])
  })

  it("behind a trusted proxy, B can neither read A's token nor walk numeric ids, and a forged header is ignored", async () => {
    const upstream = await startUpstream({ ids: "number" })
    const { relay } = makeRelay(upstream.url, {
      provider: AntiCaptcha,
      clientIdentity: trustedProxyHeader("x-forwarded-for", { proxies: ["127.0.0.1"] }),
    })
    const relayUrl = await serveRelay(relay)
    const proxyUrl = await startReverseProxy(relayUrl)

    const created = await postFrom(proxyUrl, "createTask", turnstile, { from: "127.0.0.2" })
    expect(created.body).toMatchObject({ errorId: 0, taskId: 1 })
    for (let taskId = 0; taskId <= 20; taskId++) {
      const walked = await postFrom(proxyUrl, "getTaskResult", { taskId }, { from: "127.0.0.3" })
      expect(walked.body).toMatchObject({ errorId: 1, errorCode: "ERROR_TASKID_INVALID" })
    }
    // Straight to the relay, claiming to be A: the header counts only when the trusted proxy sent it.
    const forged = await postFrom(
      relayUrl,
      "getTaskResult",
      { taskId: 1 },
      {
        from: "127.0.0.3",
        headers: { "x-forwarded-for": "127.0.0.2" },
      },
    )
    expect(forged.body.errorCode).toBe("ERROR_TASKID_INVALID")
    // ... and through the proxy, a forged entry sits left of the one the proxy appended.
    const smuggled = await postFrom(
      proxyUrl,
      "getTaskResult",
      { taskId: 1 },
      {
        from: "127.0.0.3",
        headers: { "x-forwarded-for": "127.0.0.2" },
      },
    )
    expect(smuggled.body.errorCode).toBe("ERROR_TASKID_INVALID")
    expect(upstream.requests.map((request) => request.path)).toEqual(["createTask"])

    const mine = await postFrom(proxyUrl, "getTaskResult", { taskId: 1 }, { from: "127.0.0.2" })
    expect(mine.body).toMatchObject({
      errorId: 0,
      status: "ready",
      solution: { gRecaptchaResponse: "token-for-1" },
    })
  })

  it("trustedProxyHeader trusts exactly the named proxies, reads Forwarded, and groups the client by /64", () => {
    const behind = (header: string, value: string, peer?: string) =>
      trustedProxyHeader(header, { proxies: ["2001:db8::5", "10.0.0.5", "unix"] })(
        new Request("http://relay.test/", { headers: { [header]: value } }),
        { remoteAddress: peer },
      )
    expect(behind("x-forwarded-for", "198.51.100.1, 2001:db8:7:7::1", "::ffff:10.0.0.5")).toBe(
      "2001:db8:7:7::/64",
    )
    expect(behind("x-forwarded-for", "198.51.100.1, 10.0.0.5", "2001:db8:0:0:0:0:0:5")).toBe("198.51.100.1")
    // A neighbour of the proxy, in its /64, is not the proxy: its header does not count.
    expect(behind("x-forwarded-for", "198.51.100.1", "2001:db8::6")).toBe("2001:db8:0:0::/64")
    expect(behind("forwarded", 'for=192.0.2.60:80;proto=http, for="[2001:db8:9::1]:4711"', "10.0.0.5")).toBe(
      "2001:db8:9:0::/64",
    )
    expect(behind("x-real-ip", "203.0.113.9", undefined)).toBe("203.0.113.9")
    expect(behind("x-forwarded-for", "unknown", "10.0.0.5")).toBeUndefined()
  })

  it("takes clientIdentity as the new name of clientId, and refuses both at once", async () => {
    const upstream = await startUpstream()
    const both = () =>
      createRelay({
        apiKey: KEY,
        baseUrl: upstream.url,
        allowTaskTypes: ["ReCaptchaV2TaskProxyLess"],
        clientIdentity: () => "a",
        clientId: () => "b",
      })
    const error = (() => {
      try {
        both()
      } catch (e) {
        return e
      }
    })()
    expect(isConfigurationError(error)).toBe(true)
    expect((error as Error).message).toContain("clientIdentity")

    const { relay, events } = makeRelay(upstream.url, { clientId: () => "legacy" })
    expect((await handlePost(relay, "createTask", recaptcha)).status).toBe(200)
    expect(events).toMatchObject([{ _tag: "Forwarded", clientId: "legacy" }])
  })

  it("keeps a long identity out of memory and events: it is reported by a short digest", async () => {
    const upstream = await startUpstream()
    const { relay, events } = makeRelay(upstream.url, { clientIdentity: () => "x".repeat(10_000) })
    expect((await handlePost(relay, "createTask", recaptcha)).status).toBe(200)
    expect(events[0]?.clientId.length).toBeLessThanOrEqual(80)
  })
})
