/**
 * Every provider end to end through @solvekit/node, over HTTP, against the emulator speaking that provider's
 * dialect (issue 15). The emulator's task tables and error lists are written from each provider's docs
 * independently of core's, so a mapping core gets wrong is refused here by the "provider" itself: a wrong
 * field name, a CapSolver spelling, a missing required field.
 */
import {
  AntiCaptcha,
  type AnyTaskRequest,
  CapMonsterCloud,
  CapSolver,
  isApiError,
  isFeedbackRefusedError,
  isInvalidTaskError,
  Policy,
  type Provider,
  ReCaptchaV2TaskProxyLess,
  ReCaptchaV3TaskProxyLess,
  TwoCaptcha,
} from "@solvekit/core"
import { type DialectName, errorCodesOf } from "@solvekit/emulator"
import { serve } from "@solvekit/emulator/node"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createClient, type NodeClientOptions } from "../src/NodeClient.ts"
import { catalogueSamples, sampleFor } from "./support/catalogueSamples.ts"

const KEY = "SENTINEL-DIALECT-KEY-7b21"

interface Case {
  readonly dialect: DialectName
  readonly provider: Provider.Provider
  /** The catalogue types the provider documents a form for (packages/core/README.md, Task types per provider). */
  readonly supported: ReadonlyArray<string>
}

const allTypes = Object.keys(catalogueSamples)

const cases: ReadonlyArray<Case> = [
  { dialect: "capsolver", provider: CapSolver, supported: allTypes },
  {
    dialect: "2captcha",
    provider: TwoCaptcha,
    supported: [
      "ReCaptchaV2TaskProxyLess",
      "ReCaptchaV2Task",
      "ReCaptchaV2EnterpriseTask",
      "ReCaptchaV2EnterpriseTaskProxyLess",
      "ReCaptchaV3TaskProxyLess",
      "ReCaptchaV3EnterpriseTaskProxyLess",
      "AntiTurnstileTaskProxyLess",
      "AntiAwsWafTask",
      "AntiAwsWafTaskProxyLess",
      "GeeTestTaskProxyLess",
      "MtCaptchaTask",
      "MtCaptchaTaskProxyLess",
      "DatadomeSliderTask",
      "ImageToTextTask",
    ],
  },
  {
    dialect: "anticaptcha",
    provider: AntiCaptcha,
    supported: [
      "ReCaptchaV2TaskProxyLess",
      "ReCaptchaV2Task",
      "ReCaptchaV2EnterpriseTask",
      "ReCaptchaV2EnterpriseTaskProxyLess",
      "ReCaptchaV3TaskProxyLess",
      "ReCaptchaV3EnterpriseTaskProxyLess",
      "AntiTurnstileTaskProxyLess",
      "AntiAwsWafTask",
      "AntiAwsWafTaskProxyLess",
      "GeeTestTaskProxyLess",
      "ImageToTextTask",
    ],
  },
  {
    dialect: "capmonster",
    provider: CapMonsterCloud,
    supported: [
      "ReCaptchaV2TaskProxyLess",
      "ReCaptchaV2Task",
      "ReCaptchaV2EnterpriseTask",
      "ReCaptchaV2EnterpriseTaskProxyLess",
      "ReCaptchaV3TaskProxyLess",
      "ReCaptchaV3EnterpriseTaskProxyLess",
      "AntiTurnstileTaskProxyLess",
      "AntiAwsWafTask",
      "AntiAwsWafTaskProxyLess",
      "GeeTestTaskProxyLess",
      "MtCaptchaTask",
      "MtCaptchaTaskProxyLess",
      "DatadomeSliderTask",
      "ImageToTextTask",
    ],
  },
]

/** Fast polling; 60× provider time so the emulator's 1–30 s solves take 17–500 ms. */
const fast = Policy.fixed("20 millis")
const timeScale = 60

/** What a rejected promise rejected with. */
const rejection = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`)
    },
    (error: unknown) => error,
  )

describe.each(cases)("$dialect through @solvekit/node", ({ dialect, provider, supported }) => {
  let server: Awaited<ReturnType<typeof serve>>
  beforeAll(async () => {
    server = await serve({ provider: dialect, keys: [KEY], timeScale, seed: 7 })
  })
  afterAll(async () => {
    await server.close()
  })

  const client = (options: NodeClientOptions = {}) =>
    createClient({ provider, apiKey: KEY, baseUrl: server.url, policy: fast, proxy: false, ...options })

  const refused = allTypes.filter((type) => !supported.includes(type))

  it(`solves each of the ${supported.length} catalogue types it supports, each accepted by the emulator's own table`, async () => {
    server.emulator.reset()
    await using kit = client()
    const tasks = supported.map((type) => sampleFor(dialect, type))
    const settled = await kit.solveAll(tasks, { concurrency: 8 })
    const failures = settled
      .filter((entry) => entry.status === "rejected")
      .map((entry) => `${supported[entry.index]}: ${String((entry.reason as Error).message)}`)
    expect(failures).toEqual([])
    expect(server.emulator.audit().tasks.ready).toBe(supported.length)
  })

  it.runIf(refused.length > 0)(
    "refuses every catalogue type it does not support before any request, naming the provider",
    async () => {
      server.emulator.reset()
      await using kit = client()
      for (const type of refused) {
        const error = await rejection(kit.solve(sampleFor(dialect, type)))
        expect(isInvalidTaskError(error), `${type}: ${String(error)}`).toBe(true)
        expect((error as Error).message).toContain(provider.name)
      }
      expect(server.emulator.audit().requests.total).toBe(0)
    },
  )

  it("classifies every error code the provider documents, and keeps the raw code", async () => {
    const unknown: Array<string> = []
    for (const { code } of errorCodesOf(dialect)) {
      const forced = await serve({ provider: dialect, keys: [KEY], forceError: { createTask: code } })
      try {
        await using kit = createClient({
          provider,
          apiKey: KEY,
          baseUrl: forced.url,
          proxy: false,
          // One answer per code: a busy code is not retried here (its retry has tests of its own).
          retry: { createTaskMaxRetries: 0 },
        })
        const error = await rejection(kit.createTask(catalogueSamples.ReCaptchaV2TaskProxyLess!))
        expect(isApiError(error), `${code}: ${String(error)}`).toBe(true)
        if (!isApiError(error)) continue
        expect(error.errorCode).toBe(code)
        // A failed createTask names no task, even where the provider answers "taskId": 0 (CapMonster Cloud).
        expect(error.taskId).toBeUndefined()
        if (error.reason === "Unknown") unknown.push(code)
      } finally {
        await forced.close()
      }
    }
    expect(unknown).toEqual([])
  })

  it("reads the balance the emulator holds for the key", async () => {
    server.emulator.reset()
    await using kit = client()
    const { balance } = await kit.getBalance()
    expect(balance).toBe(server.emulator.balance(KEY))
  })

  it("reports a wrong answer to the provider's own endpoint for the task's family", async () => {
    server.emulator.reset()
    await using kit = client()
    const solved = await kit.solve(
      ReCaptchaV2TaskProxyLess({ websiteURL: "https://a.example/", websiteKey: "k" }),
    )
    await kit.feedback(solved, { invalid: true })
    expect(server.emulator.task(solved.taskId)?.reports).toEqual({ correct: 0, incorrect: 1 })
  })

  it("reports a right answer where the provider takes one, and refuses it before any request where it does not", async () => {
    server.emulator.reset()
    await using kit = client()
    const solved = await kit.solve(
      ReCaptchaV3TaskProxyLess({ websiteURL: "https://a.example/", websiteKey: "k", minScore: 0.7 }),
    )
    const before = server.emulator.audit().requests.total
    const outcome = await kit.feedback(solved, { invalid: false }).then(
      () => "sent",
      (error: unknown) => error,
    )
    if (dialect === "capmonster") {
      // CapMonster Cloud has no "correct" report (capmonstercloud-docs api/bad-tokens.mdx).
      expect(isFeedbackRefusedError(outcome), String(outcome)).toBe(true)
      expect(server.emulator.audit().requests.total).toBe(before)
    } else {
      expect(outcome).toBe("sent")
      const reports = server.emulator.task(solved.taskId)?.reports
      // CapSolver's feedbackTask with invalid: false is recorded as feedback, not as a report of either kind.
      if (dialect !== "capsolver") expect(reports).toEqual({ correct: 1, incorrect: 0 })
    }
  })

  it("says what a solve cost where the provider's answer does", async () => {
    server.emulator.reset()
    await using kit = client()
    const solved = await kit.solve(
      ReCaptchaV2TaskProxyLess({ websiteURL: "https://a.example/", websiteKey: "k" }),
    )
    if (dialect === "2captcha" || dialect === "anticaptcha") {
      expect(solved.cost?.amount).toBeGreaterThan(0)
    } else {
      expect(solved.cost).toBeUndefined()
    }
  })
})

/** Keeps the sample table honest: it covers the whole catalogue. */
describe("the catalogue samples", () => {
  it("hold one request per catalogue type", async () => {
    const { Catalogue } = await import("@solvekit/core")
    expect(Object.keys(catalogueSamples).sort()).toEqual(Catalogue.all.map((d) => d.type).sort())
    for (const [type, request] of Object.entries(catalogueSamples) as Array<[string, AnyTaskRequest]>) {
      expect(request.type).toBe(type)
    }
  })
})
