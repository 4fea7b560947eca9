import { describe, expect, it } from "vitest"
import { endpointNamesOf } from "../src/dialects/index.ts"
import { createEmulator } from "../src/Emulator.ts"
import {
  createdTaskId,
  imageBody,
  inProcess,
  integerDialects,
  integerTaskId,
  key,
  manualClock,
  type Poster,
  served,
  tasksFor,
  websiteKey,
  websiteURL,
} from "./helpers.ts"

/** The errorId each integer dialect sends with a code: its table's number, or 1 at CapMonster Cloud. */
const errorIds: Record<(typeof integerDialects)[number], Record<string, number>> = {
  "2captcha": {
    ERROR_KEY_DOES_NOT_EXIST: 1,
    ERROR_NO_SLOT_AVAILABLE: 2,
    ERROR_ZERO_BALANCE: 10,
    ERROR_CAPTCHA_UNSOLVABLE: 12,
    ERROR_NO_SUCH_METHOD: 14,
    ERROR_NO_SUCH_CAPCHA_ID: 16,
    ERROR_TASK_ABSENT: 22,
    ERROR_TASK_NOT_SUPPORTED: 23,
  },
  anticaptcha: {
    ERROR_KEY_DOES_NOT_EXIST: 1,
    ERROR_NO_SLOT_AVAILABLE: 2,
    ERROR_ZERO_BALANCE: 10,
    ERROR_CAPTCHA_UNSOLVABLE: 12,
    ERROR_NO_SUCH_METHOD: 14,
    ERROR_NO_SUCH_CAPCHA_ID: 16,
    ERROR_TASK_ABSENT: 22,
    ERROR_TASK_NOT_SUPPORTED: 23,
  },
  capmonster: {
    ERROR_KEY_DOES_NOT_EXIST: 1,
    ERROR_NO_SLOT_AVAILABLE: 1,
    ERROR_ZERO_BALANCE: 1,
    ERROR_CAPTCHA_UNSOLVABLE: 1,
    ERROR_NO_SUCH_METHOD: 1,
    ERROR_NO_SUCH_CAPCHA_ID: 1,
    ERROR_TASK_ABSENT: 1,
    ERROR_TASK_NOT_SUPPORTED: 1,
  },
}

const poll = (post: Poster, taskId: unknown) => post("getTaskResult", { clientKey: key, taskId })

describe.each(integerDialects)("the %s dialect", (provider) => {
  const tasks = tasksFor[provider]
  const id = (code: string) => errorIds[provider][code]
  /** CapMonster Cloud's failed createTask carries taskId 0; the others carry none. */
  const createFailureExtras = provider === "capmonster" ? { taskId: 0 } : {}

  it("createTask answers an integer taskId and nothing else", async () => {
    const { post } = await served({ provider })
    const reply = await post("createTask", { clientKey: key, task: tasks.token })
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({ errorId: 0, taskId: expect.any(Number) })
    expect(integerTaskId(reply)).toBeGreaterThan(10_000_000_000)
  })

  it("getTaskResult takes the integer id and answers processing, then ready, without echoing the id", async () => {
    const clock = manualClock()
    const { post } = inProcess({ provider, now: clock.now, solveTime: { kind: "fixed", seconds: 10 } })
    const taskId = integerTaskId(await post("createTask", { clientKey: key, task: tasks.token }))
    const processing = await poll(post, taskId)
    expect(processing.body).toMatchObject({ errorId: 0, status: "processing" })
    expect(processing.body.taskId).toBeUndefined()
    clock.advance(10_000)
    const ready = await poll(post, taskId)
    expect(ready.body).toMatchObject({ errorId: 0, status: "ready", solution: expect.any(Object) })
    expect(ready.body.taskId).toBeUndefined()
    expect(ready.body.errorCode).toBeUndefined()
  })

  it("refuses the id sent as a numeric string like an unknown id", async () => {
    const { post } = inProcess({ provider, now: () => 0 })
    const taskId = integerTaskId(await post("createTask", { clientKey: key, task: tasks.token }))
    expect((await poll(post, taskId)).body.errorId).toBe(0)
    const asString = await poll(post, String(taskId))
    expect(asString.status).toBe(200)
    expect(asString.body).toMatchObject({
      errorId: id("ERROR_NO_SUCH_CAPCHA_ID"),
      errorCode: "ERROR_NO_SUCH_CAPCHA_ID",
    })
  })

  it("answers a wrong key with ERROR_KEY_DOES_NOT_EXIST and HTTP 200 on every endpoint it serves", async () => {
    const { post } = await served({ provider })
    for (const endpoint of endpointNamesOf(provider)) {
      const reply = await post(endpoint, { clientKey: "wrong-key", task: tasks.token, taskId: 123 })
      expect({ endpoint, status: reply.status }).toEqual({ endpoint, status: 200 })
      expect(reply.body).toMatchObject({ errorId: 1, errorCode: "ERROR_KEY_DOES_NOT_EXIST" })
      expect(JSON.stringify(reply.body)).not.toContain("wrong-key")
    }
  })

  it("answers an unknown or foreign task id with ERROR_NO_SUCH_CAPCHA_ID", async () => {
    const { post } = inProcess({ provider, keys: [key, "other-key"] })
    const unknown = await poll(post, 123_456_789)
    expect(unknown.body).toEqual({
      errorId: id("ERROR_NO_SUCH_CAPCHA_ID"),
      errorCode: "ERROR_NO_SUCH_CAPCHA_ID",
      errorDescription: expect.any(String),
    })
    const taskId = integerTaskId(await post("createTask", { clientKey: key, task: tasks.token }))
    const foreign = await post("getTaskResult", { clientKey: "other-key", taskId })
    expect(foreign.body.errorCode).toBe("ERROR_NO_SUCH_CAPCHA_ID")
  })

  it("refuses a failed createTask in its own shape: missing task, unknown type, zero balance", async () => {
    const { post, emulator } = inProcess({ provider, zeroBalanceKeys: ["broke"] })
    const absent = await post("createTask", { clientKey: key })
    expect(absent.body).toEqual({
      errorId: id("ERROR_TASK_ABSENT"),
      errorCode: "ERROR_TASK_ABSENT",
      errorDescription: expect.any(String),
      ...createFailureExtras,
    })
    const unknownType = await post("createTask", { clientKey: key, task: { type: "NoSuchTask", websiteURL } })
    expect(unknownType.body).toEqual({
      errorId: id("ERROR_TASK_NOT_SUPPORTED"),
      errorCode: "ERROR_TASK_NOT_SUPPORTED",
      errorDescription: expect.stringContaining("NoSuchTask"),
      ...createFailureExtras,
    })
    const broke = await post("createTask", { clientKey: "broke", task: tasks.token })
    expect(broke.body).toMatchObject({ errorId: id("ERROR_ZERO_BALANCE"), errorCode: "ERROR_ZERO_BALANCE" })
    expect(emulator.audit().tasks.created).toBe(0)
  })

  it("polls recognition tasks instead of answering them in createTask", async () => {
    const { post, emulator } = inProcess({ provider, now: () => 0 })
    const created = await post("createTask", {
      clientKey: key,
      task: { ...tasks.image, body: `${imageBody}emulator-instant` },
    })
    expect(created.body).toEqual({ errorId: 0, taskId: expect.any(Number) })
    const taskId = integerTaskId(created)
    expect(emulator.task(taskId)?.firstCollectedAt).toBeUndefined()
    const ready = await poll(post, taskId)
    expect(ready.body).toMatchObject({ status: "ready", solution: expect.any(Object) })
    expect(emulator.task(taskId)).toMatchObject({ queries: 1, outcome: "ready" })
  })

  it("answers an endpoint it does not have, or any other path, with ERROR_NO_SUCH_METHOD and HTTP 200", async () => {
    const { post, emulator } = await served({ provider })
    for (const endpoint of ["getToken", "feedbackTask", "nope"]) {
      const reply = await post(endpoint, { clientKey: key, task: tasks.token })
      expect(reply.status).toBe(200)
      expect(reply.body).toMatchObject({
        errorId: id("ERROR_NO_SUCH_METHOD"),
        errorCode: "ERROR_NO_SUCH_METHOD",
      })
    }
    expect(emulator.audit().requests.byEndpoint.other).toBe(3)
  })

  it("reports an unsolvable task with its numbered ERROR_CAPTCHA_UNSOLVABLE and no status", async () => {
    const { post } = inProcess({ provider, now: () => 0 })
    const task = { ...tasks.token, websiteURL: "https://emulator-unsolvable.example/emulator-instant" }
    const taskId = integerTaskId(await post("createTask", { clientKey: key, task }))
    const failed = await poll(post, taskId)
    expect(failed.status).toBe(200)
    expect(failed.body).toEqual({
      errorId: id("ERROR_CAPTCHA_UNSOLVABLE"),
      errorCode: "ERROR_CAPTCHA_UNSOLVABLE",
      errorDescription: expect.any(String),
    })
  })

  it("answers the serviceUnavailable fault with ERROR_NO_SLOT_AVAILABLE and HTTP 200", async () => {
    const { post, emulator } = await served({ provider, faults: { serviceUnavailable: 1 } })
    const reply = await post("createTask", { clientKey: key, task: tasks.token })
    expect(reply.status).toBe(200)
    expect(reply.body).toMatchObject({
      errorId: id("ERROR_NO_SLOT_AVAILABLE"),
      errorCode: "ERROR_NO_SLOT_AVAILABLE",
    })
    expect(emulator.audit().tasks.created).toBe(0)
  })

  it("answers the rateLimited fault with HTTP 429, Retry-After and its own rate code", async () => {
    const { post } = await served({ provider, faults: { rateLimited: 1 } })
    const reply = await post("getBalance", { clientKey: key })
    expect(reply.status).toBe(429)
    expect(reply.headers.get("retry-after")).toBe("2")
    const code = provider === "capmonster" ? "ERROR_TOO_MUCH_REQUESTS" : "ERROR_NO_SLOT_AVAILABLE"
    expect(reply.body.errorCode).toBe(code)
  })

  it("keeps a result for 5 minutes after creation, then answers ERROR_NO_SUCH_CAPCHA_ID", async () => {
    const clock = manualClock()
    const { post } = inProcess({ provider, now: clock.now })
    const taskId = integerTaskId(await post("createTask", { clientKey: key, task: tasks.token }))
    clock.advance(300_000)
    expect((await poll(post, taskId)).body.errorCode).toBe("ERROR_NO_SUCH_CAPCHA_ID")
  })

  it("takes softId only as an integer", async () => {
    const { post } = inProcess({ provider })
    expect((await post("createTask", { clientKey: key, softId: 54, task: tasks.token })).body.errorId).toBe(0)
    const refused = await post("createTask", { clientKey: key, softId: "54", task: tasks.token })
    const code = {
      "2captcha": "ERROR_BAD_PARAMETERS",
      anticaptcha: "ERROR_INCORRECT_SESSION_DATA",
      capmonster: "ERROR_TASK_NOT_SUPPORTED",
    }[provider]
    expect(refused.body).toMatchObject({
      errorCode: code,
      errorDescription: expect.stringContaining("softId"),
    })
  })

  it("counts requests under its own endpoint names", async () => {
    const { post, emulator } = inProcess({ provider })
    await post("getBalance", { clientKey: key })
    const { byEndpoint } = emulator.audit().requests
    expect(Object.keys(byEndpoint).sort()).toEqual([...endpointNamesOf(provider), "other"].sort())
    expect(byEndpoint.getBalance).toBe(1)
  })
})

describe("field errors in each dialect's code", () => {
  it("2Captcha: ERROR_BAD_PARAMETERS (110) naming the field, ERROR_BAD_PROXY (130) for proxy fields", async () => {
    const { post } = inProcess({ provider: "2captcha" })
    const noKey = await post("createTask", {
      clientKey: key,
      task: { type: "RecaptchaV2TaskProxyless", websiteURL },
    })
    expect(noKey.body).toEqual({
      errorId: 110,
      errorCode: "ERROR_BAD_PARAMETERS",
      errorDescription: expect.stringContaining("websiteKey"),
    })
    const badProxy = await post("createTask", {
      clientKey: key,
      task: {
        type: "RecaptchaV2Task",
        websiteURL,
        websiteKey,
        proxyType: "ftp",
        proxyAddress: "1.2.3.4",
        proxyPort: 80,
      },
    })
    expect(badProxy.body).toMatchObject({ errorId: 130, errorCode: "ERROR_BAD_PROXY" })
    const pool = await post("createTask", {
      clientKey: key,
      languagePool: "fr",
      task: tasksFor["2captcha"].token,
    })
    expect(pool.body).toMatchObject({
      errorCode: "ERROR_BAD_PARAMETERS",
      errorDescription: expect.stringContaining("languagePool"),
    })
  })

  it("Anti-Captcha: ERROR_INCORRECT_SESSION_DATA (24) naming the field", async () => {
    const { post } = inProcess({ provider: "anticaptcha" })
    const reply = await post("createTask", {
      clientKey: key,
      task: { type: "RecaptchaV2TaskProxyless", websiteURL },
    })
    expect(reply.body).toEqual({
      errorId: 24,
      errorCode: "ERROR_INCORRECT_SESSION_DATA",
      errorDescription: expect.stringContaining("websiteKey"),
    })
  })

  it("CapMonster Cloud: the documented code for the field, with taskId 0", async () => {
    const { post } = inProcess({ provider: "capmonster" })
    const noKey = await post("createTask", { clientKey: key, task: { type: "RecaptchaV2Task", websiteURL } })
    expect(noKey.body).toMatchObject({ errorId: 1, errorCode: "ERROR_RECAPTCHA_INVALID_SITEKEY", taskId: 0 })
    const noUrl = await post("createTask", { clientKey: key, task: { type: "RecaptchaV2Task", websiteKey } })
    expect(noUrl.body).toMatchObject({ errorCode: "ERROR_RECAPTCHA_INVALID_DOMAIN", taskId: 0 })
  })

  it("a field the provider does not document gets its general code, naming the field", async () => {
    const expected = {
      "2captcha": "ERROR_BAD_PARAMETERS",
      anticaptcha: "ERROR_INCORRECT_SESSION_DATA",
      capmonster: "ERROR_TASK_NOT_SUPPORTED",
    } as const
    for (const provider of integerDialects) {
      const { post } = inProcess({ provider })
      const reply = await post("createTask", {
        clientKey: key,
        task: { ...tasksFor[provider].token, proxyColour: "red" },
      })
      expect({ provider, code: reply.body.errorCode }).toEqual({ provider, code: expected[provider] })
      expect(reply.body.errorDescription).toContain("proxyColour")
    }
  })

  it("CapSolver: ERROR_INVALID_TASK_DATA for an appId that is not a string", async () => {
    const { post } = inProcess()
    const reply = await post("createTask", { clientKey: key, appId: 7, task: tasksFor.capsolver.token })
    expect(reply.status).toBe(400)
    expect(reply.body).toMatchObject({
      errorId: 1,
      errorCode: "ERROR_INVALID_TASK_DATA",
      errorDescription: "invalid task data: appId must be a string",
    })
  })
})

describe("a body that is not a JSON object", () => {
  const expected = {
    capsolver: "ERROR_BAD_REQUEST",
    "2captcha": "ERROR_BAD_PARAMETERS",
    anticaptcha: "ERROR_KEY_DOES_NOT_EXIST",
    capmonster: "ERROR_TASK_ABSENT",
  } as const
  for (const [provider, code] of Object.entries(expected) as Array<[keyof typeof expected, string]>) {
    it(`is answered ${code} by ${provider}`, async () => {
      const { emulator } = inProcess({ provider })
      const reply = await emulator.fetch(`${emulator.inProcessUrl}/createTask`, {
        method: "POST",
        body: "{nope",
      })
      expect(await reply.json()).toMatchObject({ errorCode: code })
    })
  }
})

describe("getBalance in each dialect", () => {
  it("answers the documented fields", async () => {
    const shapes = {
      capsolver: { errorId: 0, errorCode: "", errorDescription: "", balance: 7, packages: [] },
      "2captcha": { errorId: 0, balance: 7 },
      anticaptcha: { errorId: 0, balance: 7, captchaCredits: 0 },
      capmonster: { errorId: 0, balance: 7 },
    } as const
    for (const [provider, shape] of Object.entries(shapes)) {
      const { post } = inProcess({ provider: provider as keyof typeof shapes, balance: 7 })
      expect((await post("getBalance", { clientKey: key })).body).toEqual(shape)
    }
  })
})

describe("getTaskResult extras", () => {
  const startUnixMs = 1_700_000_000_000

  it("2Captcha sends cost as a string, ip, createTime and endTime in Unix seconds, solveCount as a number", async () => {
    const clock = manualClock()
    const { post } = inProcess({ provider: "2captcha", now: clock.now, startUnixMs, pricePerTask: 0.001 })
    const taskId = integerTaskId(
      await post("createTask", {
        clientKey: key,
        task: { ...tasksFor["2captcha"].token, websiteKey: "emulator-solve-ms-20000" },
      }),
    )
    clock.advance(30_000)
    expect((await poll(post, taskId)).body).toEqual({
      errorId: 0,
      status: "ready",
      solution: expect.any(Object),
      cost: "0.00100",
      ip: expect.any(String),
      createTime: 1_700_000_000,
      endTime: 1_700_000_020,
      solveCount: 1,
    })
  })

  it("Anti-Captcha sends cost and solveCount as strings, as its example does", async () => {
    const { post } = inProcess({ provider: "anticaptcha", now: () => 0, startUnixMs, pricePerTask: 0.0007 })
    const task = { ...tasksFor.anticaptcha.token, websiteKey: "emulator-instant" }
    const taskId = integerTaskId(await post("createTask", { clientKey: key, task }))
    expect((await poll(post, taskId)).body).toMatchObject({
      cost: "0.000700",
      ip: expect.any(String),
      createTime: 1_700_000_000,
      endTime: 1_700_000_000,
      solveCount: "1",
    })
  })

  it("CapMonster Cloud and CapSolver send none", async () => {
    for (const provider of ["capmonster", "capsolver"] as const) {
      const { post } = inProcess({ provider, now: () => 0 })
      const created = await post("createTask", {
        clientKey: key,
        task: { ...tasksFor[provider].token, websiteURL: "https://emulator-instant.example" },
      })
      const ready = await poll(post, created.body.taskId)
      expect(ready.body.status).toBe("ready")
      for (const field of ["cost", "ip", "createTime", "endTime", "solveCount"])
        expect(ready.body[field]).toBeUndefined()
    }
  })
})

describe("CapMonster Cloud's limits", () => {
  it("answers a second getTaskResult within 2 s with ERROR_TOO_MUCH_REQUESTS, counted as a query", async () => {
    const clock = manualClock()
    const { post, emulator } = inProcess({ provider: "capmonster", now: clock.now })
    const task = { ...tasksFor.capmonster.token, websiteKey: "emulator-solve-ms-60000" }
    const taskId = integerTaskId(await post("createTask", { clientKey: key, task }))
    expect((await poll(post, taskId)).body).toEqual({
      errorId: 0,
      status: "processing",
      errorCode: null,
      errorDescription: null,
    })
    clock.advance(1999)
    expect((await poll(post, taskId)).body).toMatchObject({
      errorId: 1,
      errorCode: "ERROR_TOO_MUCH_REQUESTS",
    })
    clock.advance(1)
    expect((await poll(post, taskId)).body.status).toBe("processing")
    expect(emulator.task(taskId)?.queries).toBe(3)
  })

  it("does not limit the other dialects' poll rate", async () => {
    for (const provider of ["capsolver", "2captcha", "anticaptcha"] as const) {
      const { post } = inProcess({ provider, now: () => 0 })
      const created = await post("createTask", { clientKey: key, task: tasksFor[provider].token })
      for (let i = 0; i < 3; i++) expect((await poll(post, created.body.taskId)).body.errorId).toBe(0)
    }
  })

  it("counts queries past the 120 limit towards a key block", async () => {
    const { post } = inProcess({
      provider: "capmonster",
      now: () => 0,
      maxQueriesPerTask: 1,
      keyBlock: { errors: 2 },
    })
    const task = { ...tasksFor.capmonster.token, websiteURL: "https://emulator-instant.example" }
    const taskId = integerTaskId(await post("createTask", { clientKey: key, task }))
    expect((await poll(post, taskId)).body.status).toBe("ready")
    expect((await poll(post, taskId)).body.errorCode).toBe("ERROR_NO_SUCH_CAPCHA_ID")
    expect((await poll(post, taskId)).body.errorCode).toBe("ERROR_NO_SUCH_CAPCHA_ID")
    expect((await post("getBalance", { clientKey: key })).body.errorCode).toBe("ERROR_IP_BLOCKED")
  })

  it("blocks a key for 10 minutes by default, with ERROR_IP_BLOCKED", async () => {
    const clock = manualClock()
    const { post } = inProcess({ provider: "capmonster", now: clock.now, keyBlock: { errors: 2 } })
    await poll(post, 1)
    await poll(post, 2)
    expect((await post("getBalance", { clientKey: key })).body.errorCode).toBe("ERROR_IP_BLOCKED")
    clock.advance(599_999)
    expect((await post("getBalance", { clientKey: key })).body.errorCode).toBe("ERROR_IP_BLOCKED")
    clock.advance(1)
    expect((await post("getBalance", { clientKey: key })).body.errorId).toBe(0)
  })
})

describe("Anti-Captcha's result retention and charges", () => {
  it("removes a result 60 s after completion", async () => {
    const clock = manualClock()
    const { post, emulator } = inProcess({ provider: "anticaptcha", now: clock.now })
    const task = { ...tasksFor.anticaptcha.token, websiteKey: "emulator-solve-ms-5000" }
    const taskId = integerTaskId(await post("createTask", { clientKey: key, task }))
    clock.advance(64_999)
    expect((await poll(post, taskId)).body.status).toBe("ready")
    clock.advance(1)
    expect((await poll(post, taskId)).body).toMatchObject({
      errorId: 16,
      errorCode: "ERROR_NO_SUCH_CAPCHA_ID",
    })
    expect(emulator.task(taskId)?.expiredAt).toBe(65_000)
  })

  it("charges unsolvable tasks, where 2Captcha returns the price", async () => {
    const task = (provider: "anticaptcha" | "2captcha") => ({
      ...tasksFor[provider].token,
      websiteKey: "emulator-unsolvable emulator-instant",
    })
    const anti = inProcess({ provider: "anticaptcha", now: () => 0, balance: 1, pricePerTask: 0.25 })
    await poll(
      anti.post,
      integerTaskId(await anti.post("createTask", { clientKey: key, task: task("anticaptcha") })),
    )
    expect(anti.emulator.balance(key)).toBe(0.75)
    const two = inProcess({ provider: "2captcha", now: () => 0, balance: 1, pricePerTask: 0.25 })
    await poll(
      two.post,
      integerTaskId(await two.post("createTask", { clientKey: key, task: task("2captcha") })),
    )
    expect(two.emulator.balance(key)).toBe(1)
  })
})

describe("fault scopes", () => {
  it("can name the report endpoints", async () => {
    const { post } = inProcess({
      provider: "2captcha",
      now: () => 0,
      faults: { serviceUnavailable: { rate: 1, endpoints: ["reportIncorrect"] } },
    })
    const task = { ...tasksFor["2captcha"].token, websiteURL: "https://emulator-instant.example" }
    const taskId = integerTaskId(await post("createTask", { clientKey: key, task }))
    expect((await post("reportIncorrect", { clientKey: key, taskId })).body.errorCode).toBe(
      "ERROR_NO_SLOT_AVAILABLE",
    )
    expect((await post("reportCorrect", { clientKey: key, taskId })).body).toEqual({
      errorId: 0,
      status: "success",
    })
  })
})

describe("choosing the dialect", () => {
  it("speaks CapSolver by default and when named", async () => {
    const { post } = inProcess({ provider: "capsolver" })
    const reply = await post("createTask", { clientKey: key, task: tasksFor.capsolver.token })
    expect(reply.body).toMatchObject({ errorId: 0, errorCode: "", status: "idle" })
    expect(createdTaskId(reply)).toMatch(/^[0-9a-f-]{36}$/)
  })

  it("refuses an unknown provider name", () => {
    expect(() => createEmulator({ provider: "deathbycaptcha" as never })).toThrow("provider")
  })

  it("reproduces integer ids from the seed", async () => {
    const ids = async () => {
      const { post } = inProcess({ provider: "2captcha", seed: 3 })
      return [
        integerTaskId(await post("createTask", { clientKey: key, task: tasksFor["2captcha"].token })),
        integerTaskId(await post("createTask", { clientKey: key, task: tasksFor["2captcha"].token })),
      ]
    }
    const first = await ids()
    expect(await ids()).toEqual(first)
    expect(first[1]).not.toBe(first[0])
  })
})
