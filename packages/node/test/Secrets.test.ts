/**
 * Secrets: the API key is a sentinel, and every piece of text the SDK produces is searched for it: error
 * messages, `String(error)`, `JSON.stringify(error)`, `util.inspect(error)` (what `console.log` prints), the
 * stack, lifecycle events, Effect log lines, span attributes, events and statuses, and metrics. (The example
 * CLI's output is checked in apps/example/test/secrets.test.ts, against the built app.) The traffic goes
 * through a hostile gateway (Secrets.helpers.ts) that echoes each request, key included, in every kind of
 * answer, so a client that repeats a server's words would be caught.
 *
 * On the wire, the key may appear in one place only: the JSON body's `clientKey`, sent to the configured
 * base URL. Never in a URL, never in a header.
 */
import { inspect } from "node:util"
import {
  isSolveKitError,
  type LifecycleEvent,
  Policy,
  ReCaptchaV2TaskProxyLess,
  SolveKit,
  type SolveKitClient,
  Task,
} from "@solvekit/core"
import { createEmulator } from "@solvekit/emulator"
import { Cause, Effect, Exit, Logger, Metric, Tracer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createClient, layer, type NodeClientOptions } from "../src/NodeClient.ts"
import { createKinds, type Gateway, pollKinds, startGateway } from "./Secrets.helpers.ts"

const KEY = "sk-SENTINEL-6f1c0b7e"
const ZERO_KEY = "sk-SENTINEL-ZERO-6f1c0b7e"
const WRONG_KEY = "sk-SENTINEL-WRONG-6f1c0b7e"
const KEYS = [KEY, ZERO_KEY, WRONG_KEY]
/** Any trace of any of the keys, in any case: the marker word or the distinctive suffix. */
const LEAK = /sentinel|6f1c0b7e/i

const clean = createEmulator({ keys: [KEY], zeroBalanceKeys: [ZERO_KEY], timeScale: 1_000, seed: 5 })
const faulty = createEmulator({
  keys: [KEY],
  timeScale: 1_000,
  seed: 6,
  faults: {
    serverError: 0.08,
    rateLimited: 0.05,
    serviceUnavailable: 0.05,
    malformedJson: 0.08,
    dropBeforeCreate: 0.05,
    dropAfterCreate: 0.05,
  },
  retryAfterSeconds: 1,
})

let gateway: Gateway
let baseUrl = ""
let faultyUrl = ""
beforeAll(async () => {
  gateway = await startGateway({ "/capsolver": clean, "/faulty": faulty })
  baseUrl = `${gateway.url}/capsolver`
  faultyUrl = `${gateway.url}/faulty`
})
afterAll(async () => {
  await gateway?.close()
})

const fast = Policy.fixed("2 millis", "1 millis")
const quickRetries = { baseDelayMs: 1, maxDelayMs: 4 }

const clients: Array<SolveKitClient> = []
const client = (options: NodeClientOptions = {}) => {
  const made = createClient({ apiKey: KEY, baseUrl, policy: fast, retry: quickRetries, ...options })
  clients.push(made)
  return made
}
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()))
})

const recaptcha = (websiteKey: string, index = 0) =>
  ReCaptchaV2TaskProxyLess({ websiteURL: `https://secrets.example/${index}`, websiteKey })

/** Every rendering of an error a program or a log could show. */
const renderings = (error: unknown): Record<string, string> => ({
  message: error instanceof Error ? error.message : "",
  string: String(error),
  json: JSON.stringify(error) ?? "",
  inspect: inspect(error),
  inspectDeep: inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
  stack: error instanceof Error ? (error.stack ?? "") : "",
})

const leaksIn = (error: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(renderings(error)).filter(([, text]) => LEAK.test(text)))

const rejection = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error("expected the call to fail")
}

/** Every failure mode of the Promise face, each producing one error. */
const failureModes: ReadonlyArray<readonly [string, () => Promise<unknown>]> = [
  ["wrong key: solve", () => rejection(client({ apiKey: WRONG_KEY }).solve(recaptcha("site")))],
  ["wrong key: getBalance", () => rejection(client({ apiKey: WRONG_KEY }).getBalance())],
  ["wrong key: feedback", () => rejection(client({ apiKey: WRONG_KEY }).feedback("t-1", { invalid: true }))],
  ["wrong key: waitForResult", () => rejection(client({ apiKey: WRONG_KEY }).waitForResult("t-1"))],
  ["wrong key: getToken", () => rejection(client({ apiKey: WRONG_KEY }).getToken(recaptcha("site")))],
  ["zero balance", () => rejection(client({ apiKey: ZERO_KEY }).solve(recaptcha("site")))],
  ["unsolvable task", () => rejection(client().solve(recaptcha("emulator-unsolvable")))],
  ["unknown taskId", () => rejection(client().waitForResult("no-such-task"))],
  [
    "invalid task",
    () => rejection(client().solve(ReCaptchaV2TaskProxyLess({ websiteURL: "", websiteKey: "" }))),
  ],
  ["task not supported", () => rejection(client().solve(Task.raw("NoSuchTaskType", { websiteURL: "x" })))],
  [
    "overall timeout",
    () => rejection(client().solve(recaptcha("emulator-solve-ms-100000000"), { timeout: "150 millis" })),
  ],
  [
    "abort",
    () => {
      const controller = new AbortController()
      const solving = client().solve(recaptcha("emulator-solve-ms-100000000"), { signal: controller.signal })
      setTimeout(() => controller.abort(), 100)
      return rejection(solving)
    },
  ],
  ["connection refused", () => rejection(client({ baseUrl: "http://127.0.0.1:9/capsolver" }).getBalance())],
  ["bad configuration", () => rejection(Promise.resolve().then(() => client({ maxConcurrentRequests: 0 })))],
  ...createKinds.map(
    (kind) =>
      [
        `createTask answered with ${kind}`,
        () => rejection(client().solve(recaptcha(`gw-create-${kind}`))),
      ] as const,
  ),
  ...pollKinds.map(
    (kind) =>
      [
        `getTaskResult answered with ${kind}`,
        () => rejection(client().solve(recaptcha(`gw-poll-${kind}`), { timeout: "400 millis" })),
      ] as const,
  ),
  [
    "getTaskResult answered with html-echo until the budget is spent",
    () => rejection(client({ maxConcurrentRequests: 4 }).solve(recaptcha("gw-poll-html-echo"))),
  ],
]

describe("the API key never leaks", () => {
  it.each(failureModes)("%s: the error never shows the key", async (_, run) => {
    const error = await run()
    expect(isSolveKitError(error), String(error)).toBe(true)
    expect(leaksIn(error)).toEqual({})
  })

  it("a batch through a faulty provider: no error, event or settled entry shows the key", async () => {
    const events: Array<LifecycleEvent> = []
    const faultyClient = client({ baseUrl: faultyUrl, onEvent: (event) => events.push(event) })
    const tasks = Array.from({ length: 60 }, (_, index) =>
      recaptcha(index % 6 === 0 ? "emulator-unsolvable" : `emulator-solve-ms-${1_000 + index}`, index),
    )
    const settled = await faultyClient.solveAll(tasks, { concurrency: 12 })
    const failures = settled.flatMap((entry) => (entry.status === "rejected" ? [entry.reason] : []))
    expect(failures.length).toBeGreaterThan(0)
    for (const error of failures) {
      expect(isSolveKitError(error)).toBe(true)
      expect(leaksIn(error)).toEqual({})
    }
    expect(events.length).toBeGreaterThan(0)
    expect(JSON.stringify(events)).not.toMatch(LEAK)
    expect(
      JSON.stringify(
        settled.map((entry) =>
          entry.status === "rejected" ? { ...entry, reason: String(entry.reason) } : entry,
        ),
      ),
    ).not.toMatch(LEAK)
  })
})

// ===== Effect face: logs, spans, metrics =====

interface RecordedSpan {
  readonly name: string
  readonly attributes: Map<string, unknown>
  readonly events: Array<string>
  status: string
}

/** A tracer that keeps everything an exporter would send: names, attributes, events, end status and cause. */
const recordingTracer = (spans: Array<RecordedSpan>): Tracer.Tracer =>
  Tracer.make({
    span: (options) => {
      const record: RecordedSpan = {
        name: options.name,
        attributes: new Map(),
        events: [],
        status: "started",
      }
      spans.push(record)
      let status: Tracer.SpanStatus = { _tag: "Started", startTime: options.startTime }
      const span: Tracer.Span = {
        _tag: "Span",
        name: options.name,
        spanId: `span-${spans.length}`,
        traceId: "trace-secrets",
        parent: options.parent,
        annotations: options.annotations,
        get status() {
          return status
        },
        attributes: record.attributes,
        links: options.links,
        sampled: options.sampled,
        kind: options.kind,
        end: (endTime, exit) => {
          status = { _tag: "Ended", startTime: options.startTime, endTime, exit }
          record.status = Exit.isSuccess(exit) ? "ok" : `error: ${Cause.pretty(exit.cause)}`
        },
        attribute: (key, value) => {
          record.attributes.set(key, value)
        },
        event: (name, _startTime, attributes) => {
          record.events.push(`${name} ${inspect(attributes)}`)
        },
        addLinks: () => undefined,
      }
      return span
    },
  })

/** A logger that renders each line the way Effect's own formatters do (logfmt, JSON, simple, structured). */
const recordingLogger = (lines: Array<string>) =>
  Logger.make((options) => {
    lines.push(String(Logger.formatLogFmt.log(options)))
    lines.push(String(Logger.formatJson.log(options)))
    lines.push(String(Logger.formatSimple.log(options)))
    lines.push(inspect(Logger.formatStructured.log(options), { depth: 8 }))
  })

type EffectCase = readonly [string, Effect.Effect<unknown, unknown, SolveKit>]

const withSolveKit = <A, E>(use: (solvekit: SolveKit["Service"]) => Effect.Effect<A, E>) => SolveKit.use(use)

const effectCases: ReadonlyArray<EffectCase> = [
  ["a solved task", withSolveKit((s) => s.solve(recaptcha("emulator-instant")))],
  ["an unsolvable task", withSolveKit((s) => s.solve(recaptcha("emulator-unsolvable")))],
  [
    "a wrong key",
    // Suspended: this list is built when the module loads, before beforeAll sets baseUrl; an eager
    // `layer({ baseUrl: "" })` falls back to the real provider URL and would send the key off the machine.
    Effect.suspend(() =>
      withSolveKit((s) => s.solve(recaptcha("site"))).pipe(
        Effect.provide(layer({ apiKey: WRONG_KEY, baseUrl, policy: fast, retry: quickRetries })),
      ),
    ),
  ],
  [
    "an overall timeout",
    withSolveKit((s) => s.solve(recaptcha("emulator-solve-ms-100000000"), { timeout: "100 millis" })),
  ],
  ...createKinds.map(
    (kind): EffectCase => [
      `createTask answered with ${kind}`,
      withSolveKit((s) => s.solve(recaptcha(`gw-create-${kind}`))),
    ],
  ),
  ...pollKinds.map(
    (kind): EffectCase => [
      `getTaskResult answered with ${kind}`,
      withSolveKit((s) => s.solve(recaptcha(`gw-poll-${kind}`), { timeout: "400 millis" })),
    ],
  ),
]

describe("Effect face", () => {
  it.each(effectCases)(
    "%s: log lines, spans (attributes, events, status) and metrics never show the key",
    async (_, call) => {
      const spans: Array<RecordedSpan> = []
      const lines: Array<string> = []
      const requestsBefore = gateway.requests.length
      const program = Effect.gen(function* () {
        // What a user's program does with a failure: log it with its cause.
        const exit = yield* call.pipe(
          Effect.tapCause((cause) => Effect.logError("captcha solve failed", cause)),
          Effect.exit,
        )
        const metrics = yield* Metric.snapshot
        return { exit, metrics }
      }).pipe(
        Effect.provide(layer({ apiKey: KEY, baseUrl, policy: fast, retry: quickRetries })),
        Effect.withTracer(recordingTracer(spans)),
        Effect.provide(Logger.layer([recordingLogger(lines)])),
      )
      const { exit, metrics } = await Effect.runPromise(program)

      expect(spans.some((span) => span.name === "solvekit.request")).toBe(true)
      // Every case talks to the local gateway, never to the real provider.
      expect(gateway.requests.length).toBeGreaterThan(requestsBefore)
      if (Exit.isFailure(exit)) {
        expect(lines.length).toBeGreaterThan(0)
        expect(Cause.pretty(exit.cause)).not.toMatch(LEAK)
      }
      expect(lines.filter((line) => LEAK.test(line))).toEqual([])
      const spanTexts = spans.map(
        (span) =>
          `${span.name} ${inspect(Object.fromEntries(span.attributes), { depth: 8 })} ${span.events.join(" ")} ${span.status}`,
      )
      expect(spanTexts.filter((text) => LEAK.test(text))).toEqual([])
      expect(inspect(metrics, { depth: 8 })).not.toMatch(LEAK)
    },
  )
})

// ===== The wire =====

describe("on the wire", () => {
  it("the key travels only as the JSON body's clientKey, to the configured base URL, never in a URL or header", async () => {
    // Runs after the other tests of this file: the gateway has recorded all of their traffic.
    await client().solve(recaptcha("emulator-instant"))
    const requests = gateway.requests
    expect(requests.length).toBeGreaterThan(50)
    for (const request of requests) {
      expect(request.method).toBe("POST")
      expect(request.url).toMatch(
        /^\/(capsolver|faulty)\/(createTask|getTaskResult|getBalance|feedbackTask|getToken)$/,
      )
      expect(request.url).not.toMatch(LEAK)
      expect(request.rawHeaders.filter((text) => LEAK.test(text))).toEqual([])
      const body = JSON.parse(request.body) as Record<string, unknown>
      expect(KEYS).toContain(body.clientKey)
      const { clientKey: _sent, ...rest } = body
      expect(JSON.stringify(rest)).not.toMatch(LEAK)
    }
    expect(requests.filter((request) => request.body.includes(KEY)).length).toBeGreaterThan(0)
  })
})
