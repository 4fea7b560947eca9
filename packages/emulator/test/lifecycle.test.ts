import { describe, expect, it } from "vitest"
import { createdTaskId, inProcess, key, manualClock, type Poster, recaptcha, served } from "./helpers.ts"

const poll = (post: Poster, taskId: string) => post("getTaskResult", { clientKey: key, taskId })
const create = async (post: Poster, task: Record<string, unknown> = recaptcha()) =>
  createdTaskId(await post("createTask", { clientKey: key, task }))

describe("token task lifecycle", () => {
  it("goes idle → processing → ready, driven by an injected clock", async () => {
    const clock = manualClock()
    const { post } = await served({ now: clock.now, solveTime: { kind: "fixed", seconds: 10 } })
    const taskId = await create(post)
    const statusAt = async (ms: number) => {
      clock.advance(ms - clock.now())
      return (await poll(post, taskId)).body.status
    }
    expect(await statusAt(0)).toBe("idle")
    expect(await statusAt(1999)).toBe("idle")
    expect(await statusAt(2000)).toBe("processing")
    expect(await statusAt(9999)).toBe("processing")
    expect(await statusAt(10_000)).toBe("ready")
  })

  it("runs provider time timeScale times faster than the real clock", async () => {
    const clock = manualClock()
    const { post } = inProcess({ now: clock.now, timeScale: 60, solveTime: { kind: "fixed", seconds: 30 } })
    const taskId = await create(post)
    clock.advance(499)
    expect((await poll(post, taskId)).body.status).toBe("processing")
    clock.advance(1)
    expect((await poll(post, taskId)).body.status).toBe("ready")
  })

  it("with the real clock and a large timeScale, a 30-second solve is ready within real milliseconds", async () => {
    // A long result window: on a loaded machine the polls below must not outlive a 100 ms (scaled) window.
    const { post } = await served({
      timeScale: 3000,
      solveTime: { kind: "fixed", seconds: 30 },
      taskTtlSeconds: 3_000_000,
    })
    const taskId = await create(post)
    let status: unknown
    for (let attempt = 0; attempt < 400 && status !== "ready"; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 5))
      status = (await poll(post, taskId)).body.status
    }
    expect(status).toBe("ready")
  })

  it("spreads default solve times over 1-30 seconds", async () => {
    const clock = manualClock()
    const { post, emulator } = inProcess({ now: clock.now })
    for (let i = 0; i < 200; i++) await create(post, recaptcha({ websiteURL: `https://example.com/${i}` }))
    clock.advance(30_000)
    const readyAt = emulator.audit().taskRecords.map((task) => task.readyAt ?? Number.NaN)
    expect(readyAt.every((ms) => ms >= 1000 && ms <= 30_000)).toBe(true)
    expect(Math.min(...readyAt)).toBeLessThan(4000)
    expect(Math.max(...readyAt)).toBeGreaterThan(27_000)
  })

  it("draws lognormal solve times around their median", async () => {
    const clock = manualClock()
    const { post, emulator } = inProcess({
      now: clock.now,
      solveTime: { kind: "lognormal", medianSeconds: 8, sigma: 0.5 },
    })
    for (let i = 0; i < 400; i++) await create(post)
    clock.advance(120_000)
    const sorted = emulator
      .audit()
      .taskRecords.map((task) => task.readyAt ?? 0)
      .sort((a, b) => a - b)
    const median = sorted[200]!
    expect(median).toBeGreaterThan(6500)
    expect(median).toBeLessThan(9500)
  })

  it("uses solveTimeByType for the types it names, matched case-insensitively", async () => {
    const clock = manualClock()
    const { post, emulator } = inProcess({
      now: clock.now,
      solveTime: { kind: "fixed", seconds: 20 },
      solveTimeByType: { antiturnstiletaskproxyless: { kind: "fixed", seconds: 3 } },
    })
    const turnstile = await create(post, {
      type: "AntiTurnstileTaskProxyLess",
      websiteURL: "https://a",
      websiteKey: "0x4",
    })
    const other = await create(post)
    clock.advance(60_000)
    expect(emulator.task(turnstile)?.readyAt).toBe(3000)
    expect(emulator.task(other)?.readyAt).toBe(20_000)
  })

  it("emulator-solve-ms-<N> makes a task ready exactly N provider milliseconds after creation", async () => {
    const clock = manualClock()
    const { post } = inProcess({ now: clock.now })
    const taskId = await create(post, recaptcha({ websiteKey: "emulator-solve-ms-1500" }))
    clock.advance(1499)
    expect((await poll(post, taskId)).body.status).toBe("processing")
    clock.advance(1)
    expect((await poll(post, taskId)).body.status).toBe("ready")
  })

  it("emulator-instant is ready at the first poll", async () => {
    const { post } = inProcess({ now: () => 0 })
    const taskId = await create(post, recaptcha({ websiteURL: "https://emulator-instant.example" }))
    expect((await poll(post, taskId)).body).toMatchObject({ status: "ready", solution: expect.any(Object) })
  })

  it("emulator-unsolvable ends ERROR_CAPTCHA_UNSOLVABLE with status failed at its solve time", async () => {
    const clock = manualClock()
    const { post } = await served({ now: clock.now, solveTime: { kind: "fixed", seconds: 5 } })
    const taskId = await create(post, recaptcha({ websiteKey: "emulator-unsolvable" }))
    expect((await poll(post, taskId)).body.errorId).toBe(0)
    clock.advance(5000)
    const failed = await poll(post, taskId)
    expect(failed.status).toBe(400)
    expect(failed.body).toMatchObject({
      errorId: 1,
      errorCode: "ERROR_CAPTCHA_UNSOLVABLE",
      status: "failed",
      taskId,
    })
  })

  it("makes the configured share of tasks unsolvable", async () => {
    const clock = manualClock()
    const { post, emulator } = inProcess({
      now: clock.now,
      unsolvableRate: 0.3,
      solveTime: { kind: "fixed", seconds: 1 },
    })
    for (let i = 0; i < 500; i++) await create(post)
    clock.advance(1000)
    const { tasks } = emulator.audit()
    expect(tasks.failed + tasks.ready).toBe(500)
    expect(tasks.failed / 500).toBeGreaterThan(0.22)
    expect(tasks.failed / 500).toBeLessThan(0.38)
  })

  it("fails a task not solved within the 120-second limit with ERROR_TASK_TIMEOUT", async () => {
    const clock = manualClock()
    const { post } = inProcess({ now: clock.now })
    const taskId = await create(post, recaptcha({ websiteKey: "emulator-solve-ms-200000" }))
    clock.advance(119_999)
    expect((await poll(post, taskId)).body.status).toBe("processing")
    clock.advance(1)
    expect((await poll(post, taskId)).body).toMatchObject({
      errorCode: "ERROR_TASK_TIMEOUT",
      status: "failed",
    })
  })
})

describe("limits", () => {
  it("answers 120 queries per task, then ERROR_TASKID_INVALID", async () => {
    const clock = manualClock()
    const { post, emulator } = await served({ now: clock.now })
    const taskId = await create(post, recaptcha({ websiteKey: "emulator-solve-ms-100000" }))
    for (let i = 1; i <= 120; i++) {
      const reply = await poll(post, taskId)
      expect(reply.body.errorId).toBe(0)
    }
    const over = await poll(post, taskId)
    expect(over.status).toBe(400)
    expect(over.body).toMatchObject({ errorId: 1, errorCode: "ERROR_TASKID_INVALID" })
    clock.advance(100_000)
    expect((await poll(post, taskId)).body.errorCode).toBe("ERROR_TASKID_INVALID")
    expect(emulator.task(taskId)).toMatchObject({
      queries: 122,
      queriesAfterExpiry: 2,
      expiredAt: 0,
      outcome: "pending",
    })
  })

  it("honours a custom query budget and error code", async () => {
    const { post } = inProcess({
      now: () => 0,
      maxQueriesPerTask: 3,
      expiredTaskErrorCode: "ERROR_TASK_NOT_FOUND",
    })
    const taskId = await create(post)
    for (let i = 0; i < 3; i++) expect((await poll(post, taskId)).body.errorId).toBe(0)
    expect((await poll(post, taskId)).body.errorCode).toBe("ERROR_TASK_NOT_FOUND")
  })

  it("keeps a result for 5 minutes after creation, then answers ERROR_TASKID_INVALID", async () => {
    const clock = manualClock()
    const { post, emulator } = await served({ now: clock.now })
    const taskId = await create(post, recaptcha({ websiteKey: "emulator-instant" }))
    clock.advance(299_999)
    expect((await poll(post, taskId)).body.status).toBe("ready")
    clock.advance(1)
    expect((await poll(post, taskId)).body).toMatchObject({ errorId: 1, errorCode: "ERROR_TASKID_INVALID" })
    expect(emulator.task(taskId)).toMatchObject({
      expiredAt: 300_000,
      queriesAfterExpiry: 1,
      queriesAfterReady: 0,
    })
  })

  it("scales the 5-minute window with timeScale", async () => {
    const clock = manualClock()
    const { post } = inProcess({ now: clock.now, timeScale: 100, taskTtlSeconds: 300 })
    const taskId = await create(post, recaptcha({ websiteKey: "emulator-instant" }))
    clock.advance(2999)
    expect((await poll(post, taskId)).body.status).toBe("ready")
    clock.advance(1)
    expect((await poll(post, taskId)).body.errorCode).toBe("ERROR_TASKID_INVALID")
  })

  it("prunes expired tasks from memory and keeps counting them", async () => {
    const clock = manualClock()
    const { post, emulator } = inProcess({
      now: clock.now,
      auditTaskLimit: 100,
      solveTime: { kind: "fixed", seconds: 0 },
    })
    for (let i = 0; i < 2000; i++) await create(post)
    expect(emulator.audit().tasks.live).toBe(2000)
    clock.advance(300_000)
    const summary = emulator.audit()
    expect(summary.tasks).toMatchObject({ created: 2000, live: 0, expired: 2000, ready: 2000 })
    expect(summary.taskRecords).toHaveLength(100)
  })
})

describe("balance", () => {
  it("charges solved tasks when they become ready, and never failed ones", async () => {
    const clock = manualClock()
    const { post, emulator } = await served({
      now: clock.now,
      balance: 1,
      pricePerTask: 0.25,
      solveTime: { kind: "fixed", seconds: 10 },
    })
    await create(post, recaptcha({ websiteURL: "https://a" }))
    await create(post, recaptcha({ websiteURL: "https://b" }))
    await create(post, recaptcha({ websiteKey: "emulator-unsolvable" }))
    expect((await post("getBalance", { clientKey: key })).body.balance).toBe(1)
    clock.advance(10_000)
    expect((await post("getBalance", { clientKey: key })).body.balance).toBe(0.5)
    expect(emulator.audit().chargedUsd).toBe(0.5)
  })

  it("fails a solved task with ERROR_SETTLEMENT_FAILED when the balance ran out meanwhile", async () => {
    const clock = manualClock()
    const { post } = inProcess({ now: clock.now, balance: 0.001, pricePerTask: 0.001 })
    const first = await create(post, recaptcha({ websiteKey: "emulator-solve-ms-1000" }))
    const second = await create(post, recaptcha({ websiteKey: "emulator-solve-ms-2000" }))
    clock.advance(2000)
    expect((await poll(post, first)).body.status).toBe("ready")
    expect((await poll(post, second)).body).toMatchObject({
      errorId: 1,
      errorCode: "ERROR_SETTLEMENT_FAILED",
    })
    expect((await post("createTask", { clientKey: key, task: recaptcha() })).body.errorCode).toBe(
      "ERROR_ZERO_BALANCE",
    )
  })
})
