/**
 * The relay on the open internet (issue 14, items 1, 3 and part of 7), over real sockets: a client sending
 * deeply nested or trickling bodies cannot stall the relay for another client (told apart by their loopback
 * source addresses), the provider's redirects and headers are never trusted, attacker text echoed in refusals
 * and events is bounded, cross-site simple requests are refused, and an answer the relay cannot read on
 * createTask is reported as outcome unknown.
 */
import * as http from "node:http"
import * as net from "node:net"
import { ReCaptchaV2TaskProxyLess } from "@solvekit/core"
import { describe, expect, it } from "vitest"
import { toNodeHandler } from "../src/NodeHandler.ts"
import { createRelay, type RelayEvent, type RelayOptions } from "../src/NodeRelay.ts"
import { emulatorPerFile } from "./support/emulatorPerFile.ts"
import { listen } from "./support/servers.ts"

const KEY = "SENTINEL-HARDENING-KEY-4c1d"
const ATTACKER = "127.0.0.2"
const VICTIM = "127.0.0.3"

const file = emulatorPerFile({ keys: [KEY], timeScale: 1000, taskTtlSeconds: 300_000 })
const { cleanups } = file

/** A relay on a real port, in front of the emulator unless `baseUrl` says otherwise. */
const startRelay = async (options: Partial<RelayOptions> = {}) => {
  const events: Array<RelayEvent> = []
  const relay = createRelay({
    apiKey: KEY,
    baseUrl: file.emulator.url,
    allowTaskTypes: [ReCaptchaV2TaskProxyLess],
    limits: { tasksPerClientPerMinute: 1_000, requestsPerClientPerMinute: 1_000 },
    onEvent: (event) => events.push(event),
    ...options,
  })
  const server = await listen(toNodeHandler(relay.handle))
  cleanups.push(() => relay.close())
  cleanups.push(() => server.close())
  return { url: server.url, events }
}

interface Answer {
  readonly status: number
  readonly headers: http.IncomingHttpHeaders
  readonly text: string
  readonly json: () => Record<string, unknown>
  readonly ms: number
}

/** POSTs `body` from the loopback address `from`, on a connection of its own. */
const send = (
  url: string,
  path: string,
  body: string,
  from: string,
  headers: Record<string, string> = { "content-type": "application/json" },
): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const target = new URL(url)
    const started = performance.now()
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        path,
        method: "POST",
        localAddress: from,
        agent: false,
        headers: { "content-length": Buffer.byteLength(body), ...headers },
      },
      (response) => {
        const chunks: Array<Buffer> = []
        response.on("data", (chunk: Buffer) => chunks.push(chunk))
        response.on("error", reject)
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8")
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text,
            json: () => JSON.parse(text) as Record<string, unknown>,
            ms: performance.now() - started,
          })
        })
      },
    )
    // A relay that refuses a large body before reading it may close the connection while it is still sent.
    request.on("error", reject)
    request.end(body)
  })

const nested = (levels: number): string => `${"[".repeat(levels)}${"]".repeat(levels)}`

const recaptcha = (index = 0) =>
  JSON.stringify({
    task: {
      type: "ReCaptchaV2TaskProxyLess",
      websiteURL: `https://example.com/login/${index}`,
      websiteKey: "site",
    },
  })

/** A provider stand-in on a real port that records what reaches it and answers with `answer`. */
const startRecorder = async (
  answer: (path: string, body: string, res: http.ServerResponse) => void,
): Promise<{ url: string; received: Array<{ path: string; body: string }> }> => {
  const received: Array<{ path: string; body: string }> = []
  const server = await listen(async (req, res) => {
    const chunks: Array<Buffer> = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks).toString("utf8")
    received.push({ path: req.url ?? "", body })
    answer(req.url ?? "", body, res)
  })
  cleanups.push(() => server.close())
  return { url: server.url, received }
}

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

describe("item 1: a deeply nested body is refused before it is parsed", () => {
  it("refuses a body nested deeper than 32 levels with ERROR_RELAY_BODY_TOO_DEEP, on every endpoint", async () => {
    const { url, events } = await startRelay()
    const bodies = {
      createTask: `{"task":${nested(5_000)}}`,
      getToken: `{"task":{"type":"ReCaptchaV2TaskProxyLess","x":${nested(31)}}}`,
      getTaskResult: `{"taskId":${nested(33)}}`,
      feedbackTask: `{"taskId":"t","result":${nested(1_000)}}`,
    }
    for (const [endpoint, body] of Object.entries(bodies)) {
      const answer = await send(url, `/captcha/${endpoint}`, body, ATTACKER)
      expect(answer.status, endpoint).toBe(400)
      expect(answer.json().errorCode, endpoint).toBe("ERROR_RELAY_BODY_TOO_DEEP")
    }
    // Brackets inside strings are text, not nesting.
    const inString = await send(url, "/captcha/getTaskResult", `{"taskId":"${"[".repeat(5_000)}"}`, ATTACKER)
    expect(inString.json().errorCode).not.toBe("ERROR_RELAY_BODY_TOO_DEEP")
    expect(file.emulator.emulator.audit().requests.total).toBe(0)
    expect(events.map((event) => event._tag)).toEqual(["Refused", "Refused", "Refused", "Refused", "Refused"])
  })

  it("a createTask whose task nests 10,000 levels is refused, not answered as outcome unknown, and nothing is sent", async () => {
    const { url } = await startRelay()
    const body = `{"task":{"type":"ReCaptchaV2TaskProxyLess","websiteURL":"https://example.com/","websiteKey":"site","deep":${nested(10_000)}}}`

    const answer = await send(url, "/captcha/createTask", body, ATTACKER)

    expect(answer.status).toBe(400)
    expect(answer.json().errorCode).toBe("ERROR_RELAY_BODY_TOO_DEEP")
    expect(answer.headers["x-solvekit-relay-error"]).toBeUndefined()
    expect(file.emulator.emulator.audit().requests.total).toBe(0)
  })

  it("getTaskResult and feedbackTask bodies are capped at 16 KiB; task bodies keep maxBodyBytes", async () => {
    const { url } = await startRelay()
    const padding = "a".repeat(20 * 1024)

    const polled = await send(url, "/captcha/getTaskResult", JSON.stringify({ taskId: padding }), ATTACKER)
    const feedback = await send(url, "/captcha/feedbackTask", JSON.stringify({ taskId: padding }), ATTACKER)
    const created = await send(
      url,
      "/captcha/createTask",
      JSON.stringify({
        task: { type: "ReCaptchaV2TaskProxyLess", websiteURL: "https://example.com/", websiteKey: padding },
      }),
      ATTACKER,
    )

    expect(polled.status).toBe(413)
    expect(feedback.status).toBe(413)
    expect(polled.json().errorCode).toBe("ERROR_RELAY_BODY_TOO_LARGE")
    expect(created.status).toBe(200)
  })

  it("twenty 2 MB bodies nested a million deep from one address do not stall another client's createTask", async () => {
    const { url } = await startRelay()
    const deep = `{"task":${nested(1_000_000)}}`
    expect(deep.length).toBeGreaterThan(1_900_000)
    const normal: Array<number> = []
    for (let index = 0; index < 3; index++) {
      const answer = await send(url, "/captcha/createTask", recaptcha(index), VICTIM)
      expect(answer.status).toBe(200)
      normal.push(answer.ms)
    }

    let attacking = true
    const attack = Promise.all(
      Array.from({ length: 20 }, () => send(url, "/captcha/createTask", deep, ATTACKER)),
    ).finally(() => {
      attacking = false
    })
    // The other client keeps creating tasks, one after another, for as long as the attack lasts.
    const underAttack: Array<Answer> = []
    do underAttack.push(await send(url, "/captcha/createTask", recaptcha(100 + underAttack.length), VICTIM))
    while (attacking)
    const refused = await attack

    const slowest = Math.max(...underAttack.map((answer) => answer.ms))
    console.info(
      `createTask latency: normal ${median(normal).toFixed(0)} ms (median of 3); during the deep-JSON attack ${underAttack.length} createTasks, median ${median(underAttack.map((answer) => answer.ms)).toFixed(0)} ms, slowest ${slowest.toFixed(0)} ms`,
    )
    for (const answer of underAttack) expect(answer.status).toBe(200)
    // A liveness bound, not a speed check: before the depth check this took 10-18 s on two shared cores; with
    // the check it takes well under 1 s alone, and up to about 2 s while CI runs every package's tests at once.
    expect(slowest).toBeLessThan(5_000)
    for (const answer of refused) {
      expect(answer.status).toBe(400)
      expect(answer.json().errorCode).toBe("ERROR_RELAY_BODY_TOO_DEEP")
    }
    // The issue's own attack: getTaskResult bodies of that size are refused by the poll cap at once.
    const polled = await send(url, "/captcha/getTaskResult", `{"taskId":${nested(1_000_000)}}`, ATTACKER)
    expect(polled.status).toBe(413)
  })
})

describe("item 3: the provider's redirects and headers are never trusted", () => {
  it("a 307 on createTask or getToken is outcome unknown, and the request (key and all) is never re-sent", async () => {
    // Where the redirect points: a server that would happily create the task with the relay's key.
    const elsewhere = await startRecorder((_path, _body, res) => {
      res.writeHead(200, { "content-type": "application/json" })
      res.end(JSON.stringify({ errorId: 0, taskId: "stolen-1" }))
    })
    const provider = await startRecorder((path, _body, res) => {
      res.writeHead(307, { location: `${elsewhere.url}${path}`, "content-type": "application/json" })
      res.end("{}")
    })
    const { url, events } = await startRelay({ baseUrl: provider.url })

    for (const endpoint of ["createTask", "getToken"]) {
      const answer = await send(url, `/captcha/${endpoint}`, recaptcha(), VICTIM)
      expect(answer.status, endpoint).toBe(502)
      expect(answer.headers["content-type"]).toMatch(/^text\/plain/)
      expect(answer.headers["x-solvekit-relay-error"]).toBe("upstream-outcome-unknown")
      expect(answer.headers.location).toBeUndefined()
      expect(answer.text).not.toContain(elsewhere.url)
    }

    expect(provider.received.map((request) => request.path)).toEqual(["/createTask", "/getToken"])
    expect(elsewhere.received).toEqual([])
    expect(events).toMatchObject([
      { _tag: "Refused", status: 502, errorCode: "ERROR_RELAY_UPSTREAM_FAILED" },
      { _tag: "Refused", status: 502, errorCode: "ERROR_RELAY_UPSTREAM_FAILED" },
    ])
  })

  it("a redirect on a poll is a retryable 502 without its Location, and nothing reaches the target", async () => {
    const elsewhere = await startRecorder((_path, _body, res) => res.end("{}"))
    const provider = await startRecorder((path, _body, res) => {
      if (path === "/createTask") {
        res.writeHead(200, { "content-type": "application/json" })
        return void res.end(JSON.stringify({ errorId: 0, taskId: "task-1" }))
      }
      res.writeHead(302, { location: `${elsewhere.url}${path}` })
      res.end()
    })
    const { url } = await startRelay({ baseUrl: provider.url })

    expect((await send(url, "/captcha/createTask", recaptcha(), VICTIM)).status).toBe(200)
    const polled = await send(url, "/captcha/getTaskResult", JSON.stringify({ taskId: "task-1" }), VICTIM)

    expect(polled.status).toBe(502)
    expect(polled.headers["content-type"]).toMatch(/^text\/plain/)
    expect(polled.headers.location).toBeUndefined()
    expect(elsewhere.received).toEqual([])
  })

  it("passes on only a well-formed Retry-After (delta-seconds or HTTP-date), and no other provider header", async () => {
    const retryAfters = ["7", "Wed, 21 Oct 2015 07:28:00 GMT", "7<script>", "soon", "1, 2", "-3", ""]
    let next = 0
    const provider = await startRecorder((_path, _body, res) => {
      res.writeHead(429, {
        "content-type": "application/json",
        "retry-after": retryAfters[next++] ?? "",
        "set-cookie": "session=provider",
        location: "https://elsewhere.example/",
        "x-provider": "internal",
      })
      res.end(JSON.stringify({ errorId: 1, errorCode: "ERROR_RATE_LIMIT", errorDescription: "slow down" }))
    })
    const { url } = await startRelay({ baseUrl: provider.url })

    const passed: Array<string | undefined> = []
    for (let index = 0; index < retryAfters.length; index++) {
      const answer = await send(url, "/captcha/createTask", recaptcha(index), VICTIM)
      expect(answer.status).toBe(429)
      expect(answer.headers["set-cookie"]).toBeUndefined()
      expect(answer.headers.location).toBeUndefined()
      expect(answer.headers["x-provider"]).toBeUndefined()
      passed.push(answer.headers["retry-after"])
    }

    expect(passed).toEqual([
      "7",
      "Wed, 21 Oct 2015 07:28:00 GMT",
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ])
  })
})

/** Opens a raw connection from `from`, sends `head`, then one byte of `rest` every `everyMs`. */
const trickle = (url: string, from: string, head: string, rest: string, everyMs: number) => {
  const target = new URL(url)
  const socket = net.connect({ host: target.hostname, port: Number(target.port), localAddress: from })
  let received = ""
  let sent = 0
  const timer = setInterval(() => {
    if (sent < rest.length && !socket.destroyed) socket.write(rest[sent++] ?? "")
  }, everyMs)
  const closed = new Promise<void>((resolve) => {
    socket.on("close", () => {
      clearInterval(timer)
      resolve()
    })
  })
  const answered = new Promise<void>((resolve) => {
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("utf8")
      resolve()
    })
  })
  socket.on("error", () => undefined)
  socket.write(head)
  return {
    received: () => received,
    write: (text: string) => socket.write(text),
    answered,
    closed,
    stop: () => {
      clearInterval(timer)
      socket.destroy()
    },
  }
}

/** Resolves with `value` after `ms`, to bound a wait that fails on code without the guarantee. */
const after = <A>(ms: number, value: A) => new Promise<A>((resolve) => setTimeout(resolve, ms, value))

describe("item 7: bodies have a read deadline", () => {
  const head = (host: string, length: number) =>
    `POST /captcha/createTask HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`

  it("cuts off a body that trickles in a byte at a time after bodyReadTimeoutMs with a 408, and closes the connection", async () => {
    const { url, events } = await startRelay({ bodyReadTimeoutMs: 1_000 })
    const host = new URL(url).host
    const body = recaptcha()
    // A slow body that arrives within the deadline is taken: half now, the rest 200 ms later.
    const slow = trickle(url, VICTIM, `${head(host, body.length)}${body.slice(0, 20)}`, "", 1_000)
    cleanups.push(async () => slow.stop())
    await after(200, undefined)
    slow.write(body.slice(20))
    await Promise.race([slow.answered, after(3_000, undefined)])
    expect(slow.received()).toMatch(/^HTTP\/1\.1 200 /)

    const started = performance.now()
    const connection = trickle(url, ATTACKER, head(host, body.length), body, 200)
    cleanups.push(async () => connection.stop())
    const outcome = await Promise.race([connection.closed.then(() => "closed"), after(5_000, "still open")])

    expect(outcome).toBe("closed")
    expect(connection.received()).toMatch(/^HTTP\/1\.1 408 /)
    expect(connection.received()).toContain("ERROR_RELAY_BODY_TIMEOUT")
    expect(performance.now() - started).toBeLessThan(4_000)
    expect(events.at(-1)).toMatchObject({
      _tag: "Refused",
      status: 408,
      errorCode: "ERROR_RELAY_BODY_TIMEOUT",
    })
    expect(file.emulator.emulator.audit().requests.total).toBe(1)
  })

  it("a body refused while it is still arriving leaves the relay serving (no crash on the late bytes)", async () => {
    const { url } = await startRelay({ maxBodyBytes: 1_000, bodyReadTimeoutMs: 300 })
    const host = new URL(url).host
    // Over the cap by its Content-Length: refused at once, while its bytes keep coming.
    const tooLarge = trickle(url, ATTACKER, `${head(host, 5_000)}{"a":`, "x".repeat(50), 100)
    const tooSlow = trickle(url, ATTACKER, head(host, 500), "x".repeat(50), 50)
    cleanups.push(async () => {
      tooLarge.stop()
      tooSlow.stop()
    })
    await Promise.race([Promise.all([tooLarge.closed, tooSlow.closed]), after(3_000, undefined)])
    await after(200, undefined)

    expect(tooLarge.received()).toMatch(/^HTTP\/1\.1 413 /)
    expect(tooSlow.received()).toMatch(/^HTTP\/1\.1 408 /)
    const later = await send(url, "/captcha/createTask", recaptcha(), VICTIM)
    expect(later.status).toBe(200)
  })
  it("a body the relay never reads does not hold the client's connection (its next request is served)", async () => {
    const { url } = await startRelay()
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: VICTIM })
    cleanups.push(async () => agent.destroy())
    const post = (path: string, body: string) =>
      new Promise<string>((resolve) => {
        const timer = setTimeout(() => resolve("no answer"), 3_000)
        const request = http.request(`${url}${path}`, {
          method: "POST",
          agent,
          headers: { "content-type": "application/json" },
        })
        request.on("response", (response) => {
          response.resume()
          response.on("end", () => {
            clearTimeout(timer)
            resolve(String(response.statusCode))
          })
        })
        request.on("error", (error) => resolve(`error ${error.message}`))
        request.end(body)
      })

    // Refused by its endpoint before a byte of its 4 MB body is read, on a kept-alive connection.
    expect(await post("/captcha/getBalance", "x".repeat(4_000_000))).toBe("404")
    expect(await post("/captcha/createTask", recaptcha())).toBe("200")
  })
})

describe("item 7: attacker text echoed in refusals and events is bounded", () => {
  it("cuts endpoint names, task types and error codes to 64 characters, without control characters", async () => {
    const provider = await startRecorder((_path, _body, res) => {
      res.writeHead(400, { "content-type": "application/json" })
      res.end(JSON.stringify({ errorId: 1, errorCode: `ERROR_${"X".repeat(120)}`, errorDescription: "no" }))
    })
    const { url, events } = await startRelay({ baseUrl: provider.url })
    const longType = `Evil\n${"T".repeat(5_000)}`

    const endpoint = await send(url, `/captcha/${"e".repeat(4_000)}`, "{}", ATTACKER)
    const type = await send(
      url,
      "/captcha/createTask",
      JSON.stringify({ task: { type: longType, websiteURL: "https://example.com/", websiteKey: "s" } }),
      ATTACKER,
    )
    const forwarded = await send(url, "/captcha/createTask", recaptcha(), ATTACKER)

    expect(endpoint.status).toBe(404)
    expect(type.status).toBe(403)
    expect(forwarded.status).toBe(400)
    for (const answer of [endpoint, type]) {
      expect(String(answer.json().errorDescription).length).toBeLessThanOrEqual(512)
    }
    const strings = events.flatMap((event) =>
      [event.endpoint, event.taskType, event.errorCode].filter((text) => text !== undefined),
    )
    expect(strings.length).toBeGreaterThanOrEqual(6)
    for (const text of strings) {
      expect(text.length).toBeLessThanOrEqual(64)
      expect([...text].filter((char) => char.charCodeAt(0) < 0x20)).toEqual([])
    }
    expect(events[0]).toMatchObject({ _tag: "Refused", endpoint: expect.stringMatching(/^e+…$/) })
    expect(events[1]).toMatchObject({ _tag: "Refused", taskType: expect.stringMatching(/^Evil.T+…$/) })
    expect(events[2]).toMatchObject({ _tag: "Forwarded", errorCode: expect.stringMatching(/^ERROR_X+…$/) })
  })
})

describe("item 7: without allowOrigins, cross-site simple requests are refused", () => {
  it("refuses a body that is not application/json unless its Origin is the relay's own", async () => {
    const { url, events } = await startRelay()
    const own = new URL(url).origin
    const cases: Array<[Record<string, string>, number]> = [
      [{ "content-type": "text/plain;charset=UTF-8", origin: "https://evil.example" }, 415],
      [{ "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" }, 415],
      [{ "content-type": "multipart/form-data; boundary=x", origin: "null" }, 415],
      [{ origin: "https://evil.example" }, 415],
      [{ "content-type": "text/plain" }, 415],
      [{ "content-type": "application/json, text/plain", origin: "https://evil.example" }, 415],
      [{ "content-type": "text/plain;charset=UTF-8", origin: own }, 200],
      [{ "content-type": "text/plain;charset=UTF-8", "sec-fetch-site": "same-origin" }, 200],
      [{ "content-type": "Application/JSON; charset=utf-8", origin: "https://evil.example" }, 200],
    ]

    const statuses: Array<number> = []
    for (const [index, [headers]] of cases.entries()) {
      statuses.push((await send(url, "/captcha/createTask", recaptcha(index), ATTACKER, headers)).status)
    }

    expect(statuses).toEqual(cases.map(([, status]) => status))
    expect(events.filter((event) => event.status === 415)).toMatchObject(
      Array(6).fill({ _tag: "Refused", errorCode: "ERROR_RELAY_JSON_REQUIRED" }),
    )
    expect(file.emulator.emulator.audit().requests.byEndpoint.createTask).toBe(3)

    // With allowOrigins set, the origin list decides: a listed origin may send text/plain.
    const listed = await startRelay({ allowOrigins: ["https://shop.example"] })
    const headers = { "content-type": "text/plain", origin: "https://shop.example" }
    expect((await send(listed.url, "/captcha/createTask", recaptcha(), ATTACKER, headers)).status).toBe(200)
  })
})

describe("item 7: an answer the relay cannot read on createTask is outcome unknown", () => {
  const answering = (status: number, body: string, contentType = "text/html") =>
    startRecorder((path, _body, res) => {
      if (path === "/createTask" || path === "/getToken") {
        res.writeHead(status, { "content-type": contentType })
        return void res.end(body)
      }
      res.writeHead(200, { "content-type": "application/json" })
      res.end(JSON.stringify({ errorId: 0, status: "processing" }))
    })

  it("a 200 page, a 204, a 500 or 502 without the envelope is a plain-text 502 upstream-outcome-unknown (a 503 still passes on)", async () => {
    const cases: Array<[number, string]> = [
      [200, "<html>gateway page</html>"],
      [204, ""],
      [500, "<html>Internal Server Error</html>"],
      [502, "Bad Gateway"],
    ]
    for (const [status, body] of cases) {
      const provider = await answering(status, body)
      const { url, events } = await startRelay({ baseUrl: provider.url })
      for (const endpoint of ["createTask", "getToken"]) {
        const answer = await send(url, `/captcha/${endpoint}`, recaptcha(), VICTIM)
        const name = `${endpoint} answered ${status}`
        expect(answer.status, name).toBe(502)
        expect(answer.headers["content-type"], name).toMatch(/^text\/plain/)
        expect(answer.headers["x-solvekit-relay-error"], name).toBe("upstream-outcome-unknown")
        expect(answer.text, name).not.toContain("gateway page")
      }
      expect(events).toMatchObject([
        { _tag: "Refused", status: 502, errorCode: "ERROR_RELAY_UPSTREAM_FAILED" },
        { _tag: "Refused", status: 502, errorCode: "ERROR_RELAY_UPSTREAM_FAILED" },
      ])
    }

    // A 503 without the envelope says the request was turned away: passed on, so the client may retry.
    const busy = await answering(503, "<html>busy</html>")
    const { url } = await startRelay({ baseUrl: busy.url })
    expect((await send(url, "/captcha/createTask", recaptcha(), VICTIM)).status).toBe(503)
  })

  it("a poll answer with a status a response cannot carry is a 502, not a 500", async () => {
    const provider = await startRecorder((path, _body, res) => {
      if (path === "/createTask") {
        res.writeHead(200, { "content-type": "application/json" })
        return void res.end(JSON.stringify({ errorId: 0, taskId: "task-204" }))
      }
      res.writeHead(204)
      res.end()
    })
    const { url } = await startRelay({ baseUrl: provider.url })

    expect((await send(url, "/captcha/createTask", recaptcha(), VICTIM)).status).toBe(200)
    const polled = await send(url, "/captcha/getTaskResult", JSON.stringify({ taskId: "task-204" }), VICTIM)

    expect(polled.status).toBe(502)
    expect(polled.headers["content-type"]).toMatch(/^text\/plain/)
  })
})
