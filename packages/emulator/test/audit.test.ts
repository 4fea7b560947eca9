import { describe, expect, it } from "vitest"
import { createdTaskId, inProcess, key, manualClock, type Poster, recaptcha, served } from "./helpers.ts"

const create = async (post: Poster, task: Record<string, unknown>) =>
  createdTaskId(await post("createTask", { clientKey: key, task }))
const poll = (post: Poster, taskId: string) => post("getTaskResult", { clientKey: key, taskId })

describe("audit", () => {
  it("records per-task queries, readiness, detection delay and queries after ready", async () => {
    const clock = manualClock()
    const { post, emulator } = await served({ now: clock.now })
    const taskId = await create(post, recaptcha({ websiteKey: "emulator-solve-ms-5000" }))
    clock.advance(3000)
    await poll(post, taskId)
    clock.advance(3000)
    await poll(post, taskId)
    clock.advance(3000)
    await poll(post, taskId)
    expect(emulator.task(taskId)).toEqual({
      taskId,
      type: "ReCaptchaV2TaskProxyLess",
      endpoint: "createTask",
      createdAt: 0,
      readyAt: 5000,
      firstCollectedAt: 6000,
      expiredAt: undefined,
      detectionDelayMs: 1000,
      queries: 3,
      queriesAfterReady: 1,
      queriesAfterExpiry: 0,
      outcome: "ready",
      errorCode: undefined,
      responseDropped: false,
      duplicate: false,
      feedback: undefined,
    })
  })

  it("summarises detection delay (mean, p95, max) and queries per task (mean, max)", async () => {
    const clock = manualClock()
    const { post, emulator } = inProcess({ now: clock.now })
    const ids: Array<string> = []
    for (let i = 1; i <= 20; i++)
      ids.push(await create(post, recaptcha({ websiteKey: `emulator-solve-ms-${i * 100}` })))
    clock.advance(2000)
    for (const taskId of ids) await poll(post, taskId)
    await poll(post, ids[0]!)
    const summary = emulator.audit()
    // Ready at 100..2000 ms, all noticed at 2000 ms: delays 1900, 1800, ..., 0.
    expect(summary.detectionDelayMs).toEqual({ count: 20, mean: 950, p95: 1800, max: 1900 })
    expect(summary.queries).toMatchObject({ total: 21, perTaskMean: 21 / 20, perTaskMax: 2, afterReady: 1 })
  })

  it("counts tasks whose outcome was never collected", async () => {
    const clock = manualClock()
    const { post, emulator } = inProcess({ now: clock.now, solveTime: { kind: "fixed", seconds: 1 } })
    const collected = await create(post, recaptcha({ websiteURL: "https://a" }))
    await create(post, recaptcha({ websiteURL: "https://b" }))
    await create(post, recaptcha({ websiteURL: "https://c" }))
    clock.advance(1000)
    await poll(post, collected)
    expect(emulator.audit().tasks).toMatchObject({ created: 3, ready: 3, collected: 1, neverCollected: 2 })
    clock.advance(300_000)
    expect(emulator.audit().tasks).toMatchObject({ expired: 3, neverCollected: 2 })
  })

  it("counts requests by endpoint, status and error code, and keeps recent requests", async () => {
    const { post, emulator } = await served()
    await post("getBalance", { clientKey: key })
    await post("getBalance", { clientKey: "bad" })
    const taskId = await create(post, recaptcha())
    await poll(post, taskId)
    await post("feedbackTask", { clientKey: key, taskId, result: { invalid: false } })
    const { requests, recentRequests } = emulator.audit()
    expect(requests.total).toBe(5)
    expect(requests.byEndpoint).toEqual({
      createTask: 1,
      getTaskResult: 1,
      getBalance: 2,
      feedbackTask: 1,
      getToken: 0,
      other: 0,
    })
    expect(requests.byStatus).toEqual({ "200": 4, "401": 1 })
    expect(requests.byErrorCode).toEqual({ ERROR_KEY_DENIED_ACCESS: 1 })
    expect(recentRequests.map((request) => request.endpoint)).toEqual([
      "getBalance",
      "getBalance",
      "createTask",
      "getTaskResult",
      "feedbackTask",
    ])
    expect(recentRequests[2]).toMatchObject({ taskId, status: 200, fault: undefined, slow: false })
  })

  it("never reports client keys", async () => {
    const { post, emulator } = inProcess({ keys: ["secret-key-123"] })
    const taskId = createdTaskId(await post("createTask", { clientKey: "secret-key-123", task: recaptcha() }))
    await post("getTaskResult", { clientKey: "secret-key-123", taskId })
    expect(JSON.stringify(emulator.audit())).not.toContain("secret-key-123")
  })

  it("flags the same payload created twice by one key as a duplicate, while the first is live", async () => {
    const clock = manualClock()
    const { post, emulator } = inProcess({ now: clock.now, keys: [key, "other"] })
    const first = await create(post, recaptcha())
    const second = await create(post, recaptcha())
    await post("createTask", { clientKey: "other", task: recaptcha() })
    await create(post, recaptcha({ websiteURL: "https://different" }))
    expect(emulator.task(first)?.duplicate).toBe(false)
    expect(emulator.task(second)?.duplicate).toBe(true)
    expect(emulator.audit().tasks.duplicateCreations).toBe(1)
    clock.advance(300_000)
    const later = await create(post, recaptcha())
    expect(emulator.task(later)?.duplicate).toBe(false)
  })

  it("serves the audit and a reset over HTTP for out-of-process readers", async () => {
    const { url, post } = await served()
    await create(post, recaptcha())
    const audit = (await (await fetch(`${url}/__emulator/audit`)).json()) as {
      tasks: { created: number }
      taskRecords: Array<unknown>
    }
    expect(audit.tasks.created).toBe(1)
    expect(audit.taskRecords).toHaveLength(1)
    const lean = (await (await fetch(`${url}/__emulator/audit?records=0`)).json()) as {
      taskRecords: Array<unknown>
    }
    expect(lean.taskRecords).toEqual([])
    expect((await fetch(`${url}/__emulator/reset`, { method: "POST" })).status).toBe(200)
    const after = (await (await fetch(`${url}/__emulator/audit`)).json()) as { tasks: { created: number } }
    expect(after.tasks.created).toBe(0)
  })

  it("bounds the recent-request log", async () => {
    const { post, emulator } = inProcess({ requestLogLimit: 10 })
    for (let i = 0; i < 25; i++) await post("getBalance", { clientKey: key })
    const summary = emulator.audit()
    expect(summary.requests.total).toBe(25)
    expect(summary.recentRequests).toHaveLength(10)
  })
})
