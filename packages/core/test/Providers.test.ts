import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Exit, Fiber, Result } from "effect"
import { TestClock } from "effect/testing"
import { afterEach, expect, it as itAsync } from "vitest"
import * as Catalogue from "../src/domain/Catalogue.ts"
import { type ApiErrorReason, InvalidTaskError, isApiError, type SolveError } from "../src/domain/Errors.ts"
import { CapSolver, type Provider } from "../src/domain/Provider.ts"
import { AntiCaptcha } from "../src/domain/providers/AntiCaptcha.ts"
import { CapMonsterCloud } from "../src/domain/providers/CapMonsterCloud.ts"
import { TwoCaptcha } from "../src/domain/providers/TwoCaptcha.ts"
import type { InputOf } from "../src/domain/Task.ts"
import * as Task from "../src/domain/Task.ts"
import { DatadomeSliderTask } from "../src/domain/tasks/DataDome.ts"
import { ImageToTextTask } from "../src/domain/tasks/ImageToText.ts"
import { ReCaptchaV2Task, ReCaptchaV2TaskProxyLess } from "../src/domain/tasks/ReCaptchaV2.ts"
import { AntiTurnstileTaskProxyLess } from "../src/domain/tasks/Turnstile.ts"
import * as ClientConfig from "../src/engine/ClientConfig.ts"
import * as Policy from "../src/engine/Policy.ts"
import { createClient, type SolveKitClient } from "../src/faces/PromiseClient.ts"
import { SolveKit } from "../src/faces/SolveKit.ts"
import * as Index from "../src/index.ts"
import * as Protocol from "../src/wire/Protocol.ts"
import * as Scripted from "./ScriptedTransport.ts"

const recaptcha = ReCaptchaV2TaskProxyLess({
  websiteURL: "https://example.test/login",
  websiteKey: "6Le-key",
})

/** Runs `program` on the TestClock, advancing virtual time until it settles. */
const settle = <A, E>(program: Effect.Effect<A, E>) =>
  Effect.gen(function* () {
    const fiber = yield* Effect.forkChild(program)
    yield* TestClock.adjust("20 minutes")
    return yield* Fiber.await(fiber)
  })

const failureOf = <A>(exit: Exit.Exit<A, SolveError>): SolveError => {
  assert.isTrue(Exit.isFailure(exit), "expected a failure")
  if (Exit.isSuccess(exit)) throw new Error("unreachable")
  const error = exit.cause.reasons.find((r) => r._tag === "Fail")
  assert.isDefined(error, "expected a typed failure")
  return (error as { readonly error: SolveError }).error
}

const runWith = <A, E>(
  transport: Scripted.ScriptedTransport,
  provider: Provider,
  use: (kit: SolveKit["Service"]) => Effect.Effect<A, E>,
) => settle(SolveKit.use(use).pipe(Effect.provide(Scripted.clientLayer(transport, { provider }))))

interface ProviderCase {
  readonly provider: Provider
  readonly baseUrl: string
  /** Every code of the reference's section 6.2 for this provider, with the reason it must classify to. */
  readonly codes: ReadonlyArray<readonly [string, ApiErrorReason]>
  readonly transient: ReadonlyArray<string>
  /** The provider's name for CapSolver's reCAPTCHA v2 proxyless and Turnstile types (reference 6.1). */
  readonly recaptchaV2Name: string
  readonly turnstileName: string
  /** The provider's name for CapSolver's ReCaptchaV3EnterpriseTaskProxyLess (CapMonster Cloud has a type). */
  readonly v3EnterpriseName: string
  /** How the provider says "unsolvable" on getTaskResult (2Captcha and Anti-Captcha: errorId is 12). */
  readonly unsolvableErrorId: number
}

const cases: ReadonlyArray<ProviderCase> = [
  {
    provider: TwoCaptcha,
    baseUrl: "https://api.2captcha.com",
    codes: [
      ["ERROR_KEY_DOES_NOT_EXIST", "Auth"],
      ["ERROR_NO_SLOT_AVAILABLE", "ServiceUnavailable"],
      ["ERROR_ZERO_CAPTCHA_FILESIZE", "InvalidTask"],
      ["ERROR_TOO_BIG_CAPTCHA_FILESIZE", "InvalidTask"],
      ["ERROR_ZERO_BALANCE", "Balance"],
      ["ERROR_IP_NOT_ALLOWED", "Auth"],
      ["ERROR_CAPTCHA_UNSOLVABLE", "Unsolvable"],
      ["ERROR_BAD_DUPLICATES", "Unsolvable"],
      ["ERROR_NO_SUCH_METHOD", "UnsupportedTask"],
      ["ERROR_IMAGE_TYPE_NOT_SUPPORTED", "InvalidTask"],
      ["ERROR_NO_SUCH_CAPCHA_ID", "TaskNotFound"],
      ["ERROR_IP_BLOCKED", "TemporarilyBanned"],
      ["ERROR_TASK_ABSENT", "InvalidTask"],
      ["ERROR_TASK_NOT_SUPPORTED", "UnsupportedTask"],
      ["ERROR_RECAPTCHA_INVALID_SITEKEY", "InvalidTask"],
      ["ERROR_ACCOUNT_SUSPENDED", "Auth"],
      ["ERROR_BAD_PARAMETERS", "InvalidTask"],
      ["ERROR_BAD_IMGINSTRUCTIONS", "InvalidTask"],
      ["ERROR_BAD_PROXY", "InvalidTask"],
    ],
    transient: ["ERROR_NO_SLOT_AVAILABLE"],
    recaptchaV2Name: "RecaptchaV2TaskProxyless",
    turnstileName: "TurnstileTaskProxyless",
    v3EnterpriseName: "ReCaptchaV3EnterpriseTaskProxyLess",
    unsolvableErrorId: 12,
  },
  {
    provider: AntiCaptcha,
    baseUrl: "https://api.anti-captcha.com",
    codes: [
      ["ERROR_KEY_DOES_NOT_EXIST", "Auth"],
      ["ERROR_NO_SLOT_AVAILABLE", "ServiceUnavailable"],
      ["ERROR_ZERO_CAPTCHA_FILESIZE", "InvalidTask"],
      ["ERROR_TOO_BIG_CAPTCHA_FILESIZE", "InvalidTask"],
      ["ERROR_ZERO_BALANCE", "Balance"],
      ["ERROR_IP_NOT_ALLOWED", "Auth"],
      ["ERROR_CAPTCHA_UNSOLVABLE", "Unsolvable"],
      ["ERROR_BAD_DUPLICATES", "Unsolvable"],
      ["ERROR_NO_SUCH_METHOD", "UnsupportedTask"],
      ["ERROR_IMAGE_TYPE_NOT_SUPPORTED", "InvalidTask"],
      ["ERROR_NO_SUCH_CAPCHA_ID", "TaskNotFound"],
      ["ERROR_EMPTY_COMMENT", "InvalidTask"],
      ["ERROR_IP_BLOCKED", "TemporarilyBanned"],
      ["ERROR_TASK_ABSENT", "InvalidTask"],
      ["ERROR_TASK_NOT_SUPPORTED", "UnsupportedTask"],
      ["ERROR_INCORRECT_SESSION_DATA", "InvalidTask"],
      ["ERROR_PROXY_CONNECT_REFUSED", "InvalidTask"],
      ["ERROR_PROXY_CONNECT_TIMEOUT", "InvalidTask"],
      ["ERROR_PROXY_READ_TIMEOUT", "InvalidTask"],
      ["ERROR_PROXY_BANNED", "InvalidTask"],
      ["ERROR_PROXY_TRANSPARENT", "InvalidTask"],
      ["ERROR_RECAPTCHA_TIMEOUT", "Unsolvable"],
      ["ERROR_RECAPTCHA_INVALID_SITEKEY", "InvalidTask"],
      ["ERROR_RECAPTCHA_INVALID_DOMAIN", "InvalidTask"],
      ["ERROR_RECAPTCHA_OLD_BROWSER", "InvalidTask"],
      ["ERROR_TOKEN_EXPIRED", "InvalidTask"],
      ["ERROR_RECAPTCHA_STOKEN_EXPIRED", "InvalidTask"],
      ["ERROR_PROXY_HAS_NO_IMAGE_SUPPORT", "InvalidTask"],
      ["ERROR_PROXY_INCOMPATIBLE_HTTP_VERSION", "InvalidTask"],
      ["ERROR_PROXY_NOT_AUTHORISED", "InvalidTask"],
      ["ERROR_FUNCAPTCHA_NOT_ALLOWED", "UnsupportedTask"],
      // Id 51: "just continue sending tasks with this domain" (a new task may succeed); 53 asks to change the task.
      ["ERROR_INVISIBLE_RECAPTCHA", "Unsolvable"],
      ["ERROR_VISIBLE_RECAPTCHA", "InvalidTask"],
      ["ERROR_FAILED_LOADING_WIDGET", "Unsolvable"],
    ],
    transient: ["ERROR_NO_SLOT_AVAILABLE"],
    recaptchaV2Name: "RecaptchaV2TaskProxyless",
    turnstileName: "TurnstileTaskProxyless",
    v3EnterpriseName: "ReCaptchaV3EnterpriseTaskProxyLess",
    unsolvableErrorId: 12,
  },
  {
    provider: CapMonsterCloud,
    baseUrl: "https://api.capmonster.cloud",
    codes: [
      ["ERROR_KEY_DOES_NOT_EXIST", "Auth"],
      ["ERROR_ZERO_BALANCE", "Balance"],
      ["ERROR_TOO_BIG_CAPTCHA_FILESIZE", "InvalidTask"],
      ["ERROR_ZERO_CAPTCHA_FILESIZE", "InvalidTask"],
      ["ERROR_NO_SUCH_CAPCHA_ID", "TaskNotFound"],
      ["WRONG_CAPTCHA_ID", "TaskNotFound"],
      ["ERROR_CAPTCHA_UNSOLVABLE", "Unsolvable"],
      ["CAPTCHA_NOT_READY", "RateLimited"],
      ["ERROR_IP_NOT_ALLOWED", "Auth"],
      ["ERROR_IP_BANNED", "TemporarilyBanned"],
      ["ERROR_NO_SUCH_METHOD", "UnsupportedTask"],
      ["ERROR_TOO_MUCH_REQUESTS", "RateLimited"],
      ["ERROR_DOMAIN_NOT_ALLOWED", "UnsupportedTask"],
      ["ERROR_TOKEN_EXPIRED", "InvalidTask"],
      ["ERROR_NO_SLOT_AVAILABLE", "ServiceUnavailable"],
      ["ERROR_RECAPTCHA_INVALID_SITEKEY", "InvalidTask"],
      ["ERROR_RECAPTCHA_INVALID_DOMAIN", "InvalidTask"],
      ["ERROR_RECAPTCHA_TIMEOUT", "Unsolvable"],
      ["ERROR_IP_BLOCKED", "TemporarilyBanned"],
      ["ERROR_PROXY_CONNECT_REFUSED", "InvalidTask"],
      ["ERROR_PROXY_BANNED", "InvalidTask"],
      ["ERROR_PROXY_MISSING", "InvalidTask"],
      ["ERROR_PROXY_NOT_AUTHORISED", "InvalidTask"],
      ["ERROR_PROXY_READ_TIMEOUT", "InvalidTask"],
      ["ERROR_TASK_NOT_SUPPORTED", "UnsupportedTask"],
      ["ERROR_TASK_ABSENT", "InvalidTask"],
      ["ERROR_WRONG_USERAGENT", "InvalidTask"],
    ],
    transient: ["CAPTCHA_NOT_READY", "ERROR_TOO_MUCH_REQUESTS", "ERROR_NO_SLOT_AVAILABLE"],
    recaptchaV2Name: "RecaptchaV2Task",
    turnstileName: "TurnstileTask",
    v3EnterpriseName: "RecaptchaV3EnterpriseTask",
    unsolvableErrorId: 1,
  },
]

/** A createTask answer in the family's shape: an integer taskId and no status. */
const createdNumeric = (taskId: number): Scripted.Reply => ({
  json: { errorId: 0, errorCode: "", errorDescription: "", taskId },
})
/** The `task.type` a recorded createTask call sent. */
const typeSent = (call: Scripted.Call | undefined): unknown =>
  (call?.body.task as { readonly type?: unknown } | undefined)?.type

const processingNumeric: Scripted.Reply = { json: { errorId: 0, status: "processing" } }
/** A ready answer with the metadata 2Captcha and Anti-Captcha add (numbers sent as strings included). */
const readyWithMetadata = (solution: Record<string, unknown>): Scripted.Reply => ({
  json: {
    errorId: 0,
    status: "ready",
    solution,
    cost: "0.00299",
    ip: "46.98.54.221",
    createTime: 1_692_863_536,
    endTime: 1_692_863_556,
    solveCount: "1",
  },
})

describe("providers of the createTask family", () => {
  for (const c of cases) {
    const { provider } = c
    describe(provider.name, () => {
      describe("error-code classification (reference section 6.2)", () => {
        for (const [code, reason] of c.codes) {
          it(`${code} → ${reason}`, () => assert.strictEqual(provider.classify(code), reason))
        }

        it("classifies a code it does not know as Unknown", () =>
          assert.strictEqual(provider.classify("ERROR_FROM_THE_FUTURE"), "Unknown"))

        it("reads codes case- and whitespace-insensitively, as CapSolver's table does", () =>
          assert.strictEqual(provider.classify(" error_captcha_unsolvable "), "Unsolvable"))

        it("does not borrow CapSolver's spelling of a bad key", () =>
          assert.strictEqual(provider.classify("ERROR_KEY_DENIED_ACCESS"), "Unknown"))
      })

      it("treats exactly the overload and rate-limit codes as transient", () => {
        const transient = c.codes.map(([code]) => code).filter((code) => provider.isTransient(code))
        assert.sameMembers(transient, [...c.transient])
      })

      it("has its documented base URL, no getToken, no feedbackTask and integer task ids", () => {
        assert.strictEqual(provider.baseUrl, c.baseUrl)
        assert.deepStrictEqual(provider.endpoints, {
          createTask: "createTask",
          getTaskResult: "getTaskResult",
          getBalance: "getBalance",
        })
        assert.strictEqual(provider.taskIdType, "number")
        assert.isAtMost(provider.limits.maxQueriesPerTask, 120)
        assert.isBelow(provider.limits.safetyMarginMs, provider.limits.resultWindowMs)
      })

      it("renames the task types the reference names and passes the others through", () => {
        assert.strictEqual(provider.taskTypeName("ReCaptchaV2TaskProxyLess"), c.recaptchaV2Name)
        assert.strictEqual(provider.taskTypeName("AntiTurnstileTaskProxyLess"), c.turnstileName)
        assert.strictEqual(provider.taskTypeName("ImageToTextTask"), "ImageToTextTask")
        // Enterprise v3 is a flag at 2Captcha and Anti-Captcha, not a type: renaming it would solve a plain v3
        // (adaptTask refuses it there); CapMonster Cloud documents RecaptchaV3EnterpriseTask.
        assert.strictEqual(provider.taskTypeName("ReCaptchaV3EnterpriseTaskProxyLess"), c.v3EnterpriseName)
      })

      it.effect(
        "solves through createTask and getTaskResult, sending the integer task id back as a number",
        () =>
          Effect.gen(function* () {
            const transport = Scripted.make({
              createTask: createdNumeric(73_051_256),
              getTaskResult: [processingNumeric, readyWithMetadata({ gRecaptchaResponse: "03AG-token" })],
            })
            const exit = yield* runWith(transport, provider, (kit) => kit.solve(recaptcha))
            assert.isTrue(Exit.isSuccess(exit))
            if (Exit.isSuccess(exit)) {
              assert.strictEqual(exit.value.taskId, "73051256")
              assert.strictEqual(exit.value.solution.gRecaptchaResponse, "03AG-token")
              assert.strictEqual(exit.value.queries, 2)
            }
            assert.deepStrictEqual(
              transport.calls.map((call) => call.endpoint),
              ["createTask", "getTaskResult", "getTaskResult"],
            )
            assert.strictEqual(typeSent(transport.calls[0]), c.recaptchaV2Name)
            for (const poll of transport.callsTo("getTaskResult")) {
              assert.strictEqual(poll.body.taskId, 73_051_256)
              assert.isTrue(Scripted.isRedactedKey(poll.body.clientKey))
            }
          }),
      )

      it.effect("waits the provider's advised delays between createTask and each query", () =>
        Effect.gen(function* () {
          const transport = Scripted.make({
            createTask: createdNumeric(11),
            getTaskResult: [processingNumeric, readyWithMetadata({ gRecaptchaResponse: "t" })],
          })
          // The advice as a fixed cadence: the client default learns, starting from its own prior.
          const exit = yield* settle(
            SolveKit.use((kit) => kit.solve(recaptcha)).pipe(
              Effect.provide(Scripted.clientLayer(transport, { provider, policy: Policy.defaultPolicy })),
            ),
          )
          assert.isTrue(Exit.isSuccess(exit))
          const [created, first, second] = transport.calls.map((call) => call.at)
          assert.strictEqual((first ?? 0) - (created ?? 0), provider.polling.firstDelayMs)
          assert.strictEqual((second ?? 0) - (first ?? 0), provider.polling.intervalMs)
        }),
      )

      it.effect("polls a recognition task, which these providers never answer from createTask", () =>
        Effect.gen(function* () {
          const transport = Scripted.make({
            createTask: createdNumeric(501),
            getTaskResult: readyWithMetadata({ text: "44795sds" }),
          })
          const exit = yield* runWith(transport, provider, (kit) =>
            kit.solve(ImageToTextTask({ body: "aGVsbG8gd29ybGQ=" })),
          )
          assert.isTrue(Exit.isSuccess(exit))
          if (Exit.isSuccess(exit)) assert.strictEqual(exit.value.solution.text, "44795sds")
          assert.strictEqual(transport.callsTo("getTaskResult")[0]?.body.taskId, 501)
        }),
      )

      it.effect("reports an unsolvable task as Unsolvable with its task id, whatever errorId says", () =>
        Effect.gen(function* () {
          const transport = Scripted.make({
            createTask: createdNumeric(42),
            getTaskResult: {
              json: {
                errorId: c.unsolvableErrorId,
                errorCode: "ERROR_CAPTCHA_UNSOLVABLE",
                errorDescription: "Workers could not solve the Captcha",
              },
            },
          })
          const error = failureOf(yield* runWith(transport, provider, (kit) => kit.solve(recaptcha)))
          assert.isTrue(isApiError(error))
          if (isApiError(error)) {
            assert.strictEqual(error.reason, "Unsolvable")
            assert.strictEqual(error.taskId, "42")
            assert.strictEqual(error.endpoint, "getTaskResult")
          }
          assert.strictEqual(transport.callsTo("getTaskResult").length, 1)
        }),
      )

      it.effect("retries a transient code while polling and counts the retry against the budget", () =>
        Effect.gen(function* () {
          const [transientCode] = c.transient
          const transport = Scripted.make({
            createTask: createdNumeric(7),
            getTaskResult: [
              Scripted.apiError(transientCode ?? "", 200),
              readyWithMetadata({ gRecaptchaResponse: "after-retry" }),
            ],
          })
          const exit = yield* runWith(transport, provider, (kit) => kit.solve(recaptcha))
          assert.isTrue(Exit.isSuccess(exit))
          if (Exit.isSuccess(exit)) {
            assert.strictEqual(exit.value.solution.gRecaptchaResponse, "after-retry")
            assert.strictEqual(exit.value.queries, 2)
          }
        }),
      )

      it.effect("refuses getToken with a typed UnsupportedTask error before any request", () =>
        Effect.gen(function* () {
          const transport = Scripted.make({ getToken: Scripted.ready() })
          const error = failureOf(yield* runWith(transport, provider, (kit) => kit.getToken(recaptcha)))
          assert.isTrue(isApiError(error))
          if (isApiError(error)) {
            assert.strictEqual(error.reason, "UnsupportedTask")
            assert.strictEqual(error.endpoint, "getToken")
            assert.include(error.message, provider.name)
          }
          assert.lengthOf(transport.calls, 0)
        }),
      )

      // Reports on answers at these providers (their report* endpoints): test/Feedback.test.ts.

      it.effect("sends a proxy given as a string in the split fields it reads, with no proxy string", () =>
        Effect.gen(function* () {
          const transport = Scripted.make({
            createTask: createdNumeric(31),
            getTaskResult: readyWithMetadata({}),
          })
          const proxied = (proxy: string) =>
            ReCaptchaV2Task({ websiteURL: "https://x.test", websiteKey: "k", proxy })
          yield* runWith(transport, provider, (kit) => kit.solve(proxied("socks5:10.0.0.7:1080:user:secret")))
          yield* runWith(transport, provider, (kit) => kit.solve(proxied("10.0.0.8:3128")))
          const [withScheme, schemeLess] = transport
            .callsTo("createTask")
            .map((call) => call.body.task as Record<string, unknown>)
          assert.deepStrictEqual(
            { ...withScheme, type: undefined },
            {
              type: undefined,
              websiteURL: "https://x.test",
              websiteKey: "k",
              proxyType: "socks5",
              proxyAddress: "10.0.0.7",
              proxyPort: 1080,
              proxyLogin: "user",
              proxyPassword: "secret",
            },
          )
          // No scheme in the string: http, as CapSolver reads it; no credentials: none sent.
          assert.strictEqual(schemeLess?.proxyType, "http")
          assert.strictEqual(schemeLess?.proxyPort, 3128)
          assert.isFalse("proxy" in (schemeLess ?? {}))
          assert.isFalse("proxyLogin" in (schemeLess ?? {}))
        }),
      )

      it.effect(
        "sends a type the catalogue does not know (Task.raw) as it is and surfaces the provider's refusal",
        () =>
          Effect.gen(function* () {
            const transport = Scripted.make({
              createTask: {
                json: { errorId: 23, errorCode: "ERROR_TASK_NOT_SUPPORTED", errorDescription: "" },
              },
            })
            const task = Task.raw("FutureCaptchaTaskProxyless", {
              websiteURL: "https://x.test",
              websiteKey: "k",
            })
            const error = failureOf(yield* runWith(transport, provider, (kit) => kit.solve(task)))
            assert.isTrue(isApiError(error))
            if (isApiError(error)) assert.strictEqual(error.reason, "UnsupportedTask")
            assert.strictEqual(typeSent(transport.calls[0]), "FutureCaptchaTaskProxyless")
            assert.lengthOf(transport.calls, 1)
          }),
      )
    })
  }

  it.effect("re-sends createTask after 2Captcha's ERROR_NO_SLOT_AVAILABLE (nothing was created)", () =>
    Effect.gen(function* () {
      const transport = Scripted.make({
        createTask: [
          { json: { errorId: 2, errorCode: "ERROR_NO_SLOT_AVAILABLE", errorDescription: "" } },
          createdNumeric(99),
        ],
        getTaskResult: readyWithMetadata({ token: "turnstile-token" }),
      })
      const turnstile = AntiTurnstileTaskProxyLess({ websiteURL: "https://x.test", websiteKey: "0x4AAA" })
      const exit = yield* runWith(transport, TwoCaptcha, (kit) => kit.solve(turnstile))
      assert.isTrue(Exit.isSuccess(exit))
      if (Exit.isSuccess(exit)) assert.strictEqual(exit.value.taskId, "99")
      assert.lengthOf(transport.callsTo("createTask"), 2)
      for (const call of transport.callsTo("createTask")) {
        assert.strictEqual(typeSent(call), "TurnstileTaskProxyless")
      }
    }),
  )

  it("exports every provider by name from the package entry, CapSolver included", () => {
    assert.strictEqual(Index.CapSolver, CapSolver)
    assert.strictEqual(Index.Provider.CapSolver, CapSolver)
    assert.strictEqual(Index.AntiCaptcha, AntiCaptcha)
    assert.strictEqual(Index.CapMonsterCloud, CapMonsterCloud)
    assert.strictEqual(Index.TwoCaptcha, TwoCaptcha)
  })
})

// ===== The Promise face over ky, on a recording fetch =====

interface Recorded {
  readonly url: string
  readonly body: Record<string, unknown>
}

/** A fetch that records each request and answers from `answer` (by endpoint, the URL's last segment). */
const recordingFetch = (answer: (endpoint: string, n: number) => unknown) => {
  const requests: Array<Recorded> = []
  const counts = new Map<string, number>()
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init)
    const body = JSON.parse(await request.text()) as Record<string, unknown>
    requests.push({ url: request.url, body })
    const endpoint = new URL(request.url).pathname.split("/").pop() ?? ""
    const n = counts.get(endpoint) ?? 0
    counts.set(endpoint, n + 1)
    return new Response(JSON.stringify(answer(endpoint, n)), {
      status: 200,
      headers: { "content-type": "application/json" },
    })
  }
  return { fetch, requests }
}

const clients: Array<SolveKitClient> = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()))
})

describe("CapSolver's proxy form", () => {
  it.effect("keeps a proxy string as the proxy field, which CapSolver reads", () =>
    Effect.gen(function* () {
      const transport = Scripted.make({
        createTask: { json: { errorId: 0, taskId: "t-1" } },
        getTaskResult: { json: { errorId: 0, status: "ready", solution: { gRecaptchaResponse: "t" } } },
      })
      yield* runWith(transport, CapSolver, (kit) =>
        kit.solve(
          ReCaptchaV2Task({
            websiteURL: "https://x.test",
            websiteKey: "k",
            proxy: "socks5:10.0.0.7:1080:u:p",
          }),
        ),
      )
      const sent = transport.callsTo("createTask")[0]?.body.task as Record<string, unknown> | undefined
      assert.strictEqual(sent?.proxy, "socks5:10.0.0.7:1080:u:p")
      assert.isFalse("proxyType" in (sent ?? {}))
    }),
  )
})

describe("CapMonster Cloud's query rate (at most one query per task every 2 s)", () => {
  it.effect(
    "never queries a task sooner than 2 s after its createTask or its previous query, whatever the policy or a retry asks",
    () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: createdNumeric(7),
          getTaskResult: [
            processingNumeric,
            { json: { errorId: 1, errorCode: "ERROR_TOO_MUCH_REQUESTS", errorDescription: "" } },
            processingNumeric,
            readyWithMetadata({ gRecaptchaResponse: "t" }),
          ],
        })
        const exit = yield* settle(
          SolveKit.use((kit) => kit.solve(recaptcha, { policy: Policy.fixed(0) })).pipe(
            Effect.provide(Scripted.clientLayer(transport, { provider: CapMonsterCloud })),
          ),
        )
        assert.isTrue(Exit.isSuccess(exit))
        const times = transport.calls.map((call) => call.at)
        assert.lengthOf(times, 5)
        const gaps = times.slice(1).map((at, i) => at - (times[i] ?? 0))
        // A fixed(0) policy asks for no wait at all, and the retry backoff after the rate-limit code is shorter.
        for (const gap of gaps) assert.isAtLeast(gap, 2_000)
        assert.strictEqual(CapMonsterCloud.limits.minQueryGapMs, 2_000)
      }),
  )

  it.effect("leaves providers without a minimum gap to the policy", () =>
    Effect.gen(function* () {
      const transport = Scripted.make({
        createTask: createdNumeric(8),
        getTaskResult: [processingNumeric, readyWithMetadata({ gRecaptchaResponse: "t" })],
      })
      const exit = yield* settle(
        SolveKit.use((kit) => kit.solve(recaptcha, { policy: Policy.fixed(0) })).pipe(
          Effect.provide(Scripted.clientLayer(transport, { provider: AntiCaptcha })),
        ),
      )
      assert.isTrue(Exit.isSuccess(exit))
      const times = transport.calls.map((call) => call.at)
      assert.deepStrictEqual(
        times.slice(1).map((at, i) => at - (times[i] ?? 0)),
        [0, 0],
      )
    }),
  )
})

describe("createClient({ provider }) (Promise face)", () => {
  for (const c of cases) {
    itAsync(`talks to ${c.provider.name} at ${c.baseUrl} with numeric task ids`, async () => {
      const { fetch, requests } = recordingFetch((endpoint, n) =>
        endpoint === "createTask"
          ? { errorId: 0, taskId: 123_456_789 }
          : endpoint === "getBalance"
            ? { errorId: 0, balance: 3.5, captchaCredits: 0 }
            : n === 0
              ? { errorId: 0, status: "processing" }
              : {
                  errorId: 0,
                  status: "ready",
                  solution: { gRecaptchaResponse: "promise-token" },
                  cost: "0.002",
                },
      )
      const client = createClient({
        provider: c.provider,
        apiKey: "provider-key",
        fetch,
        policy: Policy.fixed(Duration.millis(1), Duration.millis(1)),
      })
      clients.push(client)
      const solved = await client.solve(recaptcha)
      expect(solved.taskId).toBe("123456789")
      expect(solved.solution.gRecaptchaResponse).toBe("promise-token")
      expect(await client.getBalance()).toEqual({ balance: 3.5, packages: [] })
      expect(requests.map((r) => r.url)).toEqual([
        `${c.baseUrl}/createTask`,
        `${c.baseUrl}/getTaskResult`,
        `${c.baseUrl}/getTaskResult`,
        `${c.baseUrl}/getBalance`,
      ])
      expect(requests[0]?.body).toEqual({
        clientKey: "provider-key",
        task: { type: c.recaptchaV2Name, websiteURL: "https://example.test/login", websiteKey: "6Le-key" },
      })
      expect(requests[1]?.body).toEqual({ clientKey: "provider-key", taskId: 123_456_789 })
    })
  }

  itAsync("rejects getToken for a provider without it, sending nothing", async () => {
    const { fetch, requests } = recordingFetch(() => ({ errorId: 0 }))
    const client = createClient({ provider: AntiCaptcha, apiKey: "provider-key", fetch })
    clients.push(client)
    const error = await client.getToken(recaptcha).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(isApiError(error) && error.reason).toBe("UnsupportedTask")
    expect(requests).toEqual([])
  })
})

describe("a failed createTask that answers taskId 0 (CapMonster Cloud's documented error answer)", () => {
  const failed = {
    status: 200,
    body: JSON.stringify({
      errorId: 1,
      errorCode: "ERROR_ZERO_BALANCE",
      errorDescription: "no money",
      taskId: 0,
    }),
  }

  it("names no task under a provider with integer ids: there is nothing to resume", () => {
    for (const provider of [CapMonsterCloud, AntiCaptcha, TwoCaptcha]) {
      const result = Protocol.interpretTaskAnswer({ endpoint: "createTask", provider }, failed)
      assert.isTrue(Result.isFailure(result))
      if (Result.isFailure(result)) {
        assert.isTrue(isApiError(result.failure))
        assert.strictEqual((result.failure as { readonly taskId?: string }).taskId, undefined)
      }
    }
  })

  it("keeps a real integer id on an error about a task", () => {
    const named = {
      status: 200,
      body: JSON.stringify({ errorId: 1, errorCode: "ERROR_CAPTCHA_UNSOLVABLE", taskId: 7 }),
    }
    const result = Protocol.interpretTaskAnswer(
      { endpoint: "getTaskResult", provider: CapMonsterCloud },
      named,
    )
    assert.isTrue(Result.isFailure(result))
    if (Result.isFailure(result))
      assert.strictEqual((result.failure as { readonly taskId?: string }).taskId, "7")
  })
})

/** A catalogue task from a plain object (throws on a typo in the test itself). */
const catalogueTask = (u: Record<string, unknown>): Task.AnyTaskRequest => {
  const parsed = Catalogue.parse(u)
  if (Result.isFailure(parsed))
    throw new Error(`test task invalid: ${parsed.failure.field} ${parsed.failure.message}`)
  return parsed.success
}

const site = { websiteURL: "https://example.test/", websiteKey: "site-key" }
const ownProxy = { proxy: "http:10.0.0.9:3128:u:p" }
/** window.gokuProps and challenge.js: what both Anti-Captcha's and CapMonster Cloud's AmazonTask take. */
const awsGokuProps = {
  awsKey: "AQIDAHjcYu",
  awsIv: "CgAHbCe2",
  awsContext: "rGXmrc",
  awsChallengeJS: "https://x.token.awswaf.com/x/challenge.js",
}
const catalogueSamples: Record<string, Record<string, unknown>> = {
  ReCaptchaV2TaskProxyLess: { ...site },
  ReCaptchaV2Task: { ...site, ...ownProxy },
  ReCaptchaV2EnterpriseTask: { ...site, ...ownProxy },
  ReCaptchaV2EnterpriseTaskProxyLess: { ...site },
  // minScore 0.7: one of 2Captcha's and Anti-Captcha's queues, inside CapMonster Cloud's 0.1-0.9.
  ReCaptchaV3TaskProxyLess: { ...site, pageAction: "login", minScore: 0.7 },
  ReCaptchaV3Task: { ...site, pageAction: "login", minScore: 0.7, ...ownProxy },
  ReCaptchaV3EnterpriseTask: { ...site, pageAction: "login", minScore: 0.7, ...ownProxy },
  ReCaptchaV3EnterpriseTaskProxyLess: { ...site, pageAction: "login", minScore: 0.7 },
  AntiTurnstileTaskProxyLess: { ...site },
  AntiAwsWafTaskProxyLess: { websiteURL: "https://example.test/", ...awsGokuProps },
  AntiAwsWafTask: { websiteURL: "https://example.test/", ...awsGokuProps, ...ownProxy },
  GeeTestTaskProxyLess: { websiteURL: "https://example.test/", gt: "gt-key", challenge: "ch" },
  MtCaptchaTask: { ...site, ...ownProxy },
  MtCaptchaTaskProxyLess: { ...site },
  DatadomeSliderTask: {
    captchaUrl: "https://geo.captcha-delivery.com/captcha/?initialCid=abc&t=fe",
    userAgent: "Mozilla/5.0",
    websiteURL: "https://example.test/",
    ...ownProxy,
  },
  ImageToTextTask: { body: "aGVsbG8gd29ybGQ=" },
}

/** CapMonster Cloud's DataDome task needs the site's datadome cookie, which only an extra field carries. */
const DataDomeWithCookie = Task.extend(DatadomeSliderTask, { metadata: { datadomeCookie: "string" } })

/** The sample request for a catalogue type (DataDome with the extra cookie field CapMonster Cloud requires). */
const sampleRequest = (canonical: string, provider: Provider): Task.AnyTaskRequest =>
  canonical === "DatadomeSliderTask" && provider === CapMonsterCloud
    ? DataDomeWithCookie({
        ...(catalogueSamples.DatadomeSliderTask as InputOf<typeof DatadomeSliderTask>),
        metadata: { datadomeCookie: "datadome=abc" },
      })
    : catalogueTask({ type: canonical, ...catalogueSamples[canonical] })

interface SupportCase {
  readonly provider: Provider
  /** Catalogue type → the provider's documented name for it (issue 15's facts table). */
  readonly sent: Readonly<Record<string, string>>
  /** Catalogue types refused before any request. */
  readonly refused: ReadonlyArray<string>
}

const supportCases: ReadonlyArray<SupportCase> = [
  {
    provider: TwoCaptcha,
    sent: {
      ReCaptchaV2TaskProxyLess: "RecaptchaV2TaskProxyless",
      ReCaptchaV2Task: "RecaptchaV2Task",
      ReCaptchaV3TaskProxyLess: "RecaptchaV3TaskProxyless",
      // 2captcha.com/api-docs/recaptcha-v3: Enterprise is `isEnterprise: true` on the v3 type.
      ReCaptchaV3EnterpriseTaskProxyLess: "RecaptchaV3TaskProxyless",
      AntiTurnstileTaskProxyLess: "TurnstileTaskProxyless",
      GeeTestTaskProxyLess: "GeeTestTaskProxyless",
      // Secondary source (blackravenx/captcha-libs packages/twocaptcha, quoting 2captcha.com/api-docs):
      ReCaptchaV2EnterpriseTask: "RecaptchaV2EnterpriseTask",
      ReCaptchaV2EnterpriseTaskProxyLess: "RecaptchaV2EnterpriseTaskProxyless",
      AntiAwsWafTask: "AmazonTask",
      AntiAwsWafTaskProxyLess: "AmazonTaskProxyless",
      MtCaptchaTask: "MtCaptchaTask",
      MtCaptchaTaskProxyLess: "MtCaptchaTaskProxyless",
      DatadomeSliderTask: "DataDomeSliderTask",
      ImageToTextTask: "ImageToTextTask",
    },
    refused: ["ReCaptchaV3Task", "ReCaptchaV3EnterpriseTask"],
  },
  {
    provider: AntiCaptcha,
    sent: {
      ReCaptchaV2TaskProxyLess: "RecaptchaV2TaskProxyless",
      ReCaptchaV2Task: "RecaptchaV2Task",
      ReCaptchaV2EnterpriseTask: "RecaptchaV2EnterpriseTask",
      ReCaptchaV2EnterpriseTaskProxyLess: "RecaptchaV2EnterpriseTaskProxyless",
      ReCaptchaV3TaskProxyLess: "RecaptchaV3TaskProxyless",
      // task-types/RecaptchaV3Enterprise: `isEnterprise: true` on the v3 type.
      ReCaptchaV3EnterpriseTaskProxyLess: "RecaptchaV3TaskProxyless",
      AntiTurnstileTaskProxyLess: "TurnstileTaskProxyless",
      GeeTestTaskProxyLess: "GeeTestTaskProxyless",
      AntiAwsWafTask: "AmazonTask",
      AntiAwsWafTaskProxyLess: "AmazonTaskProxyless",
      ImageToTextTask: "ImageToTextTask",
    },
    refused: [
      "ReCaptchaV3Task",
      "ReCaptchaV3EnterpriseTask",
      "MtCaptchaTask",
      "MtCaptchaTaskProxyLess",
      "DatadomeSliderTask",
    ],
  },
  {
    provider: CapMonsterCloud,
    sent: {
      ReCaptchaV2TaskProxyLess: "RecaptchaV2Task",
      ReCaptchaV2Task: "RecaptchaV2Task",
      ReCaptchaV2EnterpriseTask: "RecaptchaV2EnterpriseTask",
      ReCaptchaV2EnterpriseTaskProxyLess: "RecaptchaV2EnterpriseTask",
      ReCaptchaV3TaskProxyLess: "RecaptchaV3TaskProxyless",
      ReCaptchaV3EnterpriseTaskProxyLess: "RecaptchaV3EnterpriseTask",
      AntiTurnstileTaskProxyLess: "TurnstileTask",
      GeeTestTaskProxyLess: "GeeTestTask",
      MtCaptchaTask: "MTCaptchaTask",
      MtCaptchaTaskProxyLess: "MTCaptchaTask",
      AntiAwsWafTask: "AmazonTask",
      AntiAwsWafTaskProxyLess: "AmazonTask",
      // captchas/datadome.mdx: CustomTask with class DataDome.
      DatadomeSliderTask: "CustomTask",
      ImageToTextTask: "ImageToTextTask",
    },
    refused: ["ReCaptchaV3Task", "ReCaptchaV3EnterpriseTask"],
  },
]

const invalidTaskOf = (error: SolveError): InvalidTaskError => {
  assert.instanceOf(error, InvalidTaskError)
  return error as InvalidTaskError
}

describe("which catalogue types each provider is sent (issue 15)", () => {
  for (const c of supportCases) {
    describe(c.provider.name, () => {
      it("covers every sample type exactly once, as sent or refused", () =>
        assert.sameMembers([...Object.keys(c.sent), ...c.refused], Object.keys(catalogueSamples)))

      for (const [canonical, theirs] of Object.entries(c.sent)) {
        it.effect(`sends ${canonical} as its documented ${theirs}`, () =>
          Effect.gen(function* () {
            const transport = Scripted.make({
              createTask: createdNumeric(9),
              getTaskResult: readyWithMetadata({ gRecaptchaResponse: "t", token: "t", text: "t" }),
            })
            yield* runWith(transport, c.provider, (kit) => kit.solve(sampleRequest(canonical, c.provider)))
            assert.strictEqual(typeSent(transport.callsTo("createTask")[0]), theirs)
          }),
        )
      }

      for (const canonical of c.refused) {
        it.effect(
          `refuses ${canonical} before any request, with an InvalidTaskError naming the provider`,
          () =>
            Effect.gen(function* () {
              const transport = Scripted.make({ createTask: createdNumeric(9) })
              const error = invalidTaskOf(
                failureOf(
                  yield* runWith(transport, c.provider, (kit) =>
                    kit.solve(catalogueTask({ type: canonical, ...catalogueSamples[canonical] })),
                  ),
                ),
              )
              assert.strictEqual(error.taskType, canonical)
              assert.strictEqual(error.field, "type")
              assert.include(error.message, c.provider.name)
              assert.lengthOf(transport.calls, 0)
            }),
        )
      }

      it.effect("refuses the CapSolver-only types (Vision Engine, classification) before any request", () =>
        Effect.gen(function* () {
          const transport = Scripted.make({ createTask: createdNumeric(9) })
          const task = Task.raw("VisionEngine", { module: "slider_1", image: "aGk=" })
          const error = invalidTaskOf(
            failureOf(yield* runWith(transport, c.provider, (kit) => kit.solve(task))),
          )
          assert.strictEqual(error.field, "type")
          assert.include(error.message, c.provider.name)
          assert.lengthOf(transport.calls, 0)
        }),
      )
    })
  }

  it.effect("leaves CapSolver alone: MTCaptcha is sent under its catalogue name", () =>
    Effect.gen(function* () {
      const transport = Scripted.make({
        createTask: Scripted.ready({ token: "t" }),
        getTaskResult: Scripted.ready({ token: "t" }),
      })
      yield* runWith(transport, CapSolver, (kit) =>
        kit.solve(catalogueTask({ type: "MtCaptchaTaskProxyLess", ...site })),
      )
      assert.strictEqual(typeSent(transport.callsTo("createTask")[0]), "MtCaptchaTaskProxyLess")
    }),
  )
})

describe("Turnstile's action and cdata under each provider's own names (issue 15)", () => {
  const turnstileCases: ReadonlyArray<readonly [Provider, string, string]> = [
    // anti-captcha.com/apidoc/task-types/TurnstileTaskProxyless
    [AntiCaptcha, "action", "cData"],
    // capmonstercloud-docs captchas/turnstile-task.mdx
    [CapMonsterCloud, "pageAction", "data"],
    // 2captcha-python twocaptcha/solver.py (its v2 page could not be read)
    [TwoCaptcha, "action", "data"],
  ]
  const turnstile = (metadata?: { action?: string; cdata?: string }) =>
    AntiTurnstileTaskProxyLess({ ...site, ...(metadata === undefined ? {} : { metadata }) })
  const sentTask = (transport: Scripted.ScriptedTransport, n: number) =>
    transport.callsTo("createTask")[n]?.body.task as Record<string, unknown>

  for (const [provider, actionField, cdataField] of turnstileCases) {
    it.effect(
      `${provider.name} is sent metadata.action as ${actionField} and metadata.cdata as ${cdataField}`,
      () =>
        Effect.gen(function* () {
          const transport = Scripted.make({
            createTask: createdNumeric(5),
            getTaskResult: readyWithMetadata({ token: "t" }),
          })
          yield* runWith(transport, provider, (kit) =>
            kit.solve(turnstile({ action: "login", cdata: "c-1" })),
          )
          yield* runWith(transport, provider, (kit) => kit.solve(turnstile({ cdata: "c-2" })))
          yield* runWith(transport, provider, (kit) => kit.solve(turnstile()))
          const [both, cdataOnly, none] = [0, 1, 2].map((n) => sentTask(transport, n))
          assert.deepStrictEqual(
            { ...both, type: undefined },
            { type: undefined, ...site, [actionField]: "login", [cdataField]: "c-1" },
          )
          assert.isFalse("metadata" in (both ?? {}))
          assert.deepStrictEqual(
            { ...cdataOnly, type: undefined },
            { type: undefined, ...site, [cdataField]: "c-2" },
          )
          assert.deepStrictEqual({ ...none, type: undefined }, { type: undefined, ...site })
        }),
    )
  }

  it.effect("CapSolver is still sent its own metadata object", () =>
    Effect.gen(function* () {
      const transport = Scripted.make({ createTask: Scripted.ready({ token: "t" }) })
      yield* runWith(transport, CapSolver, (kit) => kit.solve(turnstile({ action: "login", cdata: "c-1" })))
      assert.deepStrictEqual(sentTask(transport, 0)?.metadata, { action: "login", cdata: "c-1" })
    }),
  )
})

describe("proxies as Anti-Captcha and CapMonster Cloud document them: an IP address, and Anti-Captcha's types (issue 15)", () => {
  const proxied = (proxy: Record<string, unknown>) =>
    ReCaptchaV2Task({ websiteURL: "https://x.test", websiteKey: "k", ...proxy } as never)
  const sentTask = (transport: Scripted.ScriptedTransport, n: number) =>
    transport.callsTo("createTask")[n]?.body.task as Record<string, unknown>
  const solving = () =>
    Scripted.make({
      createTask: createdNumeric(8),
      getTaskResult: readyWithMetadata({ gRecaptchaResponse: "t" }),
    })

  it.effect(
    "Anti-Captcha is sent an https proxy as http, which covers https proxies there; socks5 as it is",
    () =>
      Effect.gen(function* () {
        const transport = solving()
        yield* runWith(transport, AntiCaptcha, (kit) =>
          kit.solve(proxied({ proxy: "https:10.0.0.7:8443:u:p" })),
        )
        yield* runWith(transport, AntiCaptcha, (kit) =>
          kit.solve(proxied({ proxyType: "https", proxyAddress: "10.0.0.8", proxyPort: 8443 })),
        )
        yield* runWith(transport, AntiCaptcha, (kit) => kit.solve(proxied({ proxy: "socks5:10.0.0.9:1080" })))
        assert.deepStrictEqual(
          [0, 1, 2].map((n) => sentTask(transport, n)?.proxyType),
          ["http", "http", "socks5"],
        )
        assert.strictEqual(sentTask(transport, 0)?.proxyAddress, "10.0.0.7")
      }),
  )

  for (const provider of [AntiCaptcha, CapMonsterCloud]) {
    it.effect(`${provider.name} refuses a host-name proxy before any request, naming the field given`, () =>
      Effect.gen(function* () {
        const transport = solving()
        const fromString = invalidTaskOf(
          failureOf(
            yield* runWith(transport, provider, (kit) =>
              kit.solve(proxied({ proxy: "http:proxy.example.com:3128:user:s3cret" })),
            ),
          ),
        )
        const fromFields = invalidTaskOf(
          failureOf(
            yield* runWith(transport, provider, (kit) =>
              kit.solve(proxied({ proxyType: "http", proxyAddress: "proxy.example.com", proxyPort: 3128 })),
            ),
          ),
        )
        assert.strictEqual(fromString.field, "proxy")
        assert.strictEqual(fromFields.field, "proxyAddress")
        for (const error of [fromString, fromFields]) {
          assert.include(error.message, provider.name)
          assert.include(error.message, "IP address")
          assert.notInclude(error.message, "example.com")
          assert.notInclude(error.message, "s3cret")
        }
        assert.lengthOf(transport.calls, 0)
      }),
    )

    it.effect(`${provider.name} is sent an IPv4 or IPv6 proxy address as it is`, () =>
      Effect.gen(function* () {
        const transport = solving()
        yield* runWith(transport, provider, (kit) => kit.solve(proxied({ proxy: "http:192.0.2.10:3128" })))
        yield* runWith(transport, provider, (kit) =>
          kit.solve(proxied({ proxyType: "socks5", proxyAddress: "2001:db8::7", proxyPort: 1080 })),
        )
        assert.deepStrictEqual(
          [0, 1].map((n) => sentTask(transport, n)?.proxyAddress),
          ["192.0.2.10", "2001:db8::7"],
        )
      }),
    )
  }

  it.effect("CapMonster Cloud keeps https, which it documents", () =>
    Effect.gen(function* () {
      const transport = solving()
      yield* runWith(transport, CapMonsterCloud, (kit) =>
        kit.solve(proxied({ proxy: "https:10.0.0.7:8443" })),
      )
      assert.strictEqual(sentTask(transport, 0)?.proxyType, "https")
    }),
  )

  it.effect("2Captcha, whose proxy page could not be checked, is still sent a host name", () =>
    Effect.gen(function* () {
      const transport = solving()
      yield* runWith(transport, TwoCaptcha, (kit) =>
        kit.solve(proxied({ proxy: "http:proxy.example.com:3128" })),
      )
      assert.strictEqual(sentTask(transport, 0)?.proxyAddress, "proxy.example.com")
    }),
  )
})

describe("the developer id under each provider's field (issue 15)", () => {
  const idCases: ReadonlyArray<readonly [Provider, string, unknown]> = [
    [CapSolver, "appId", "app-7"],
    [TwoCaptcha, "softId", 4_580],
    [AntiCaptcha, "softId", 4_580],
    [CapMonsterCloud, "softId", 4_580],
  ]
  for (const [provider, field, value] of idCases) {
    it.effect(`${provider.name}: createTask carries ${field} = ${JSON.stringify(value)}`, () =>
      Effect.gen(function* () {
        const numeric = provider.taskIdType === "number"
        const transport = Scripted.make({
          createTask: numeric ? createdNumeric(41) : Scripted.created(),
          getTaskResult: numeric ? readyWithMetadata({ gRecaptchaResponse: "t" }) : Scripted.ready(),
          getBalance: { json: { errorId: 0, balance: 1 } },
        })
        const exit = yield* settle(
          Effect.gen(function* () {
            const kit = yield* SolveKit
            yield* kit.solve(recaptcha)
            yield* kit.getBalance()
          }).pipe(
            Effect.provide(
              Scripted.clientLayer(transport, { provider, appId: field === "appId" ? "app-7" : " 4580 " }),
            ),
          ),
        )
        assert.isTrue(Exit.isSuccess(exit))
        const create = transport.callsTo("createTask")[0]
        assert.deepStrictEqual(create?.body[field], value)
        assert.strictEqual(provider.developerId?.field, field)
        if (field === "softId") {
          // Never CapSolver's field, and only on createTask, where the providers document it.
          assert.isFalse(Object.hasOwn(create?.body ?? {}, "appId"))
          for (const call of transport.calls.filter((c) => c.endpoint !== "createTask")) {
            assert.isFalse(Object.hasOwn(call.body, "softId"), call.endpoint)
            assert.isFalse(Object.hasOwn(call.body, "appId"), call.endpoint)
          }
        } else {
          // CapSolver's appId goes with every request, as before.
          for (const call of transport.calls) assert.strictEqual(call.body.appId, "app-7", call.endpoint)
        }
      }),
    )
  }

  for (const provider of [TwoCaptcha, AntiCaptcha, CapMonsterCloud]) {
    for (const bad of ["app-7", "12.5", "-3", "0", "1e3", ""]) {
      it.effect(`${provider.name}: a non-integer id ${JSON.stringify(bad)} is a ConfigurationError`, () =>
        Effect.gen(function* () {
          const exit = yield* Effect.exit(
            ClientConfig.make({ provider, apiKey: "provider-key", appId: bad === "" ? " " : bad }),
          )
          assert.isTrue(Exit.isFailure(exit))
          if (Exit.isFailure(exit)) {
            const error = exit.cause.reasons.find((r) => r._tag === "Fail") as
              | { readonly error: { readonly _tag: string; readonly detail: string } }
              | undefined
            assert.strictEqual(error?.error._tag, "ConfigurationError")
            assert.include(error?.error.detail ?? "", "softId")
          }
        }),
      )
    }

    itAsync(`${provider.name}: createClient with a non-integer id sends no request`, async () => {
      const { fetch, requests } = recordingFetch(() => ({ errorId: 0, taskId: 1 }))
      const client = createClient({ provider, apiKey: "provider-key", appId: "my-app", fetch })
      clients.push(client)
      const error = await client.solve(recaptcha).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect((error as { readonly _tag?: string } | undefined)?._tag).toBe("ConfigurationError")
      expect(requests).toEqual([])
    })
  }

  it.effect("CapSolver takes any string appId", () =>
    Effect.gen(function* () {
      const config = yield* ClientConfig.make({ provider: CapSolver, apiKey: "k", appId: "app-7" })
      assert.strictEqual(config.appId, "app-7")
    }),
  )
})

describe("each provider's advised pause after a busy code (issue 15)", () => {
  const busyThenCreated = (created: Scripted.Reply, code: string): ReadonlyArray<Scripted.Reply> => [
    { json: { errorId: 2, errorCode: code, errorDescription: "busy" } },
    { json: { errorId: 2, errorCode: code, errorDescription: "busy" } },
    created,
  ]

  it.effect("2Captcha: createTask is retried no sooner than 5 s after ERROR_NO_SLOT_AVAILABLE", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(TwoCaptcha.busyBackoffMs, { ERROR_NO_SLOT_AVAILABLE: 5_000 })
      const transport = Scripted.make({
        createTask: busyThenCreated(createdNumeric(9), "ERROR_NO_SLOT_AVAILABLE"),
        getTaskResult: readyWithMetadata({ gRecaptchaResponse: "t" }),
      })
      const exit = yield* runWith(transport, TwoCaptcha, (kit) => kit.solve(recaptcha))
      assert.isTrue(Exit.isSuccess(exit))
      const times = transport.callsTo("createTask").map((c) => c.at)
      assert.lengthOf(times, 3)
      for (const [i, at] of times.slice(1).entries()) assert.isAtLeast(at - (times[i] ?? 0), 5_000)
    }),
  )

  it.effect(
    "2Captcha: ERROR_ZERO_BALANCE is not retried (not transient), whatever the limits page asks",
    () =>
      Effect.gen(function* () {
        const transport = Scripted.make({
          createTask: { json: { errorId: 10, errorCode: "ERROR_ZERO_BALANCE", errorDescription: "" } },
        })
        const exit = yield* runWith(transport, TwoCaptcha, (kit) => kit.solve(recaptcha))
        assert.isTrue(Exit.isFailure(exit))
        assert.lengthOf(transport.callsTo("createTask"), 1)
      }),
  )

  it.effect("CapSolver keeps its retry cadence (0.5 s, then 1 s, ±20 % jitter): it advises no figure", () =>
    Effect.gen(function* () {
      assert.isUndefined(CapSolver.busyBackoffMs)
      const transport = Scripted.make({
        createTask: busyThenCreated(Scripted.created(), "ERROR_SERVICE_UNAVALIABLE"),
        getTaskResult: Scripted.ready(),
      })
      const exit = yield* runWith(transport, CapSolver, (kit) => kit.solve(recaptcha))
      assert.isTrue(Exit.isSuccess(exit))
      const times = transport.callsTo("createTask").map((c) => c.at)
      assert.lengthOf(times, 3)
      const gaps = times.slice(1).map((at, i) => at - (times[i] ?? 0))
      const expected = [Policy.defaultRetry.baseDelayMs, Policy.defaultRetry.baseDelayMs * 2]
      for (const [i, gap] of gaps.entries()) {
        assert.isAtLeast(gap, Math.floor((expected[i] ?? 0) * 0.8))
        assert.isAtMost(gap, Math.ceil((expected[i] ?? 0) * 1.2))
      }
    }),
  )

  it("Anti-Captcha and CapMonster Cloud document no pause: none is set", () => {
    assert.isUndefined(AntiCaptcha.busyBackoffMs)
    assert.isUndefined(CapMonsterCloud.busyBackoffMs)
  })
})
