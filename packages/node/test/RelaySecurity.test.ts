/**
 * Relay security, adversarially: whatever a browser sends, the relay never forwards a key the browser
 * supplied (in the body, under any spelling, in headers or in the URL), and never lets a task type through that
 * is not on its allow-list (any casing, padding, look-alike characters, duplicate JSON keys, either task
 * endpoint). The upstream is a recording gateway in front of the emulator, so the checks read what actually
 * left the relay and what the provider made of it.
 */
import { createEmulator, type Emulator } from "@solvekit/emulator"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { createRelay, type Relay } from "../src/NodeRelay.ts"
import { type Gateway, startGateway } from "./Secrets.helpers.ts"

const RELAY_KEY = "relay-server-key-1d4a"
const ALLOWED = ["ReCaptchaV2TaskProxyLess", "ImageToTextTask"]
// Types a browser must not reach through this relay, taken from the provider's catalogue.
const DISALLOWED = [
  "AntiTurnstileTaskProxyLess",
  "ReCaptchaV2Task",
  "ReCaptchaV3TaskProxyLess",
  "AntiCloudflareTask",
  "GeeTestTaskProxyLess",
  "DatadomeSliderTask",
  "VisionEngine",
]

let emulator: Emulator
let upstream: Gateway
let relay: Relay
beforeAll(async () => {
  emulator = createEmulator({ keys: [RELAY_KEY], timeScale: 1_000, taskTtlSeconds: 300_000 })
  upstream = await startGateway({ "/up": emulator })
  relay = createRelay({
    apiKey: RELAY_KEY,
    baseUrl: `${upstream.url}/up`,
    allowTaskTypes: ALLOWED,
    // Every limit out of the way, the global spending cap included: these properties send hundreds of tasks.
    limits: {
      tasksPerClientPerMinute: 1_000_000,
      requestsPerClientPerMinute: 1_000_000,
      tasksPerMinute: 1_000_000,
      tasksPerDay: 1_000_000,
    },
  })
})
afterAll(async () => {
  await relay?.close()
  await upstream?.close()
})

const post = async (
  endpoint: string,
  body: string,
  headers: Record<string, string> = {},
  query = "",
): Promise<{ status: number; body: Record<string, unknown> }> => {
  const response = await relay.handle(
    new Request(`http://relay.test/captcha/${endpoint}${query}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    }),
    { remoteAddress: "198.51.100.7" },
  )
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

const allowedTask = (index: number) => ({
  type: "ReCaptchaV2TaskProxyLess",
  websiteURL: `https://relay.example/${index}`,
  websiteKey: "emulator-instant",
})

/**
 * A task that is valid when `type` names an allowed type. The relay decodes each task with its type's strict
 * schema, so a field of the other type would get it refused (400) and leave the allow-list untested.
 */
const taskOfType = (type: string, index: number) =>
  type.toLowerCase() === "imagetotexttask" ? { type, body: "aGVsbG8=" } : { ...allowedTask(index), type }

/** A value a browser might put where a key goes; only absent, null and "" mean "no key". */
const keyValue = fc.oneof(
  fc.string({ minLength: 1 }),
  fc.stringMatching(/^[0-9a-f]{32}$/),
  fc.constantFrom(0, false, true, [], {}, " ", "null"),
  fc.anything(),
)

const sameIgnoringCase = (a: string, b: string): boolean =>
  a.toLowerCase() === b.toLowerCase() ||
  a.toUpperCase() === b.toUpperCase() ||
  a.normalize("NFKC").toLowerCase() === b.normalize("NFKC").toLowerCase()

/** Requests that reached the provider since `from`, parsed. */
const forwardedSince = (from: number) =>
  upstream.requests.slice(from).map((request) => ({
    ...request,
    json: JSON.parse(request.body) as Record<string, unknown>,
  }))

describe("relay: a browser-supplied key is never forwarded", () => {
  it("refuses any top-level clientKey before contacting the provider", async () => {
    await fc.assert(
      fc.asyncProperty(keyValue, fc.nat(), async (key, index) => {
        const from = upstream.requests.length
        const body = JSON.stringify({ clientKey: key, task: allowedTask(index) })
        const hasKey =
          JSON.parse(body).clientKey !== undefined &&
          JSON.parse(body).clientKey !== null &&
          JSON.parse(body).clientKey !== ""
        for (const endpoint of ["createTask", "getToken", "getTaskResult", "feedbackTask"]) {
          const answer = await post(endpoint, body)
          if (hasKey) {
            expect(answer.status).toBe(400)
            expect(answer.body.errorCode).toBe("ERROR_RELAY_CLIENT_KEY_FORBIDDEN")
          }
        }
        if (hasKey) expect(upstream.requests.length).toBe(from)
        for (const forwarded of forwardedSince(from)) expect(forwarded.json.clientKey).toBe(RELAY_KEY)
      }),
      { numRuns: 60 },
    )
  })

  it("forwards only the relay's own key, whatever other spelling, header or query carries the browser's", async () => {
    const spellings = ["ClientKey", "clientkey", "CLIENTKEY", "client_key", "apiKey", "key", "Authorization"]
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[A-Za-z0-9]{12,40}$/),
        fc.constantFrom(...spellings),
        fc.constantFrom("", null),
        fc.nat(),
        async (browserKey, spelling, emptyKey, index) => {
          const marker = `BROWSERKEY${browserKey}`
          const from = upstream.requests.length
          const created = await post(
            "createTask",
            JSON.stringify({
              clientKey: emptyKey,
              [spelling]: marker,
              task: allowedTask(index),
              callbackUrl: marker,
            }),
            { authorization: `Bearer ${marker}`, "x-api-key": marker, cookie: `key=${marker}` },
            `?clientKey=${marker}`,
          )
          expect(created.status).toBe(200)
          const polled = await post(
            "getTaskResult",
            JSON.stringify({ clientKey: emptyKey, [spelling]: marker, taskId: created.body.taskId }),
            { authorization: `Bearer ${marker}` },
            `?clientKey=${marker}`,
          )
          expect(polled.status).toBe(200)
          const forwarded = forwardedSince(from)
          expect(forwarded.length).toBe(2)
          for (const request of forwarded) {
            expect(request.json.clientKey).toBe(RELAY_KEY)
            expect(request.url).not.toContain(marker)
            expect(request.body).not.toContain(marker)
            expect(request.rawHeaders.filter((text) => text.includes(marker))).toEqual([])
            // Nothing but the protocol's own fields leaves the relay (no callbackUrl from a browser).
            expect(
              Object.keys(request.json).every((key) =>
                ["clientKey", "task", "taskId", "appId"].includes(key),
              ),
            ).toBe(true)
          }
        },
      ),
      { numRuns: 40 },
    )
  })
})

describe("relay: a disallowed task type never gets through", () => {
  /** Spellings of a type name a filter might miss: casing, padding, invisible and look-alike characters. */
  const variants = (type: string): Array<string> => [
    type,
    type.toLowerCase(),
    type.toUpperCase(),
    ` ${type}`,
    `${type} `,
    `${type}\u0000`,
    `${type}\u200b`,
    `\ufeff${type}`,
    type.replace(/k/g, "\u212a"), // Kelvin sign, lower-cases to "k"
    type.replace(/s/g, "\u017f"), // long s, upper-cases to "S"
    type.replace(/i/g, "\u0131"), // dotless i, upper-cases to "I"
    type.replace(/I/g, "\u0130"), // dotted capital I
    type.normalize("NFKD"),
    [...type].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join(""), // full-width forms
  ]

  const typeArbitrary = fc.oneof(
    fc.constantFrom(...[...ALLOWED, ...DISALLOWED].flatMap(variants)),
    fc.string(),
    fc.string({ unit: "grapheme" }),
  )

  it("only types equal to an allowed one (ignoring case) reach the provider, on createTask and getToken", async () => {
    await fc.assert(
      fc.asyncProperty(
        typeArbitrary,
        fc.constantFrom("createTask", "getToken"),
        fc.nat(),
        async (type, endpoint, index) => {
          const from = upstream.requests.length
          const answer = await post(endpoint, JSON.stringify({ task: taskOfType(type, index) }))
          const allowed = ALLOWED.some((name) => name.toLowerCase() === type.toLowerCase())
          if (!allowed) {
            // Refused: not allowed (403), or not a task at all, such as an empty type (400).
            expect([403, 400]).toContain(answer.status)
            expect(["ERROR_RELAY_TASK_NOT_ALLOWED", "ERROR_RELAY_BAD_REQUEST"]).toContain(
              answer.body.errorCode,
            )
            expect(upstream.requests.length).toBe(from)
          }
          for (const forwarded of forwardedSince(from)) {
            const sent = (forwarded.json.task as { type: string }).type
            expect(ALLOWED.some((name) => sameIgnoringCase(name, sent))).toBe(true)
            expect(DISALLOWED.some((name) => sameIgnoringCase(name, sent))).toBe(false)
          }
        },
      ),
      { numRuns: 300 },
    )
  })

  it("duplicate JSON keys cannot smuggle a second type: the provider sees exactly what was checked", async () => {
    const from = upstream.requests.length
    const smuggled = await post(
      "createTask",
      `{"task":{"type":"ReCaptchaV2TaskProxyLess","websiteURL":"https://relay.example/d","websiteKey":"emulator-instant","type":"AntiTurnstileTaskProxyLess"}}`,
    )
    expect(smuggled.status).toBe(403)
    const outer = await post(
      "createTask",
      `{"task":{"type":"ReCaptchaV2TaskProxyLess","websiteURL":"https://relay.example/e","websiteKey":"emulator-instant"},"task":{"type":"AntiTurnstileTaskProxyLess","websiteURL":"https://relay.example/e","websiteKey":"0x4AAA"}}`,
    )
    expect(outer.status).toBe(403)
    const checkedLast = await post(
      "createTask",
      `{"task":{"type":"AntiTurnstileTaskProxyLess","type":"ReCaptchaV2TaskProxyLess","websiteURL":"https://relay.example/f","websiteKey":"emulator-instant"}}`,
    )
    expect(checkedLast.status).toBe(200)
    const forwarded = forwardedSince(from)
    expect(forwarded.length).toBe(1)
    expect(forwarded[0]?.body).not.toContain("AntiTurnstile")
  })

  it("a prototype key cannot lend a task its type", async () => {
    const from = upstream.requests.length
    const answer = await post(
      "createTask",
      `{"task":{"__proto__":{"type":"ReCaptchaV2TaskProxyLess"},"websiteURL":"https://relay.example/p","websiteKey":"0x4AAA"}}`,
    )
    expect(answer.status).toBe(400)
    expect(upstream.requests.length).toBe(from)
    expect(({} as Record<string, unknown>).type).toBeUndefined()
  })

  it("the provider created tasks of allowed types only", () => {
    const created = Object.keys(emulator.audit({ records: false }).tasks.byType)
    expect(created.length).toBeGreaterThan(0)
    expect(
      created.filter((type) => !ALLOWED.some((name) => name.toLowerCase() === type.toLowerCase())),
    ).toEqual([])
  })
})
