/**
 * Each provider's task fields exactly as it documents them (issue 15): what goes on the wire, what is refused
 * before any request (an InvalidTaskError naming the field and the provider), and how each provider's answer is
 * read back as the catalogue's solution. The sources are cited in the provider modules.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { InvalidTaskError, type SolveError } from "../src/domain/Errors.ts"
import { CapSolver, type Provider } from "../src/domain/Provider.ts"
import { AntiCaptcha } from "../src/domain/providers/AntiCaptcha.ts"
import { CapMonsterCloud } from "../src/domain/providers/CapMonsterCloud.ts"
import { TwoCaptcha } from "../src/domain/providers/TwoCaptcha.ts"
import * as Task from "../src/domain/Task.ts"
import { AntiAwsWafTask, AntiAwsWafTaskProxyLess } from "../src/domain/tasks/AwsWaf.ts"
import { DatadomeSliderTask } from "../src/domain/tasks/DataDome.ts"
import { GeeTestTaskProxyLess } from "../src/domain/tasks/GeeTest.ts"
import { ImageToTextTask } from "../src/domain/tasks/ImageToText.ts"
import { MtCaptchaTask, MtCaptchaTaskProxyLess } from "../src/domain/tasks/MtCaptcha.ts"
import {
  ReCaptchaV2EnterpriseTask,
  ReCaptchaV2EnterpriseTaskProxyLess,
  ReCaptchaV2Task,
  ReCaptchaV2TaskProxyLess,
} from "../src/domain/tasks/ReCaptchaV2.ts"
import {
  ReCaptchaV3EnterpriseTaskProxyLess,
  ReCaptchaV3TaskProxyLess,
} from "../src/domain/tasks/ReCaptchaV3.ts"
import { AntiTurnstileTaskProxyLess } from "../src/domain/tasks/Turnstile.ts"
import { SolveKit } from "../src/faces/SolveKit.ts"
import * as Scripted from "./ScriptedTransport.ts"

const site = { websiteURL: "https://example.test/login", websiteKey: "site-key" }
const proxy = "http:10.0.0.9:3128:u:p"
const others: ReadonlyArray<Provider> = [TwoCaptcha, AntiCaptcha, CapMonsterCloud]

interface Outcome {
  /** The task createTask carried, when one was sent. */
  readonly task: Record<string, unknown> | undefined
  /** The typed solution, when the solve succeeded. */
  readonly solution: Record<string, unknown> | undefined
  /** The InvalidTaskError, when the task was refused before any request. */
  readonly refused: InvalidTaskError | undefined
  readonly requests: number
}

/** Solves `request` with `provider` on a scripted transport answering `solution`, on the TestClock. */
const solveWith = (
  provider: Provider,
  request: Task.AnyTaskRequest,
  solution: Record<string, unknown> = { gRecaptchaResponse: "t", token: "t", text: "t" },
) =>
  Effect.gen(function* () {
    const numeric = provider.taskIdType === "number"
    const transport = Scripted.make({
      createTask: numeric ? { json: { errorId: 0, taskId: 77 } } : Scripted.created(),
      getTaskResult: { json: { errorId: 0, status: "ready", solution } },
    })
    const fiber = yield* Effect.forkChild(
      SolveKit.use((kit) => kit.solve(request)).pipe(
        Effect.provide(Scripted.clientLayer(transport, { provider })),
        Effect.exit,
      ),
    )
    yield* TestClock.adjust("5 minutes")
    const exit = yield* Fiber.join(fiber)
    const failure = Exit.isFailure(exit)
      ? (exit.cause.reasons.find((r) => r._tag === "Fail") as { readonly error: SolveError } | undefined)
          ?.error
      : undefined
    const outcome: Outcome = {
      task: transport.callsTo("createTask")[0]?.body.task as Record<string, unknown> | undefined,
      solution: Exit.isSuccess(exit) ? (exit.value.solution as Record<string, unknown>) : undefined,
      refused: failure instanceof InvalidTaskError ? failure : undefined,
      requests: transport.calls.length,
    }
    return outcome
  })

/** Asserts a refusal before any request, at `field`, naming the provider. */
const assertRefused = (outcome: Outcome, provider: Provider, field: string) => {
  assert.isDefined(outcome.refused, `expected ${provider.name} to refuse ${field}`)
  assert.strictEqual(outcome.refused?.field, field)
  assert.include(outcome.refused?.message ?? "", provider.name)
  assert.strictEqual(outcome.requests, 0)
}

describe("reCAPTCHA v3 minScore (2Captcha and Anti-Captcha: required, one of 0.3, 0.7, 0.9)", () => {
  for (const provider of [TwoCaptcha, AntiCaptcha]) {
    it.effect(`${provider.name} refuses a v3 task without minScore, or with 0.5, before any request`, () =>
      Effect.gen(function* () {
        assertRefused(yield* solveWith(provider, ReCaptchaV3TaskProxyLess(site)), provider, "minScore")
        assertRefused(
          yield* solveWith(provider, ReCaptchaV3TaskProxyLess({ ...site, minScore: 0.5 })),
          provider,
          "minScore",
        )
      }),
    )

    it.effect(`${provider.name} is sent 0.3, 0.7 and 0.9 as given`, () =>
      Effect.gen(function* () {
        for (const minScore of [0.3, 0.7, 0.9]) {
          const outcome = yield* solveWith(provider, ReCaptchaV3TaskProxyLess({ ...site, minScore }))
          assert.strictEqual(outcome.task?.minScore, minScore)
          assert.strictEqual(outcome.task?.type, "RecaptchaV3TaskProxyless")
        }
      }),
    )
  }

  it.effect("CapMonster Cloud takes any minScore from 0.1 to 0.9, or none", () =>
    Effect.gen(function* () {
      const withScore = yield* solveWith(
        CapMonsterCloud,
        ReCaptchaV3TaskProxyLess({ ...site, minScore: 0.5 }),
      )
      assert.strictEqual(withScore.task?.minScore, 0.5)
      const without = yield* solveWith(CapMonsterCloud, ReCaptchaV3TaskProxyLess(site))
      assert.isFalse("minScore" in (without.task ?? {}))
    }),
  )
})

describe("reCAPTCHA v3 Enterprise", () => {
  for (const provider of [TwoCaptcha, AntiCaptcha]) {
    it.effect(`${provider.name} is sent RecaptchaV3TaskProxyless with isEnterprise: true`, () =>
      Effect.gen(function* () {
        const outcome = yield* solveWith(
          provider,
          ReCaptchaV3EnterpriseTaskProxyLess({ ...site, minScore: 0.9, pageAction: "login" }),
        )
        assert.deepStrictEqual(outcome.task, {
          type: "RecaptchaV3TaskProxyless",
          ...site,
          minScore: 0.9,
          pageAction: "login",
          isEnterprise: true,
        })
      }),
    )

    it.effect(`${provider.name} refuses enterprisePayload, which its v3 page does not document`, () =>
      Effect.gen(function* () {
        const outcome = yield* solveWith(
          provider,
          ReCaptchaV3EnterpriseTaskProxyLess({ ...site, minScore: 0.9, enterprisePayload: { s: "x" } }),
        )
        assertRefused(outcome, provider, "enterprisePayload")
      }),
    )
  }

  it.effect("CapMonster Cloud is sent RecaptchaV3EnterpriseTask", () =>
    Effect.gen(function* () {
      const outcome = yield* solveWith(
        CapMonsterCloud,
        ReCaptchaV3EnterpriseTaskProxyLess({ ...site, minScore: 0.3 }),
      )
      assert.deepStrictEqual(outcome.task, { type: "RecaptchaV3EnterpriseTask", ...site, minScore: 0.3 })
    }),
  )
})

describe("CapSolver's documented reCAPTCHA v3 fields (userAgent, cookies, anchor, reload)", () => {
  const full = {
    ...site,
    userAgent: "Mozilla/5.0",
    cookies: [{ name: "a", value: "1" }],
    anchor: "YW5j",
    reload: "cmVs",
  }

  it.effect("are accepted and sent to CapSolver as given", () =>
    Effect.gen(function* () {
      const transport = Scripted.make({ createTask: Scripted.created(), getTaskResult: Scripted.ready() })
      const fiber = yield* Effect.forkChild(
        SolveKit.use((kit) => kit.solve(ReCaptchaV3TaskProxyLess(full))).pipe(
          Effect.provide(Scripted.clientLayer(transport, { provider: CapSolver })),
          Effect.exit,
        ),
      )
      yield* TestClock.adjust("1 minute")
      assert.isTrue(Exit.isSuccess(yield* Fiber.join(fiber)))
      assert.deepStrictEqual(transport.callsTo("createTask")[0]?.body.task, {
        type: "ReCaptchaV3TaskProxyLess",
        ...full,
      })
    }),
  )

  for (const provider of others) {
    it.effect(`${provider.name} refuses them: its v3 page lists none of them`, () =>
      Effect.gen(function* () {
        for (const field of ["userAgent", "cookies", "anchor", "reload"] as const) {
          const outcome = yield* solveWith(
            provider,
            ReCaptchaV3TaskProxyLess({ ...site, minScore: 0.3, [field]: full[field] }),
          )
          assertRefused(outcome, provider, field)
        }
      }),
    )
  }
})

describe("reCAPTCHA v2 cookies as the string the providers document", () => {
  const cookies = [
    { name: "sid", value: "abc" },
    { name: "lang", value: "en" },
  ]

  for (const [provider, request] of [
    [TwoCaptcha, ReCaptchaV2TaskProxyLess({ ...site, cookies })],
    [AntiCaptcha, ReCaptchaV2Task({ ...site, cookies, proxy })],
    [CapMonsterCloud, ReCaptchaV2TaskProxyLess({ ...site, cookies })],
    [CapMonsterCloud, ReCaptchaV2EnterpriseTask({ ...site, cookies, proxy })],
  ] as const) {
    it.effect(
      `${provider.name} (${request.type}) is sent a list of { name, value } as "sid=abc; lang=en"`,
      () =>
        Effect.gen(function* () {
          const outcome = yield* solveWith(provider, request)
          assert.strictEqual(outcome.task?.cookies, "sid=abc; lang=en")
        }),
    )
  }

  it.effect("a cookie string is sent as given", () =>
    Effect.gen(function* () {
      const outcome = yield* solveWith(
        CapMonsterCloud,
        ReCaptchaV2TaskProxyLess({ ...site, cookies: "a=1; b=2" }),
      )
      assert.strictEqual(outcome.task?.cookies, "a=1; b=2")
    }),
  )

  it.effect(
    "Anti-Captcha refuses userAgent and cookies on RecaptchaV2TaskProxyless, whose page lists neither",
    () =>
      Effect.gen(function* () {
        assertRefused(
          yield* solveWith(AntiCaptcha, ReCaptchaV2TaskProxyLess({ ...site, cookies })),
          AntiCaptcha,
          "cookies",
        )
        assertRefused(
          yield* solveWith(AntiCaptcha, ReCaptchaV2TaskProxyLess({ ...site, userAgent: "UA" })),
          AntiCaptcha,
          "userAgent",
        )
      }),
  )

  it.effect("CapMonster Cloud refuses pageAction on RecaptchaV2Task, whose page lists none", () =>
    Effect.gen(function* () {
      assertRefused(
        yield* solveWith(CapMonsterCloud, ReCaptchaV2TaskProxyLess({ ...site, pageAction: "login" })),
        CapMonsterCloud,
        "pageAction",
      )
    }),
  )
})

describe("GeeTest v3 and v4", () => {
  const v4 = GeeTestTaskProxyLess({
    websiteURL: "https://gt4.example.test/",
    captchaId: "54088bb07d2df3c46b79f80300b0abbe",
    initParameters: { riskType: "slide" },
  })
  const v3 = GeeTestTaskProxyLess({ websiteURL: "https://gt.example.test/", gt: "gt-key", challenge: "ch" })

  for (const [provider, type] of [
    [AntiCaptcha, "GeeTestTaskProxyless"],
    [CapMonsterCloud, "GeeTestTask"],
  ] as const) {
    it.effect(`${provider.name} is sent v4 as gt = captchaId, version 4 and initParameters`, () =>
      Effect.gen(function* () {
        const outcome = yield* solveWith(provider, v4, {
          captcha_id: "54088bb07d2df3c46b79f80300b0abbe",
          lot_number: "l",
          pass_token: "p",
          gen_time: "1683794919",
          captcha_output: "o",
        })
        assert.deepStrictEqual(outcome.task, {
          type,
          websiteURL: "https://gt4.example.test/",
          gt: "54088bb07d2df3c46b79f80300b0abbe",
          version: 4,
          initParameters: { riskType: "slide" },
        })
        // The documented v4 answer (geetest-task.mdx, anticaptcha-csharp TaskResultResponse.cs) decodes typed.
        assert.strictEqual(outcome.solution?.captcha_output, "o")
        assert.strictEqual(outcome.solution?.gen_time, "1683794919")
      }),
    )

    it.effect(`${provider.name} is sent v3 as gt, challenge and version 3`, () =>
      Effect.gen(function* () {
        const outcome = yield* solveWith(provider, v3, { challenge: "c", validate: "v", seccode: "s" })
        assert.deepStrictEqual(outcome.task, {
          type,
          websiteURL: "https://gt.example.test/",
          gt: "gt-key",
          challenge: "ch",
          version: 3,
        })
      }),
    )
  }

  it.effect(
    "2Captcha is sent v4 as version 4 and initParameters holding the captcha_id, v3 with version 3",
    () =>
      Effect.gen(function* () {
        const outcome = yield* solveWith(TwoCaptcha, v4, { captcha_output: "o" })
        assert.deepStrictEqual(outcome.task, {
          type: "GeeTestTaskProxyless",
          websiteURL: "https://gt4.example.test/",
          version: 4,
          initParameters: { riskType: "slide", captcha_id: "54088bb07d2df3c46b79f80300b0abbe" },
        })
        const v3Sent = yield* solveWith(TwoCaptcha, v3, { challenge: "c", validate: "v", seccode: "s" })
        assert.strictEqual(v3Sent.task?.version, 3)
        assert.strictEqual(v3Sent.task?.gt, "gt-key")
        assertRefused(
          yield* solveWith(
            TwoCaptcha,
            GeeTestTaskProxyLess({
              websiteURL: "https://x.test/",
              captchaId: "id",
              geetestApiServerSubdomain: "api-na.geetest.com",
            }),
          ),
          TwoCaptcha,
          "geetestApiServerSubdomain",
        )
      }),
  )

  it.effect("CapSolver refuses initParameters, which it does not document", () =>
    Effect.gen(function* () {
      assertRefused(yield* solveWith(CapSolver, v4), CapSolver, "initParameters")
    }),
  )
})

describe("Amazon WAF", () => {
  const goku = {
    websiteURL: "https://shop.example.test/",
    awsKey: "AQIDAHjcYu",
    awsIv: "CgAHbCe2",
    awsContext: "rGXmrc",
    awsChallengeJS: "https://x.token.awswaf.com/x/challenge.js",
  }
  /** `goku` renamed as all three providers document Amazon WAF: websiteKey, iv, context, challengeScript. */
  const amazonFields = {
    websiteURL: "https://shop.example.test/",
    websiteKey: "AQIDAHjcYu",
    iv: "CgAHbCe2",
    context: "rGXmrc",
    challengeScript: "https://x.token.awswaf.com/x/challenge.js",
  }

  it.effect("Anti-Captcha is sent AmazonTaskProxyless with websiteKey, iv, context and challengeScript", () =>
    Effect.gen(function* () {
      const outcome = yield* solveWith(AntiCaptcha, AntiAwsWafTaskProxyLess(goku), {
        token: "waf-token",
        domain: "x",
      })
      assert.deepStrictEqual(outcome.task, {
        type: "AmazonTaskProxyless",
        ...amazonFields,
      })
      // Its answer is a token (anticaptcha-npm solveAmazonProxyless): read as the catalogue's cookie, kept too.
      assert.strictEqual(outcome.solution?.cookie, "waf-token")
      assert.strictEqual(outcome.solution?.token, "waf-token")
    }),
  )

  it.effect(
    "Anti-Captcha is sent AmazonTask with the proxy fields, and the widget's jsapi.js as jsapiScript",
    () =>
      Effect.gen(function* () {
        const proxied = yield* solveWith(AntiCaptcha, AntiAwsWafTask({ ...goku, proxy }), { token: "t" })
        assert.strictEqual(proxied.task?.type, "AmazonTask")
        assert.strictEqual(proxied.task?.proxyAddress, "10.0.0.9")
        const widget = yield* solveWith(
          AntiCaptcha,
          AntiAwsWafTaskProxyLess({
            websiteURL: "https://shop.example.test/",
            awsKey: "AQIDAHjcYu",
            awsApiJs: "https://x.captcha-sdk.awswaf.com/x/jsapi.js",
          }),
          { token: "t" },
        )
        assert.deepStrictEqual(widget.task, {
          type: "AmazonTaskProxyless",
          websiteURL: "https://shop.example.test/",
          websiteKey: "AQIDAHjcYu",
          jsapiScript: "https://x.captcha-sdk.awswaf.com/x/jsapi.js",
          wafType: "widget",
        })
      }),
  )

  it.effect(
    "CapMonster Cloud is sent AmazonTask with cookieSolution, and its cookie answer as the catalogue's",
    () =>
      Effect.gen(function* () {
        const outcome = yield* solveWith(CapMonsterCloud, AntiAwsWafTaskProxyLess(goku), {
          cookies: { "aws-waf-token": "cookie-value" },
          userAgent: "UA",
        })
        assert.deepStrictEqual(outcome.task, {
          type: "AmazonTask",
          ...amazonFields,
          cookieSolution: true,
        })
        assert.strictEqual(outcome.solution?.cookie, "cookie-value")
        assert.deepStrictEqual(outcome.solution?.cookies, { "aws-waf-token": "cookie-value" })
      }),
  )

  for (const provider of [AntiCaptcha, CapMonsterCloud]) {
    it.effect(`${provider.name} refuses CapSolver's problem-endpoint fields and a task without awsKey`, () =>
      Effect.gen(function* () {
        for (const field of ["awsProblemUrl", "awsApiKey", "awsExistingToken"] as const) {
          assertRefused(
            yield* solveWith(provider, AntiAwsWafTaskProxyLess({ ...goku, [field]: "x" })),
            provider,
            field,
          )
        }
        const { awsKey: _key, ...withoutKey } = goku
        assertRefused(yield* solveWith(provider, AntiAwsWafTaskProxyLess(withoutKey)), provider, "awsKey")
      }),
    )
  }

  it.effect(
    "2Captcha is sent AmazonTaskProxyless as captcha-libs lays it out, and its voucher answer is kept as given",
    () =>
      Effect.gen(function* () {
        const outcome = yield* solveWith(TwoCaptcha, AntiAwsWafTaskProxyLess(goku), {
          captcha_voucher: "voucher",
          existing_token: "existing",
        })
        assert.deepStrictEqual(outcome.task, {
          type: "AmazonTaskProxyless",
          ...amazonFields,
        })
        // captcha_voucher and existing_token (captcha-libs AmazonTaskSolution.ts): neither is the aws-waf-token
        // cookie, so the catalogue's cookie stays absent and both are kept.
        assert.strictEqual(outcome.solution?.captcha_voucher, "voucher")
        assert.strictEqual(outcome.solution?.existing_token, "existing")
        assert.isUndefined(outcome.solution?.cookie)
      }),
  )

  it.effect("2Captcha is sent AmazonTask with the proxy fields, and captcha.js through an extra field", () =>
    Effect.gen(function* () {
      const proxied = yield* solveWith(TwoCaptcha, AntiAwsWafTask({ ...goku, proxy }), {
        captcha_voucher: "v",
        existing_token: "e",
      })
      assert.deepStrictEqual(proxied.task, {
        type: "AmazonTask",
        ...amazonFields,
        proxyType: "http",
        proxyAddress: "10.0.0.9",
        proxyPort: 3128,
        proxyLogin: "u",
        proxyPassword: "p",
      })
      const Amazon = Task.extend(AntiAwsWafTaskProxyLess, { captchaScript: "string" })
      const withScript = yield* solveWith(
        TwoCaptcha,
        Amazon({ ...goku, captchaScript: "https://x.captcha.awswaf.com/x/captcha.js" }),
        { captcha_voucher: "v", existing_token: "e" },
      )
      assert.strictEqual(withScript.task?.captchaScript, "https://x.captcha.awswaf.com/x/captcha.js")
    }),
  )

  it.effect(
    "2Captcha refuses jsapi.js, the problem-endpoint fields, and a task without awsIv or awsContext",
    () =>
      Effect.gen(function* () {
        assertRefused(
          yield* solveWith(
            TwoCaptcha,
            AntiAwsWafTaskProxyLess({ ...goku, awsApiJs: "https://x.captcha-sdk.awswaf.com/x/jsapi.js" }),
          ),
          TwoCaptcha,
          "awsApiJs",
        )
        for (const field of ["awsProblemUrl", "awsApiKey", "awsExistingToken"] as const) {
          assertRefused(
            yield* solveWith(TwoCaptcha, AntiAwsWafTaskProxyLess({ ...goku, [field]: "x" })),
            TwoCaptcha,
            field,
          )
        }
        for (const field of ["awsKey", "awsIv", "awsContext"] as const) {
          const { [field]: _dropped, ...without } = goku
          assertRefused(yield* solveWith(TwoCaptcha, AntiAwsWafTaskProxyLess(without)), TwoCaptcha, field)
        }
      }),
  )
})

describe("2Captcha's reCAPTCHA v2 Enterprise, MTCaptcha and DataDome (secondary source: captcha-libs)", () => {
  it.effect("sends RecaptchaV2EnterpriseTaskProxyless with its documented fields, cookies joined", () =>
    Effect.gen(function* () {
      const outcome = yield* solveWith(
        TwoCaptcha,
        ReCaptchaV2EnterpriseTaskProxyLess({
          ...site,
          enterprisePayload: { s: "payload" },
          isInvisible: true,
          apiDomain: "recaptcha.net",
          userAgent: "Mozilla/5.0",
          cookies: [
            { name: "a", value: "1" },
            { name: "b", value: "2" },
          ],
        }),
        { gRecaptchaResponse: "g-token", token: "g-token" },
      )
      assert.deepStrictEqual(outcome.task, {
        type: "RecaptchaV2EnterpriseTaskProxyless",
        ...site,
        enterprisePayload: { s: "payload" },
        isInvisible: true,
        apiDomain: "recaptcha.net",
        userAgent: "Mozilla/5.0",
        cookies: "a=1; b=2",
      })
      // Its answer (RecaptchaV2TaskSolution.ts) is already the catalogue's shape.
      assert.strictEqual(outcome.solution?.gRecaptchaResponse, "g-token")
      assert.strictEqual(outcome.solution?.token, "g-token")
    }),
  )

  it.effect("sends RecaptchaV2EnterpriseTask with the split proxy fields", () =>
    Effect.gen(function* () {
      const outcome = yield* solveWith(TwoCaptcha, ReCaptchaV2EnterpriseTask({ ...site, proxy }))
      assert.deepStrictEqual(outcome.task, {
        type: "RecaptchaV2EnterpriseTask",
        ...site,
        proxyType: "http",
        proxyAddress: "10.0.0.9",
        proxyPort: 3128,
        proxyLogin: "u",
        proxyPassword: "p",
      })
    }),
  )

  it.effect("refuses pageAction, isSession and an apiDomain other than google.com or recaptcha.net", () =>
    Effect.gen(function* () {
      assertRefused(
        yield* solveWith(TwoCaptcha, ReCaptchaV2EnterpriseTaskProxyLess({ ...site, pageAction: "login" })),
        TwoCaptcha,
        "pageAction",
      )
      assertRefused(
        yield* solveWith(TwoCaptcha, ReCaptchaV2EnterpriseTaskProxyLess({ ...site, isSession: true })),
        TwoCaptcha,
        "isSession",
      )
      assertRefused(
        yield* solveWith(
          TwoCaptcha,
          ReCaptchaV2EnterpriseTaskProxyLess({ ...site, apiDomain: "https://www.recaptcha.net/" }),
        ),
        TwoCaptcha,
        "apiDomain",
      )
    }),
  )

  it.effect(
    "refuses the same fields on plain reCAPTCHA v2, whose page lists no pageAction or isSession either",
    () =>
      Effect.gen(function* () {
        for (const definition of [ReCaptchaV2TaskProxyLess, ReCaptchaV2Task]) {
          const withProxy = definition === ReCaptchaV2Task ? { proxy } : {}
          for (const [field, value] of [
            ["pageAction", "login"],
            ["isSession", true],
            ["apiDomain", "www.recaptcha.net"],
          ] as const) {
            assertRefused(
              yield* solveWith(TwoCaptcha, definition({ ...site, ...withProxy, [field]: value } as never)),
              TwoCaptcha,
              field,
            )
          }
        }
      }),
  )

  it.effect(
    "sends MtCaptchaTaskProxyless and MtCaptchaTask (a proxy host name as given); the token answer",
    () =>
      Effect.gen(function* () {
        const mt = { websiteURL: "https://shop.example.test/", websiteKey: "MTPublic-tqNCRE0GS" }
        const proxyless = yield* solveWith(TwoCaptcha, MtCaptchaTaskProxyLess(mt), { token: "v1(mt)" })
        assert.deepStrictEqual(proxyless.task, { type: "MtCaptchaTaskProxyless", ...mt })
        assert.strictEqual(proxyless.solution?.token, "v1(mt)")
        const proxied = yield* solveWith(
          TwoCaptcha,
          MtCaptchaTask({ ...mt, proxy: "socks5:proxy.example.test:1080:u:p" }),
          { token: "v1(mt)" },
        )
        // "Proxy IP address or hostname" (captcha-libs): a host name is not refused at 2Captcha.
        assert.deepStrictEqual(proxied.task, {
          type: "MtCaptchaTask",
          ...mt,
          proxyType: "socks5",
          proxyAddress: "proxy.example.test",
          proxyPort: 1080,
          proxyLogin: "u",
          proxyPassword: "p",
        })
      }),
  )

  const dataDome = {
    websiteURL: "https://shop.example.test/",
    captchaUrl: "https://geo.captcha-delivery.com/captcha/?initialCid=abc&t=fe",
    userAgent: "Mozilla/5.0",
    proxy,
  }

  it.effect("sends DataDomeSliderTask (its casing) with the catalogue's fields; the cookie answer", () =>
    Effect.gen(function* () {
      const cookie = "datadome=new-value; Max-Age=31536000; Domain=.shop.example.test; Path=/; Secure"
      const outcome = yield* solveWith(TwoCaptcha, DatadomeSliderTask(dataDome), { cookie })
      assert.deepStrictEqual(outcome.task, {
        type: "DataDomeSliderTask",
        websiteURL: "https://shop.example.test/",
        captchaUrl: dataDome.captchaUrl,
        userAgent: "Mozilla/5.0",
        proxyType: "http",
        proxyAddress: "10.0.0.9",
        proxyPort: 3128,
        proxyLogin: "u",
        proxyPassword: "p",
      })
      assert.strictEqual(outcome.solution?.cookie, cookie)
    }),
  )

  it.effect("refuses a DataDome task without websiteURL, which 2Captcha requires, before any request", () =>
    Effect.gen(function* () {
      const { websiteURL: _url, ...noUrl } = dataDome
      assertRefused(yield* solveWith(TwoCaptcha, DatadomeSliderTask(noUrl)), TwoCaptcha, "websiteURL")
    }),
  )
})

describe("DataDome at CapMonster Cloud (CustomTask, class DataDome)", () => {
  const DataDome = Task.extend(DatadomeSliderTask, { metadata: { datadomeCookie: "string" } })
  const fields = {
    websiteURL: "https://shop.example.test/",
    captchaUrl: "https://geo.captcha-delivery.com/captcha/?initialCid=abc&t=fe",
    userAgent: "Mozilla/5.0",
    proxy,
  }

  it.effect(
    "is sent in its layout, the cookie through an extra field, and answers decode to the cookie",
    () =>
      Effect.gen(function* () {
        const outcome = yield* solveWith(
          CapMonsterCloud,
          DataDome({ ...fields, metadata: { datadomeCookie: "datadome=old" } }),
          { domains: { "shop.example.test": { cookies: { datadome: "new-value" }, localStorage: null } } },
        )
        assert.deepStrictEqual(outcome.task, {
          type: "CustomTask",
          class: "DataDome",
          websiteURL: "https://shop.example.test/",
          userAgent: "Mozilla/5.0",
          metadata: { captchaUrl: fields.captchaUrl, datadomeCookie: "datadome=old" },
          proxyType: "http",
          proxyAddress: "10.0.0.9",
          proxyPort: 3128,
          proxyLogin: "u",
          proxyPassword: "p",
        })
        assert.strictEqual(outcome.solution?.cookie, "datadome=new-value")
      }),
  )

  it.effect("refuses a task without the datadome cookie, or without websiteURL, before any request", () =>
    Effect.gen(function* () {
      assertRefused(
        yield* solveWith(CapMonsterCloud, DatadomeSliderTask(fields)),
        CapMonsterCloud,
        "metadata.datadomeCookie",
      )
      const { websiteURL: _url, ...noUrl } = fields
      assertRefused(
        yield* solveWith(CapMonsterCloud, DataDome({ ...noUrl, metadata: { datadomeCookie: "d" } })),
        CapMonsterCloud,
        "websiteURL",
      )
    }),
  )

  it.effect("leaves a Task.raw CustomTask of another class alone", () =>
    Effect.gen(function* () {
      const outcome = yield* solveWith(
        CapMonsterCloud,
        Task.raw("CustomTask", { class: "Temu", websiteURL: "https://x.test", metadata: { cookie: "c" } }),
        { data: "x" },
      )
      assert.deepStrictEqual(outcome.task, {
        type: "CustomTask",
        class: "Temu",
        websiteURL: "https://x.test",
        metadata: { cookie: "c" },
      })
    }),
  )
})

describe("Turnstile's chlPageData and userAgent", () => {
  const challenge = AntiTurnstileTaskProxyLess({
    ...site,
    metadata: { action: "managed", cdata: "c-1", chlPageData: "page-data" },
    userAgent: "Mozilla/5.0",
  })

  it.effect("Anti-Captcha is sent chlPageData, and refuses userAgent (its page: it won't work)", () =>
    Effect.gen(function* () {
      const outcome = yield* solveWith(
        AntiCaptcha,
        AntiTurnstileTaskProxyLess({ ...site, metadata: { chlPageData: "page-data" } }),
      )
      assert.deepStrictEqual(outcome.task, {
        type: "TurnstileTaskProxyless",
        ...site,
        chlPageData: "page-data",
      })
      assertRefused(yield* solveWith(AntiCaptcha, challenge), AntiCaptcha, "userAgent")
    }),
  )

  it.effect("2Captcha is sent pagedata and userAgent", () =>
    Effect.gen(function* () {
      const outcome = yield* solveWith(TwoCaptcha, challenge)
      assert.deepStrictEqual(outcome.task, {
        type: "TurnstileTaskProxyless",
        ...site,
        action: "managed",
        data: "c-1",
        pagedata: "page-data",
        userAgent: "Mozilla/5.0",
      })
    }),
  )

  it.effect(
    "CapMonster Cloud is sent its challenge variant, which needs pageAction, data and userAgent",
    () =>
      Effect.gen(function* () {
        const outcome = yield* solveWith(CapMonsterCloud, challenge)
        assert.deepStrictEqual(outcome.task, {
          type: "TurnstileTask",
          ...site,
          cloudflareTaskType: "token",
          pageAction: "managed",
          data: "c-1",
          pageData: "page-data",
          userAgent: "Mozilla/5.0",
        })
        assertRefused(
          yield* solveWith(
            CapMonsterCloud,
            AntiTurnstileTaskProxyLess({
              ...site,
              metadata: { chlPageData: "p", action: "managed" },
              userAgent: "UA",
            }),
          ),
          CapMonsterCloud,
          "metadata.cdata",
        )
        assertRefused(
          yield* solveWith(CapMonsterCloud, AntiTurnstileTaskProxyLess({ ...site, userAgent: "UA" })),
          CapMonsterCloud,
          "userAgent",
        )
      }),
  )

  it.effect(
    "CapSolver refuses chlPageData, which its page does not document, and sends a userAgent it ignores",
    () =>
      Effect.gen(function* () {
        assertRefused(
          yield* solveWith(
            CapSolver,
            AntiTurnstileTaskProxyLess({ ...site, metadata: { chlPageData: "p" } }),
          ),
          CapSolver,
          "metadata.chlPageData",
        )
        const outcome = yield* solveWith(CapSolver, AntiTurnstileTaskProxyLess({ ...site, userAgent: "UA" }))
        assert.strictEqual(outcome.task?.userAgent, "UA")
      }),
  )
})

describe("ImageToText options per provider", () => {
  const body = "aGVsbG8gd29ybGQ="

  it.effect("Anti-Captcha is sent its documented options as given", () =>
    Effect.gen(function* () {
      const options = {
        case: true,
        numeric: 2,
        math: false,
        minLength: 4,
        maxLength: 6,
        phrase: false,
        comment: "red",
      } as const
      const outcome = yield* solveWith(AntiCaptcha, ImageToTextTask({ body, ...options }))
      assert.deepStrictEqual(outcome.task, { type: "ImageToTextTask", body, ...options })
    }),
  )

  it.effect("CapMonster Cloud is sent capMonsterModule, recognizingThreshold, case, numeric and math", () =>
    Effect.gen(function* () {
      const options = {
        capMonsterModule: "yandex",
        recognizingThreshold: 90,
        case: true,
        numeric: 1,
        math: true,
      } as const
      const outcome = yield* solveWith(CapMonsterCloud, ImageToTextTask({ body, ...options }))
      assert.deepStrictEqual(outcome.task, { type: "ImageToTextTask", body, ...options })
      assertRefused(
        yield* solveWith(CapMonsterCloud, ImageToTextTask({ body, numeric: 2 })),
        CapMonsterCloud,
        "numeric",
      )
      assertRefused(
        yield* solveWith(CapMonsterCloud, ImageToTextTask({ body, phrase: true })),
        CapMonsterCloud,
        "phrase",
      )
    }),
  )

  for (const provider of others) {
    it.effect(`${provider.name} refuses CapSolver's module, images and score, naming the field`, () =>
      Effect.gen(function* () {
        assertRefused(
          yield* solveWith(provider, ImageToTextTask({ body, module: "common" })),
          provider,
          "module",
        )
        assertRefused(yield* solveWith(provider, ImageToTextTask({ body, score: 0.8 })), provider, "score")
        assertRefused(
          yield* solveWith(provider, ImageToTextTask({ module: "number", images: [body] })),
          provider,
          "module",
        )
      }),
    )
  }

  it.effect("CapSolver refuses the other providers' options", () =>
    Effect.gen(function* () {
      assertRefused(yield* solveWith(CapSolver, ImageToTextTask({ body, numeric: 1 })), CapSolver, "numeric")
      assertRefused(
        yield* solveWith(CapSolver, ImageToTextTask({ body, recognizingThreshold: 50 })),
        CapSolver,
        "recognizingThreshold",
      )
    }),
  )
})

describe("Task.raw is sent as given, whatever the provider's rules for its type name", () => {
  it.effect("2Captcha is sent a raw RecaptchaV3TaskProxyless without minScore", () =>
    Effect.gen(function* () {
      const outcome = yield* solveWith(
        TwoCaptcha,
        Task.raw("RecaptchaV3TaskProxyless", { ...site, anchor: "a" }),
      )
      assert.deepStrictEqual(outcome.task, { type: "RecaptchaV3TaskProxyless", ...site, anchor: "a" })
    }),
  )
})
