import { assert, describe, it } from "@effect/vitest"
import { Clock, Effect, Exit, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { afterEach, expect, it as itAsync } from "vitest"
import { type FeedbackRefusedError, isApiError, isFeedbackRefusedError } from "../src/domain/Errors.ts"
import { planReport } from "../src/domain/Feedback.ts"
import { CapSolver, make, type Provider } from "../src/domain/Provider.ts"
import { AntiCaptcha } from "../src/domain/providers/AntiCaptcha.ts"
import { CapMonsterCloud } from "../src/domain/providers/CapMonsterCloud.ts"
import { TwoCaptcha } from "../src/domain/providers/TwoCaptcha.ts"
import type * as Task from "../src/domain/Task.ts"
import { GeeTestTaskProxyLess } from "../src/domain/tasks/GeeTest.ts"
import { ImageToTextTask } from "../src/domain/tasks/ImageToText.ts"
import { MtCaptchaTaskProxyLess } from "../src/domain/tasks/MtCaptcha.ts"
import { ReCaptchaV2TaskProxyLess } from "../src/domain/tasks/ReCaptchaV2.ts"
import {
  ReCaptchaV3EnterpriseTaskProxyLess,
  ReCaptchaV3TaskProxyLess,
} from "../src/domain/tasks/ReCaptchaV3.ts"
import { AntiTurnstileTaskProxyLess } from "../src/domain/tasks/Turnstile.ts"
import * as Policy from "../src/engine/Policy.ts"
import { makePromiseClient, type SolveKitClient } from "../src/faces/PromiseClient.ts"
import { SolveKit } from "../src/faces/SolveKit.ts"
import * as Scripted from "./ScriptedTransport.ts"

const recaptcha = ReCaptchaV2TaskProxyLess({
  websiteURL: "https://example.test/login",
  websiteKey: "6Le-key",
})
const recaptchaV3 = ReCaptchaV3TaskProxyLess({
  websiteURL: "https://example.test/login",
  websiteKey: "6Le-key",
  pageAction: "login",
  minScore: 0.7,
})
const recaptchaV3Enterprise = ReCaptchaV3EnterpriseTaskProxyLess({
  websiteURL: "https://example.test/login",
  websiteKey: "6Le-key",
  pageAction: "login",
  minScore: 0.3,
})
const image = ImageToTextTask({ body: "aGVsbG8gd29ybGQ=" })
const turnstile = AntiTurnstileTaskProxyLess({ websiteURL: "https://example.test", websiteKey: "0x4AAA" })
const geetest = GeeTestTaskProxyLess({ websiteURL: "https://example.test", gt: "gt-key", challenge: "c-1" })
const mtcaptcha = MtCaptchaTaskProxyLess({ websiteURL: "https://example.test", websiteKey: "MTPublic-k" })

/** Runs `program` on the TestClock, advancing virtual time until it settles. */
const settle = <A, E>(program: Effect.Effect<A, E>) =>
  Effect.gen(function* () {
    const fiber = yield* Effect.forkChild(program)
    yield* TestClock.adjust("20 minutes")
    return yield* Fiber.await(fiber)
  })

const runWith = <A, E>(
  transport: Scripted.ScriptedTransport,
  provider: Provider,
  use: (kit: SolveKit["Service"]) => Effect.Effect<A, E>,
  options: Omit<Parameters<typeof Scripted.clientLayer>[1], "provider"> = {},
) => settle(SolveKit.use(use).pipe(Effect.provide(Scripted.clientLayer(transport, { provider, ...options }))))

const failureOf = <A, E extends { readonly _tag: string }>(exit: Exit.Exit<A, E>): E => {
  assert.isTrue(Exit.isFailure(exit), "expected a failure")
  if (Exit.isSuccess(exit)) throw new Error("unreachable")
  const error = exit.cause.reasons.find((r) => r._tag === "Fail")
  assert.isDefined(error, "expected a typed failure")
  return (error as { readonly error: E }).error
}

const refusalOf = <A, E extends { readonly _tag: string }>(exit: Exit.Exit<A, E>): FeedbackRefusedError => {
  const error = failureOf(exit)
  assert.isTrue(isFeedbackRefusedError(error), `expected a FeedbackRefusedError, got ${error._tag}`)
  return error as unknown as FeedbackRefusedError
}

/** The family's answers: an integer taskId, a ready answer, a report accepted. */
const created = (taskId: number): Scripted.Reply => ({ json: { errorId: 0, taskId } })
const ready = (solution: Record<string, unknown>): Scripted.Reply => ({
  json: { errorId: 0, status: "ready", solution },
})
const accepted: Scripted.Reply = { json: { errorId: 0, status: "success" } }

/** Every report endpoint the providers name, each answering "success". */
const reportScripts = {
  feedbackTask: { json: { errorId: 0, message: "ok" } },
  reportIncorrect: accepted,
  reportCorrect: accepted,
  reportIncorrectImageCaptcha: accepted,
  reportIncorrectRecaptcha: accepted,
  reportCorrectRecaptcha: accepted,
  reportIncorrectHcaptcha: accepted,
  reportIncorrectTokenCaptcha: accepted,
} as const

/** Solves `task` at `provider` (answered at once), then reports on it as `invalid`; the report's endpoint. */
const solveThenReport = (provider: Provider, task: Task.AnyTaskRequest, invalid: boolean) =>
  Effect.gen(function* () {
    const transport = Scripted.make({
      createTask: created(4242),
      getTaskResult: ready({ gRecaptchaResponse: "t", text: "x", token: "t", captcha_id: "c" }),
      ...reportScripts,
    })
    const exit = yield* runWith(transport, provider, (kit) =>
      Effect.flatMap(kit.solve(task), (solved) => kit.feedback(solved, { invalid })),
    )
    const reports = transport.calls.filter(
      (c) => c.endpoint !== "createTask" && c.endpoint !== "getTaskResult",
    )
    return { exit, reports }
  })

describe("feedback: reports on answers, per provider", () => {
  describe("CapSolver (feedbackTask)", () => {
    it.effect("sends both verdicts to feedbackTask with result.invalid, code and message", () =>
      Effect.gen(function* () {
        const transport = Scripted.make(reportScripts)
        const exit = yield* runWith(transport, CapSolver, (kit) =>
          Effect.andThen(
            kit.feedback("task-f", { invalid: true, code: 3, message: "rejected" }),
            kit.feedback("task-g", { invalid: false }),
          ),
        )
        assert.isTrue(Exit.isSuccess(exit))
        assert.deepStrictEqual(
          transport.calls.map((c) => c.endpoint),
          ["feedbackTask", "feedbackTask"],
        )
        assert.deepStrictEqual(transport.calls[0]?.body.result, {
          invalid: true,
          code: 3,
          message: "rejected",
        })
        assert.strictEqual(transport.calls[0]?.body.taskId, "task-f")
        assert.deepStrictEqual(transport.calls[1]?.body.result, { invalid: false })
      }),
    )

    it.effect("reads the taskId from the Solved value solve returned", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: Scripted.created("cs-1"),
          getTaskResult: Scripted.ready(),
          ...reportScripts,
        })
        const exit = yield* runWith(transport, CapSolver, (kit) =>
          Effect.flatMap(kit.solve(recaptcha), (solved) => kit.feedback(solved, { invalid: true })),
        )
        assert.isTrue(Exit.isSuccess(exit))
        if (Exit.isSuccess(exit)) assert.deepStrictEqual(exit.value, { message: "ok" })
        assert.strictEqual(transport.callsTo("feedbackTask")[0]?.body.taskId, "cs-1")
      }),
    )
  })

  describe("2Captcha (reportIncorrect, reportCorrect)", () => {
    it.effect(
      "sends an incorrect answer to reportIncorrect and a correct one to reportCorrect, with the integer taskId alone",
      () =>
        Effect.gen(function* () {
          const transport = Scripted.make(reportScripts)
          const exit = yield* runWith(
            transport,
            TwoCaptcha,
            (kit) =>
              Effect.all([
                kit.feedback("74455221488", { invalid: true, code: 1, message: "ignored here" }),
                kit.feedback("74455221489", { invalid: false }),
              ]),
            { appId: "4580" },
          )
          assert.isTrue(Exit.isSuccess(exit))
          if (Exit.isSuccess(exit)) assert.deepStrictEqual(exit.value[0], { message: "", status: "success" })
          assert.deepStrictEqual(
            transport.calls.map((c) => c.endpoint),
            ["reportIncorrect", "reportCorrect"],
          )
          for (const call of transport.calls) {
            // `{ clientKey, taskId }` as documented: no result object, no softId (createTask only).
            assert.sameMembers(Object.keys(call.body), ["clientKey", "taskId"])
            assert.isTrue(Scripted.isRedactedKey(call.body.clientKey))
          }
          assert.strictEqual(transport.calls[0]?.body.taskId, 74_455_221_488)
        }),
    )

    it.effect("reports on a task known by its id alone, whatever its type", () =>
      Effect.gen(function* () {
        const { exit, reports } = yield* solveThenReport(TwoCaptcha, turnstile, true)
        assert.isTrue(Exit.isSuccess(exit))
        assert.deepStrictEqual(
          reports.map((c) => c.endpoint),
          ["reportIncorrect"],
        )
      }),
    )

    it.effect("surfaces a report the provider rejects as an ApiError naming the endpoint and the task", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          reportIncorrect: {
            json: { errorId: 16, errorCode: "ERROR_NO_SUCH_CAPCHA_ID", errorDescription: "no such task" },
          },
        })
        const error = failureOf(
          yield* runWith(transport, TwoCaptcha, (kit) => kit.feedback("123", { invalid: true })),
        )
        assert.isTrue(isApiError(error))
        if (isApiError(error)) {
          assert.strictEqual(error.reason, "TaskNotFound")
          assert.strictEqual(error.endpoint, "reportIncorrect")
          assert.strictEqual(error.taskId, "123")
        }
        assert.strictEqual(transport.calls.length, 1)
      }),
    )
  })

  describe("Anti-Captcha (one endpoint per family, 60 s after completion)", () => {
    const cases: ReadonlyArray<readonly [string, Task.AnyTaskRequest, boolean, string]> = [
      ["an image captcha rejected", image, true, "reportIncorrectImageCaptcha"],
      ["a reCAPTCHA v2 token rejected", recaptcha, true, "reportIncorrectRecaptcha"],
      ["a reCAPTCHA v2 token accepted", recaptcha, false, "reportCorrectRecaptcha"],
      ["a reCAPTCHA v3 token accepted", recaptchaV3, false, "reportCorrectRecaptcha"],
      ["a reCAPTCHA v3 Enterprise token rejected", recaptchaV3Enterprise, true, "reportIncorrectRecaptcha"],
    ]
    for (const [what, task, invalid, endpoint] of cases) {
      it.effect(`reports ${what} at ${endpoint}`, () =>
        Effect.gen(function* () {
          const { exit, reports } = yield* solveThenReport(AntiCaptcha, task, invalid)
          assert.isTrue(Exit.isSuccess(exit))
          assert.deepStrictEqual(
            reports.map((c) => c.endpoint),
            [endpoint],
          )
          assert.strictEqual(reports[0]?.body.taskId, 4242)
        }),
      )
    }

    it.effect("reports an hCaptcha task sent through Task.raw, named by { taskId, taskType }", () =>
      Effect.gen(function* () {
        const transport = Scripted.make(reportScripts)
        const exit = yield* runWith(transport, AntiCaptcha, (kit) =>
          kit.feedback({ taskId: "77", taskType: "HCaptchaTaskProxyless" }, { invalid: true }),
        )
        assert.isTrue(Exit.isSuccess(exit))
        assert.deepStrictEqual(
          transport.calls.map((c) => c.endpoint),
          ["reportIncorrectHcaptcha"],
        )
      }),
    )

    it.effect("takes the type from the options when the target is a bare taskId", () =>
      Effect.gen(function* () {
        const transport = Scripted.make(reportScripts)
        const exit = yield* runWith(transport, AntiCaptcha, (kit) =>
          kit.feedback("78", { invalid: true, taskType: "ImageToTextTask" }),
        )
        assert.isTrue(Exit.isSuccess(exit))
        assert.deepStrictEqual(
          transport.calls.map((c) => c.endpoint),
          ["reportIncorrectImageCaptcha"],
        )
      }),
    )

    it.effect("refuses a bare taskId before any request: the endpoint depends on the family", () =>
      Effect.gen(function* () {
        const transport = Scripted.make(reportScripts)
        const refusal = refusalOf(
          yield* runWith(transport, AntiCaptcha, (kit) => kit.feedback("79", { invalid: true })),
        )
        assert.strictEqual(refusal.reason, "TaskTypeNeeded")
        assert.strictEqual(refusal.provider, "Anti-Captcha")
        assert.strictEqual(refusal.taskId, "79")
        assert.include(refusal.message, "Anti-Captcha")
        assert.include(refusal.message, "taskType")
        assert.lengthOf(transport.calls, 0)
      }),
    )

    it.effect("refuses a Turnstile report before any request: it has no report method for Turnstile", () =>
      Effect.gen(function* () {
        const { exit, reports } = yield* solveThenReport(AntiCaptcha, turnstile, true)
        const refusal = refusalOf(exit)
        assert.strictEqual(refusal.reason, "NoReportForType")
        assert.strictEqual(refusal.taskType, "AntiTurnstileTaskProxyLess")
        assert.deepStrictEqual(refusal.families, ["image captcha (ImageToTextTask)", "reCAPTCHA", "hCaptcha"])
        assert.include(refusal.message, "Anti-Captcha takes no report on AntiTurnstileTaskProxyLess tasks")
        assert.lengthOf(reports, 0)
      }),
    )

    it.effect("refuses a correct-answer report on an image captcha, naming the family that takes one", () =>
      Effect.gen(function* () {
        const { exit, reports } = yield* solveThenReport(AntiCaptcha, image, false)
        const refusal = refusalOf(exit)
        assert.strictEqual(refusal.reason, "NoReportForVerdict")
        assert.strictEqual(refusal.verdict, "correct")
        assert.deepStrictEqual(refusal.families, ["reCAPTCHA"])
        assert.lengthOf(reports, 0)
      }),
    )

    it.effect("refuses a report 60 s after the solve before any request, and sends one made at once", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: created(5),
          getTaskResult: ready({ gRecaptchaResponse: "t" }),
          ...reportScripts,
        })
        const exit = yield* runWith(transport, AntiCaptcha, (kit) =>
          Effect.gen(function* () {
            const solved = yield* kit.solve(recaptcha)
            const early = yield* kit.feedback(solved, { invalid: true })
            yield* Effect.sleep("59 seconds")
            const stillEarly = yield* Effect.exit(kit.feedback(solved, { invalid: true }))
            yield* Effect.sleep("1 second")
            const late = yield* Effect.exit(kit.feedback(solved, { invalid: true }))
            return { early, stillEarly, late }
          }),
        )
        assert.isTrue(Exit.isSuccess(exit))
        if (Exit.isFailure(exit)) return
        assert.deepStrictEqual(exit.value.early, { message: "", status: "success" })
        assert.isTrue(Exit.isSuccess(exit.value.stillEarly))
        const refusal = refusalOf(exit.value.late)
        assert.strictEqual(refusal.reason, "WindowClosed")
        assert.strictEqual(refusal.windowMs, 60_000)
        assert.strictEqual(refusal.elapsedMs, 60_000)
        assert.include(refusal.message, "within 60 s of the task's completion")
        assert.strictEqual(transport.callsTo("reportIncorrectRecaptcha").length, 2)
      }),
    )

    it.effect("leaves the window to the provider when the completion time is unknown", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          reportIncorrectRecaptcha: {
            json: {
              errorId: 16,
              errorCode: "ERROR_NO_SUCH_CAPCHA_ID",
              errorDescription:
                "Task you are requesting does not exist in your current task list or has been expired.",
            },
          },
        })
        const error = failureOf(
          yield* runWith(transport, AntiCaptcha, (kit) =>
            kit.feedback({ taskId: "12345", taskType: "RecaptchaV2TaskProxyless" }, { invalid: true }),
          ),
        )
        assert.isTrue(isApiError(error))
        if (isApiError(error)) {
          assert.strictEqual(error.reason, "TaskNotFound")
          assert.strictEqual(error.endpoint, "reportIncorrectRecaptcha")
        }
        assert.strictEqual(transport.calls.length, 1)
      }),
    )
  })

  describe("CapMonster Cloud (incorrect answers only)", () => {
    const cases: ReadonlyArray<readonly [string, Task.AnyTaskRequest, string]> = [
      ["an image captcha", image, "reportIncorrectImageCaptcha"],
      ["a reCAPTCHA v2 token", recaptcha, "reportIncorrectTokenCaptcha"],
      ["a reCAPTCHA v3 token", recaptchaV3, "reportIncorrectTokenCaptcha"],
      ["a reCAPTCHA v3 Enterprise token", recaptchaV3Enterprise, "reportIncorrectTokenCaptcha"],
      ["a GeeTest answer", geetest, "reportIncorrectTokenCaptcha"],
      ["a Turnstile token", turnstile, "reportIncorrectTokenCaptcha"],
    ]
    for (const [what, task, endpoint] of cases) {
      it.effect(`reports ${what} rejected at ${endpoint}`, () =>
        Effect.gen(function* () {
          const { exit, reports } = yield* solveThenReport(CapMonsterCloud, task, true)
          assert.isTrue(Exit.isSuccess(exit))
          assert.deepStrictEqual(
            reports.map((c) => c.endpoint),
            [endpoint],
          )
          assert.sameMembers(Object.keys(reports[0]?.body ?? {}), ["clientKey", "taskId"])
        }),
      )
    }

    it.effect("refuses a correct-answer report before any request: it takes none, on any task", () =>
      Effect.gen(function* () {
        const { exit, reports } = yield* solveThenReport(CapMonsterCloud, recaptcha, false)
        const refusal = refusalOf(exit)
        assert.strictEqual(refusal.reason, "NoReportForVerdict")
        assert.deepStrictEqual(refusal.families, [])
        assert.strictEqual(
          refusal.message,
          "CapMonster Cloud takes no report of a correct answer, on any task (taskId 4242)",
        )
        assert.lengthOf(reports, 0)
      }),
    )

    it.effect("refuses an MTCaptcha report: its report page names image and token captchas only", () =>
      Effect.gen(function* () {
        const { exit, reports } = yield* solveThenReport(CapMonsterCloud, mtcaptcha, true)
        assert.strictEqual(refusalOf(exit).reason, "NoReportForType")
        assert.lengthOf(reports, 0)
      }),
    )

    it.effect("surfaces a rejection without status, its reason in errorCode, as an ApiError", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          reportIncorrectTokenCaptcha: { json: { errorId: 1, errorCode: "ERROR_NO_SUCH_CAPCHA_ID" } },
        })
        const error = failureOf(
          yield* runWith(transport, CapMonsterCloud, (kit) =>
            kit.feedback({ taskId: "7654321", taskType: "TurnstileTask" }, { invalid: true }),
          ),
        )
        assert.isTrue(isApiError(error))
        if (isApiError(error)) {
          assert.strictEqual(error.errorCode, "ERROR_NO_SUCH_CAPCHA_ID")
          assert.strictEqual(error.endpoint, "reportIncorrectTokenCaptcha")
          assert.strictEqual(error.taskId, "7654321")
        }
      }),
    )
  })

  describe("custom providers", () => {
    const base = {
      name: "Custom",
      baseUrl: "https://api.custom.test",
      limits: CapSolver.limits,
      polling: CapSolver.polling,
      taskIdType: "string",
      errorCodes: {},
      transientCodes: [],
    } as const

    it.effect("refuses any report when the provider names no report endpoint", () =>
      Effect.gen(function* () {
        const provider = make({
          ...base,
          endpoints: { createTask: "createTask", getTaskResult: "getTaskResult", getBalance: "getBalance" },
        })
        const transport = Scripted.make(reportScripts)
        const refusal = refusalOf(
          yield* runWith(transport, provider, (kit) => kit.feedback("t", { invalid: true })),
        )
        assert.strictEqual(refusal.reason, "NoReportEndpoint")
        assert.strictEqual(refusal.message, "Custom takes no report on answers (taskId t)")
        assert.lengthOf(transport.calls, 0)
      }),
    )

    it.effect("uses CapSolver's feedbackTask form when the provider names only a feedbackTask path", () =>
      Effect.gen(function* () {
        const provider = make({
          ...base,
          endpoints: {
            createTask: "createTask",
            getTaskResult: "getTaskResult",
            getBalance: "getBalance",
            feedbackTask: "v2/feedback",
          },
        })
        const posted: Array<string> = []
        const transport = Scripted.make({
          feedbackTask: { json: { errorId: 0, message: "ok" } },
          "v2/feedback": (_n, call) => {
            posted.push(call.endpoint)
            return { json: { errorId: 0, message: "ok" } }
          },
        })
        const exit = yield* runWith(transport, provider, (kit) => kit.feedback("t", { invalid: false }))
        assert.isTrue(Exit.isSuccess(exit))
        assert.deepStrictEqual(posted, ["v2/feedback"])
        assert.deepStrictEqual(transport.calls[0]?.body.result, { invalid: false })
      }),
    )
  })

  describe("the report tables", () => {
    for (const provider of [CapSolver, TwoCaptcha, AntiCaptcha, CapMonsterCloud]) {
      it(`${provider.name}: every family names its types and at least one endpoint`, () => {
        const table = provider.feedback
        assert.isDefined(table)
        for (const route of table?.routes ?? []) {
          assert.isNotEmpty(route.family)
          assert.isTrue(route.taskTypes === "any" || route.taskTypes.length > 0)
          assert.isTrue(route.incorrect !== undefined || route.correct !== undefined)
        }
      })
    }

    it.effect("matches a family without regard to case and through the provider's own type name", () =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const plan = (taskType: string) => planReport(CapMonsterCloud, { taskId: "1", taskType }, true, now)
        for (const taskType of ["ReCaptchaV2TaskProxyLess", "recaptchav2task", "RECAPTCHAV3TASKPROXYLESS"]) {
          const planned = plan(taskType)
          assert.isTrue(planned._tag === "Success", taskType)
          if (planned._tag === "Success")
            assert.strictEqual(planned.success.endpoint, "reportIncorrectTokenCaptcha")
        }
      }),
    )

    it('treats the type of a task resumed by id alone ("unknown") as not known', () => {
      const planned = planReport(AntiCaptcha, { taskId: "1", taskType: "unknown" }, true, 0)
      assert.isTrue(planned._tag === "Failure")
      if (planned._tag === "Failure") assert.strictEqual(planned.failure.reason, "TaskTypeNeeded")
    })
  })
})

describe("feedback through the Promise face", () => {
  const clients: Array<SolveKitClient> = []
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()))
  })
  const clientFor = (transport: Scripted.ScriptedTransport, provider: Provider) => {
    const client = makePromiseClient(
      Scripted.clientLayer(transport, { provider, policy: Policy.fixed("1 millis", "1 millis") }),
    )
    clients.push(client)
    return client
  }

  itAsync("reports on what solve resolved with, at the family's endpoint", async () => {
    const transport = Scripted.make({
      createTask: created(31),
      getTaskResult: ready({ gRecaptchaResponse: "t" }),
      ...reportScripts,
    })
    const client = clientFor(transport, AntiCaptcha)
    const solved = await client.solve(recaptcha)
    expect(solved.taskType).toBe("ReCaptchaV2TaskProxyLess")
    expect(await client.feedback(solved, { invalid: false })).toEqual({ message: "", status: "success" })
    expect(transport.callsTo("reportCorrectRecaptcha")).toHaveLength(1)
  })

  itAsync(
    "rejects a report the provider does not take with FeedbackRefusedError, sending nothing",
    async () => {
      const transport = Scripted.make(reportScripts)
      const client = clientFor(transport, CapMonsterCloud)
      const error = await client
        .feedback({ taskId: "9", taskType: "ImageToTextTask" }, { invalid: false })
        .catch((e: unknown) => e)
      expect(isFeedbackRefusedError(error)).toBe(true)
      expect(String((error as Error).message)).not.toContain(Scripted.API_KEY)
      expect(transport.calls).toHaveLength(0)
    },
  )
})
