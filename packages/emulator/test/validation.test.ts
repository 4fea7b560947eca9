import { describe, expect, it } from "vitest"
import { supportedTaskTypes } from "../src/TaskTypes.ts"
import { inProcess, key } from "./helpers.ts"

const websiteURL = "https://example.com/page"
const websiteKey = "site-key"
const proxy = "http:192.168.1.1:8080:user:pass"

/** A minimal valid payload per documented type: every field listed is required. */
const minimal: Record<string, Record<string, unknown>> = {
  ReCaptchaV2Task: { websiteURL, websiteKey, proxy },
  ReCaptchaV2TaskProxyLess: { websiteURL, websiteKey },
  ReCaptchaV2EnterpriseTask: { websiteURL, websiteKey, proxy },
  ReCaptchaV2EnterpriseTaskProxyLess: { websiteURL, websiteKey },
  ReCaptchaV3Task: { websiteURL, websiteKey, proxy },
  ReCaptchaV3TaskProxyLess: { websiteURL, websiteKey },
  ReCaptchaV3EnterpriseTask: { websiteURL, websiteKey, proxy },
  ReCaptchaV3EnterpriseTaskProxyLess: { websiteURL, websiteKey },
  AntiTurnstileTaskProxyLess: { websiteURL, websiteKey },
  AntiCloudflareTask: { websiteURL, proxy },
  AntiAwsWafTask: { websiteURL, proxy },
  AntiAwsWafTaskProxyLess: { websiteURL },
  GeeTestTaskProxyLess: { websiteURL, gt: "gt-value", challenge: "challenge-value" },
  MtCaptchaTask: { websiteURL, websiteKey: "MTPublic-abc", proxy },
  MtCaptchaTaskProxyLess: { websiteURL, websiteKey: "MTPublic-abc" },
  DatadomeSliderTask: {
    captchaUrl: "https://geo.captcha-delivery.com/captcha/?t=fe",
    userAgent: "UA",
    proxy,
  },
  AntiBotdeflectorTaskProxyLess: { websiteURL, domain: "example.com", flowToken: "jwt" },
  ImageToTextTask: { body: "aGVsbG8=" },
  ReCaptchaV2Classification: { image: "aW1n", question: "/m/04_sv" },
  AwsWafClassification: { images: ["aW1n"], question: "aws:grid:bed" },
  VisionEngine: { module: "slider_1", image: "aW1n", imageBackground: "Ymc=" },
}

const createTask = (post: ReturnType<typeof inProcess>["post"], task: Record<string, unknown>) =>
  post("createTask", { clientKey: key, task })

describe("task validation", () => {
  it("knows exactly the documented task types", () => {
    expect(
      supportedTaskTypes()
        .map((entry) => entry.type)
        .sort(),
    ).toEqual(Object.keys(minimal).sort())
  })

  for (const [type, fields] of Object.entries(minimal)) {
    it(`accepts a minimal ${type} and names each missing required field`, async () => {
      const { post } = inProcess({ sleep: async () => {} })
      const accepted = await createTask(post, { type, ...fields })
      expect(accepted.body).toMatchObject({ errorId: 0, taskId: expect.any(String) })
      for (const field of Object.keys(fields)) {
        const { [field]: _removed, ...rest } = fields
        const refused = await createTask(post, { type, ...rest })
        expect(refused.status).toBe(400)
        expect(refused.body.errorCode).toBe("ERROR_INVALID_TASK_DATA")
        expect(refused.body.errorDescription).toContain(field)
      }
    })
  }

  it("refuses unknown and removed types with ERROR_TASK_NOT_SUPPORTED naming the type", async () => {
    const { post } = inProcess()
    for (const type of ["NoSuchTask", "FunCaptchaTaskProxyLess", "HCaptchaTaskProxyLess"]) {
      const reply = await createTask(post, { type, websiteURL, websiteKey })
      expect(reply.status).toBe(400)
      expect(reply.body).toMatchObject({ errorId: 1, errorCode: "ERROR_TASK_NOT_SUPPORTED" })
      expect(reply.body.errorDescription).toContain(type)
    }
    expect((await createTask(post, { websiteURL })).body.errorCode).toBe("ERROR_TASK_NOT_SUPPORTED")
  })

  it("refuses a createTask without a task object, naming the task field", async () => {
    const { post } = inProcess()
    const reply = await post("createTask", { clientKey: key })
    expect(reply.body).toMatchObject({
      errorCode: "ERROR_INVALID_TASK_DATA",
      errorDescription: expect.stringContaining("task"),
    })
  })

  it("matches type names case-insensitively, like the provider, and audits the documented spelling", async () => {
    const { post, emulator } = inProcess()
    const spellings = [
      { type: "recaptchav2taskproxyless", websiteURL, websiteKey },
      { type: "GeetestTaskProxyless", websiteURL, captchaId: "id" },
      { type: "DataDomeSliderTask", captchaUrl: "https://c/?t=fe", userAgent: "UA", proxy },
      { type: "MTCaptchaTaskProxyless", websiteURL, websiteKey },
    ]
    for (const task of spellings) expect((await createTask(post, task)).body.errorId).toBe(0)
    expect(Object.keys(emulator.audit().tasks.byType).sort()).toEqual([
      "DatadomeSliderTask",
      "GeeTestTaskProxyLess",
      "MtCaptchaTaskProxyLess",
      "ReCaptchaV2TaskProxyLess",
    ])
  })

  it("checks field types and refuses empty required strings", async () => {
    const { post } = inProcess()
    const wrongType = await createTask(post, { type: "ReCaptchaV2TaskProxyLess", websiteURL, websiteKey: 42 })
    expect(wrongType.body.errorDescription).toBe("invalid task data: websiteKey must be a string")
    const empty = await createTask(post, { type: "ReCaptchaV2TaskProxyLess", websiteURL: "", websiteKey })
    expect(empty.body.errorDescription).toBe("invalid task data: websiteURL must not be empty")
    const flag = await createTask(post, {
      type: "ReCaptchaV2TaskProxyLess",
      websiteURL,
      websiteKey,
      isInvisible: "yes",
    })
    expect(flag.body.errorDescription).toContain("isInvisible")
  })

  it("accepts both proxy encodings and names the broken part of either", async () => {
    const { post } = inProcess()
    const base = { type: "ReCaptchaV2Task", websiteURL, websiteKey }
    for (const form of ["socks5:10.0.0.1:1080", "10.0.0.1:3128:user:pwd", "http://user:pwd@10.0.0.1:8080"]) {
      expect((await createTask(post, { ...base, proxy: form })).body.errorId).toBe(0)
    }
    const split = {
      proxyType: "http",
      proxyAddress: "10.0.0.1",
      proxyPort: 8080,
      proxyLogin: "u",
      proxyPassword: "p",
    }
    expect((await createTask(post, { ...base, ...split })).body.errorId).toBe(0)
    const noPort = await createTask(post, { ...base, proxyType: "http", proxyAddress: "10.0.0.1" })
    expect(noPort.body.errorDescription).toContain("proxyPort")
    const badType = await createTask(post, {
      ...base,
      proxyType: "ftp",
      proxyAddress: "10.0.0.1",
      proxyPort: 1,
    })
    expect(badType.body.errorDescription).toContain("proxyType")
    const malformed = await createTask(post, { ...base, proxy: "not a proxy" })
    expect(malformed.body.errorDescription).toContain("proxy")
    const proxyless = await createTask(post, { ...base, type: "ReCaptchaV2TaskProxyLess", proxy: "junk" })
    expect(proxyless.body.errorId).toBe(0)
  })

  it("accepts GeeTest v4 by captchaId and asks for challenge when only gt is given", async () => {
    const { post } = inProcess()
    expect(
      (await createTask(post, { type: "GeeTestTaskProxyLess", websiteURL, captchaId: "c" })).body.errorId,
    ).toBe(0)
    const onlyGt = await createTask(post, { type: "GeeTestTaskProxyLess", websiteURL, gt: "g" })
    expect(onlyGt.body.errorDescription).toContain("challenge")
  })

  it("refuses a VisionEngine module it does not know, naming the module field", async () => {
    const { post } = inProcess()
    const reply = await createTask(post, { type: "VisionEngine", module: "teleport_9", image: "aW1n" })
    expect(reply.body).toMatchObject({
      errorCode: "ERROR_INVALID_TASK_DATA",
      errorDescription: expect.stringContaining("module"),
    })
  })
})

describe("recognition tasks", () => {
  const recognition = ["ImageToTextTask", "ReCaptchaV2Classification", "AwsWafClassification", "VisionEngine"]

  for (const type of recognition) {
    it(`${type} is answered synchronously by createTask with status ready, a solution and a taskId`, async () => {
      const { post, emulator } = inProcess()
      const reply = await createTask(post, { type, ...minimal[type] })
      expect(reply.status).toBe(200)
      expect(reply.body).toMatchObject({ errorId: 0, status: "ready", taskId: expect.any(String) })
      expect(Object.keys(reply.body.solution as object).length).toBeGreaterThan(0)
      const taskId = reply.body.taskId as string
      const audit = emulator.task(taskId)
      expect(audit).toMatchObject({ outcome: "ready", queries: 0, readyAt: audit?.createdAt })
      expect(audit?.firstCollectedAt).toBe(audit?.createdAt)
    })
  }

  it("the number module of ImageToTextTask answers one string per image", async () => {
    const { post } = inProcess()
    const reply = await createTask(post, {
      type: "ImageToTextTask",
      module: "number",
      images: ["a", "b", "c"],
    })
    expect((reply.body.solution as { answers: Array<string> }).answers).toHaveLength(3)
  })

  it("a recognition task stays retrievable through getTaskResult", async () => {
    const { post } = inProcess()
    const created = await createTask(post, { type: "ImageToTextTask", body: "aGVsbG8=" })
    const again = await post("getTaskResult", { clientKey: key, taskId: created.body.taskId })
    expect(again.body).toMatchObject({ status: "ready", solution: created.body.solution })
  })

  it("a recognition task marked emulator-unsolvable fails synchronously and is not charged", async () => {
    const { post, emulator } = inProcess({ balance: 1 })
    const reply = await createTask(post, {
      type: "ImageToTextTask",
      body: "x",
      websiteURL: "https://emulator-unsolvable",
    })
    expect(reply.body).toMatchObject({
      errorId: 1,
      errorCode: "ERROR_CAPTCHA_UNSOLVABLE",
      taskId: expect.any(String),
    })
    expect(emulator.balance(key)).toBe(1)
  })
})
