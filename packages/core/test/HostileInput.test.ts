/**
 * Hostile input, through the public API only: whatever a server answers (arbitrary JSON, wrong types in every
 * field, 10,000-level nesting, 5 MB bodies, `__proto__` keys, not JSON at all) and whatever a caller passes as
 * a task (arbitrary values, throwing getters and proxies, cycles, BigInts), every call ends with a valid value
 * or a typed solvekit error. Nothing is thrown past the API, nothing pollutes a prototype, and errors keep a
 * bounded excerpt of what they saw, so memory does not grow with the size of hostile answers.
 *
 * The server side runs the real ky transport against a scripted fetch (HostileInput.helpers.ts).
 */
import v8 from "node:v8"
import vm from "node:vm"
import { Cause, type Effect, Exit, ManagedRuntime, Result } from "effect"
import fc from "fast-check"
import { afterAll, describe, expect, it } from "vitest"
import * as Catalogue from "../src/domain/Catalogue.ts"
import { isInvalidTaskError, isSolveKitError } from "../src/domain/Errors.ts"
import * as Task from "../src/domain/Task.ts"
import { ReCaptchaV2TaskProxyLess } from "../src/domain/tasks/ReCaptchaV2.ts"
import * as Policy from "../src/engine/Policy.ts"
import { makePromiseClient, type SolveKitClient } from "../src/faces/PromiseClient.ts"
import { SolveKit } from "../src/faces/SolveKit.ts"
import {
  type Answer,
  adversarialBodies,
  hostileBody,
  hostileHeaders,
  hostileStatus,
  scriptedFetch,
} from "./HostileInput.helpers.ts"

const KEY = "sk-HOSTILE-9a7c"
const task = ReCaptchaV2TaskProxyLess({ websiteURL: "https://hostile.example", websiteKey: "site-key" })

const ok = (value: unknown): Answer => ({ status: 200, body: JSON.stringify(value) })
const created = ok({ errorId: 0, errorCode: "", taskId: "t-1", status: "idle" })
const unsolvable: Answer = {
  status: 400,
  body: JSON.stringify({ errorId: 1, errorCode: "ERROR_CAPTCHA_UNSOLVABLE" }),
}

const layerFor = (fetch: typeof globalThis.fetch, maxBodyBytes?: number) =>
  SolveKit.layerKy({
    apiKey: KEY,
    baseUrl: "http://hostile.test",
    fetch,
    maxBodyBytes,
    policy: Policy.fixed("1 millis", "1 millis"),
    retry: { baseDelayMs: 1, maxDelayMs: 1, maxRetries: 1, createTaskMaxRetries: 1 },
  })

const server = scriptedFetch()
const client = makePromiseClient(layerFor(server.fetch))
const bigServer = scriptedFetch()
const bigClient = makePromiseClient(layerFor(bigServer.fetch, 16 * 1024 * 1024))
const runtime = ManagedRuntime.make(layerFor(server.fetch))
afterAll(async () => {
  await Promise.all([client.dispose(), bigClient.dispose(), runtime.dispose()])
})

/** Resolves with the outcome of a call: its value, or what it rejected with. */
const settle = async <A>(promise: Promise<A>) => {
  try {
    return { ok: true as const, value: await promise }
  } catch (error) {
    return { ok: false as const, error }
  }
}

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/** A solve's value is valid when it has a taskId, a typed solution and counts. */
const validSolved = (value: unknown) =>
  isRecord(value) &&
  typeof value.taskId === "string" &&
  isRecord(value.solution) &&
  typeof value.solution.gRecaptchaResponse === "string" &&
  Object.getPrototypeOf(value.solution) === Object.prototype &&
  Number.isInteger(value.queries) &&
  typeof value.elapsedMs === "number"

/** Every public call, each with the hostile answer on the endpoint it depends on. */
const calls: ReadonlyArray<{
  readonly name: string
  readonly hostile: string
  readonly run: (c: SolveKitClient) => Promise<unknown>
  readonly valid: (value: unknown) => boolean
}> = [
  { name: "solve (createTask)", hostile: "createTask", run: (c) => c.solve(task), valid: validSolved },
  { name: "solve (getTaskResult)", hostile: "getTaskResult", run: (c) => c.solve(task), valid: validSolved },
  {
    name: "createTask",
    hostile: "createTask",
    run: (c) => c.createTask(task),
    valid: (v) => isRecord(v) && typeof v.taskId === "string" && v.taskId !== "",
  },
  {
    name: "waitForResult",
    hostile: "getTaskResult",
    run: (c) => c.waitForResult("t-1", { task: ReCaptchaV2TaskProxyLess }),
    valid: validSolved,
  },
  { name: "getToken", hostile: "getToken", run: (c) => c.getToken(task), valid: validSolved },
  {
    name: "getBalance",
    hostile: "getBalance",
    run: (c) => c.getBalance(),
    valid: (v) => isRecord(v) && Number.isFinite(v.balance) && Array.isArray(v.packages),
  },
  {
    name: "feedback",
    hostile: "feedbackTask",
    run: (c) => c.feedback("t-1", { invalid: true }),
    valid: (v) => isRecord(v) && typeof v.message === "string",
  },
]

/** The hostile answer once on `endpoint`; elsewhere (and afterwards) answers that end the call quickly. */
const scriptFor =
  (endpoint: string, hostile: Answer) =>
  (name: string, n: number): Answer => {
    if (name === endpoint && n === 0) return hostile
    if (name === "createTask") return created
    return unsolvable
  }

const noPollution = () => {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  expect(Object.hasOwn(Object.prototype, "polluted")).toBe(false)
  expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined()
  expect(Object.keys(Object.prototype)).toEqual([])
}

describe("hostile server answers", () => {
  it("every public call ends with a valid value or a typed error, for any body, status and headers", {
    timeout: 120_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(hostileBody, hostileStatus, hostileHeaders, async (body, status, headers) => {
        for (const call of calls) {
          server.reset()
          server.answer = scriptFor(call.hostile, { status, body, headers })
          const outcome = await settle(call.run(client))
          if (outcome.ok)
            expect(call.valid(outcome.value), `${call.name}: ${JSON.stringify(outcome.value)}`).toBe(true)
          else expect(isSolveKitError(outcome.error), `${call.name}: ${String(outcome.error)}`).toBe(true)
        }
        noPollution()
      }),
      { numRuns: 100 },
    )
  })

  it.each(adversarialBodies.map((body, index) => [index, body] as const))(
    "adversarial body #%i is a value or a typed error on every call, in every status",
    async (_, body) => {
      for (const status of [200, 400, 502]) {
        for (const call of calls) {
          server.reset()
          server.answer = scriptFor(call.hostile, { status, body })
          const outcome = await settle(call.run(client))
          if (outcome.ok) expect(call.valid(outcome.value), call.name).toBe(true)
          else expect(isSolveKitError(outcome.error), `${call.name}: ${String(outcome.error)}`).toBe(true)
        }
      }
      noPollution()
    },
  )

  it("the Effect face fails only with typed errors: no defect, for any answer", {
    timeout: 120_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(hostileBody, hostileStatus, async (body, status) => {
        const programs: ReadonlyArray<readonly [string, Effect.Effect<unknown, unknown, SolveKit>]> = [
          ["createTask", SolveKit.use((s) => s.solve(task))],
          ["getTaskResult", SolveKit.use((s) => s.waitForResult("t-1", { task: ReCaptchaV2TaskProxyLess }))],
          ["getBalance", SolveKit.use((s) => s.getBalance())],
          ["feedbackTask", SolveKit.use((s) => s.feedback("t-1", { invalid: false }))],
        ]
        for (const [endpoint, program] of programs) {
          server.reset()
          server.answer = scriptFor(endpoint, { status, body })
          const exit = await runtime.runPromiseExit(program)
          if (Exit.isFailure(exit)) {
            expect(Cause.hasDies(exit.cause), Cause.pretty(exit.cause)).toBe(false)
            expect(Cause.hasInterrupts(exit.cause)).toBe(false)
            for (const reason of exit.cause.reasons) {
              expect(Cause.isFailReason(reason) && isSolveKitError(reason.error)).toBe(true)
            }
          }
        }
        noPollution()
      }),
      { numRuns: 100 },
    )
  })

  it("a solution carrying __proto__ or constructor keys comes back as plain data, prototypes untouched", async () => {
    for (const solution of [
      '{"__proto__":{"polluted":1,"gRecaptchaResponse":"from-proto"},"gRecaptchaResponse":"t"}',
      '{"constructor":{"prototype":{"polluted":1}},"gRecaptchaResponse":"t"}',
    ]) {
      server.reset()
      server.answer = (name) =>
        name === "createTask"
          ? created
          : { status: 200, body: `{"errorId":0,"taskId":"t-1","status":"ready","solution":${solution}}` }
      const solved = await client.solve(task)
      expect(solved.solution.gRecaptchaResponse).toBe("t")
      expect(Object.getPrototypeOf(solved.solution)).toBe(Object.prototype)
      expect((solved.solution as Record<string, unknown>).polluted).toBeUndefined()
      noPollution()
    }
  })
})

// ===== Memory =====

/** Node's gc, reachable without a command-line flag. */
const collectGarbage = (): (() => void) => {
  v8.setFlagsFromString("--expose-gc")
  return vm.runInNewContext("gc") as () => void
}

describe("hostile answers of 5 MB", () => {
  const FIVE_MB = 5 * 1024 * 1024
  const huge = "x".repeat(FIVE_MB)
  const bodies: ReadonlyArray<readonly [string, string]> = [
    ["createTask", huge],
    [
      "createTask",
      JSON.stringify({ errorId: 1, errorCode: "ERROR_INVALID_TASK_DATA", errorDescription: huge }),
    ],
    ["createTask", JSON.stringify({ errorId: 0, taskId: "t-1", status: huge })],
    [
      "getTaskResult",
      JSON.stringify({
        errorId: 0,
        taskId: "t-1",
        status: "ready",
        solution: { gRecaptchaResponse: 1, huge },
      }),
    ],
    ["getTaskResult", `{"errorId":0,"taskId":"t-1","status":"processing","pad":"${huge}`],
    ["getBalance", JSON.stringify({ errorId: 0, balance: huge })],
    ["getBalance", `<html>${huge}</html>`],
  ]

  it("are refused by default with a typed BodyTooLarge error", async () => {
    for (const [endpoint, body] of bodies) {
      server.reset()
      server.answer = scriptFor(endpoint, { status: 200, body })
      const outcome = await settle(
        endpoint === "getBalance" ? (client.getBalance() as Promise<unknown>) : client.solve(task),
      )
      expect(outcome.ok).toBe(false)
      expect(isSolveKitError(outcome.ok ? undefined : outcome.error)).toBe(true)
      expect(JSON.stringify(outcome.ok ? null : outcome.error)).toMatch(/BodyTooLarge/)
    }
  })

  it("when a larger cap admits them, errors keep only a bounded excerpt: memory stays flat", {
    timeout: 60_000,
  }, async () => {
    const gc = collectGarbage()
    const kept: Array<unknown> = []
    gc()
    const before = process.memoryUsage().heapUsed
    for (let round = 0; round < 4; round++) {
      for (const [endpoint, body] of bodies) {
        bigServer.reset()
        bigServer.answer = scriptFor(endpoint, { status: 200, body })
        const outcome = await settle(
          endpoint === "getBalance" ? (bigClient.getBalance() as Promise<unknown>) : bigClient.solve(task),
        )
        expect(outcome.ok).toBe(false)
        kept.push(outcome.ok ? undefined : outcome.error)
      }
    }
    gc()
    const grownBy = process.memoryUsage().heapUsed - before
    // 28 answers of 5 MB went through; the errors that describe them are all still referenced.
    for (const error of kept) {
      expect(isSolveKitError(error)).toBe(true)
      expect(JSON.stringify(error).length).toBeLessThan(8_192)
    }
    expect(grownBy).toBeLessThan(32 * 1024 * 1024)
    expect(kept).toHaveLength(bodies.length * 4)
  })
})

// ===== Task inputs =====

const throwingProxy = () =>
  new Proxy(
    {},
    {
      get: () => {
        throw new Error("hostile get")
      },
      has: () => {
        throw new Error("hostile has")
      },
      ownKeys: () => {
        throw new Error("hostile ownKeys")
      },
      getOwnPropertyDescriptor: () => {
        throw new Error("hostile descriptor")
      },
      getPrototypeOf: () => {
        throw new Error("hostile prototype")
      },
    },
  )

const cyclic = () => {
  const value: Record<string, unknown> = { websiteURL: "https://hostile.example", websiteKey: "k" }
  value.self = value
  return value
}

/** Task inputs a caller (or a JSON file fed to a CLI) might pass. */
const hostileInputs: ReadonlyArray<readonly [string, () => unknown]> = [
  ["undefined", () => undefined],
  ["null", () => null],
  ["a number", () => 42],
  ["a string", () => "ReCaptchaV2TaskProxyLess"],
  ["an array", () => [1, 2, 3]],
  ["a function", () => () => 1],
  ["a throwing proxy", throwingProxy],
  [
    "an object with throwing getters",
    () =>
      Object.defineProperty({ websiteKey: "k" }, "websiteURL", {
        enumerable: true,
        get: () => {
          throw new Error("hostile getter")
        },
      }),
  ],
  ["a cyclic object", cyclic],
  ["a BigInt field", () => ({ websiteURL: "https://hostile.example", websiteKey: 1n })],
  ["a symbol-keyed object", () => ({ [Symbol("k")]: 1, websiteURL: "https://hostile.example" })],
  ["a null-prototype object", () => Object.assign(Object.create(null), { websiteURL: 1 })],
  [
    "JSON __proto__ keys",
    () => JSON.parse('{"__proto__":{"polluted":1},"websiteURL":"https://h.example","websiteKey":"k"}'),
  ],
  [
    "a 5 MB field",
    () => ({ websiteURL: `https://hostile.example/${"x".repeat(5 * 1024 * 1024)}`, websiteKey: "k" }),
  ],
  [
    "10,000-level nesting",
    () => {
      let deep: unknown = "leaf"
      for (let i = 0; i < 10_000; i++) deep = { deep }
      return { websiteURL: "https://hostile.example", websiteKey: "k", deep }
    },
  ],
  [
    "a toJSON that throws",
    () => ({
      websiteURL: "https://h.example",
      websiteKey: "k",
      toJSON: () => {
        throw new Error("x")
      },
    }),
  ],
]

/** Inputs JSON cannot encode: validation of a raw task accepts any object, so these reach the encoder. */
const unserialisable = new Set(["a cyclic object", "a BigInt field", "a toJSON that throws"])

describe("hostile task inputs", () => {
  it("Catalogue.parse and every task constructor turn arbitrary values into a request or a typed issue", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Catalogue.all),
        fc.anything({ withNullPrototype: true, withBigInt: true }),
        (definition, input) => {
          const parsed = Catalogue.parse(isRecord(input) ? { ...input, type: definition.type } : input)
          expect(Result.isSuccess(parsed) || typeof parsed.failure.message === "string").toBe(true)
          const validated = Task.validate(definition(input))
          expect(Result.isSuccess(validated) || validated.failure.taskType === definition.type).toBe(true)
        },
      ),
      { numRuns: 500 },
    )
    noPollution()
  })

  it.each(hostileInputs)(
    "solve(%s as a task's input) rejects typed; an InvalidTaskError sends nothing",
    async (_, make) => {
      server.reset()
      server.answer = () => unsolvable
      const outcome = await settle(client.solve(ReCaptchaV2TaskProxyLess(make() as never)))
      expect(outcome.ok).toBe(false)
      const error = outcome.ok ? undefined : outcome.error
      expect(isSolveKitError(error), String(error)).toBe(true)
      // Valid but odd input (a 5 MB URL) goes to the provider; anything invalid is stopped before the wire.
      expect(server.calls).toEqual(isInvalidTaskError(error) ? [] : ["createTask"])
      noPollution()
    },
  )

  it.each(hostileInputs)(
    "solve(%s as the task itself) rejects with InvalidTaskError before any request",
    async (_, make) => {
      server.reset()
      server.answer = () => unsolvable
      const outcome = await settle(client.solve(make() as never))
      expect(outcome.ok).toBe(false)
      expect(
        isInvalidTaskError(outcome.ok ? undefined : outcome.error),
        String(outcome.ok || outcome.error),
      ).toBe(true)
      expect(server.calls).toEqual([])
    },
  )

  it.each(hostileInputs.filter(([name]) => !unserialisable.has(name)))(
    "Task.raw with %s as its payload rejects typed: InvalidTaskError exactly when nothing was sent",
    async (_, make) => {
      server.reset()
      server.answer = () => unsolvable
      const outcome = await settle(client.solve(Task.raw("SomeNewTask", make() as never)))
      expect(outcome.ok).toBe(false)
      if (!outcome.ok && !isInvalidTaskError(outcome.error)) {
        // Anything else means the payload was sent, and the provider's answer decided.
        expect(isSolveKitError(outcome.error), String(outcome.error)).toBe(true)
        expect(server.calls, String(outcome.error)).toEqual(["createTask"])
      } else {
        expect(server.calls).toEqual([])
      }
    },
  )

  it("an unserialisable raw payload (BigInt, cycle, throwing toJSON) is an InvalidTaskError, not a createTask of unknown outcome", async () => {
    for (const [, make] of hostileInputs.filter(([name]) => unserialisable.has(name))) {
      const payload = make() as Record<string, unknown>
      server.reset()
      server.answer = () => created
      const outcome = await settle(client.solve(Task.raw("SomeNewTask", payload)))
      expect(server.calls).toEqual([])
      expect(outcome.ok).toBe(false)
      expect(outcome.ok ? undefined : (outcome.error as { _tag?: string })._tag).toBe("InvalidTaskError")
    }
  })

  it("the Effect face fails hostile tasks with a typed error, never a defect", async () => {
    for (const [, make] of hostileInputs) {
      for (const request of [() => ReCaptchaV2TaskProxyLess(make() as never), () => make() as never]) {
        server.reset()
        server.answer = () => unsolvable
        const exit = await runtime.runPromiseExit(SolveKit.use((s) => s.solve(request())))
        expect(Exit.isFailure(exit)).toBe(true)
        if (Exit.isFailure(exit)) {
          expect(Cause.hasDies(exit.cause), Cause.pretty(exit.cause)).toBe(false)
          const error = Cause.findError(exit.cause)
          expect(Result.isSuccess(error) && isSolveKitError(error.success)).toBe(true)
        }
      }
    }
  })
})
