/**
 * `Task.extend`: extra provider fields on a catalogue task, typed and validated, sent as given after the
 * provider's mapping, never shadowing the catalogue's fields, `type` or the proxy (issue 15).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Schema } from "effect"
import { TestClock } from "effect/testing"
import { InvalidTaskError, type SolveError } from "../src/domain/Errors.ts"
import { CapSolver, type Provider } from "../src/domain/Provider.ts"
import { AntiCaptcha } from "../src/domain/providers/AntiCaptcha.ts"
import { CapMonsterCloud } from "../src/domain/providers/CapMonsterCloud.ts"
import * as Task from "../src/domain/Task.ts"
import { AntiAwsWafTaskProxyLess } from "../src/domain/tasks/AwsWaf.ts"
import { ReCaptchaV2Task } from "../src/domain/tasks/ReCaptchaV2.ts"
import { ReCaptchaV3TaskProxyLess } from "../src/domain/tasks/ReCaptchaV3.ts"
import { AntiTurnstileTaskProxyLess } from "../src/domain/tasks/Turnstile.ts"
import { SolveKit } from "../src/faces/SolveKit.ts"
import * as Index from "../src/index.ts"
import * as Scripted from "./ScriptedTransport.ts"

const site = { websiteURL: "https://example.test/", websiteKey: "site-key" }

/** Solves on a scripted transport; the task createTask carried and the refusal, if any. */
const solveWith = (provider: Provider, request: Task.AnyTaskRequest) =>
  Effect.gen(function* () {
    const numeric = provider.taskIdType === "number"
    const transport = Scripted.make({
      createTask: numeric ? { json: { errorId: 0, taskId: 5 } } : Scripted.created(),
      getTaskResult: {
        json: { errorId: 0, status: "ready", solution: { gRecaptchaResponse: "t", token: "t" } },
      },
    })
    const fiber = yield* Effect.forkChild(
      SolveKit.use((kit) => kit.solve(request)).pipe(
        Effect.provide(Scripted.clientLayer(transport, { provider })),
        Effect.exit,
      ),
    )
    yield* TestClock.adjust("5 minutes")
    const exit = yield* Fiber.join(fiber)
    const error = Exit.isFailure(exit)
      ? (exit.cause.reasons.find((r) => r._tag === "Fail") as { readonly error: SolveError } | undefined)
          ?.error
      : undefined
    return {
      task: transport.callsTo("createTask")[0]?.body.task as Record<PropertyKey, unknown> | undefined,
      refused: error instanceof InvalidTaskError ? error : undefined,
      requests: transport.calls.length,
    }
  })

describe("Task.extend", () => {
  // Plain descriptions: no Schema needed.
  const V3 = Task.extend(ReCaptchaV3TaskProxyLess, { s: "string", version: "number?" })

  it.effect("sends the extra fields as given, after the catalogue's fields, with no marker on the wire", () =>
    Effect.gen(function* () {
      const outcome = yield* solveWith(CapSolver, V3({ ...site, s: "token-s" }))
      assert.deepStrictEqual(outcome.task, { type: "ReCaptchaV3TaskProxyLess", ...site, s: "token-s" })
      assert.lengthOf(Object.getOwnPropertySymbols(outcome.task ?? {}), 0)
    }),
  )

  it("keeps the base's type, kind, proxy rule and solution, and validates both kinds of field", () => {
    assert.strictEqual(V3.type, "ReCaptchaV3TaskProxyLess")
    assert.strictEqual(V3.kind, "token")
    assert.strictEqual(V3.proxy, "forbidden")
    const bad = Task.validate(V3({ ...site, s: 42 as unknown as string, minScore: 2 }))
    assert.isTrue(bad._tag === "Failure")
    if (bad._tag === "Failure") {
      assert.sameMembers(
        bad.failure.issues.map((issue) => issue.field),
        ["minScore", "s"],
      )
    }
    const missing = Task.validate(V3({ ...site } as never))
    assert.isTrue(missing._tag === "Failure" && missing.failure.field === "s")
    const unknown = Task.validate(V3({ ...site, s: "x", other: 1 } as never))
    assert.isTrue(unknown._tag === "Failure" && unknown.failure.field === "other")
    const proxied = Task.validate(V3({ ...site, s: "x", proxy: "http:1.2.3.4:80" } as never))
    assert.isTrue(proxied._tag === "Failure" && proxied.failure.field === "proxy")
  })

  it.effect("takes Schemas too, and keeps a proxy task's proxy rules", () =>
    Effect.gen(function* () {
      const V2 = Task.extend(ReCaptchaV2Task, { websiteSToken: Schema.String })
      const outcome = yield* solveWith(
        AntiCaptcha,
        V2({ ...site, proxy: "socks5:10.0.0.7:1080", websiteSToken: "stok" }),
      )
      assert.strictEqual(outcome.task?.websiteSToken, "stok")
      assert.strictEqual(outcome.task?.proxyType, "socks5")
      const noProxy = Task.validate(V2({ ...site, websiteSToken: "x" } as never))
      assert.isTrue(noProxy._tag === "Failure" && noProxy.failure.field === "proxy")
    }),
  )

  it.effect("is not renamed by the provider's mapping: extra fields are the provider's spelling", () =>
    Effect.gen(function* () {
      const Turnstile = Task.extend(AntiTurnstileTaskProxyLess, { cData: "string" })
      const outcome = yield* solveWith(
        AntiCaptcha,
        Turnstile({ ...site, metadata: { action: "login" }, cData: "as-anti-captcha-spells-it" }),
      )
      assert.deepStrictEqual(outcome.task, {
        type: "TurnstileTaskProxyless",
        ...site,
        action: "login",
        cData: "as-anti-captcha-spells-it",
      })
    }),
  )

  it.effect("never replaces a field the provider's mapping set, naming it, before any request", () =>
    Effect.gen(function* () {
      const Amazon = Task.extend(AntiAwsWafTaskProxyLess, { cookieSolution: "boolean" })
      const outcome = yield* solveWith(
        CapMonsterCloud,
        Amazon({
          websiteURL: "https://x.test",
          awsKey: "k",
          awsApiJs: "https://x/jsapi.js",
          cookieSolution: false,
        }),
      )
      assert.strictEqual(outcome.refused?.field, "cookieSolution")
      assert.include(outcome.refused?.message ?? "", "CapMonster Cloud")
      assert.strictEqual(outcome.requests, 0)
    }),
  )

  it("refuses names that shadow the definition's fields (any case), type or the proxy, when built", () => {
    assert.throws(
      () => Task.extend(ReCaptchaV3TaskProxyLess, { WebsiteURL: "string" } as never),
      TypeError,
      /shadow/,
    )
    assert.throws(() => Task.extend(ReCaptchaV3TaskProxyLess, { type: "string" } as never), TypeError, /type/)
    assert.throws(
      () => Task.extend(ReCaptchaV3TaskProxyLess, { proxy: "string" } as never),
      TypeError,
      /proxy/,
    )
    assert.throws(
      () => Task.extend(ReCaptchaV3TaskProxyLess, { proxyAddress: "string" } as never),
      TypeError,
      /proxy/,
    )
    assert.throws(() => Task.extend(ReCaptchaV2Task, { proxyPort: "number" } as never), TypeError, /proxy/)
    assert.throws(() => Task.extend(ReCaptchaV3TaskProxyLess, { s: "text" } as never), TypeError, /"string"/)
    const raw = Task.raw("X", {}).definition
    // (Also a type error: a raw definition's input has every name.)
    assert.throws(() => Task.extend(raw, { s: "string" } as never), TypeError, /Task.raw/)
  })

  it("is a type error to shadow a field", () => {
    // @ts-expect-error websiteKey is the definition's own field
    assert.throws(() => Task.extend(ReCaptchaV3TaskProxyLess, { websiteKey: "string" }))
    // @ts-expect-error a proxy field on a proxyless task
    assert.throws(() => Task.extend(ReCaptchaV3TaskProxyLess, { proxyType: "string" }))
    // The extra fields are typed: a number where a string is described is a type error.
    // @ts-expect-error s is described as a string
    assert.doesNotThrow(() => V3({ ...site, s: 1 }))
  })

  it("is part of the public list", () => {
    assert.strictEqual(Index.Task.extend, Task.extend)
  })
})
