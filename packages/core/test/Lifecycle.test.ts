import { assert, describe, it } from "@effect/vitest"
import { type Duration, Effect, Exit, Fiber, Result, Stream } from "effect"
import { TestClock } from "effect/testing"
import type { SolveError } from "../src/domain/Errors.ts"
import { CapSolver } from "../src/domain/Provider.ts"
import * as Task from "../src/domain/Task.ts"
import { ImageToTextTask } from "../src/domain/tasks/ImageToText.ts"
import { ReCaptchaV2TaskProxyLess } from "../src/domain/tasks/ReCaptchaV2.ts"
import type { LifecycleEvent } from "../src/engine/Events.ts"
import * as Policy from "../src/engine/Policy.ts"
import { SolveKit } from "../src/faces/SolveKit.ts"
import * as Scripted from "./ScriptedTransport.ts"

const recaptcha = ReCaptchaV2TaskProxyLess({
  websiteURL: "https://example.test/login",
  websiteKey: "6Le-site-key",
})
const image = ImageToTextTask({ body: "aGVsbG8gd29ybGQ=" })

const WINDOW = CapSolver.limits.resultWindowMs
const MARGIN = CapSolver.limits.safetyMarginMs
const BUDGET = CapSolver.limits.maxQueriesPerTask

/** Runs `program` on the TestClock, advancing virtual time until it settles. */
const settle = <A, E>(program: Effect.Effect<A, E>, horizon: Duration.Input = "20 minutes") =>
  Effect.gen(function* () {
    const fiber = yield* Effect.forkChild(program)
    yield* TestClock.adjust(horizon)
    return yield* Fiber.await(fiber)
  })

const solveWith = (
  transport: Scripted.ScriptedTransport,
  options: Parameters<typeof Scripted.clientLayer>[1] = {},
  task: Task.AnyTaskRequest = recaptcha,
  solveOptions: Parameters<SolveKit["Service"]["solve"]>[1] = {},
) =>
  SolveKit.use((kit) => kit.solve(task, solveOptions)).pipe(
    Effect.provide(Scripted.clientLayer(transport, options)),
  )

const failureOf = <A>(exit: Exit.Exit<A, SolveError>): SolveError => {
  assert.isTrue(Exit.isFailure(exit), "expected a failure")
  if (Exit.isSuccess(exit)) throw new Error("unreachable")
  const error = exit.cause.reasons.find((r) => r._tag === "Fail")
  assert.isDefined(error, "expected a typed failure")
  return (error as { readonly error: SolveError }).error
}

describe("Lifecycle", () => {
  describe("answers", () => {
    it.effect("returns a recognition answer from createTask without a single poll", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: {
            json: { errorId: 0, taskId: "img-1", status: "ready", solution: { text: "44795sds" } },
          },
        })
        const exit = yield* settle(solveWith(transport, {}, image))
        assert.isTrue(Exit.isSuccess(exit))
        if (Exit.isSuccess(exit)) {
          assert.deepStrictEqual(exit.value.solution.text, "44795sds")
          assert.strictEqual(exit.value.taskId, "img-1")
          assert.strictEqual(exit.value.queries, 0)
        }
        assert.strictEqual(transport.callsTo("getTaskResult").length, 0)
      }),
    )

    it.effect("polls idle → processing → ready on the provider's cadence and types the solution", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: Scripted.created("task-1"),
          getTaskResult: [
            Scripted.idle,
            Scripted.processing,
            Scripted.ready({ gRecaptchaResponse: "03AG-token" }),
          ],
        })
        // The provider's advice as a fixed cadence (the client default learns, starting from its own prior).
        const exit = yield* settle(solveWith(transport, { policy: Policy.defaultPolicy }))
        assert.isTrue(Exit.isSuccess(exit))
        if (Exit.isSuccess(exit)) {
          const token: string = exit.value.solution.gRecaptchaResponse
          assert.strictEqual(token, "03AG-token")
          assert.strictEqual(exit.value.queries, 3)
          assert.strictEqual(exit.value.elapsedMs, 1_500 + 3_000 + 3_000)
        }
        assert.deepStrictEqual(
          transport.callsTo("getTaskResult").map((c) => c.at),
          [1_500, 4_500, 7_500],
        )
      }),
    )

    it.effect("sends the key redacted to the transport and the task in its wire form", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({ createTask: Scripted.created(), getTaskResult: Scripted.ready() })
        yield* settle(solveWith(transport, { appId: "app-7" }))
        const [create, poll] = transport.calls
        assert.isTrue(Scripted.isRedactedKey(create?.body.clientKey))
        assert.strictEqual(create?.body.appId, "app-7")
        assert.deepStrictEqual(create?.body.task, {
          type: "ReCaptchaV2TaskProxyLess",
          websiteURL: "https://example.test/login",
          websiteKey: "6Le-site-key",
        })
        assert.strictEqual(poll?.body.taskId, "task-1")
      }),
    )

    it.effect("a keyless client sends no clientKey at all, on every endpoint", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: Scripted.created(),
          getTaskResult: Scripted.ready(),
          getBalance: { json: { errorId: 0, balance: 1 } },
          feedbackTask: { json: { errorId: 0, message: "ok" } },
        })
        const exit = yield* settle(
          Effect.gen(function* () {
            const kit = yield* SolveKit
            yield* kit.solve(recaptcha)
            yield* kit.getBalance()
            yield* kit.feedback("task-1", { invalid: false })
          }).pipe(Effect.provide(Scripted.clientLayer(transport, { keyless: true, appId: "app-7" }))),
        )
        assert.isTrue(Exit.isSuccess(exit))
        assert.deepStrictEqual(
          transport.calls.map((c) => c.endpoint),
          ["createTask", "getTaskResult", "getBalance", "feedbackTask"],
        )
        for (const call of transport.calls) {
          assert.isFalse(Object.hasOwn(call.body, "clientKey"), call.endpoint)
          assert.strictEqual(call.body.appId, "app-7")
        }
      }),
    )

    it.effect("accepts a numeric taskId and an absent status on createTask", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: { json: { errorId: 0, taskId: 73_421 } },
          getTaskResult: Scripted.ready(),
        })
        const exit = yield* settle(solveWith(transport))
        assert.isTrue(Exit.isSuccess(exit))
        if (Exit.isSuccess(exit)) assert.strictEqual(exit.value.taskId, "73421")
      }),
    )

    it.effect("polls a task whose createTask answer names it with an unknown status (queued)", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: { json: { errorId: 0, taskId: "task-q", status: "queued" } },
          getTaskResult: Scripted.ready({ gRecaptchaResponse: "tok-q" }),
        })
        const exit = yield* settle(solveWith(transport))
        assert.isTrue(Exit.isSuccess(exit))
        if (Exit.isSuccess(exit)) assert.strictEqual(exit.value.taskId, "task-q")
        assert.strictEqual(transport.callsTo("createTask").length, 1)
        assert.strictEqual(transport.callsTo("getTaskResult")[0]?.body.taskId, "task-q")
      }),
    )

    it.effect("polls a task whose createTask answer says ready but carries no solution", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: { json: { errorId: 0, taskId: "task-rn", status: "ready" } },
          getTaskResult: Scripted.ready({ gRecaptchaResponse: "tok-rn" }),
        })
        const exit = yield* settle(solveWith(transport))
        assert.isTrue(Exit.isSuccess(exit))
        if (Exit.isSuccess(exit)) assert.strictEqual(exit.value.solution.gRecaptchaResponse, "tok-rn")
        assert.strictEqual(transport.callsTo("createTask").length, 1)
      }),
    )

    it.effect("a createTask answer with status failed and a taskId fails with an ApiError naming it", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: { json: { errorId: 0, taskId: "task-f", status: "failed" } },
        })
        const error = failureOf(yield* settle(solveWith(transport)))
        assert.strictEqual(error._tag, "ApiError")
        if (error._tag === "ApiError") {
          assert.strictEqual(error.reason, "Unsolvable")
          assert.strictEqual(error.taskId, "task-f")
        }
        assert.strictEqual(transport.callsTo("getTaskResult").length, 0)
      }),
    )

    it.effect("a createTask HTTP 500 that names a taskId is an outcome-unknown error carrying it", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: { status: 500, json: { errorId: 0, taskId: "task-500" } },
        })
        const error = failureOf(yield* settle(solveWith(transport)))
        assert.strictEqual(error._tag, "CreateTaskOutcomeUnknownError")
        if (error._tag === "CreateTaskOutcomeUnknownError") assert.strictEqual(error.taskId, "task-500")
        assert.strictEqual(transport.callsTo("createTask").length, 1)
      }),
    )

    it.effect("rejects an invalid task before any request", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({})
        const bad = ReCaptchaV2TaskProxyLess({ websiteURL: "", websiteKey: "k" } as never)
        const error = failureOf(yield* settle(solveWith(transport, {}, bad)))
        assert.strictEqual(error._tag, "InvalidTaskError")
        assert.strictEqual(transport.calls.length, 0)
      }),
    )

    it.effect("reports a solution that does not match the task type as a DecodeError with the taskId", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: Scripted.created("task-9"),
          getTaskResult: Scripted.ready({ gRecaptchaResponse: 42 }),
        })
        const error = failureOf(yield* settle(solveWith(transport)))
        assert.strictEqual(error._tag, "DecodeError")
        assert.strictEqual((error as { taskId?: string }).taskId, "task-9")
      }),
    )
  })

  describe("errors", () => {
    it.effect("fails an unsolvable task with the classified ApiError, its taskId, and no further query", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: Scripted.created("task-u"),
          getTaskResult: [
            Scripted.processing,
            { json: { errorId: 1, errorCode: "ERROR_CAPTCHA_UNSOLVABLE", status: "failed" } },
          ],
        })
        const error = failureOf(yield* settle(solveWith(transport)))
        assert.strictEqual(error._tag, "ApiError")
        if (error._tag === "ApiError") {
          assert.strictEqual(error.reason, "Unsolvable")
          assert.strictEqual(error.errorCode, "ERROR_CAPTCHA_UNSOLVABLE")
          assert.strictEqual(error.taskId, "task-u")
          assert.strictEqual(error.endpoint, "getTaskResult")
        }
        assert.strictEqual(transport.callsTo("getTaskResult").length, 2)
      }),
    )

    it.effect("fails a createTask auth error once, without a taskId and without retrying", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({ createTask: Scripted.apiError("ERROR_KEY_DENIED_ACCESS", 401) })
        const error = failureOf(yield* settle(solveWith(transport)))
        assert.strictEqual(error._tag, "ApiError")
        if (error._tag === "ApiError") {
          assert.strictEqual(error.reason, "Auth")
          assert.strictEqual(error.httpStatus, 401)
          assert.isUndefined(error.taskId)
        }
        assert.strictEqual(transport.calls.length, 1)
      }),
    )

    it.effect("treats status failed without a code as Unsolvable", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: Scripted.created(),
          getTaskResult: { json: { errorId: 0, status: "failed" } },
        })
        const error = failureOf(yield* settle(solveWith(transport)))
        assert.strictEqual(error._tag === "ApiError" && error.reason, "Unsolvable")
      }),
    )

    it.effect("stops at ERROR_TASKID_INVALID (task expired or unknown) with reason TaskNotFound", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: Scripted.created(),
          getTaskResult: Scripted.apiError("ERROR_TASKID_INVALID"),
        })
        const error = failureOf(yield* settle(solveWith(transport)))
        assert.strictEqual(error._tag === "ApiError" && error.reason, "TaskNotFound")
        assert.strictEqual(transport.callsTo("getTaskResult").length, 1)
      }),
    )

    it.effect("retries a garbled getTaskResult answer twice before giving up with a DecodeError", () =>
      Effect.gen(function* () {
        const garbled: Scripted.Reply = { text: '{"errorId":0,"sta', status: 200 }
        const recovered = Scripted.make({
          createTask: Scripted.created(),
          getTaskResult: [garbled, garbled, Scripted.ready()],
        })
        const exit = yield* settle(solveWith(recovered))
        assert.isTrue(Exit.isSuccess(exit))
        const broken = Scripted.make({ createTask: Scripted.created(), getTaskResult: garbled })
        const error = failureOf(yield* settle(solveWith(broken)))
        assert.strictEqual(error._tag, "DecodeError")
        assert.strictEqual(broken.callsTo("getTaskResult").length, 3)
      }),
    )

    it.effect(
      "the garbled-answer limit counts consecutive unreadable answers, not earlier transient errors",
      () =>
        Effect.gen(function* () {
          const garbled: Scripted.Reply = { text: '{"errorId":0,"sta', status: 200 }
          const transport = Scripted.make({
            createTask: Scripted.created(),
            getTaskResult: [
              Scripted.htmlPage(502),
              Scripted.htmlPage(502),
              garbled,
              garbled,
              Scripted.ready(),
            ],
          })
          const exit = yield* settle(solveWith(transport))
          assert.isTrue(Exit.isSuccess(exit))
          assert.strictEqual(transport.callsTo("getTaskResult").length, 5)
        }),
    )

    it.effect("turns a 200 HTML page during polling into a DecodeError with a bounded excerpt", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: Scripted.created(),
          getTaskResult: { text: `<html>${"x".repeat(5_000)}</html>`, status: 200 },
        })
        const error = failureOf(yield* settle(solveWith(transport)))
        assert.strictEqual(error._tag, "DecodeError")
        if (error._tag === "DecodeError") {
          assert.isAtMost(error.excerpt.length, 512)
          assert.isTrue(error.excerpt.startsWith("<html>"))
          assert.strictEqual(error.taskId, "task-1")
        }
      }),
    )
  })

  describe("transient retries", () => {
    it.effect(
      "retries getTaskResult through 502 pages, network errors, 429 and overload codes, counting each query",
      () =>
        Effect.gen(function* () {
          const transport = Scripted.make({
            createTask: Scripted.created(),
            getTaskResult: [
              Scripted.htmlPage(502),
              { network: "unknown" },
              Scripted.apiError("ERROR_SERVICE_UNAVALIABLE", 200),
              Scripted.apiError("ERROR_SERVICE_UNAVAILABLE", 200),
              Scripted.apiError("ERROR_RATE_LIMIT", 200),
              { text: "slow down", status: 429 },
              Scripted.ready(),
            ],
          })
          const exit = yield* settle(solveWith(transport))
          assert.isTrue(Exit.isSuccess(exit))
          if (Exit.isSuccess(exit)) assert.strictEqual(exit.value.queries, 7)
        }),
    )

    it.effect("waits at least the Retry-After the server asks for", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: Scripted.created(),
          getTaskResult: [{ text: "busy", status: 503, retryAfterMs: 20_000 }, Scripted.ready()],
        })
        const exit = yield* settle(solveWith(transport))
        assert.isTrue(Exit.isSuccess(exit))
        const [first, second] = transport.callsTo("getTaskResult")
        assert.isAtLeast((second?.at ?? 0) - (first?.at ?? 0), 20_000)
      }),
    )

    it.effect("retries with growing, jittered backoff", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: Scripted.created(),
          getTaskResult: [
            { network: "unknown" },
            { network: "unknown" },
            { network: "unknown" },
            Scripted.ready(),
          ],
        })
        yield* settle(solveWith(transport))
        const times = transport.callsTo("getTaskResult").map((c) => c.at)
        const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0))
        // base 500 ms doubling, each ×[0.8, 1.2]
        assert.isTrue(gaps[0]! >= 400 && gaps[0]! <= 600, `gap 1 was ${gaps[0]}`)
        assert.isTrue(gaps[1]! >= 800 && gaps[1]! <= 1200, `gap 2 was ${gaps[1]}`)
        assert.isTrue(gaps[2]! >= 1600 && gaps[2]! <= 2400, `gap 3 was ${gaps[2]}`)
      }),
    )

    it.effect("does not retry a non-transient HTTP status (404) while polling", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: Scripted.created(),
          getTaskResult: Scripted.htmlPage(404),
        })
        const error = failureOf(yield* settle(solveWith(transport)))
        assert.strictEqual(error._tag, "TransportError")
        assert.strictEqual((error as { taskId?: string }).taskId, "task-1")
        assert.strictEqual(transport.callsTo("getTaskResult").length, 1)
      }),
    )
  })

  describe("createTask is never paid twice", () => {
    it.effect("re-sends createTask after a transient error answer (nothing was created)", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: [Scripted.apiError("ERROR_SERVICE_UNAVALIABLE", 200), Scripted.created("task-2")],
          getTaskResult: Scripted.ready(),
        })
        const exit = yield* settle(solveWith(transport))
        assert.isTrue(Exit.isSuccess(exit))
        assert.strictEqual(transport.callsTo("createTask").length, 2)
      }),
    )

    it.effect("re-sends createTask after HTTP 429 / 503 and after a connection refused before sending", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: [
            { text: "", status: 429 },
            Scripted.htmlPage(503),
            { network: false },
            Scripted.created("task-3"),
          ],
          getTaskResult: Scripted.ready(),
        })
        const exit = yield* settle(solveWith(transport))
        assert.isTrue(Exit.isSuccess(exit))
        assert.strictEqual(transport.callsTo("createTask").length, 4)
      }),
    )

    it.effect("stops re-sending createTask after the configured number of retries", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({ createTask: { network: false } })
        const error = failureOf(yield* settle(solveWith(transport, { retry: { createTaskMaxRetries: 2 } })))
        assert.strictEqual(error._tag, "TransportError")
        assert.strictEqual(transport.callsTo("createTask").length, 3)
      }),
    )

    for (const [label, reply] of [
      ["a connection lost after sending", { network: "unknown" }],
      ["an HTTP 500 page", Scripted.htmlPage(500)],
      ["a 502 gateway page", Scripted.htmlPage(502)],
      ["a 200 with malformed JSON", { text: '{"errorId":0,"taskId":', status: 200 }],
      ["a 200 without a taskId", { json: { errorId: 0, status: "idle" } }],
    ] as const) {
      it.effect(`fails with CreateTaskOutcomeUnknownError after ${label}, sent exactly once`, () =>
        Effect.gen(function* () {
          const transport = Scripted.make({ createTask: reply as Scripted.Reply })
          const error = failureOf(yield* settle(solveWith(transport)))
          assert.strictEqual(error._tag, "CreateTaskOutcomeUnknownError")
          assert.strictEqual(transport.callsTo("createTask").length, 1)
          assert.strictEqual(transport.callsTo("getTaskResult").length, 0)
        }),
      )
    }
  })

  describe("hard limits", () => {
    it.effect(
      `never sends more than ${BUDGET} getTaskResult queries, even when the policy says every 1 ms`,
      () =>
        Effect.gen(function* () {
          const transport = Scripted.make({
            createTask: Scripted.created(),
            getTaskResult: Scripted.processing,
          })
          const error = failureOf(yield* settle(solveWith(transport, { policy: Scripted.fastPolicy })))
          assert.strictEqual(error._tag, "PollBudgetExhaustedError")
          if (error._tag === "PollBudgetExhaustedError") {
            assert.strictEqual(error.taskId, "task-1")
            assert.strictEqual(error.queries, BUDGET)
            assert.strictEqual(error.limit, BUDGET)
          }
          assert.strictEqual(transport.callsTo("getTaskResult").length, BUDGET)
        }),
    )

    it.effect(`counts retries in the ${BUDGET}-query budget`, () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: Scripted.created(),
          getTaskResult: (n) => (n % 2 === 0 ? Scripted.htmlPage(503) : Scripted.processing),
        })
        const error = failureOf(
          yield* settle(
            solveWith(transport, { policy: Scripted.fastPolicy, retry: { baseDelayMs: 1, maxDelayMs: 1 } }),
          ),
        )
        assert.include(["PollBudgetExhaustedError", "TaskDeadlineError"], error._tag)
        assert.strictEqual(transport.callsTo("getTaskResult").length, BUDGET)
      }),
    )

    it.effect("never queries after the result window minus the safety margin", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: Scripted.created(),
          getTaskResult: Scripted.processing,
        })
        const error = failureOf(yield* settle(solveWith(transport, { policy: Policy.fixed("7 seconds") })))
        assert.strictEqual(error._tag, "TaskDeadlineError")
        const times = transport.callsTo("getTaskResult").map((c) => c.at)
        assert.isAbove(times.length, 30)
        for (const at of times) assert.isBelow(at, WINDOW - MARGIN)
        if (error._tag === "TaskDeadlineError") {
          assert.strictEqual(error.windowMs, WINDOW)
          // It fails as soon as the next wait would cross the deadline, not after sleeping through it.
          assert.isBelow(error.elapsedMs, WINDOW - MARGIN)
        }
      }),
    )

    it.effect(
      "keeps retries inside the deadline: a server down for good ends in TaskDeadlineError before the window",
      () =>
        Effect.gen(function* () {
          const transport = Scripted.make({
            createTask: Scripted.created(),
            getTaskResult: Scripted.htmlPage(503),
          })
          const error = failureOf(yield* settle(solveWith(transport)))
          assert.strictEqual(error._tag, "TaskDeadlineError")
          if (error._tag === "TaskDeadlineError")
            assert.strictEqual((error.cause as { _tag?: string })._tag, "TransportError")
          for (const call of transport.callsTo("getTaskResult")) assert.isBelow(call.at, WINDOW - MARGIN)
          assert.isAtMost(transport.callsTo("getTaskResult").length, BUDGET)
        }),
    )

    it.effect("measures the window from the moment createTask was sent, not answered", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: { delayMs: 60_000, reply: Scripted.created() },
          getTaskResult: Scripted.processing,
        })
        yield* settle(
          solveWith(transport, { policy: Policy.fixed("5 seconds"), retry: { requestTimeoutMs: 90_000 } }),
        )
        assert.strictEqual(transport.callsTo("getTaskResult")[0]?.at, 65_000)
        const last = transport.callsTo("getTaskResult").at(-1)
        assert.isBelow(last?.at ?? Number.POSITIVE_INFINITY, WINDOW - MARGIN)
      }),
    )

    it.effect("sends no query once the outcome is known", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: Scripted.created(),
          getTaskResult: [Scripted.processing, Scripted.ready(), Scripted.processing],
        })
        const fiber = yield* Effect.forkChild(solveWith(transport))
        yield* TestClock.adjust("1 hour")
        yield* Fiber.join(fiber)
        yield* TestClock.adjust("1 hour")
        assert.strictEqual(transport.callsTo("getTaskResult").length, 2)
      }),
    )
  })

  describe("timeout and interruption", () => {
    it.effect("fails with TaskTimeoutError carrying the taskId when the overall timeout elapses", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: Scripted.created("task-t"),
          getTaskResult: Scripted.processing,
        })
        const error = failureOf(yield* settle(solveWith(transport, {}, recaptcha, { timeout: "10 seconds" })))
        assert.strictEqual(error._tag, "TaskTimeoutError")
        if (error._tag === "TaskTimeoutError") {
          assert.strictEqual(error.taskId, "task-t")
          assert.strictEqual(error.timeoutMs, 10_000)
          assert.strictEqual(error.elapsedMs, 10_000)
        }
        const count = transport.callsTo("getTaskResult").length
        yield* TestClock.adjust("10 minutes")
        assert.strictEqual(transport.callsTo("getTaskResult").length, count)
      }),
    )

    it.effect(
      "a malformed, negative or NaN per-call timeout is a ConfigurationError naming timeout, sending nothing",
      () =>
        Effect.gen(function* () {
          for (const timeout of ["2 minuts" as Duration.Input, -5, Number.NaN]) {
            const transport = Scripted.make({
              createTask: Scripted.created(),
              getTaskResult: Scripted.ready(),
            })
            const error = failureOf(yield* settle(solveWith(transport, {}, recaptcha, { timeout })))
            assert.strictEqual(error._tag, "ConfigurationError")
            assert.include(error.message, "timeout")
            assert.strictEqual(transport.calls.length, 0)
          }
        }),
    )

    it.effect("uses the client's default timeout when the call gives none", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: Scripted.created(),
          getTaskResult: Scripted.processing,
        })
        const error = failureOf(yield* settle(solveWith(transport, { timeout: "45 seconds" })))
        assert.strictEqual(error._tag === "TaskTimeoutError" && error.timeoutMs, 45_000)
      }),
    )

    it.effect("interrupting mid-request aborts the in-flight request", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({ createTask: Scripted.created(), getTaskResult: { hang: true } })
        const fiber = yield* Effect.forkChild(solveWith(transport, { policy: Policy.defaultPolicy }))
        yield* TestClock.adjust("2 seconds")
        const inFlight = transport.callsTo("getTaskResult")
        assert.strictEqual(inFlight.length, 1)
        assert.isFalse(inFlight[0]!.finished)
        yield* Fiber.interrupt(fiber)
        assert.isTrue(inFlight[0]!.interrupted)
      }),
    )

    it.effect("interrupting mid-sleep stops polling for good", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: Scripted.created(),
          getTaskResult: Scripted.processing,
        })
        const fiber = yield* Effect.forkChild(solveWith(transport, { policy: Policy.defaultPolicy }))
        yield* TestClock.adjust("2 seconds") // first poll at 1.5 s, next at 4.5 s
        assert.strictEqual(transport.callsTo("getTaskResult").length, 1)
        yield* Fiber.interrupt(fiber)
        yield* TestClock.adjust("10 minutes")
        assert.strictEqual(transport.callsTo("getTaskResult").length, 1)
      }),
    )

    it.effect("abandons a getTaskResult that never answers after the request timeout and retries it", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: Scripted.created(),
          getTaskResult: [{ hang: true }, Scripted.ready()],
        })
        const exit = yield* settle(solveWith(transport, { retry: { requestTimeoutMs: 5_000 } }))
        assert.isTrue(Exit.isSuccess(exit))
        const [hung, retried] = transport.callsTo("getTaskResult")
        assert.isTrue(hung?.interrupted)
        assert.isAtLeast((retried?.at ?? 0) - (hung?.at ?? 0), 5_000)
        if (Exit.isSuccess(exit)) assert.strictEqual(exit.value.queries, 2)
      }),
    )

    it.effect(
      "with no timeout at all, a solve whose polls never answer still ends inside the result window",
      () =>
        Effect.gen(function* () {
          const transport = Scripted.make({ createTask: Scripted.created(), getTaskResult: { hang: true } })
          const fiber = yield* Effect.forkChild(solveWith(transport))
          yield* TestClock.adjust(WINDOW)
          const exit = yield* Fiber.await(fiber)
          const error = failureOf(exit)
          assert.include(["TaskDeadlineError", "PollBudgetExhaustedError"], error._tag)
          for (const call of transport.callsTo("getTaskResult")) assert.isBelow(call.at, WINDOW - MARGIN)
        }),
    )

    it.effect("a createTask that never answers ends as CreateTaskOutcomeUnknownError, not re-sent", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({ createTask: { hang: true } })
        const error = failureOf(yield* settle(solveWith(transport)))
        assert.strictEqual(error._tag, "CreateTaskOutcomeUnknownError")
        assert.strictEqual(transport.callsTo("createTask").length, 1)
        assert.isTrue(transport.calls[0]?.interrupted)
      }),
    )

    it.effect("time spent waiting for a request slot does not count against the request timeout", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: { delayMs: 20_000, reply: Scripted.created() },
          getTaskResult: Scripted.ready(),
        })
        const exit = yield* settle(
          SolveKit.use((kit) =>
            Effect.all([kit.solve(recaptcha), kit.solve(recaptcha)], { concurrency: "unbounded" }),
          ).pipe(
            Effect.provide(
              Scripted.clientLayer(transport, {
                maxConcurrentRequests: 1,
                retry: { requestTimeoutMs: 25_000 },
              }),
            ),
          ),
        )
        assert.isTrue(Exit.isSuccess(exit))
        assert.strictEqual(transport.callsTo("createTask").length, 2)
      }),
    )

    it.effect("a timeout during createTask has no taskId to report, and says the task may exist", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({ createTask: { hang: true } })
        const error = failureOf(yield* settle(solveWith(transport, {}, recaptcha, { timeout: "5 seconds" })))
        assert.strictEqual(error._tag, "TaskTimeoutError")
        assert.isUndefined((error as { taskId?: string }).taskId)
        assert.strictEqual(error._tag === "TaskTimeoutError" && error.createTaskOutcome, "unknown")
        assert.include(error.message, "may have been created")
        assert.isTrue(transport.calls[0]!.interrupted)
      }),
    )

    it.effect("a timeout while createTask backs off after a refusal claims no unknown task", () =>
      Effect.gen(function* () {
        // A 503 answer created nothing; the timeout lands during the backoff before the re-send.
        const transport = Scripted.make({ createTask: [Scripted.htmlPage(503), Scripted.created()] })
        const error = failureOf(yield* settle(solveWith(transport, {}, recaptcha, { timeout: "100 millis" })))
        assert.strictEqual(error._tag, "TaskTimeoutError")
        assert.strictEqual(transport.callsTo("createTask").length, 1)
        assert.isUndefined(error._tag === "TaskTimeoutError" ? error.createTaskOutcome : "n/a")
        assert.notInclude(error.message, "may have been created")
      }),
    )

    it.effect("a timeout after createTask answered names the task instead", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: Scripted.created("task-k"),
          getTaskResult: { hang: true },
        })
        const error = failureOf(yield* settle(solveWith(transport, {}, recaptcha, { timeout: "5 seconds" })))
        assert.strictEqual(error._tag === "TaskTimeoutError" && error.taskId, "task-k")
        assert.isUndefined(error._tag === "TaskTimeoutError" ? error.createTaskOutcome : "n/a")
      }),
    )
  })

  describe("resume", () => {
    it.effect("waitForResult collects a task created earlier, typed by its definition", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          getTaskResult: [Scripted.processing, Scripted.ready({ gRecaptchaResponse: "resumed" })],
        })
        const exit = yield* settle(
          SolveKit.use((kit) => kit.waitForResult("task-old", { task: ReCaptchaV2TaskProxyLess })).pipe(
            Effect.provide(Scripted.clientLayer(transport)),
          ),
        )
        assert.isTrue(Exit.isSuccess(exit))
        if (Exit.isSuccess(exit)) {
          const token: string = exit.value.solution.gRecaptchaResponse
          assert.strictEqual(token, "resumed")
          assert.strictEqual(exit.value.taskId, "task-old")
        }
        assert.strictEqual(transport.calls[0]?.body.taskId, "task-old")
      }),
    )

    it.effect("waitForResult honours the original creation time and the queries already spent", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({ getTaskResult: Scripted.processing })
        yield* TestClock.adjust("4 minutes")
        const exit = yield* settle(
          SolveKit.use((kit) =>
            kit.waitForResult(
              { taskId: "task-old", createdAt: 0 },
              { queriesUsed: 100, policy: Scripted.fastPolicy },
            ),
          ).pipe(Effect.provide(Scripted.clientLayer(transport))),
        )
        const error = failureOf(exit)
        assert.strictEqual(error._tag, "PollBudgetExhaustedError")
        assert.strictEqual(transport.calls.length, BUDGET - 100)
      }),
    )

    it.effect("resuming a timed-out solve with its error continues the same 120-query budget", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: Scripted.created("task-r"),
          getTaskResult: Scripted.processing,
        })
        const layer = Scripted.clientLayer(transport, { policy: Scripted.fastPolicy })
        const timedOut = failureOf(
          yield* settle(
            SolveKit.use((kit) => kit.solve(recaptcha, { timeout: "60 millis" })).pipe(Effect.provide(layer)),
            "1 second",
          ),
        )
        assert.strictEqual(timedOut._tag, "TaskTimeoutError")
        if (timedOut._tag !== "TaskTimeoutError") return
        const spent = transport.callsTo("getTaskResult").length
        assert.isAbove(spent, 20)
        assert.strictEqual(timedOut.queries, spent)
        assert.strictEqual(timedOut.createdAt, 0)
        const resumed = failureOf(
          yield* settle(SolveKit.use((kit) => kit.waitForResult(timedOut)).pipe(Effect.provide(layer))),
        )
        assert.strictEqual(resumed._tag, "PollBudgetExhaustedError")
        assert.strictEqual(transport.callsTo("getTaskResult").length, BUDGET)
        if (resumed._tag === "PollBudgetExhaustedError") assert.strictEqual(resumed.queries, BUDGET)
      }),
    )

    it.effect("resuming a timed-out solve with its error never queries past the original window", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: Scripted.created("task-w"),
          getTaskResult: Scripted.processing,
        })
        const layer = Scripted.clientLayer(transport, { policy: Policy.fixed("3 seconds") })
        const timedOut = failureOf(
          yield* settle(
            SolveKit.use((kit) => kit.solve(recaptcha, { timeout: "60 seconds" })).pipe(
              Effect.provide(layer),
            ),
            "61 seconds",
          ),
        )
        assert.strictEqual(timedOut._tag, "TaskTimeoutError")
        if (timedOut._tag !== "TaskTimeoutError") return
        // The caller comes back 3 minutes later: the window still counts from the original createTask.
        yield* TestClock.adjust("3 minutes")
        const resumed = failureOf(
          yield* settle(SolveKit.use((kit) => kit.waitForResult(timedOut)).pipe(Effect.provide(layer))),
        )
        assert.strictEqual(resumed._tag, "TaskDeadlineError")
        const times = transport.callsTo("getTaskResult").map((c) => c.at)
        assert.isAtMost(times.length, BUDGET)
        for (const at of times) assert.isBelow(at, WINDOW - MARGIN)
        if (resumed._tag === "TaskDeadlineError") assert.strictEqual(resumed.createdAt, 0)
      }),
    )

    it.effect("every error after creation records createdAt and the queries spent, and so does Created", () =>
      Effect.gen(function* () {
        const events: Array<LifecycleEvent> = []
        const transport = Scripted.make({
          createTask: Scripted.created("task-e"),
          getTaskResult: [Scripted.processing, Scripted.apiError("ERROR_CAPTCHA_UNSOLVABLE", 200)],
        })
        const error = failureOf(
          yield* settle(
            solveWith(transport, { policy: Scripted.fastPolicy }, recaptcha, {
              onEvent: (e) => events.push(e),
            }),
          ),
        )
        assert.strictEqual(error._tag, "ApiError")
        if (error._tag === "ApiError") {
          assert.strictEqual(error.taskId, "task-e")
          assert.strictEqual(error.createdAt, 0)
          assert.strictEqual(error.queries, 2)
        }
        const created = events.find((e) => e._tag === "Created")
        assert.strictEqual(created?._tag === "Created" ? created.createdAt : undefined, 0)
      }),
    )

    it.effect("createTask then waitForResult(created) is the same lifecycle in two steps", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: Scripted.created("task-2s"),
          getTaskResult: Scripted.ready(),
        })
        const exit = yield* settle(
          Effect.gen(function* () {
            const kit = yield* SolveKit
            const created = yield* kit.createTask(recaptcha)
            assert.isUndefined(created.solution)
            return yield* kit.waitForResult(created, { task: ReCaptchaV2TaskProxyLess })
          }).pipe(Effect.provide(Scripted.clientLayer(transport))),
        )
        assert.isTrue(Exit.isSuccess(exit))
        if (Exit.isSuccess(exit)) assert.strictEqual(exit.value.taskId, "task-2s")
      }),
    )

    it.effect("without a definition, the resumed solution comes back as sent", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({ getTaskResult: Scripted.ready({ token: "t", extra: 1 }) })
        const exit = yield* settle(
          SolveKit.use((kit) => kit.waitForResult("task-x")).pipe(
            Effect.provide(Scripted.clientLayer(transport)),
          ),
        )
        assert.isTrue(Exit.isSuccess(exit))
        if (Exit.isSuccess(exit)) assert.deepStrictEqual(exit.value.solution, { token: "t", extra: 1 })
      }),
    )
  })

  describe("policy", () => {
    it.effect(
      "shows the policy the task type, attempt, elapsed time and last status, and reports the completion",
      () =>
        Effect.gen(function* () {
          const seen: Array<Policy.PollContext> = []
          const completions: Array<Policy.Completion> = []
          const policy = Policy.make({
            name: "recording",
            nextDelay: (context) => {
              seen.push(context)
              return "2 seconds"
            },
            observe: (completion) => completions.push(completion),
          })
          const transport = Scripted.make({
            createTask: Scripted.created(),
            getTaskResult: [Scripted.idle, Scripted.processing, Scripted.ready()],
          })
          yield* settle(solveWith(transport, { policy }))
          assert.deepStrictEqual(
            seen.map((c) => [c.taskType, c.attempt, c.elapsedMs, c.lastStatus]),
            [
              ["ReCaptchaV2TaskProxyLess", 0, 0, "created"],
              ["ReCaptchaV2TaskProxyLess", 1, 2_000, "idle"],
              ["ReCaptchaV2TaskProxyLess", 2, 4_000, "processing"],
            ],
          )
          assert.deepStrictEqual(completions, [
            {
              taskType: "ReCaptchaV2TaskProxyLess",
              solveMs: 6_000,
              lastPendingMs: 4_000,
              queries: 3,
              outcome: "ready",
            },
          ])
        }),
    )

    it.effect("a per-call policy overrides the client's", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({ createTask: Scripted.created(), getTaskResult: Scripted.ready() })
        yield* settle(
          solveWith(transport, {}, recaptcha, { policy: Policy.fixed("9 seconds", "250 millis") }),
        )
        assert.strictEqual(transport.callsTo("getTaskResult")[0]?.at, 250)
      }),
    )

    it("offers no second learner next to AdaptivePolicy (Policy.adaptive was removed)", () => {
      assert.isFalse("adaptive" in Policy)
    })
  })

  describe("events", () => {
    it.effect(
      "emits Created, Polled with each status, then Solved, to the call and the client listeners",
      () =>
        Effect.gen(function* () {
          const perCall: Array<LifecycleEvent> = []
          const clientWide: Array<LifecycleEvent> = []
          const transport = Scripted.make({
            createTask: Scripted.created("task-e"),
            getTaskResult: [Scripted.idle, Scripted.processing, Scripted.ready()],
          })
          yield* settle(
            solveWith(
              transport,
              { onEvent: (e) => clientWide.push(e), policy: Policy.defaultPolicy },
              recaptcha,
              {
                onEvent: (e) => perCall.push(e),
              },
            ),
          )
          assert.deepStrictEqual(
            perCall.map((e) => [e._tag, "status" in e ? e.status : undefined, e.queries, e.elapsedMs]),
            [
              ["Created", undefined, 0, 0],
              ["Polled", "idle", 1, 1_500],
              ["Polled", "processing", 2, 4_500],
              ["Polled", "ready", 3, 7_500],
              ["Solved", undefined, 3, 7_500],
            ],
          )
          assert.deepStrictEqual(clientWide, perCall)
          for (const event of perCall) assert.strictEqual(event.taskId, "task-e")
        }),
    )

    it.effect("emits Failed with the error tag and provider code", () =>
      Effect.gen(function* () {
        const events: Array<LifecycleEvent> = []
        const transport = Scripted.make({
          createTask: Scripted.created(),
          getTaskResult: Scripted.apiError("ERROR_CAPTCHA_UNSOLVABLE"),
        })
        yield* settle(solveWith(transport, {}, recaptcha, { onEvent: (e) => events.push(e) }))
        const last = events.at(-1)
        assert.strictEqual(last?._tag, "Failed")
        if (last?._tag === "Failed") {
          assert.strictEqual(last.error, "ApiError")
          assert.strictEqual(last.errorCode, "ERROR_CAPTCHA_UNSOLVABLE")
          assert.strictEqual(last.taskId, "task-1")
        }
      }),
    )

    it.effect("a throwing listener does not break the solve", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({ createTask: Scripted.created(), getTaskResult: Scripted.ready() })
        const exit = yield* settle(
          solveWith(transport, {}, recaptcha, {
            onEvent: () => {
              throw new Error("listener bug")
            },
          }),
        )
        assert.isTrue(Exit.isSuccess(exit))
      }),
    )

    it.effect("streams the client's events to Effect subscribers", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({ createTask: Scripted.created(), getTaskResult: Scripted.ready() })
        const exit = yield* settle(
          Effect.gen(function* () {
            const kit = yield* SolveKit
            const collector = yield* Effect.forkChild(Stream.runCollect(Stream.take(kit.events, 3)))
            yield* Effect.yieldNow
            yield* kit.solve(recaptcha)
            return yield* Fiber.join(collector)
          }).pipe(Effect.provide(Scripted.clientLayer(transport))),
        )
        assert.isTrue(Exit.isSuccess(exit))
        if (Exit.isSuccess(exit)) {
          assert.deepStrictEqual(
            [...exit.value].map((e) => e._tag),
            ["Created", "Polled", "Solved"],
          )
        }
      }),
    )
  })

  describe("batches", () => {
    const tasks = Array.from({ length: 10 }, (_, i) =>
      ReCaptchaV2TaskProxyLess({ websiteURL: `https://example.test/${i}`, websiteKey: "k" }),
    )

    it.effect("solveAll settles every task, failures included, without failing the batch", () =>
      Effect.gen(function* () {
        let created = 0
        const transport = Scripted.make({
          createTask: () => Scripted.created(`task-${created++}`),
          getTaskResult: (_n, call) =>
            call.body.taskId === "task-3" ? Scripted.apiError("ERROR_CAPTCHA_UNSOLVABLE") : Scripted.ready(),
        })
        const exit = yield* settle(
          SolveKit.use((kit) => Stream.runCollect(kit.solveAll(tasks, { concurrency: 4 }))).pipe(
            Effect.provide(Scripted.clientLayer(transport)),
          ),
        )
        assert.isTrue(Exit.isSuccess(exit))
        if (Exit.isSuccess(exit)) {
          const entries = [...exit.value].sort((a, b) => a.index - b.index)
          assert.deepStrictEqual(
            entries.map((e) => e.index),
            [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
          )
          assert.strictEqual(entries.filter((e) => Result.isFailure(e.result)).length, 1)
          assert.strictEqual(entries.filter((e) => Result.isSuccess(e.result)).length, 9)
        }
      }),
    )

    it.effect("solveAll keeps at most `concurrency` tasks in flight", () =>
      Effect.gen(function* () {
        let active = 0
        let peak = 0
        const transport = Scripted.make({
          createTask: () => {
            active += 1
            peak = Math.max(peak, active)
            return Scripted.created()
          },
          getTaskResult: () => {
            active -= 1
            return { delayMs: 1_000, reply: Scripted.ready() }
          },
        })
        yield* settle(
          SolveKit.use((kit) => Stream.runDrain(kit.solveAll(tasks, { concurrency: 3 }))).pipe(
            Effect.provide(Scripted.clientLayer(transport)),
          ),
        )
        assert.strictEqual(transport.callsTo("createTask").length, 10)
        assert.isAtMost(peak, 3)
        assert.strictEqual(peak, 3)
      }),
    )

    it.effect("pulls the input lazily: a huge iterable is not materialised beyond the concurrency", () =>
      Effect.gen(function* () {
        let pulled = 0
        function* endless() {
          for (;;) {
            pulled += 1
            yield recaptcha
          }
        }
        const transport = Scripted.make({ createTask: Scripted.created(), getTaskResult: Scripted.ready() })
        const exit = yield* settle(
          SolveKit.use((kit) =>
            Stream.runCollect(Stream.take(kit.solveAll(endless(), { concurrency: 2 }), 5)),
          ).pipe(Effect.provide(Scripted.clientLayer(transport))),
        )
        assert.isTrue(Exit.isSuccess(exit))
        assert.isBelow(pulled, 50)
      }),
    )

    it.effect("caps HTTP requests in flight at maxConcurrentRequests across all solves", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: { delayMs: 500, reply: Scripted.created() },
          getTaskResult: { delayMs: 500, reply: Scripted.ready() },
        })
        yield* settle(
          SolveKit.use((kit) => Stream.runDrain(kit.solveAll(tasks, { concurrency: 10 }))).pipe(
            Effect.provide(Scripted.clientLayer(transport, { maxConcurrentRequests: 2 })),
          ),
        )
        assert.strictEqual(transport.calls.length, 20)
        assert.strictEqual(transport.maxInFlight(), 2)
      }),
    )
  })

  describe("other endpoints", () => {
    it.effect("getBalance decodes the balance and retries a transient failure", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          getBalance: [Scripted.htmlPage(502), { json: { errorId: 0, balance: 12.5, packages: [] } }],
        })
        const exit = yield* settle(
          SolveKit.use((kit) => kit.getBalance()).pipe(Effect.provide(Scripted.clientLayer(transport))),
        )
        assert.isTrue(Exit.isSuccess(exit))
        if (Exit.isSuccess(exit)) assert.strictEqual(exit.value.balance, 12.5)
        assert.strictEqual(transport.calls.length, 2)
      }),
    )

    it.effect("getBalance gives up after maxRetries transient failures", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({ getBalance: { network: "unknown" } })
        const exit = yield* settle(
          SolveKit.use((kit) => kit.getBalance()).pipe(
            Effect.provide(Scripted.clientLayer(transport, { retry: { maxRetries: 2 } })),
          ),
        )
        assert.isTrue(Exit.isFailure(exit))
        assert.strictEqual(transport.calls.length, 3)
      }),
    )

    it.effect("feedback sends the result and names the task", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({ feedbackTask: { json: { errorId: 0, message: "ok" } } })
        const exit = yield* settle(
          SolveKit.use((kit) => kit.feedback("task-f", { invalid: true, message: "rejected" })).pipe(
            Effect.provide(Scripted.clientLayer(transport)),
          ),
        )
        assert.isTrue(Exit.isSuccess(exit))
        assert.deepStrictEqual(transport.calls[0]?.body.result, { invalid: true, message: "rejected" })
        assert.strictEqual(transport.calls[0]?.body.taskId, "task-f")
      }),
    )

    it.effect("getToken returns the blocking call's solution without polling", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({ getToken: Scripted.ready({ gRecaptchaResponse: "one-shot" }) })
        const exit = yield* settle(
          SolveKit.use((kit) => kit.getToken(recaptcha)).pipe(
            Effect.provide(Scripted.clientLayer(transport)),
          ),
        )
        assert.isTrue(Exit.isSuccess(exit))
        if (Exit.isSuccess(exit)) assert.strictEqual(exit.value.solution.gRecaptchaResponse, "one-shot")
        assert.strictEqual(transport.callsTo("getTaskResult").length, 0)
      }),
    )

    it.effect("Task.raw passes through the lifecycle with a plain record solution", () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: Scripted.created(),
          getTaskResult: Scripted.ready({ anything: [1, 2] }),
        })
        const exit = yield* settle(
          solveWith(transport, {}, Task.raw("NewTaskType", { websiteURL: "https://x.test" })),
        )
        assert.isTrue(Exit.isSuccess(exit))
        if (Exit.isSuccess(exit)) assert.deepStrictEqual(exit.value.solution, { anything: [1, 2] })
        assert.deepStrictEqual(transport.calls[0]?.body.task, {
          type: "NewTaskType",
          websiteURL: "https://x.test",
        })
      }),
    )
  })
})
