import { afterEach } from "vitest"
import type { DialectName } from "../src/DialectName.ts"
import { createEmulator, type Emulator } from "../src/Emulator.ts"
import { type ServedEmulator, type ServeOptions, serve } from "../src/node.ts"
import type { EmulatorOptions } from "../src/Options.ts"

export const key = "test-key"

export const recaptcha = (overrides: Record<string, unknown> = {}) => ({
  type: "ReCaptchaV2TaskProxyLess",
  websiteURL: "https://example.com/login",
  websiteKey: "6Le-wvkSAAAAAPBMRTvw0Q4Muexq9bi0DJwx_mJ-",
  ...overrides,
})

export interface Reply {
  readonly status: number
  readonly headers: Headers
  readonly body: Record<string, unknown>
}

export type Poster = (endpoint: string, body: unknown) => Promise<Reply>

export const posterFor =
  (baseUrl: string, fetchImpl: typeof fetch = fetch): Poster =>
  async (endpoint, body) => {
    const response = await fetchImpl(`${baseUrl}/${endpoint}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    })
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
    }
  }

/** Posts and returns the raw status and text, for answers that may not be JSON (faults). */
export const textPosterFor =
  (baseUrl: string, fetchImpl: typeof fetch = fetch) =>
  async (endpoint: string, body: unknown): Promise<{ status: number; text: string }> => {
    const response = await fetchImpl(`${baseUrl}/${endpoint}`, { method: "POST", body: JSON.stringify(body) })
    return { status: response.status, text: await response.text() }
  }

/** A manual clock in real milliseconds, and a sleep that advances it instead of waiting. */
export const manualClock = () => {
  let now = 0
  const sleeps: Array<number> = []
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms
    },
    sleep: async (ms: number) => {
      sleeps.push(ms)
      now += ms
    },
    sleeps,
  }
}

const servers: Array<ServedEmulator> = []

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

/** An emulator on a real socket (closed after the test) and a poster over real HTTP. */
export const served = async (options: ServeOptions = {}) => {
  const server = await serve(options)
  servers.push(server)
  return {
    server,
    emulator: server.emulator,
    post: posterFor(server.url),
    postText: textPosterFor(server.url),
    url: server.url,
  }
}

/** An emulator called in-process through its fetch. */
export const inProcess = (options: EmulatorOptions = {}) => {
  const emulator: Emulator = createEmulator(options)
  return {
    emulator,
    post: posterFor(emulator.inProcessUrl, emulator.fetch),
    postText: textPosterFor(emulator.inProcessUrl, emulator.fetch),
  }
}

export const createdTaskId = (reply: Reply): string => {
  const taskId = reply.body.taskId
  if (typeof taskId !== "string") throw new Error(`no taskId in ${JSON.stringify(reply.body)}`)
  return taskId
}

export const websiteURL = "https://example.com/login"
export const websiteKey = "6Le-wvkSAAAAAPBMRTvw0Q4Muexq9bi0DJwx_mJ-"
/** A base64 body above Anti-Captcha's and CapMonster Cloud's 100-byte floor. */
export const imageBody = "iVBORw0KGgo".padEnd(160, "A")

/** Per dialect, a minimal reCAPTCHA v2 token task and an image (recognition) task in its own spelling. */
export const tasksFor = {
  capsolver: {
    token: recaptcha(),
    image: { type: "ImageToTextTask", body: imageBody },
  },
  "2captcha": {
    token: { type: "RecaptchaV2TaskProxyless", websiteURL, websiteKey },
    image: { type: "ImageToTextTask", body: imageBody },
  },
  anticaptcha: {
    token: { type: "RecaptchaV2TaskProxyless", websiteURL, websiteKey },
    image: { type: "ImageToTextTask", body: imageBody },
  },
  capmonster: {
    token: { type: "RecaptchaV2Task", websiteURL, websiteKey },
    image: { type: "ImageToTextTask", body: imageBody },
  },
} as const satisfies Record<DialectName, { token: Record<string, unknown>; image: Record<string, unknown> }>

/** The three providers with integer task ids and the same createTask family envelope. */
export const integerDialects = ["2captcha", "anticaptcha", "capmonster"] as const

/** The integer task id of a createTask answer. */
export const integerTaskId = (reply: Reply): number => {
  const taskId = reply.body.taskId
  if (!Number.isSafeInteger(taskId)) throw new Error(`no integer taskId in ${JSON.stringify(reply.body)}`)
  return taskId as number
}
