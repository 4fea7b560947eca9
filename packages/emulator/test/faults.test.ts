import { describe, expect, it } from "vitest"
import { EmulatorConnectionDropped, isDroppedResponse } from "../src/Drop.ts"
import { createEmulator } from "../src/Emulator.ts"
import { createdTaskId, inProcess, key, manualClock, recaptcha, served } from "./helpers.ts"

const createBody = (task: Record<string, unknown> = recaptcha()) => JSON.stringify({ clientKey: key, task })

const postRaw = (url: string, endpoint: string, body: string) =>
  fetch(`${url}/${endpoint}`, { method: "POST", headers: { "content-type": "application/json" }, body })

describe("fault injection over real HTTP", () => {
  it("serverError answers HTTP 502 with an HTML body and processes nothing", async () => {
    const { url, emulator } = await served({ faults: { serverError: 1 } })
    const reply = await postRaw(url, "createTask", createBody())
    expect(reply.status).toBe(502)
    expect(reply.headers.get("content-type")).toContain("text/html")
    expect(await reply.text()).toContain("<html>")
    const summary = emulator.audit()
    expect(summary.tasks.created).toBe(0)
    expect(summary.requests.byFault.serverError).toBe(1)
  })

  it("rateLimited answers HTTP 429 with Retry-After scaled to real seconds", async () => {
    const { url } = await served({ faults: { rateLimited: 1 }, retryAfterSeconds: 10, timeScale: 4 })
    const reply = await postRaw(url, "getBalance", JSON.stringify({ clientKey: key }))
    expect(reply.status).toBe(429)
    expect(reply.headers.get("retry-after")).toBe("3")
    expect(await reply.json()).toMatchObject({ errorId: 1, errorCode: "ERROR_RATE_LIMIT" })
  })

  it("serviceUnavailable answers ERROR_SERVICE_UNAVALIABLE in the provider's spelling", async () => {
    const { post, emulator } = await served({ faults: { serviceUnavailable: 1 } })
    const reply = await post("createTask", { clientKey: key, task: recaptcha() })
    expect(reply.body).toMatchObject({ errorId: 1, errorCode: "ERROR_SERVICE_UNAVALIABLE" })
    expect(emulator.audit().tasks.created).toBe(0)
  })

  it("malformedJson processes the request and cuts the JSON body in half", async () => {
    const { url, emulator } = await served({ faults: { malformedJson: 1, endpoints: ["createTask"] } })
    const reply = await postRaw(url, "createTask", createBody())
    expect(reply.status).toBe(200)
    const text = await reply.text()
    expect(() => JSON.parse(text)).toThrow()
    expect(text.startsWith('{"errorId":0')).toBe(true)
    expect(emulator.audit().tasks.created).toBe(1)
  })

  it("slow delays the answer by slowMs of provider time, then answers normally", async () => {
    const clock = manualClock()
    const { post, emulator } = await served({
      faults: { slow: 1 },
      slowMs: 8000,
      timeScale: 2,
      now: clock.now,
      sleep: clock.sleep,
    })
    const reply = await post("getBalance", { clientKey: key })
    expect(reply.body.errorId).toBe(0)
    expect(clock.sleeps).toEqual([4000])
    expect(emulator.audit().requests.byFault.slow).toBe(1)
  })

  it("slow with the real clock still answers", async () => {
    const { post } = await served({ faults: { slow: 1 }, slowMs: 20 })
    expect((await post("getBalance", { clientKey: key })).body.errorId).toBe(0)
  })

  it("dropBeforeCreate closes the socket without an answer and creates nothing", async () => {
    const { url, emulator } = await served({ faults: { dropBeforeCreate: 1 } })
    await expect(postRaw(url, "createTask", createBody())).rejects.toThrow(TypeError)
    const summary = emulator.audit()
    expect(summary.tasks.created).toBe(0)
    expect(summary.requests.byFault.dropBeforeCreate).toBe(1)
    expect(summary.requests.byStatus.dropped).toBe(1)
  })

  it("dropAfterCreate really creates the task, drops the answer, and the task can still be collected", async () => {
    const clock = manualClock()
    const { url, emulator, server } = await served({
      now: clock.now,
      faults: { dropAfterCreate: { rate: 1, endpoints: ["createTask"] } },
    })
    await expect(
      postRaw(url, "createTask", createBody(recaptcha({ websiteKey: "emulator-instant" }))),
    ).rejects.toThrow(TypeError)
    const [lost] = emulator.audit().taskRecords
    expect(lost).toMatchObject({ responseDropped: true, outcome: "ready", firstCollectedAt: undefined })
    const taskId = lost!.taskId
    const collected = await postRaw(server.url, "getTaskResult", JSON.stringify({ clientKey: key, taskId }))
    expect(await collected.json()).toMatchObject({ errorId: 0, status: "ready", taskId })
    expect(emulator.audit().tasks.responseDropped).toBe(1)
  })

  it("a client that re-sends a dropped createTask shows up as a duplicate creation", async () => {
    const { url, emulator } = await served({
      faults: { dropAfterCreate: { rate: 1, endpoints: ["createTask"] } },
    })
    await expect(postRaw(url, "createTask", createBody())).rejects.toThrow()
    await expect(postRaw(url, "createTask", createBody())).rejects.toThrow()
    expect(emulator.audit().tasks).toMatchObject({ created: 2, duplicateCreations: 1, responseDropped: 2 })
  })

  it("a dropped answer carrying a ready result does not count as collected", async () => {
    const { url, emulator } = await served({
      now: () => 0,
      faults: { dropAfterCreate: { rate: 1, endpoints: ["getTaskResult"] } },
    })
    const created = await postRaw(
      url,
      "createTask",
      createBody(recaptcha({ websiteKey: "emulator-instant" })),
    )
    const taskId = createdTaskId({ status: 200, headers: created.headers, body: await created.json() })
    await expect(postRaw(url, "getTaskResult", JSON.stringify({ clientKey: key, taskId }))).rejects.toThrow()
    expect(emulator.task(taskId)).toMatchObject({ queries: 1, firstCollectedAt: undefined })
    expect(emulator.audit().tasks.neverCollected).toBe(1)
  })

  it("limits faults to the endpoints named, per fault or for all", async () => {
    const { post, emulator } = await served({
      faults: { serviceUnavailable: { rate: 1, endpoints: ["getBalance"] }, endpoints: ["feedbackTask"] },
    })
    expect((await post("getBalance", { clientKey: key })).body.errorCode).toBe("ERROR_SERVICE_UNAVALIABLE")
    expect((await post("createTask", { clientKey: key, task: recaptcha() })).body.errorId).toBe(0)
    expect(emulator.audit().requests.byFault.serviceUnavailable).toBe(1)
  })

  it("injects each fault at roughly its configured rate", async () => {
    const { post, emulator } = inProcess({ faults: { serviceUnavailable: 0.2, rateLimited: 0.1 } })
    for (let i = 0; i < 1000; i++) await post("getBalance", { clientKey: key })
    const { byFault } = emulator.audit().requests
    expect(byFault.serviceUnavailable).toBeGreaterThan(160)
    expect(byFault.serviceUnavailable).toBeLessThan(240)
    expect(byFault.rateLimited).toBeGreaterThan(70)
    expect(byFault.rateLimited).toBeLessThan(130)
  })
})

describe("dropped connections outside Node's listener", () => {
  it("the in-process fetch rejects like a network failure, with the emulator's drop as the cause", async () => {
    const { emulator } = inProcess({ faults: { dropBeforeCreate: 1 } })
    const attempt = emulator.fetch(`${emulator.inProcessUrl}/createTask`, {
      method: "POST",
      body: createBody(),
    })
    await expect(attempt).rejects.toThrow("fetch failed")
    const error = await attempt.catch((e: unknown) => e)
    expect((error as TypeError).cause).toBeInstanceOf(EmulatorConnectionDropped)
  })

  it("the web handler returns a marked response whose body fails before any byte", async () => {
    const emulator = createEmulator({ faults: { dropAfterCreate: 1 } })
    const response = await emulator.handle(
      new Request("http://localhost/createTask", { method: "POST", body: createBody() }),
    )
    expect(isDroppedResponse(response)).toBe(true)
    await expect(response.text()).rejects.toBeInstanceOf(EmulatorConnectionDropped)
    expect(emulator.audit().tasks.created).toBe(1)
  })

  it("ordinary responses are not marked as dropped", async () => {
    const emulator = createEmulator()
    const response = await emulator.handle(
      new Request("http://localhost/getBalance", {
        method: "POST",
        body: JSON.stringify({ clientKey: key }),
      }),
    )
    expect(isDroppedResponse(response)).toBe(false)
    expect(await response.json()).toMatchObject({ errorId: 0 })
  })

  it("the in-process fetch honours an abort signal", async () => {
    const controller = new AbortController()
    const emulator = createEmulator({ sleep: () => new Promise(() => {}), faults: { slow: 1 } })
    const attempt = emulator.fetch(`${emulator.inProcessUrl}/getBalance`, {
      method: "POST",
      body: JSON.stringify({ clientKey: key }),
      signal: controller.signal,
    })
    controller.abort()
    await expect(attempt).rejects.toMatchObject({ name: "AbortError" })
  })
})

describe("temporary key blocks", () => {
  it("blocks a key after a burst of client errors, then lets it back after the block", async () => {
    const clock = manualClock()
    const { post, emulator } = await served({
      now: clock.now,
      keyBlock: { errors: 5, windowSeconds: 60, blockSeconds: 300 },
    })
    for (let i = 0; i < 5; i++) {
      expect((await post("createTask", { clientKey: key, task: { type: "Nope" } })).body.errorCode).toBe(
        "ERROR_TASK_NOT_SUPPORTED",
      )
    }
    const blocked = await post("getBalance", { clientKey: key })
    expect(blocked.status).toBe(400)
    expect(blocked.body).toMatchObject({ errorId: 1, errorCode: "ERROR_KEY_TEMP_BLOCKED" })
    clock.advance(299_999)
    expect((await post("getBalance", { clientKey: key })).body.errorCode).toBe("ERROR_KEY_TEMP_BLOCKED")
    clock.advance(1)
    expect((await post("getBalance", { clientKey: key })).body.errorId).toBe(0)
    expect(emulator.audit().requests.byErrorCode.ERROR_KEY_TEMP_BLOCKED).toBe(2)
  })

  it("does not block for errors spread wider than the window, nor for other keys", async () => {
    const clock = manualClock()
    const { post } = inProcess({
      now: clock.now,
      keys: [key, "other"],
      keyBlock: { errors: 3, windowSeconds: 10 },
    })
    for (let i = 0; i < 6; i++) {
      await post("getTaskResult", { clientKey: key, taskId: "unknown" })
      clock.advance(6000)
    }
    expect((await post("getBalance", { clientKey: key })).body.errorId).toBe(0)
    for (let i = 0; i < 3; i++) await post("getTaskResult", { clientKey: key, taskId: "unknown" })
    expect((await post("getBalance", { clientKey: key })).body.errorCode).toBe("ERROR_KEY_TEMP_BLOCKED")
    expect((await post("getBalance", { clientKey: "other" })).body.errorId).toBe(0)
  })

  it("is off by default", async () => {
    const { post } = inProcess()
    for (let i = 0; i < 50; i++) await post("getTaskResult", { clientKey: key, taskId: "unknown" })
    expect((await post("getBalance", { clientKey: key })).body.errorId).toBe(0)
  })
})
