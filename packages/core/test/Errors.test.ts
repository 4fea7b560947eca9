import { inspect } from "node:util"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Redacted } from "effect"
import { TestClock } from "effect/testing"
import {
  AbortedError,
  ApiError,
  type ApiErrorReason,
  ConfigurationError,
  CreateTaskOutcomeUnknownError,
  DecodeError,
  InvalidTaskError,
  isAbortedError,
  isApiError,
  isSolveKitError,
  isTransportError,
  PollBudgetExhaustedError,
  SolveKitErrorBrand,
  scrubSecrets,
  TaskDeadlineError,
  TaskTimeoutError,
  TransportError,
  taskIdOf,
  withTaskId,
} from "../src/domain/Errors.ts"
import { CapSolver } from "../src/domain/Provider.ts"
import { ReCaptchaV2TaskProxyLess } from "../src/domain/tasks/ReCaptchaV2.ts"
import { SolveKit } from "../src/faces/SolveKit.ts"
import * as Scripted from "./ScriptedTransport.ts"

const every = (): ReadonlyArray<Error & { readonly _tag: string }> => [
  new ApiError({
    reason: "Auth",
    errorCode: "ERROR_KEY_DENIED_ACCESS",
    errorDescription: "bad key",
    httpStatus: 401,
    endpoint: "createTask",
  }),
  new TransportError({ endpoint: "getTaskResult", kind: "Network", requestSent: "unknown", taskId: "t1" }),
  new DecodeError({
    endpoint: "getTaskResult",
    httpStatus: 200,
    excerpt: "<html>",
    issue: "body is not JSON",
    taskId: "t1",
  }),
  new InvalidTaskError({ taskType: "ReCaptchaV2TaskProxyLess", field: "websiteURL", issue: "is required" }),
  new TaskTimeoutError({ taskId: "t1", timeoutMs: 1000, elapsedMs: 1000 }),
  new PollBudgetExhaustedError({ taskId: "t1", queries: 120, limit: 120 }),
  new TaskDeadlineError({ taskId: "t1", elapsedMs: 290_000, windowMs: 300_000 }),
  new CreateTaskOutcomeUnknownError({
    taskType: "ReCaptchaV2TaskProxyLess",
    cause: new TransportError({ endpoint: "createTask", kind: "Network", requestSent: "unknown" }),
  }),
  new AbortedError({ taskId: "t1" }),
  new ConfigurationError({ detail: "No API key: pass { apiKey } to the client." }),
]

describe("Errors", () => {
  it("every error is an Error with a _tag, a name and a readable computed message", () => {
    for (const error of every()) {
      assert.instanceOf(error, Error)
      assert.strictEqual(error.name, error._tag)
      assert.isAbove(error.message.length, 10, error._tag)
      assert.isTrue(isSolveKitError(error), error._tag)
    }
  })

  it("messages name the taskId when one is known", () => {
    for (const error of every()) {
      const taskId = taskIdOf(error)
      if (taskId !== undefined) assert.include(error.message, taskId, error._tag)
    }
  })

  it("guards work across copies of the package (brand + _tag, not instanceof)", () => {
    // What another copy of @solvekit/core would produce: a different class with the same global brand.
    class ForeignApiError extends Error {
      readonly _tag = "ApiError"
      readonly [SolveKitErrorBrand] = true
    }
    const foreign = new ForeignApiError("from another copy")
    assert.isTrue(isApiError(foreign))
    assert.isTrue(isSolveKitError(foreign))
    assert.isFalse(isTransportError(foreign))
    assert.strictEqual(SolveKitErrorBrand, Symbol.for("@solvekit/core/SolveKitError"))
    // A look-alike without the brand is not ours.
    assert.isFalse(isApiError({ _tag: "ApiError" }))
    assert.isFalse(isSolveKitError(new Error("plain")))
    assert.isTrue(isAbortedError(new AbortedError({})))
  })

  it("withTaskId attaches the taskId without losing fields", () => {
    const error = new TransportError({
      endpoint: "getTaskResult",
      kind: "HttpStatus",
      requestSent: true,
      httpStatus: 503,
      retryAfterMs: 2_000,
    })
    const named = withTaskId(error, "t9")
    assert.strictEqual(named.taskId, "t9")
    assert.strictEqual(named.httpStatus, 503)
    assert.strictEqual(named.retryAfterMs, 2_000)
    assert.strictEqual(named._tag, "TransportError")
    assert.include(named.message, "t9")
  })

  describe("CapSolver error-code classification", () => {
    const table: ReadonlyArray<readonly [string, ApiErrorReason]> = [
      ["ERROR_KEY_DENIED_ACCESS", "Auth"],
      ["ERROR_ZERO_BALANCE", "Balance"],
      ["ERROR_SETTLEMENT_FAILED", "Balance"],
      ["ERROR_INVALID_TASK_DATA", "InvalidTask"],
      ["ERROR_BAD_REQUEST", "InvalidTask"],
      ["ERROR_UNKNOWN_QUESTION", "InvalidTask"],
      ["ERROR_PROXY_BANNED", "InvalidTask"],
      ["ERROR_INVALID_IMAGE", "InvalidTask"],
      ["ERROR_PARSE_IMAGE_FAIL", "InvalidTask"],
      ["ERROR_TASK_NOT_SUPPORTED", "UnsupportedTask"],
      ["ERROR_CAPTCHA_UNSOLVABLE", "Unsolvable"],
      ["ERROR_TASK_TIMEOUT", "Unsolvable"],
      ["ERROR_TASKID_INVALID", "TaskNotFound"],
      ["ERROR_TASK_NOT_FOUND", "TaskNotFound"],
      ["ERROR_RATE_LIMIT", "RateLimited"],
      ["ERROR_SERVICE_UNAVALIABLE", "ServiceUnavailable"],
      ["ERROR_SERVICE_UNAVAILABLE", "ServiceUnavailable"],
      ["ERROR_IP_BANNED", "TemporarilyBanned"],
      ["ERROR_KEY_TEMP_BLOCKED", "TemporarilyBanned"],
      ["ERROR_SOMETHING_NEW", "Unknown"],
    ]
    for (const [code, reason] of table) {
      it(`${code} → ${reason}`, () => assert.strictEqual(CapSolver.classify(code), reason))
    }

    it("only overload and rate-limit codes are transient (both spellings of the overload code)", () => {
      const transient = table.map(([code]) => code).filter((code) => CapSolver.isTransient(code))
      assert.deepStrictEqual(transient, [
        "ERROR_RATE_LIMIT",
        "ERROR_SERVICE_UNAVALIABLE",
        "ERROR_SERVICE_UNAVAILABLE",
      ])
    })

    it("keeps the raw code of an unknown error", () => {
      const error = new ApiError({
        reason: CapSolver.classify("ERROR_BRAND_NEW"),
        errorCode: "ERROR_BRAND_NEW",
        errorDescription: "",
        httpStatus: 400,
        endpoint: "createTask",
      })
      assert.include(error.message, "ERROR_BRAND_NEW")
      assert.strictEqual(error.reason, "Unknown")
    })
  })

  describe("secrets", () => {
    const leaks = (error: unknown): ReadonlyArray<string> => {
      const views = [
        String(error),
        (error as Error).message,
        (error as Error).stack ?? "",
        JSON.stringify(error),
        inspect(error, { depth: 10, showHidden: true }),
      ]
      return views.filter((view) => view.includes(Scripted.API_KEY))
    }

    const scenarios: ReadonlyArray<readonly [string, Partial<Record<string, Scripted.Reply>>]> = [
      [
        "auth error",
        { createTask: Scripted.apiError("ERROR_KEY_DENIED_ACCESS", 401, `key ${Scripted.API_KEY} denied`) },
      ],
      [
        "html page echoing the key",
        { createTask: { text: `<html>${Scripted.API_KEY}</html>`, status: 200 } },
      ],
      ["network failure", { createTask: { network: "unknown" } }],
      ["poll failure", { createTask: Scripted.created(), getTaskResult: Scripted.htmlPage(404) }],
      [
        "unsolvable",
        { createTask: Scripted.created(), getTaskResult: Scripted.apiError("ERROR_CAPTCHA_UNSOLVABLE") },
      ],
      ["budget", { createTask: Scripted.created(), getTaskResult: Scripted.processing }],
    ]
    for (const [label, script] of scenarios) {
      it.effect(`the API key never appears in a ${label} error (message, String, JSON, inspect)`, () =>
        Effect.gen(function* () {
          const transport = Scripted.make(script)
          const fiber = yield* SolveKit.use((kit) =>
            kit.solve(ReCaptchaV2TaskProxyLess({ websiteURL: "https://x.test", websiteKey: "k" })),
          ).pipe(
            Effect.provide(Scripted.clientLayer(transport, { policy: Scripted.fastPolicy })),
            Effect.forkChild,
          )
          yield* TestClock.adjust("1 hour")
          const exit = yield* Fiber.await(fiber)
          assert.isTrue(Exit.isFailure(exit))
          if (Exit.isFailure(exit)) {
            const failure = exit.cause.reasons.find((r) => r._tag === "Fail")
            assert.isDefined(failure)
            assert.deepStrictEqual(leaks((failure as { error: unknown }).error), [])
          }
        }),
      )
    }

    describe("scrubSecrets", () => {
      it("removes the key as it is and in any case", () => {
        const text = `key ${Scripted.API_KEY}, quoted ${Scripted.API_KEY.toLowerCase()}`
        assert.strictEqual(scrubSecrets(text, [Scripted.API_KEY]), "key <redacted>, quoted <redacted>")
      })

      it("removes the key as a JSON body spells it, escapes included", () => {
        const key = 'CAP-"quoted"\\back\tslash'
        const body = JSON.stringify({ errorDescription: `bad key ${key}`, echo: key })
        assert.notStrictEqual(body.indexOf(JSON.stringify(key).slice(1, -1)), -1)
        const scrubbed = scrubSecrets(body, [key])
        assert.deepStrictEqual(JSON.parse(scrubbed), {
          errorDescription: "bad key <redacted>",
          echo: "<redacted>",
        })
      })

      it("leaves text without the key, and an empty key, alone", () => {
        assert.strictEqual(scrubSecrets("nothing here", [Scripted.API_KEY, ""]), "nothing here")
        assert.strictEqual(scrubSecrets("nothing here", undefined), "nothing here")
      })
    })

    it("the key is redacted in the client config, whatever prints it", () => {
      const key = Redacted.make(Scripted.API_KEY, { label: "apiKey" })
      assert.notInclude(String(key), Scripted.API_KEY)
      assert.notInclude(JSON.stringify({ key }), Scripted.API_KEY)
      assert.notInclude(inspect({ key }), Scripted.API_KEY)
    })
  })
})
