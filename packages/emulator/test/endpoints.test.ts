import { describe, expect, it } from "vitest"
import { createdTaskId, key, manualClock, recaptcha, served } from "./helpers.ts"

describe("endpoints over real HTTP", () => {
  it("serves on 127.0.0.1 with a port chosen by the system and a URL without a trailing slash", async () => {
    const { url, server } = await served()
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(url).toBe(`http://127.0.0.1:${server.port}`)
    expect(server.port).toBeGreaterThan(0)
  })

  it("getBalance returns the key's balance in the provider's envelope", async () => {
    const { post } = await served({ balance: 12.5 })
    const reply = await post("getBalance", { clientKey: key })
    expect(reply.status).toBe(200)
    expect(reply.headers.get("content-type")).toContain("application/json")
    expect(reply.body).toEqual({
      errorId: 0,
      errorCode: "",
      errorDescription: "",
      balance: 12.5,
      packages: [],
    })
  })

  it("answers a bad key with ERROR_KEY_DENIED_ACCESS and HTTP 401 on every endpoint", async () => {
    const { post } = await served()
    for (const endpoint of ["createTask", "getTaskResult", "getBalance", "feedbackTask", "getToken"]) {
      const reply = await post(endpoint, { clientKey: "wrong-key", task: recaptcha(), taskId: "x" })
      expect(reply.status).toBe(401)
      expect(reply.body).toMatchObject({ errorId: 1, errorCode: "ERROR_KEY_DENIED_ACCESS" })
      expect(JSON.stringify(reply.body)).not.toContain("wrong-key")
    }
    const missing = await post("getBalance", {})
    expect(missing.status).toBe(401)
  })

  it("accepts every configured key and reports zero-balance keys at zero", async () => {
    const { post } = await served({ keys: ["alpha", "beta"], zeroBalanceKeys: ["empty"], balance: 3 })
    expect((await post("getBalance", { clientKey: "alpha" })).body.balance).toBe(3)
    expect((await post("getBalance", { clientKey: "beta" })).body.balance).toBe(3)
    expect((await post("getBalance", { clientKey: "empty" })).body.balance).toBe(0)
    expect((await post("getBalance", { clientKey: key })).status).toBe(401)
  })

  it("refuses tasks from a zero-balance key with ERROR_ZERO_BALANCE", async () => {
    const { post, emulator } = await served({ zeroBalanceKeys: ["broke"] })
    const reply = await post("createTask", { clientKey: "broke", task: recaptcha() })
    expect(reply.status).toBe(400)
    expect(reply.body).toMatchObject({ errorId: 1, errorCode: "ERROR_ZERO_BALANCE" })
    expect(emulator.audit().tasks.created).toBe(0)
  })

  it("createTask answers a token task with a UUID-like taskId and status idle", async () => {
    const { post } = await served()
    const reply = await post("createTask", { clientKey: key, task: recaptcha() })
    expect(reply.status).toBe(200)
    expect(reply.body).toMatchObject({ errorId: 0, errorCode: "", errorDescription: "", status: "idle" })
    expect(createdTaskId(reply)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    )
  })

  it("ignores unknown top-level fields such as appId, source, version and callbackUrl", async () => {
    const { post } = await served()
    const reply = await post("createTask", {
      clientKey: key,
      appId: "app",
      source: "sdk",
      version: "1.0",
      callbackUrl: "https://example.com/hook",
      task: recaptcha(),
    })
    expect(reply.body.errorId).toBe(0)
  })

  it("getTaskResult answers idle, then the solution once the task is ready", async () => {
    const clock = manualClock()
    const { post } = await served({ now: clock.now, solveTime: { kind: "fixed", seconds: 10 } })
    const taskId = createdTaskId(await post("createTask", { clientKey: key, task: recaptcha() }))
    expect((await post("getTaskResult", { clientKey: key, taskId })).body).toMatchObject({
      taskId,
      status: "idle",
    })
    clock.advance(10_000)
    const ready = await post("getTaskResult", { clientKey: key, taskId })
    expect(ready.status).toBe(200)
    expect(ready.body).toMatchObject({ errorId: 0, taskId, status: "ready" })
    expect(ready.body.solution).toMatchObject({ gRecaptchaResponse: expect.stringContaining(taskId) })
  })

  it("getTaskResult refuses an unknown taskId, and another key's task, with ERROR_TASKID_INVALID", async () => {
    const { post } = await served({ keys: [key, "other-key"] })
    const unknown = await post("getTaskResult", {
      clientKey: key,
      taskId: "00000000-0000-4000-8000-000000000000",
    })
    expect(unknown.status).toBe(400)
    expect(unknown.body).toMatchObject({ errorId: 1, errorCode: "ERROR_TASKID_INVALID" })
    const taskId = createdTaskId(await post("createTask", { clientKey: key, task: recaptcha() }))
    const foreign = await post("getTaskResult", { clientKey: "other-key", taskId })
    expect(foreign.body.errorCode).toBe("ERROR_TASKID_INVALID")
    expect((await post("getTaskResult", { clientKey: key })).body.errorCode).toBe("ERROR_TASKID_INVALID")
  })

  it("feedbackTask records the report on the task and answers with a message", async () => {
    const { post, emulator } = await served()
    const taskId = createdTaskId(await post("createTask", { clientKey: key, task: recaptcha() }))
    const reply = await post("feedbackTask", {
      clientKey: key,
      taskId,
      result: { invalid: true, code: 1001, message: "invalid token" },
    })
    expect(reply.status).toBe(200)
    expect(reply.body).toMatchObject({ errorId: 0, errorCode: "", message: expect.any(String) })
    expect(emulator.task(taskId)?.feedback).toEqual({ invalid: true })
    expect(emulator.audit().feedback).toEqual({ total: 1, invalid: 1 })
  })

  it("feedbackTask validates its result object and the taskId", async () => {
    const { post } = await served()
    const taskId = createdTaskId(await post("createTask", { clientKey: key, task: recaptcha() }))
    const noResult = await post("feedbackTask", { clientKey: key, taskId })
    expect(noResult.body).toMatchObject({
      errorCode: "ERROR_INVALID_TASK_DATA",
      errorDescription: expect.stringContaining("result"),
    })
    const noInvalid = await post("feedbackTask", { clientKey: key, taskId, result: { message: "x" } })
    expect(noInvalid.body.errorDescription).toContain("result.invalid")
    const unknown = await post("feedbackTask", { clientKey: key, taskId: "nope", result: { invalid: false } })
    expect(unknown.body.errorCode).toBe("ERROR_TASKID_INVALID")
  })

  it("getToken blocks for the solve time and answers a reCAPTCHA solution in one call", async () => {
    const clock = manualClock()
    const { post, emulator } = await served({
      now: clock.now,
      sleep: clock.sleep,
      timeScale: 2,
      solveTime: { kind: "fixed", seconds: 8 },
    })
    const reply = await post("getToken", {
      clientKey: key,
      task: recaptcha({ type: "ReCaptchaV3TaskProxyLess" }),
    })
    expect(reply.status).toBe(200)
    expect(reply.body).toMatchObject({ errorId: 0, status: "ready" })
    expect((reply.body.solution as Record<string, unknown>).gRecaptchaResponse).toEqual(expect.any(String))
    expect(clock.sleeps).toEqual([4000])
    const task = emulator.task(createdTaskId(reply))
    expect(task).toMatchObject({ endpoint: "getToken", outcome: "ready", readyAt: 8000 })
    expect(task?.firstCollectedAt).toBeGreaterThanOrEqual(8000)
  })

  it("getToken accepts only the reCAPTCHA family", async () => {
    const { post } = await served({ sleep: async () => {} })
    const reply = await post("getToken", {
      clientKey: key,
      task: { type: "AntiTurnstileTaskProxyLess", websiteURL: "https://example.com", websiteKey: "0x4AAA" },
    })
    expect(reply.body).toMatchObject({ errorId: 1, errorCode: "ERROR_TASK_NOT_SUPPORTED" })
  })

  it("getToken reports an unsolvable task as a failure in the same call", async () => {
    const { post } = await served({ sleep: async () => {} })
    const reply = await post("getToken", {
      clientKey: key,
      task: recaptcha({ websiteKey: "emulator-unsolvable" }),
    })
    expect(reply.body).toMatchObject({ errorId: 1, errorCode: "ERROR_CAPTCHA_UNSOLVABLE", status: "failed" })
  })

  it("answers unknown paths with 404 and other methods with 405", async () => {
    const { url } = await served()
    const missing = await fetch(`${url}/nope`, { method: "POST", body: "{}" })
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ errorId: 1 })
    const wrongMethod = await fetch(`${url}/createTask`)
    expect(wrongMethod.status).toBe(405)
    expect(wrongMethod.headers.get("allow")).toBe("POST")
  })

  it("answers a body that is not JSON with ERROR_BAD_REQUEST", async () => {
    const { url } = await served()
    const reply = await fetch(`${url}/createTask`, { method: "POST", body: "{not json" })
    expect(reply.status).toBe(400)
    expect(await reply.json()).toMatchObject({ errorId: 1, errorCode: "ERROR_BAD_REQUEST" })
  })

  it("tolerates a trailing slash and a query string on endpoint paths", async () => {
    const { url } = await served()
    const reply = await fetch(`${url}/getBalance/?x=1`, {
      method: "POST",
      body: JSON.stringify({ clientKey: key }),
    })
    expect(reply.status).toBe(200)
  })

  it("keeps connections alive between requests", async () => {
    const { url } = await served()
    const reply = await fetch(`${url}/getBalance`, {
      method: "POST",
      body: JSON.stringify({ clientKey: key }),
    })
    await reply.text()
    expect(reply.headers.get("connection")).toBe("keep-alive")
  })

  it("refuses a request body above the size limit with 413", async () => {
    const { url } = await served({ maxBodyBytes: 1024 })
    const reply = await fetch(`${url}/createTask`, { method: "POST", body: "x".repeat(4096) })
    expect(reply.status).toBe(413)
  })

  it("lets browsers call it from another origin: CORS preflight and headers", async () => {
    const { url } = await served({ faults: { rateLimited: 1 } })
    const preflight = await fetch(`${url}/createTask`, {
      method: "OPTIONS",
      headers: { origin: "http://localhost:5173", "access-control-request-method": "POST" },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*")
    expect(preflight.headers.get("access-control-allow-headers")).toContain("content-type")
    const limited = await fetch(`${url}/getBalance`, {
      method: "POST",
      body: JSON.stringify({ clientKey: key }),
    })
    expect(limited.headers.get("access-control-allow-origin")).toBe("*")
    expect(limited.headers.get("access-control-expose-headers")).toContain("retry-after")
  })

  it("answers a preflight through the web handler too", async () => {
    const { emulator } = await served()
    const response = await emulator.handle(new Request("http://x/getTaskResult", { method: "OPTIONS" }))
    expect(response.status).toBe(204)
    expect(response.headers.get("access-control-allow-methods")).toContain("POST")
  })
})
