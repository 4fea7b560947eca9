/**
 * The clients the bench compares, each driven through its own public API against the emulator speaking its
 * provider's dialect (issue 16). Used inside the probe child processes: a client's library is loaded only by
 * the process that measures it, so no process carries another client's code.
 *
 * - **solvekit**: `@solvekit/node`'s `createClient({ apiKey, baseUrl, provider })`, one `solve` per task, with the
 *   default policy (`AdaptivePolicy`; with a long `floor` when the measure needs tasks held waiting).
 * - **capsolver-npm** 2.1.9: `new Solver({ apiKey, pollDelay })` and `solver.recaptchav2proxyless(...)`. Its
 *   base URL is hard-coded (`https://api.capsolver.com/...`, through the default axios instance), so a request
 *   interceptor on that same axios instance (axios's public API) rewrites the origin to the emulator's; the
 *   library's own code runs unchanged.
 * - **@zennolab_com/capmonstercloud-client**: `CapMonsterCloudClientFactory.Create(new ClientOptions({ clientKey,
 *   serviceUrl }))` and `client.Solve(new RecaptchaV2Request(...), resultTimeouts?)`; `serviceUrl` is its
 *   documented base-URL option.
 * - **raw fetch loop**: the hand-written baseline: `fetch` createTask, then getTaskResult until ready, checking
 *   nothing but `errorId`.
 * - **solvekit's HTTP layer alone**: the raw loop's two calls through core's `KyTransport` (ky, the body cap,
 *   one Effect per request) over `@solvekit/node`'s fetch, checking nothing but `errorId`: what any client on
 *   the project's fixed stack (ky, undici) pays before validation, the lifecycle, decoding and telemetry.
 */
import { createRequire } from "node:module"
import { fileURLToPath } from "node:url"
import { defaultKey } from "@solvekit/emulator"

export type Dialect = "capsolver" | "capmonster"
export type ClientId =
  | "solvekit"
  | "solvekit-fixed0"
  | "solvekit-http"
  | "capsolver-npm"
  | "capmonster-client"
  | "raw"
  | "raw-3s"

export const dialects: ReadonlyArray<Dialect> = ["capsolver", "capmonster"]

/** The peer that speaks each dialect. */
export const peerOf: Record<Dialect, ClientId> = {
  capsolver: "capsolver-npm",
  capmonster: "capmonster-client",
}

export const clientLabels: Record<ClientId, string> = {
  solvekit: "solvekit (@solvekit/node, default policy)",
  "solvekit-fixed0": "solvekit with `Policy.fixed(0)` (no wait of its own)",
  "capsolver-npm": "capsolver-npm 2.1.9 (axios)",
  "capmonster-client": "@zennolab_com/capmonstercloud-client 2.6.1 (official)",
  raw: "raw fetch loop",
  "raw-3s": "raw fetch loop, first query 3 s after createTask (solvekit's cadence on these tasks)",
  "solvekit-http": "solvekit's HTTP layer alone (`KyTransport` over `@solvekit/node`'s fetch)",
}

export const dialectLabels: Record<Dialect, string> = {
  capsolver: "CapSolver",
  capmonster: "CapMonster Cloud",
}

/** How long a task is held waiting when the measure needs every solve parked between queries. */
export const LONG_WAIT_MS = 200_000

export interface DriverOptions {
  /**
   * Hold each solve waiting `LONG_WAIT_MS` before its next query (the memory measure), through each client's
   * own cadence setting; otherwise every client polls on its default cadence.
   */
  readonly waiting: boolean
}

export interface Driver {
  /**
   * One solve of a reCAPTCHA v2 token task whose `websiteKey` scripts the emulator (`emulator-instant`, or
   * `emulator-solve-ms-<N>`). `immediate` asks for the first query at once (warm-up of a waiting driver).
   */
  readonly solve: (index: number, websiteKey: string, immediate?: boolean) => Promise<void>
  readonly close: () => Promise<void>
}

// Resolve the peers (CommonJS) from this package, where they are devDependencies.
const requireHere = createRequire(fileURLToPath(import.meta.url))

const pageUrl = (index: number) => `https://bench.example/page/${index}`

const solvekitDriver = async (
  dialect: Dialect,
  url: string,
  options: DriverOptions,
  fixed0 = false,
): Promise<Driver> => {
  const { AdaptivePolicy, CapMonsterCloud, CapSolver, createClient, Policy, ReCaptchaV2TaskProxyLess } =
    await import("@solvekit/node")
  const client = createClient({
    apiKey: defaultKey,
    baseUrl: url,
    provider: dialect === "capmonster" ? CapMonsterCloud : CapSolver,
    // Waiting: the default policy itself, told never to wait less than LONG_WAIT_MS.
    ...(options.waiting
      ? { policy: AdaptivePolicy.make({ floor: `${LONG_WAIT_MS} millis` }) }
      : fixed0
        ? { policy: Policy.fixed(0) }
        : {}),
  })
  const immediate = { policy: Policy.fixed(0) }
  // Waiting solves carry an AbortSignal, as a caller that can cancel them would.
  const controller = new AbortController()
  const waiting = { signal: controller.signal }
  return {
    solve: async (index, websiteKey, now = false) => {
      await client.solve(
        ReCaptchaV2TaskProxyLess({ websiteURL: pageUrl(index), websiteKey }),
        now ? immediate : options.waiting ? waiting : undefined,
      )
    },
    close: async () => {
      controller.abort()
      await client.dispose()
    },
  }
}

interface AxiosLike {
  readonly interceptors: {
    readonly request: { use: (onFulfilled: (config: { url?: string }) => { url?: string }) => number }
  }
}

interface CapSolverNpm {
  readonly Solver: new (options: {
    apiKey: string
    pollDelay?: number
  }) => {
    recaptchav2proxyless: (params: { websiteURL: string; websiteKey: string }) => Promise<unknown>
  }
}

const capsolverNpmDriver = (url: string, options: DriverOptions): Driver => {
  const entry = requireHere.resolve("capsolver-npm")
  const { Solver } = requireHere(entry) as CapSolverNpm
  // The axios instance capsolver-npm itself imports (resolved from its own directory).
  const axios = createRequire(entry)("axios") as AxiosLike
  const origin = "https://api.capsolver.com"
  axios.interceptors.request.use((config) => {
    if (config.url?.startsWith(origin)) config.url = url + config.url.slice(origin.length)
    return config
  })
  // Its first query is always immediate; `pollDelay` is the wait between queries (default 1.7 s).
  const solver = new Solver(
    options.waiting ? { apiKey: defaultKey, pollDelay: LONG_WAIT_MS } : { apiKey: defaultKey },
  )
  return {
    solve: async (index, websiteKey) => {
      await solver.recaptchav2proxyless({ websiteURL: pageUrl(index), websiteKey })
    },
    close: async () => {},
  }
}

interface ResultTimeouts {
  readonly firstRequestDelay: number
  readonly requestsInterval: number
  readonly timeout: number
}

interface CapMonsterClientLib {
  readonly CapMonsterCloudClientFactory: {
    Create: (options: unknown) => {
      Solve: (task: unknown, timeouts?: ResultTimeouts) => Promise<{ error?: unknown; solution?: unknown }>
    }
  }
  readonly ClientOptions: new (options: { clientKey: string; serviceUrl?: string }) => unknown
  readonly RecaptchaV2Request: new (options: { websiteURL: string; websiteKey: string }) => unknown
}

const capmonsterDriver = (url: string, options: DriverOptions): Driver => {
  const lib = requireHere("@zennolab_com/capmonstercloud-client") as CapMonsterClientLib
  const client = lib.CapMonsterCloudClientFactory.Create(
    new lib.ClientOptions({ clientKey: defaultKey, serviceUrl: url }),
  )
  // Without timeouts, Solve uses its per-type defaults (reCAPTCHA v2: first query at 1 s, then every 3 s).
  const immediate: ResultTimeouts = { firstRequestDelay: 0, requestsInterval: 2_000, timeout: 180_000 }
  const waiting: ResultTimeouts = {
    firstRequestDelay: LONG_WAIT_MS,
    requestsInterval: LONG_WAIT_MS,
    timeout: 3 * LONG_WAIT_MS,
  }
  return {
    solve: async (index, websiteKey, now = false) => {
      const task = new lib.RecaptchaV2Request({ websiteURL: pageUrl(index), websiteKey })
      const timeouts = now ? immediate : options.waiting ? waiting : undefined
      const result = await (timeouts === undefined ? client.Solve(task) : client.Solve(task, timeouts))
      // Solve answers failures as a value rather than throwing.
      if (result.error !== undefined) throw new Error(`CapMonster client: ${String(result.error)}`)
    },
    close: async () => {},
  }
}

/** The wire type of the reCAPTCHA v2 task in each dialect. */
const rawTaskType: Record<Dialect, string> = {
  capsolver: "ReCaptchaV2TaskProxyLess",
  capmonster: "RecaptchaV2Task",
}

type Post = (endpoint: string, body: unknown) => Promise<Record<string, unknown>>

const rawDriver = (dialect: Dialect, url: string, options: DriverOptions, firstQueryMs = 0): Driver =>
  loopDriver(dialect, options, firstQueryMs, async (endpoint, body) => {
    const response = await fetch(`${url}/${endpoint}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    })
    return (await response.json()) as Record<string, unknown>
  })

const httpLayerDriver = async (dialect: Dialect, url: string, options: DriverOptions): Promise<Driver> => {
  const { KyTransport } = await import("@solvekit/node")
  const NodeHttp = await import("@solvekit/node/http")
  const Effect = await import("effect/Effect")
  const dispatcher = NodeHttp.makeDispatcher()
  const transport = KyTransport.make({ baseUrl: url, fetch: NodeHttp.makeFetch(dispatcher) })
  const driver = loopDriver(dialect, options, 0, async (endpoint, body) => {
    const response = await Effect.runPromise(transport.post(endpoint, body, { timeoutMs: 30_000 }))
    return JSON.parse(response.body) as Record<string, unknown>
  })
  return {
    solve: driver.solve,
    close: async () => {
      await driver.close()
      await NodeHttp.closeDispatcher(dispatcher)
    },
  }
}

/**
 * createTask, then getTaskResult until ready, checking nothing but `errorId`, over `post`; the first query
 * `firstQueryMs` after createTask.
 */
const loopDriver = (dialect: Dialect, options: DriverOptions, firstQueryMs: number, post: Post): Driver => {
  const controller = new AbortController()
  // A pending async function, a timer and an abort listener per waiting task.
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms)
      controller.signal.addEventListener("abort", () => {
        clearTimeout(timer)
        resolve()
      })
    })
  return {
    solve: async (index, websiteKey, now = false) => {
      const task = { type: rawTaskType[dialect], websiteURL: pageUrl(index), websiteKey }
      const created = await post("createTask", { clientKey: defaultKey, task })
      if (created.errorId !== 0) throw new Error(`createTask failed: ${String(created.errorCode)}`)
      const wait = now ? 0 : options.waiting ? LONG_WAIT_MS : firstQueryMs
      if (wait > 0) {
        await sleep(wait)
        if (controller.signal.aborted) return
      }
      for (;;) {
        const result = await post("getTaskResult", { clientKey: defaultKey, taskId: created.taskId })
        if (result.errorId !== 0) throw new Error(`getTaskResult failed: ${String(result.errorCode)}`)
        if (result.status === "ready") return
      }
    },
    close: async () => controller.abort(),
  }
}

export const makeDriver = async (
  client: ClientId,
  dialect: Dialect,
  url: string,
  options: DriverOptions,
): Promise<Driver> => {
  switch (client) {
    case "solvekit":
      return solvekitDriver(dialect, url, options)
    case "solvekit-fixed0":
      return solvekitDriver(dialect, url, options, true)
    case "capsolver-npm":
      if (dialect !== "capsolver") throw new Error("capsolver-npm speaks CapSolver's dialect only")
      return capsolverNpmDriver(url, options)
    case "capmonster-client":
      if (dialect !== "capmonster")
        throw new Error("the CapMonster client speaks CapMonster Cloud's dialect only")
      return capmonsterDriver(url, options)
    case "raw":
      return rawDriver(dialect, url, options)
    case "raw-3s":
      return rawDriver(dialect, url, options, 3_000)
    case "solvekit-http":
      return httpLayerDriver(dialect, url, options)
  }
}

/** Runs `count` solves through at most `concurrency` workers, each taking the next index. */
export const runPool = async (
  count: number,
  concurrency: number,
  offset: number,
  solveOne: (index: number) => Promise<void>,
): Promise<void> => {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < count) await solveOne(offset + next++)
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
}

/** The emulator's counters (GET /__emulator/audit?records=0). */
export const auditCounters = async (url: string): Promise<{ created: number; queries: number }> => {
  const response = await fetch(`${url}/__emulator/audit?records=0`)
  const audit = (await response.json()) as { tasks: { created: number }; queries: { total: number } }
  return { created: audit.tasks.created, queries: audit.queries.total }
}
