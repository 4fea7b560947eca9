import { describe, expect, it } from "vitest"
import {
  createdTaskId,
  inProcess,
  integerTaskId,
  key,
  manualClock,
  type Poster,
  tasksFor,
  websiteURL,
} from "./helpers.ts"

const instant = (task: Record<string, unknown>) => ({
  ...task,
  websiteURL: "https://emulator-instant.example",
})
const report = (post: Poster, endpoint: string, taskId: unknown) => post(endpoint, { clientKey: key, taskId })
const success = { errorId: 0, status: "success" }

describe("2Captcha reports", () => {
  it("reportCorrect and reportIncorrect answer success for any task and are counted per task", async () => {
    const { post, emulator } = inProcess({ provider: "2captcha", now: () => 0 })
    const taskId = integerTaskId(
      await post("createTask", { clientKey: key, task: instant(tasksFor["2captcha"].token) }),
    )
    await post("getTaskResult", { clientKey: key, taskId })
    expect((await report(post, "reportCorrect", taskId)).body).toEqual(success)
    expect((await report(post, "reportIncorrect", taskId)).body).toEqual(success)
    const image = {
      ...tasksFor["2captcha"].image,
      body: `${tasksFor["2captcha"].image.body}emulator-instant`,
    }
    const imageId = integerTaskId(await post("createTask", { clientKey: key, task: image }))
    expect((await report(post, "reportIncorrect", imageId)).body).toEqual(success)
    expect(emulator.task(taskId)?.reports).toEqual({ correct: 1, incorrect: 1 })
    expect(emulator.task(imageId)?.reports).toEqual({ correct: 0, incorrect: 1 })
    expect(emulator.audit().reports).toEqual({ correct: 1, incorrect: 2, refused: 0 })
  })

  it("takes the documented aliases as reportCorrect and reportIncorrect", async () => {
    const { post, emulator } = inProcess({ provider: "2captcha", now: () => 0 })
    const taskId = integerTaskId(
      await post("createTask", { clientKey: key, task: instant(tasksFor["2captcha"].token) }),
    )
    for (const alias of [
      "reportCorrectRecaptcha",
      "reportIncorrectImageCaptcha",
      "reportIncorrectRecaptcha",
    ]) {
      expect((await report(post, alias, taskId)).body).toEqual(success)
    }
    expect(emulator.task(taskId)?.reports).toEqual({ correct: 1, incorrect: 2 })
    expect(emulator.audit().requests.byEndpoint.reportIncorrectImageCaptcha).toBe(1)
  })

  it("refuses reports on an unknown or unsolved task with ERROR_NO_SUCH_CAPCHA_ID (16)", async () => {
    const { post, emulator } = inProcess({ provider: "2captcha", now: () => 0 })
    expect((await report(post, "reportIncorrect", 42)).body).toMatchObject({
      errorId: 16,
      errorCode: "ERROR_NO_SUCH_CAPCHA_ID",
    })
    const pending = integerTaskId(
      await post("createTask", { clientKey: key, task: tasksFor["2captcha"].token }),
    )
    expect((await report(post, "reportIncorrect", pending)).body.errorCode).toBe("ERROR_NO_SUCH_CAPCHA_ID")
    expect(emulator.task(pending)?.reports).toBeUndefined()
  })
})

describe("Anti-Captcha reports", () => {
  const solvedRecaptcha = async (post: Poster) =>
    integerTaskId(
      await post("createTask", {
        clientKey: key,
        task: { ...tasksFor.anticaptcha.token, websiteKey: "emulator-solve-ms-1000" },
      }),
    )

  it("accepts one report per task within 60 s of completion", async () => {
    const clock = manualClock()
    const { post, emulator } = inProcess({ provider: "anticaptcha", now: clock.now })
    const taskId = await solvedRecaptcha(post)
    clock.advance(61_000)
    expect((await report(post, "reportIncorrectRecaptcha", taskId)).body).toEqual(success)
    const second = await report(post, "reportCorrectRecaptcha", taskId)
    expect(second.body).toEqual({
      errorId: 16,
      errorCode: "ERROR_NO_SUCH_CAPCHA_ID",
      errorDescription: expect.stringContaining("one report"),
    })
    expect(second.body.status).toBeUndefined()
    expect(emulator.task(taskId)?.reports).toEqual({ correct: 0, incorrect: 1 })
    expect(emulator.audit().reports).toEqual({ correct: 0, incorrect: 1, refused: 1 })
  })

  it("refuses a report later than 60 s after completion", async () => {
    const clock = manualClock()
    const { post, emulator } = inProcess({ provider: "anticaptcha", now: clock.now })
    const taskId = await solvedRecaptcha(post)
    clock.advance(61_001)
    const late = await report(post, "reportCorrectRecaptcha", taskId)
    expect(late.body).toMatchObject({ errorId: 16, errorCode: "ERROR_NO_SUCH_CAPCHA_ID" })
    expect(emulator.task(taskId)?.reports).toBeUndefined()
  })

  it("takes each report method only for its own family of tasks", async () => {
    const clock = manualClock()
    const { post, emulator } = inProcess({ provider: "anticaptcha", now: clock.now })
    const recaptchaId = await solvedRecaptcha(post)
    clock.advance(1000)
    const image = {
      ...tasksFor.anticaptcha.image,
      body: `${tasksFor.anticaptcha.image.body}emulator-instant`,
    }
    const imageId = integerTaskId(await post("createTask", { clientKey: key, task: image }))
    for (const [endpoint, taskId] of [
      ["reportIncorrectImageCaptcha", recaptchaId],
      ["reportIncorrectHcaptcha", recaptchaId],
      ["reportIncorrectRecaptcha", imageId],
      ["reportCorrectRecaptcha", imageId],
    ] as const) {
      const refused = await report(post, endpoint, taskId)
      expect({ endpoint, code: refused.body.errorCode }).toEqual({
        endpoint,
        code: "ERROR_NO_SUCH_CAPCHA_ID",
      })
    }
    // Nothing was recorded, so each task can still take its one report.
    expect((await report(post, "reportIncorrectImageCaptcha", imageId)).body).toEqual(success)
    expect((await report(post, "reportCorrectRecaptcha", recaptchaId)).body).toEqual(success)
    expect(emulator.audit().reports).toEqual({ correct: 1, incorrect: 1, refused: 4 })
  })
})

describe("CapMonster Cloud reports", () => {
  it("reportIncorrectTokenCaptcha and its alias reportIncorrectRecaptcha take reCAPTCHA, Turnstile and GeeTest", async () => {
    const { post, emulator } = inProcess({ provider: "capmonster", now: () => 0 })
    const tasks = [
      tasksFor.capmonster.token,
      { type: "TurnstileTask", websiteURL, websiteKey: "0x4AAAAAAA" },
      { type: "GeeTestTask", websiteURL, gt: "81388ea1fc187e0c335c0a8907ff2625", challenge: "c" },
    ]
    for (const task of tasks) {
      const taskId = integerTaskId(await post("createTask", { clientKey: key, task: instant(task) }))
      expect((await report(post, "reportIncorrectTokenCaptcha", taskId)).body).toEqual(success)
      expect((await report(post, "reportIncorrectRecaptcha", taskId)).body).toEqual(success)
      expect(emulator.task(taskId)?.reports).toEqual({ correct: 0, incorrect: 2 })
    }
  })

  it("reportIncorrectImageCaptcha takes image tasks only, and a refusal carries no status", async () => {
    const { post } = inProcess({ provider: "capmonster", now: () => 0 })
    const image = { ...tasksFor.capmonster.image, body: `${tasksFor.capmonster.image.body}emulator-instant` }
    const imageId = integerTaskId(await post("createTask", { clientKey: key, task: image }))
    const tokenId = integerTaskId(
      await post("createTask", { clientKey: key, task: instant(tasksFor.capmonster.token) }),
    )
    expect((await report(post, "reportIncorrectImageCaptcha", imageId)).body).toEqual(success)
    const refused = await report(post, "reportIncorrectImageCaptcha", tokenId)
    expect(refused.body).toEqual({
      errorId: 1,
      errorCode: "ERROR_NO_SUCH_CAPCHA_ID",
      errorDescription: expect.any(String),
    })
    expect((await report(post, "reportIncorrectTokenCaptcha", imageId)).body.errorCode).toBe(
      "ERROR_NO_SUCH_CAPCHA_ID",
    )
  })

  it("has no reportCorrect", async () => {
    const { post } = inProcess({ provider: "capmonster", now: () => 0 })
    const taskId = integerTaskId(
      await post("createTask", { clientKey: key, task: instant(tasksFor.capmonster.token) }),
    )
    expect((await report(post, "reportCorrect", taskId)).body.errorCode).toBe("ERROR_NO_SUCH_METHOD")
    expect((await report(post, "reportCorrectRecaptcha", taskId)).body.errorCode).toBe("ERROR_NO_SUCH_METHOD")
  })
})

describe("CapSolver feedback", () => {
  it("counts feedbackTask as a report and serves none of the report endpoints", async () => {
    const { post, emulator } = inProcess()
    const taskId = createdTaskId(await post("createTask", { clientKey: key, task: tasksFor.capsolver.token }))
    await post("feedbackTask", { clientKey: key, taskId, result: { invalid: true } })
    expect(emulator.task(taskId)?.reports).toEqual({ correct: 0, incorrect: 1 })
    const missing = await emulator.fetch(`${emulator.inProcessUrl}/reportIncorrect`, {
      method: "POST",
      body: JSON.stringify({ clientKey: key, taskId }),
    })
    expect(missing.status).toBe(404)
  })
})
