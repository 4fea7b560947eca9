/**
 * What the relay forwards: exactly the task fields it checked, in the form it checked them. The browser's task
 * is decoded with the catalogue definition of its allowed type (unknown keys, and keys that differ from a
 * known one only by case or Unicode folding, are refused), and the provider gets the encoded, validated input
 * under its own type name, with the normalised `websiteURL` the website rule matched. The upstream is a real
 * local server that records every body it receives, so the checks read what actually left the relay.
 */
import {
  AntiCaptcha,
  AntiTurnstileTaskProxyLess,
  CapMonsterCloud,
  isConfigurationError,
  type Provider,
  ReCaptchaV2Task,
  ReCaptchaV2TaskProxyLess,
  Task,
} from "@solvekit/core"
import * as Schema from "effect/Schema"
import { afterEach, describe, expect, it } from "vitest"
import { createRelay, type RelayEvent, type RelayOptions } from "../src/NodeRelay.ts"
import { listen } from "./support/servers.ts"

interface Recorded {
  readonly path: string
  readonly body: Record<string, any>
}

/** A provider that records each body it receives and answers every call as a success. */
const startRecordingUpstream = async () => {
  const requests: Array<Recorded> = []
  let nextId = 1
  const server = await listen(async (req, res) => {
    const chunks: Array<Buffer> = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, any>
    const path = req.url ?? ""
    requests.push({ path, body })
    res.setHeader("content-type", "application/json")
    res.end(
      JSON.stringify(
        path === "/getTaskResult" || path === "/getToken"
          ? { errorId: 0, status: "ready", solution: { gRecaptchaResponse: "token" } }
          : { errorId: 0, taskId: `task-${nextId++}` },
      ),
    )
  })
  return { ...server, requests }
}

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const makeRelay = async (options: Partial<RelayOptions> = {}) => {
  const upstream = await startRecordingUpstream()
  cleanups.push(() => upstream.close())
  const events: Array<RelayEvent> = []
  const relay = createRelay({
    apiKey: "relay-key",
    baseUrl: upstream.url,
    allowTaskTypes: [ReCaptchaV2TaskProxyLess],
    limits: { tasksPerClientPerMinute: 10_000, tasksPerMinute: 10_000, requestsPerClientPerMinute: 10_000 },
    onEvent: (event) => events.push(event),
    ...options,
  })
  cleanups.push(() => relay.close())
  /** Posts a raw JSON text, as a browser (or an attacker) would send it. */
  const send = async (endpoint: string, text: string) => {
    const response = await relay.handle(
      new Request(`http://relay.test/captcha/${endpoint}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: text,
      }),
      { remoteAddress: "127.0.0.2" },
    )
    return { status: response.status, body: (await response.json()) as Record<string, any> }
  }
  const post = (endpoint: string, body: unknown) => send(endpoint, JSON.stringify(body))
  /** The task objects the provider received. */
  const forwardedTasks = () =>
    upstream.requests.map((request) => request.body.task as Record<string, unknown>)
  return { relay, upstream, events, send, post, forwardedTasks }
}

const recaptcha = (fields: Record<string, unknown> = {}) => ({
  task: {
    type: "ReCaptchaV2TaskProxyLess",
    websiteURL: "https://shop.example.com/login",
    websiteKey: "site-key",
    ...fields,
  },
})

const refusedAsInvalid = (answer: { status: number; body: Record<string, any> }) => {
  expect(answer.status).toBe(400)
  expect(answer.body).toMatchObject({ errorId: 1, errorCode: "ERROR_RELAY_INVALID_TASK" })
}

describe("relay forwarding: keys that were never checked are refused", () => {
  it("refuses the smuggling example (Type, webſiteURL) with a 400 naming the fields, and sends nothing", async () => {
    const { send, upstream } = await makeRelay({ allowWebsiteUrls: ["shop.example.com"] })
    const answer = await send(
      "createTask",
      '{"task":{"type":"ReCaptchaV2TaskProxyLess","Type":"AntiTurnstileTaskProxyLess",' +
        '"websiteURL":"https://shop.example.com/login","websiteKey":"site-key","webſiteURL":"https://evil.example/"}}',
    )
    refusedAsInvalid(answer)
    const description = answer.body.errorDescription as string
    expect(description).toContain("Type")
    expect(description).toContain("websiteURL")
    // The value is never quoted: not the smuggled type, not the smuggled website.
    expect(description).not.toContain("evil.example")
    expect(description).not.toContain("AntiTurnstile")
    expect(upstream.requests).toEqual([])
  })

  it("refuses every case or folding variant of a known key, and any unknown key, on createTask and getToken", async () => {
    const { post, upstream } = await makeRelay()
    const variants = [
      "Type",
      "TYPE",
      "WebsiteURL",
      "websiteurl",
      "websiteUrl",
      "webſiteURL", // long s: Java's equalsIgnoreCase folds it to "s"
      "website\u212aey", // Kelvin sign: lower-cases to "k"
      "ｗｅｂｓｉｔｅＵＲＬ", // full-width forms
      "websiteURL\u200b",
      "pageaction",
      "callbackUrl",
      "clientKey",
      "__proto__",
    ]
    for (const key of variants) {
      for (const endpoint of ["createTask", "getToken"]) {
        const answer = await post(endpoint, recaptcha({ [key]: "https://evil.example/" }))
        refusedAsInvalid(answer)
        expect(answer.body.errorDescription).not.toContain("evil.example")
      }
    }
    expect(upstream.requests).toEqual([])
  })

  it("refuses an unknown key inside a nested object the catalogue checks", async () => {
    const { post, upstream } = await makeRelay({ allowTaskTypes: [AntiTurnstileTaskProxyLess] })
    const answer = await post("createTask", {
      task: {
        type: "AntiTurnstileTaskProxyLess",
        websiteURL: "https://shop.example.com/",
        websiteKey: "0x4AAA",
        metadata: { action: "login", Action: "smuggled" },
      },
    })
    refusedAsInvalid(answer)
    expect(answer.body.errorDescription).toContain("metadata.Action")
    expect(upstream.requests).toEqual([])
  })
})

describe("relay forwarding: the provider gets exactly the validated task", () => {
  it("forwards a valid task with exactly its documented keys, the type in its documented casing", async () => {
    const { post, forwardedTasks, upstream, events } = await makeRelay()
    const answer = await post("createTask", {
      task: {
        type: "recaptchav2taskproxyless",
        websiteURL: "https://shop.example.com/login",
        websiteKey: "site-key",
        pageAction: "login",
        isInvisible: true,
      },
    })
    expect(answer.status).toBe(200)
    expect(upstream.requests).toEqual([
      {
        path: "/createTask",
        body: {
          clientKey: "relay-key",
          task: {
            type: "ReCaptchaV2TaskProxyLess",
            websiteURL: "https://shop.example.com/login",
            websiteKey: "site-key",
            pageAction: "login",
            isInvisible: true,
          },
        },
      },
    ])
    expect(Object.keys(forwardedTasks()[0] ?? {})).toEqual([
      "type",
      "websiteURL",
      "websiteKey",
      "pageAction",
      "isInvisible",
    ])
    expect(events).toMatchObject([{ _tag: "Forwarded", taskType: "ReCaptchaV2TaskProxyLess" }])
  })

  it("forwards the encoded input: a proxy in its documented form, a port as a number", async () => {
    const { post, forwardedTasks } = await makeRelay({ allowTaskTypes: [ReCaptchaV2Task] })
    const viaString = await post("createTask", {
      task: {
        type: "ReCaptchaV2Task",
        websiteURL: "https://shop.example.com/",
        websiteKey: "k",
        proxy: "socks5://user:pass@proxy.example:1080",
      },
    })
    const viaFields = await post("getToken", {
      task: {
        type: "ReCaptchaV2Task",
        websiteURL: "https://shop.example.com/",
        websiteKey: "k",
        proxyType: "HTTP",
        proxyAddress: "proxy.example",
        proxyPort: "8080",
      },
    })
    expect([viaString.status, viaFields.status]).toEqual([200, 200])
    expect(forwardedTasks()).toEqual([
      {
        type: "ReCaptchaV2Task",
        websiteURL: "https://shop.example.com/",
        websiteKey: "k",
        proxy: "socks5:proxy.example:1080:user:pass",
      },
      {
        type: "ReCaptchaV2Task",
        websiteURL: "https://shop.example.com/",
        websiteKey: "k",
        proxyType: "http",
        proxyAddress: "proxy.example",
        proxyPort: 8080,
      },
    ])
  })

  it("forwards under the provider's type name and in its own form (Anti-Captcha: renamed, split proxy)", async () => {
    const { post, forwardedTasks, events } = await makeRelay({
      provider: AntiCaptcha,
      allowTaskTypes: [AntiTurnstileTaskProxyLess, ReCaptchaV2Task],
    })
    const catalogueName = await post("createTask", {
      task: {
        type: "AntiTurnstileTaskProxyLess",
        websiteURL: "https://shop.example.com/",
        websiteKey: "0x4A",
      },
    })
    const proxied = await post("createTask", {
      task: {
        type: "RecaptchaV2Task",
        websiteURL: "https://shop.example.com/",
        websiteKey: "k",
        proxy: "http:203.0.113.5:8080:user:pass",
      },
    })
    expect([catalogueName.status, proxied.status]).toEqual([200, 200])
    expect(forwardedTasks()).toEqual([
      { type: "TurnstileTaskProxyless", websiteURL: "https://shop.example.com/", websiteKey: "0x4A" },
      {
        type: "RecaptchaV2Task",
        websiteURL: "https://shop.example.com/",
        websiteKey: "k",
        proxyType: "http",
        proxyAddress: "203.0.113.5",
        proxyPort: 8080,
        proxyLogin: "user",
        proxyPassword: "pass",
      },
    ])
    expect(events.map((event) => event.taskType)).toEqual(["TurnstileTaskProxyless", "RecaptchaV2Task"])
  })

  it("decodes a name two allowed types share at the provider with the one the task fits (CapMonster's RecaptchaV2Task)", async () => {
    const { post, forwardedTasks } = await makeRelay({
      provider: CapMonsterCloud,
      allowTaskTypes: [ReCaptchaV2TaskProxyLess, ReCaptchaV2Task],
    })
    const site = { type: "RecaptchaV2Task", websiteURL: "https://shop.example.com/", websiteKey: "k" }
    expect((await post("createTask", { task: site })).status).toBe(200)
    expect((await post("createTask", { task: { ...site, proxy: "203.0.113.5:8080" } })).status).toBe(200)
    expect(forwardedTasks()).toEqual([
      site,
      { ...site, proxyType: "http", proxyAddress: "203.0.113.5", proxyPort: 8080 },
    ])
  })

  it("refuses a task whose values the catalogue refuses, naming the field and not its value", async () => {
    const { post, upstream } = await makeRelay()
    const answer = await post("createTask", recaptcha({ isInvisible: "secret-value" }))
    refusedAsInvalid(answer)
    expect(answer.body.errorDescription).toContain("isInvisible")
    expect(answer.body.errorDescription).not.toContain("secret-value")
    expect(upstream.requests).toEqual([])
  })
})

describe("relay forwarding: task types the catalogue does not know", () => {
  const expectConfigurationError = (run: () => unknown, naming: string) => {
    let error: unknown
    try {
      run()
    } catch (e) {
      error = e
    }
    expect(isConfigurationError(error)).toBe(true)
    expect((error as Error).message).toContain(naming)
  }

  it("refuses to start with a type name the catalogue does not know, or with a raw definition", () => {
    expectConfigurationError(
      () => createRelay({ apiKey: "k", allowTaskTypes: ["FunCaptchaTaskProxyLess"] }),
      "FunCaptchaTaskProxyLess",
    )
    const raw = Task.raw("HCaptchaTaskProxyLess", {}).definition
    expectConfigurationError(
      () => createRelay({ apiKey: "k", allowTaskTypes: [raw] }),
      "HCaptchaTaskProxyLess",
    )
  })

  it("checks a type the catalogue does not know against the owner's own definition, strictly", async () => {
    const Custom = Task.defineWithoutProxy({
      type: "ExampleCaptchaTaskProxyLess",
      kind: "token",
      input: Schema.Struct({ websiteURL: Schema.String, websiteKey: Schema.String }),
      solution: Schema.Struct({ token: Schema.String }),
    })
    const { post, forwardedTasks } = await makeRelay({ allowTaskTypes: [Custom] })
    const site = {
      type: "ExampleCaptchaTaskProxyLess",
      websiteURL: "https://shop.example.com/",
      websiteKey: "k",
    }
    refusedAsInvalid(await post("createTask", { task: { ...site, extra: "smuggled" } }))
    expect((await post("createTask", { task: site })).status).toBe(200)
    expect(forwardedTasks()).toEqual([site])
  })

  it("keeps a provider's own rename when the owner names the type as the provider does", async () => {
    const renaming: Provider.Provider = { ...AntiCaptcha, taskTypeName: (type) => `${type}AtProvider` }
    const { post, forwardedTasks } = await makeRelay({
      provider: renaming,
      allowTaskTypes: ["ReCaptchaV2TaskProxyLessAtProvider"],
    })
    const site = { websiteURL: "https://shop.example.com/", websiteKey: "k" }
    for (const type of ["ReCaptchaV2TaskProxyLessAtProvider", "ReCaptchaV2TaskProxyLess"]) {
      expect((await post("createTask", { task: { type, ...site } })).status).toBe(200)
    }
    const forwarded = { type: "ReCaptchaV2TaskProxyLessAtProvider", ...site }
    expect(forwardedTasks()).toEqual([forwarded, forwarded])
  })
})

describe("relay forwarding: the website the rule checked is the website forwarded", () => {
  it("forwards the normalised URL the rule matched, never the browser's spelling", async () => {
    const { post, forwardedTasks } = await makeRelay({
      allowWebsiteUrls: ["shop.example.com", /^https:\/\/partner\.example\/login$/],
    })
    const spellings: Array<[sent: string, forwarded: string]> = [
      ["HTTPS://Shop.Example.COM/a/../login", "https://shop.example.com/login"],
      ["https://shop.example.com\\@evil.test/", "https://shop.example.com/@evil.test/"],
      ["https://shop.example.com/%2e%2e/admin", "https://shop.example.com/admin"],
      ["https://shop.example.com", "https://shop.example.com/"],
      // The RegExp is tested against the normalised URL, the one forwarded.
      ["https://PARTNER.example/x/../login", "https://partner.example/login"],
    ]
    for (const [sent] of spellings) {
      expect((await post("createTask", recaptcha({ websiteURL: sent }))).status).toBe(200)
    }
    expect(forwardedTasks().map((task) => task.websiteURL)).toEqual(
      spellings.map(([, forwarded]) => forwarded),
    )
  })

  it("refuses a URL with credentials, whose host a provider might read differently", async () => {
    const { post, upstream } = await makeRelay({ allowWebsiteUrls: ["shop.example.com"] })
    for (const url of ["https://user:pass@shop.example.com/", "https://evil.test@shop.example.com/"]) {
      const answer = await post("createTask", recaptcha({ websiteURL: url }))
      expect(answer.status).toBe(403)
      expect(answer.body.errorCode).toBe("ERROR_RELAY_WEBSITE_NOT_ALLOWED")
    }
    expect(upstream.requests).toEqual([])
  })

  it("matches a URL prefix rule on path-segment boundaries only", async () => {
    const { post, forwardedTasks } = await makeRelay({
      allowWebsiteUrls: ["https://shop.example.com/checkout", "https://shop.example.com/account/"],
    })
    const allowed = [
      "https://shop.example.com/checkout",
      "https://shop.example.com/checkout/",
      "https://shop.example.com/checkout/step-2",
      "https://shop.example.com/checkout?step=2",
      "https://shop.example.com/checkout#pay",
      "https://shop.example.com/account/orders",
    ]
    const refused = [
      "https://shop.example.com/checkout-evil",
      "https://shop.example.com/checkoutevil",
      "https://shop.example.com/checkout%2Fstep",
      "https://shop.example.com/checkout.evil",
      "https://shop.example.com/account",
      "https://shop.example.com/accounts/",
      "https://shop.example.com/",
    ]
    for (const url of allowed)
      expect((await post("createTask", recaptcha({ websiteURL: url }))).status).toBe(200)
    for (const url of refused) {
      const answer = await post("createTask", recaptcha({ websiteURL: url }))
      expect(answer.body.errorCode).toBe("ERROR_RELAY_WEBSITE_NOT_ALLOWED")
    }
    expect(forwardedTasks()).toHaveLength(allowed.length)
  })

  it("matches *.example.net on well-formed subdomains only: never ..example.net or another malformed host", async () => {
    const { post, forwardedTasks } = await makeRelay({ allowWebsiteUrls: ["*.example.net", "exact.example"] })
    const allowed = [
      "https://a.example.net/",
      "https://a.b.example.net/x",
      "https://A-1.Example.NET/",
      "https://exact.example/",
    ]
    const refused = [
      "https://..example.net/",
      "https://.example.net/",
      "https://a..example.net/",
      "https://*.example.net/",
      "https://-a.example.net/",
      "https://a-.example.net/",
      "https://example.net/",
      "https://a.example.net./",
      "https://exact.example./",
      "https://aexample.net/",
      "https://a.example.net.evil.test/",
      `https://${"a".repeat(64)}.example.net/`,
    ]
    for (const url of allowed)
      expect((await post("createTask", recaptcha({ websiteURL: url }))).status).toBe(200)
    for (const url of refused) {
      const answer = await post("createTask", recaptcha({ websiteURL: url }))
      expect(answer.status).toBe(403)
      expect(answer.body.errorCode).toBe("ERROR_RELAY_WEBSITE_NOT_ALLOWED")
    }
    expect(forwardedTasks()).toHaveLength(allowed.length)
  })

  it("refuses to start with a website rule it cannot read", () => {
    for (const rule of [
      "https://",
      "shop.example.com/login",
      "*.",
      "a..example.net",
      "https://shop.example.com/a?b=1",
    ]) {
      let error: unknown
      try {
        createRelay({ apiKey: "k", allowTaskTypes: [ReCaptchaV2TaskProxyLess], allowWebsiteUrls: [rule] })
      } catch (e) {
        error = e
      }
      expect(isConfigurationError(error), rule).toBe(true)
    }
  })
})
