/**
 * The relay's solve endpoint (`POST <relay>/solve`, issue 16): the whole lifecycle run on the server with the
 * relay's own client, its progress streamed to the page as NDJSON. Real HTTP throughout: the relay on a port of
 * 127.0.0.1 through `toNodeHandler`, the emulator behind it, and the emulator's audit as the witness of what
 * reached the provider (no query after an abort, none for a refused task). Every streamed line and every event
 * is checked for the key.
 */
import { Policy, ReCaptchaV2TaskProxyLess } from "@solvekit/core"
import { describe, expect, it } from "vitest"
import { toNodeHandler } from "../src/NodeHandler.ts"
import { createRelay, type RelayEvent, type RelayOptions } from "../src/NodeRelay.ts"
import { emulatorPerFile, watchForKey } from "./support/emulatorPerFile.ts"
import { listen } from "./support/servers.ts"

const KEY = "SENTINEL-SOLVE-KEY-4d2b"
const ZERO_KEY = "SENTINEL-SOLVE-ZERO-8e1f"

const file = emulatorPerFile({ keys: [KEY], zeroBalanceKeys: [ZERO_KEY], taskTtlSeconds: 300_000 })
const { cleanups } = file
/** Every line, body and event the tests saw: none may carry the key. */
const seen = watchForKey()

const UNLIMITED = {
  tasksPerClientPerMinute: 1_000_000,
  requestsPerClientPerMinute: 1_000_000,
  tasksPerMinute: 1_000_000,
  tasksPerDay: 1_000_000,
}

/** A relay on a real port; the client is named by the `x-test-client` header (default "alice"). */
const startRelay = async (options: Partial<RelayOptions> = {}) => {
  const events: Array<RelayEvent> = []
  const relay = createRelay({
    apiKey: KEY,
    baseUrl: file.emulator.url,
    allowTaskTypes: [ReCaptchaV2TaskProxyLess, "ImageToTextTask"],
    tasksWithoutWebsite: ["ImageToTextTask"],
    allowWebsiteUrls: ["shop.example.com"],
    clientIdentity: (request) => request.headers.get("x-test-client") ?? "alice",
    solvePolicy: Policy.fixed("50 millis"),
    limits: UNLIMITED,
    onEvent: (event) => {
      events.push(event)
      seen.push(JSON.stringify(event))
    },
    ...options,
  })
  const server = await listen(toNodeHandler(relay.handle))
  cleanups.push(async () => {
    await server.close()
    await relay.close()
  })
  return { url: `${server.url}/captcha`, relay, events }
}

type Line = Record<string, any>

interface Streamed {
  readonly status: number
  readonly contentType: string | null
  /** The lines read, parsed. */
  readonly lines: Array<Line>
  /** A refusal's JSON body (no stream). */
  readonly body: Line | undefined
}

interface SolveCall {
  readonly client?: string
  readonly headers?: Record<string, string>
  /** Called for each line; aborting `controller` ends the request. */
  readonly onLine?: (line: Line, controller: AbortController) => void
}

/** POSTs to `<relay>/solve` and reads the answer line by line, as a page would. */
const solve = async (url: string, body: unknown, call: SolveCall = {}): Promise<Streamed> => {
  const controller = new AbortController()
  const response = await fetch(`${url}/solve`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-test-client": call.client ?? "alice",
      ...call.headers,
    },
    body: JSON.stringify(body),
    signal: controller.signal,
  })
  const contentType = response.headers.get("content-type")
  if (!contentType?.startsWith("application/x-ndjson")) {
    const text = await response.text()
    seen.push(text)
    return { status: response.status, contentType, lines: [], body: JSON.parse(text) as Line }
  }
  const lines: Array<Line> = []
  const decoder = new TextDecoder()
  let buffered = ""
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true })
      let end = buffered.indexOf("\n")
      while (end >= 0) {
        const text = buffered.slice(0, end)
        buffered = buffered.slice(end + 1)
        seen.push(text)
        const line = JSON.parse(text) as Line
        lines.push(line)
        call.onLine?.(line, controller)
        end = buffered.indexOf("\n")
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error
  }
  return { status: response.status, contentType, lines, body: undefined }
}

const recaptcha = (websiteKey: string, websiteURL = "https://shop.example.com/login") => ({
  task: { type: "ReCaptchaV2TaskProxyLess", websiteURL, websiteKey },
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const auditOf = (taskId: string) => {
  const record = file.emulator.emulator.audit().taskRecords.find((task) => task.taskId === taskId)
  if (record === undefined) throw new Error(`the emulator never saw ${taskId}`)
  return record
}

const upstreamRequests = () => file.emulator.emulator.audit().requests.total

/** Waits until `check` holds (the relay's events follow the stream's end by a tick). */
const until = async (check: () => boolean) => {
  for (let i = 0; i < 400 && !check(); i++) await sleep(5)
  expect(check()).toBe(true)
}

describe("the relay's solve endpoint", () => {
  it("solves a token task on the server and streams Created, Polled and Solved lines", async () => {
    const { url, events } = await startRelay()
    const answer = await solve(url, recaptcha("emulator-solve-ms-300"))
    expect(answer.status).toBe(200)
    expect(answer.contentType).toBe("application/x-ndjson; charset=utf-8")
    const tags = answer.lines.map((line) => line._tag)
    expect(tags[0]).toBe("Created")
    expect(tags.at(-1)).toBe("Solved")
    expect(tags.slice(1, -1).every((tag) => tag === "Polled")).toBe(true)
    const [created] = answer.lines
    const solved = answer.lines.at(-1) as Line
    expect(created).toMatchObject({ taskType: "ReCaptchaV2TaskProxyLess", ready: false, queries: 0 })
    expect(created?.createdAt).toBeTypeOf("number")
    expect(solved).toMatchObject({ taskId: created?.taskId, taskType: "ReCaptchaV2TaskProxyLess" })
    expect(solved.solution.gRecaptchaResponse).toContain(created?.taskId)
    expect(solved.solvedAt).toBeTypeOf("number")
    const polled = answer.lines.filter((line) => line._tag === "Polled")
    expect(polled.map((line) => line.queries)).toEqual(polled.map((_, index) => index + 1))
    expect(polled.at(-1)?.status).toBe("ready")
    const audit = auditOf(created?.taskId)
    expect(audit).toMatchObject({ outcome: "ready", queries: solved.queries, queriesAfterReady: 0 })
    await until(() => events.some((event) => event._tag === "SolveEnded"))
    expect(events.at(-1)).toMatchObject({
      _tag: "SolveEnded",
      endpoint: "solve",
      clientId: "alice",
      taskId: created?.taskId,
      outcome: "solved",
      resumed: false,
      queries: solved.queries,
    })
  })

  it("answers a recognition task from createTask itself: Created ready, then Solved with no query", async () => {
    const { url } = await startRelay()
    const answer = await solve(url, {
      task: { type: "ImageToTextTask", body: Buffer.from("fake image bytes").toString("base64") },
    })
    expect(answer.lines.map((line) => line._tag)).toEqual(["Created", "Solved"])
    expect(answer.lines[0]).toMatchObject({ ready: true })
    expect(answer.lines[1]).toMatchObject({ queries: 0 })
    expect(answer.lines[1]?.solution.text).toBeTypeOf("string")
  })

  it("ends the stream with a Failed line carrying the typed error and the taskId", async () => {
    const { url } = await startRelay()
    const answer = await solve(url, recaptcha("emulator-unsolvable-emulator-solve-ms-200"))
    const failed = answer.lines.at(-1) as Line
    const taskId = answer.lines[0]?.taskId
    expect(failed).toMatchObject({
      _tag: "Failed",
      taskId,
      error: "ApiError",
      errorCode: "ERROR_CAPTCHA_UNSOLVABLE",
      failure: { _tag: "ApiError", reason: "Unsolvable", endpoint: "getTaskResult", taskId },
    })
    expect(failed.failure.message).toContain("ERROR_CAPTCHA_UNSOLVABLE")
    expect(auditOf(taskId).outcome).toBe("failed")
  })

  it("never streams the key, even in an error about the key", async () => {
    const { url } = await startRelay({ apiKey: "SENTINEL-UNKNOWN-KEY-c0ffee" })
    const answer = await solve(url, recaptcha("emulator-instant"))
    expect(answer.lines).toEqual([
      expect.objectContaining({
        _tag: "Failed",
        error: "ApiError",
        failure: expect.objectContaining({ _tag: "ApiError", reason: "Auth" }),
      }),
    ])
  })

  describe("refuses before the stream, as createTask would, with the typed error in the body", () => {
    it("a task type outside the allow-list: 403 and ApiError, nothing sent upstream", async () => {
      const { url, events } = await startRelay()
      const answer = await solve(url, {
        task: {
          type: "AntiTurnstileTaskProxyLess",
          websiteURL: "https://shop.example.com/",
          websiteKey: "k",
        },
      })
      expect(answer.status).toBe(403)
      expect(answer.body).toMatchObject({
        errorId: 1,
        errorCode: "ERROR_RELAY_TASK_NOT_ALLOWED",
        error: {
          _tag: "ApiError",
          errorCode: "ERROR_RELAY_TASK_NOT_ALLOWED",
          httpStatus: 403,
          endpoint: "solve",
        },
      })
      expect(answer.body?.error.message).toContain("ERROR_RELAY_TASK_NOT_ALLOWED")
      expect(events).toEqual([
        expect.objectContaining({
          _tag: "Refused",
          endpoint: "solve",
          errorCode: "ERROR_RELAY_TASK_NOT_ALLOWED",
        }),
      ])
      expect(upstreamRequests()).toBe(0)
    })

    it("a task its type's schema refuses: 400 and InvalidTaskError naming the field", async () => {
      const { url } = await startRelay()
      const unknownField = await solve(url, {
        task: {
          type: "ReCaptchaV2TaskProxyLess",
          websiteURL: "https://shop.example.com/",
          websiteKey: "k",
          Type: "x",
        },
      })
      expect(unknownField.status).toBe(400)
      expect(unknownField.body).toMatchObject({
        errorCode: "ERROR_RELAY_INVALID_TASK",
        error: { _tag: "InvalidTaskError", taskType: "ReCaptchaV2TaskProxyLess", field: "Type" },
      })
      const missing = await solve(url, { task: { type: "ReCaptchaV2TaskProxyLess", websiteKey: "k" } })
      expect(missing.body?.error).toMatchObject({ _tag: "InvalidTaskError", field: "websiteURL" })
      const noType = await solve(url, { task: { websiteKey: "k" } })
      expect(noType.body?.error).toMatchObject({ _tag: "InvalidTaskError", field: "type" })
      expect(upstreamRequests()).toBe(0)
    })

    it("a website outside the rules, a key sent by the page, a body that is neither kind", async () => {
      const { url } = await startRelay()
      const website = await solve(url, recaptcha("k", "https://evil.example/login"))
      expect(website.status).toBe(403)
      expect(website.body?.error).toMatchObject({
        _tag: "ApiError",
        errorCode: "ERROR_RELAY_WEBSITE_NOT_ALLOWED",
      })
      const keyed = await solve(url, { clientKey: "page-key", ...recaptcha("k") })
      expect(keyed.body?.errorCode).toBe("ERROR_RELAY_CLIENT_KEY_FORBIDDEN")
      const both = await solve(url, { ...recaptcha("k"), taskId: "t" })
      expect(both.status).toBe(400)
      expect(both.body?.error).toMatchObject({ _tag: "ApiError", errorCode: "ERROR_RELAY_BAD_REQUEST" })
      const neither = await solve(url, {})
      expect(neither.status).toBe(400)
      expect(upstreamRequests()).toBe(0)
    })

    it("the task limits: 429 with Retry-After, as retryAfterMs on the ApiError", async () => {
      const { url } = await startRelay({ limits: { ...UNLIMITED, tasksPerClientPerMinute: 1 } })
      expect((await solve(url, recaptcha("emulator-instant"))).lines.at(-1)?._tag).toBe("Solved")
      const limited = await solve(url, recaptcha("emulator-instant"))
      expect(limited.status).toBe(429)
      expect(limited.body?.error).toMatchObject({
        _tag: "ApiError",
        reason: "RateLimited",
        errorCode: "ERROR_RATE_LIMIT",
      })
      expect(limited.body?.error.retryAfterMs).toBeGreaterThan(0)
      // Another client has its own budget.
      expect((await solve(url, recaptcha("emulator-instant"), { client: "bob" })).lines.at(-1)?._tag).toBe(
        "Solved",
      )
      expect(file.emulator.emulator.audit().requests.byEndpoint.createTask).toBe(2)
    })

    it("the pending limit: a solve running holds its slot until its outcome", async () => {
      const { url } = await startRelay({ limits: { ...UNLIMITED, pendingTasksPerClient: 1 } })
      let refusedMeanwhile: Streamed | undefined
      const first = await solve(url, recaptcha("emulator-solve-ms-400"), {
        onLine: (line) => {
          if (line._tag === "Created")
            void solve(url, recaptcha("k")).then((answer) => (refusedMeanwhile = answer))
        },
      })
      expect(first.lines.at(-1)?._tag).toBe("Solved")
      await until(() => refusedMeanwhile !== undefined)
      expect(refusedMeanwhile?.status).toBe(429)
      expect(refusedMeanwhile?.body?.errorCode).toBe("ERROR_RATE_LIMIT")
      expect((await solve(url, recaptcha("emulator-instant"))).lines.at(-1)?._tag).toBe("Solved")
    })

    it("the cross-site rule without allowOrigins, and an origin outside allowOrigins", async () => {
      const sameSite = await startRelay()
      const form = await fetch(`${sameSite.url}/solve`, {
        method: "POST",
        headers: { "content-type": "text/plain", origin: "https://evil.example" },
        body: JSON.stringify(recaptcha("emulator-instant")),
      })
      expect(form.status).toBe(415)
      const formBody = (await form.json()) as Line
      expect(formBody.error).toMatchObject({ _tag: "ApiError", errorCode: "ERROR_RELAY_JSON_REQUIRED" })
      const listed = await startRelay({ allowOrigins: ["https://shop.example.com"] })
      const foreign = await solve(listed.url, recaptcha("emulator-instant"), {
        headers: { origin: "https://evil.example" },
      })
      expect(foreign.status).toBe(403)
      expect(foreign.body?.error).toMatchObject({ errorCode: "ERROR_RELAY_ORIGIN_NOT_ALLOWED" })
      const allowed = await solve(listed.url, recaptcha("emulator-instant"), {
        headers: { origin: "https://shop.example.com" },
      })
      expect(allowed.lines.at(-1)?._tag).toBe("Solved")
      expect(upstreamRequests()).toBeGreaterThan(0)
    })
  })

  it("stops polling when the page aborts the request: no query reaches the provider after it", async () => {
    const { url, events } = await startRelay()
    const answer = await solve(url, recaptcha("emulator-solve-ms-600000"), {
      onLine: (line, controller) => {
        if (line._tag === "Polled" && line.queries === 2) controller.abort()
      },
    })
    const taskId = answer.lines[0]?.taskId as string
    await until(() => events.some((event) => event._tag === "SolveEnded"))
    // A query already on the wire when the page aborted cannot be recalled: its request is aborted, but the
    // emulator may still count it a moment later (seen on a loaded machine). Nothing is sent after that.
    await sleep(150)
    const queriesAtEnd = auditOf(taskId).queries
    expect(queriesAtEnd).toBeLessThanOrEqual(3)
    // Ten poll intervals later, still none.
    await sleep(500)
    expect(auditOf(taskId).queries).toBe(queriesAtEnd)
    expect(events.at(-1)).toMatchObject({ _tag: "SolveEnded", taskId, outcome: "AbortedError" })
  })

  it("resumes a task by its id after an abort, continuing its query count", async () => {
    const { url, events } = await startRelay()
    const first = await solve(url, recaptcha("emulator-solve-ms-700"), {
      onLine: (line, controller) => {
        if (line._tag === "Polled" && line.queries === 2) controller.abort()
      },
    })
    const created = first.lines[0] as Line
    await until(() => events.some((event) => event._tag === "SolveEnded"))
    // The page claims no query was spent: the relay continues from its own count.
    const resumed = await solve(url, { taskId: created.taskId, createdAt: created.createdAt, queries: 0 })
    expect(resumed.status).toBe(200)
    const polled = resumed.lines.filter((line) => line._tag === "Polled")
    expect(polled[0]?.queries).toBeGreaterThanOrEqual(3)
    const solved = resumed.lines.at(-1) as Line
    expect(solved).toMatchObject({ _tag: "Solved", taskId: created.taskId })
    expect(solved.solution.gRecaptchaResponse).toContain(created.taskId)
    expect(auditOf(created.taskId)).toMatchObject({ outcome: "ready", queries: solved.queries })
    await until(() => events.filter((event) => event._tag === "SolveEnded").length === 2)
    expect(events.at(-1)).toMatchObject({ _tag: "SolveEnded", resumed: true, outcome: "solved" })
  })

  it("counts a query an abort cut off before its answer, so a resume never queries past the budget", async () => {
    // In front of the emulator: the third getTaskResult reaches the provider, and its answer is held back.
    let queriesSeen = 0
    let release = () => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    let thirdArrived = () => {}
    const third = new Promise<void>((resolve) => {
      thirdArrived = resolve
    })
    const forwarder = await listen((request, response) => {
      const chunks: Array<Buffer> = []
      request.on("data", (chunk: Buffer) => chunks.push(chunk))
      request.on("end", async () => {
        const answer = await fetch(`${file.emulator.url}${request.url}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: Buffer.concat(chunks),
        })
        const text = await answer.text()
        if (request.url?.endsWith("getTaskResult") && ++queriesSeen === 3) {
          thirdArrived()
          await held
        }
        response.writeHead(answer.status, { "content-type": "application/json" }).end(text)
      })
    })
    cleanups.push(async () => {
      release()
      await forwarder.close()
    })
    const { url, events } = await startRelay({ baseUrl: forwarder.url })
    let page: AbortController | undefined
    const first = solve(url, recaptcha("emulator-solve-ms-900"), {
      onLine: (_line, controller) => {
        page = controller
      },
    })
    await third
    page?.abort()
    const created = (await first).lines[0] as Line
    await until(() => events.some((event) => event._tag === "SolveEnded"))
    const resumed = await solve(url, { taskId: created.taskId, createdAt: created.createdAt, queries: 0 })
    const polled = resumed.lines.filter((line) => line._tag === "Polled")
    // The cut-off third query counts: the resumed solve's first query is the fourth.
    expect(polled[0]?.queries).toBe(4)
    const solved = resumed.lines.at(-1) as Line
    expect(solved).toMatchObject({ _tag: "Solved", taskId: created.taskId })
    expect(auditOf(created.taskId)).toMatchObject({ outcome: "ready", queries: solved.queries })
  })

  it("resumes a task created through the protocol relay's createTask", async () => {
    const { url } = await startRelay()
    const created = (await (
      await fetch(`${url}/createTask`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-test-client": "alice" },
        body: JSON.stringify(recaptcha("emulator-solve-ms-200")),
      })
    ).json()) as Line
    const resumed = await solve(url, { taskId: created.taskId })
    expect(resumed.lines.at(-1)).toMatchObject({ _tag: "Solved", taskId: created.taskId })
  })

  it("refuses to wait for another client's task, or an unknown one, without asking the provider", async () => {
    const { url } = await startRelay()
    const mine = await solve(url, recaptcha("emulator-solve-ms-600000"), {
      onLine: (line, controller) => {
        if (line._tag === "Created") controller.abort()
      },
    })
    const taskId = mine.lines[0]?.taskId as string
    // The aborted solve is cancelled once the relay sees the disconnect, which a loaded machine may take longer
    // than one 50 ms poll to do: read the count once it has held still for four poll periods.
    const queries = () => file.emulator.emulator.audit().requests.byEndpoint.getTaskResult ?? 0
    let before = queries()
    for (;;) {
      await sleep(200)
      const now = queries()
      if (now === before) break
      before = now
    }
    for (const [client, id] of [
      ["bob", taskId],
      ["alice", "no-such-task"],
    ] as const) {
      const answer = await solve(url, { taskId: id }, { client })
      expect(answer.status).toBe(400)
      expect(answer.body).toMatchObject({
        errorCode: "ERROR_TASKID_INVALID",
        error: { _tag: "ApiError", reason: "TaskNotFound", errorCode: "ERROR_TASKID_INVALID" },
      })
    }
    expect(file.emulator.emulator.audit().requests.byEndpoint.getTaskResult ?? 0).toBe(before)
  })

  it("refuses a resume with a malformed createdAt or queries", async () => {
    const { url } = await startRelay()
    expect((await solve(url, { taskId: "t", createdAt: "yesterday" })).status).toBe(400)
    expect((await solve(url, { taskId: "t", queries: -1 })).status).toBe(400)
    expect(upstreamRequests()).toBe(0)
  })

  it("never polls past the query budget the page says it spent", async () => {
    const { url } = await startRelay()
    const first = await solve(url, recaptcha("emulator-solve-ms-600000"), {
      onLine: (line, controller) => {
        if (line._tag === "Created") controller.abort()
      },
    })
    const taskId = first.lines[0]?.taskId as string
    await sleep(50)
    const resumed = await solve(url, { taskId, queries: 120 })
    expect(resumed.lines.at(-1)).toMatchObject({
      _tag: "Failed",
      failure: { _tag: "PollBudgetExhaustedError", taskId },
    })
    expect(auditOf(taskId).queries).toBe(0)
  })

  it("a newer wait for the same task takes over: the older one stops polling", async () => {
    const { url } = await startRelay()
    let taskId = ""
    let second: Promise<Streamed> | undefined
    const first = await solve(url, recaptcha("emulator-solve-ms-800"), {
      onLine: (line) => {
        if (line._tag === "Created") taskId = line.taskId
        if (line._tag === "Polled" && line.queries === 1) second = solve(url, { taskId })
      },
    })
    expect(first.lines.at(-1)).toMatchObject({ _tag: "Failed", failure: { _tag: "AbortedError", taskId } })
    expect((await second)?.lines.at(-1)).toMatchObject({ _tag: "Solved", taskId })
    expect(auditOf(taskId).queriesAfterReady).toBe(0)
  })

  it("closing the relay ends the running solves with AbortedError carrying the taskId", async () => {
    const { url, relay } = await startRelay()
    const answer = await solve(url, recaptcha("emulator-solve-ms-600000"), {
      onLine: (line) => {
        if (line._tag === "Polled") void relay.close()
      },
    })
    const taskId = answer.lines[0]?.taskId
    expect(answer.lines.at(-1)).toMatchObject({
      _tag: "Failed",
      error: "AbortedError",
      failure: { _tag: "AbortedError", taskId },
    })
    expect(answer.lines.at(-1)?.failure.createdAt).toBeTypeOf("number")
  })
})
