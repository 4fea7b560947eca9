/**
 * Child process (run with --expose-gc): heap and RSS with N solves in flight at once, through the SDK's
 * Promise client and, for comparison, through a minimal hand-written loop holding the same N tasks.
 *
 * argv: <emulator url> <tasks> <sdk|raw>. Writes one JSON line `{ before, during }` to stdout. Each mode runs in
 * its own process so that neither inherits the other's heap or resident pages.
 */
import { defaultKey } from "@solvekit/emulator"
import { createClient, Policy, ReCaptchaV2TaskProxyLess } from "@solvekit/node"

const [url, countArg, mode] = process.argv.slice(2)
if (url === undefined || (mode !== "sdk" && mode !== "raw")) {
  throw new Error("usage: MemoryProbe <emulator url> <tasks> <sdk|raw>")
}
const count = Number(countArg ?? 10_000)
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error("run with --expose-gc")

interface Snapshot {
  readonly heapUsed: number
  readonly rss: number
}

const settle = async (): Promise<Snapshot> => {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve))
    gc()
  }
  const usage = process.memoryUsage()
  return { heapUsed: usage.heapUsed, rss: usage.rss }
}

// A task that will not be ready for a long time; the first query is planned 200 s after creation, so every
// solve sits between createTask and its first getTaskResult while we measure.
const SLOW = "emulator-solve-ms-250000"
const waitingPolicy = Policy.fixed("200 seconds")

const measureSdk = async () => {
  const client = createClient({
    apiKey: defaultKey,
    baseUrl: url,
    policy: waitingPolicy,
    maxConcurrentRequests: 64,
  })
  // Warm-up: a few complete solves, so lazily built parts of the client exist before the baseline.
  for (let i = 0; i < 20; i++) {
    await client.solve(
      ReCaptchaV2TaskProxyLess({ websiteURL: `https://warm.example/${i}`, websiteKey: "emulator-instant" }),
      {
        policy: Policy.fixed(0),
      },
    )
  }
  let created = 0
  let allCreated: () => void = () => {}
  const createdAll = new Promise<void>((resolve) => {
    allCreated = resolve
  })
  const unsubscribe = client.onEvent((event) => {
    if (event._tag === "Created" && ++created === count) allCreated()
  })
  const before = await settle()
  const controller = new AbortController()
  const solves: Array<Promise<unknown>> = []
  for (let i = 0; i < count; i++) {
    solves.push(
      client
        .solve(ReCaptchaV2TaskProxyLess({ websiteURL: `https://memory.example/${i}`, websiteKey: SLOW }), {
          signal: controller.signal,
        })
        .catch(() => undefined),
    )
  }
  await createdAll
  const during = await settle()
  controller.abort()
  await Promise.all(solves)
  unsubscribe()
  await client.dispose()
  return { before, during }
}

const measureRaw = async () => {
  const post = async (endpoint: string, body: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${url}/${endpoint}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    })
    return (await response.json()) as Record<string, unknown>
  }
  const controller = new AbortController()
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms)
      controller.signal.addEventListener("abort", () => {
        clearTimeout(timer)
        resolve()
      })
    })
  let created = 0
  let allCreated: () => void = () => {}
  const createdAll = new Promise<void>((resolve) => {
    allCreated = resolve
  })
  // Same shape as the SDK run: at most 64 requests in flight.
  let permits = 64
  const waiters: Array<() => void> = []
  const acquire = async () => {
    if (permits > 0) {
      permits--
      return
    }
    await new Promise<void>((resolve) => waiters.push(resolve))
  }
  const release = () => {
    const next = waiters.shift()
    if (next === undefined) permits++
    else next()
  }
  const solveOne = async (i: number) => {
    await acquire()
    let taskId: unknown
    try {
      const task = {
        type: "ReCaptchaV2TaskProxyLess",
        websiteURL: `https://raw.example/${i}`,
        websiteKey: SLOW,
      }
      taskId = (await post("createTask", { clientKey: defaultKey, task })).taskId
    } finally {
      release()
    }
    if (++created === count) allCreated()
    await sleep(200_000)
    if (controller.signal.aborted) return
    await post("getTaskResult", { clientKey: defaultKey, taskId })
  }
  // Warm-up, like the SDK run: a few complete calls before the baseline.
  for (let i = 0; i < 20; i++) {
    const task = {
      type: "ReCaptchaV2TaskProxyLess",
      websiteURL: `https://warm.example/${i}`,
      websiteKey: "emulator-instant",
    }
    const { taskId } = await post("createTask", { clientKey: defaultKey, task })
    await post("getTaskResult", { clientKey: defaultKey, taskId })
  }
  const before = await settle()
  const solves = Array.from({ length: count }, (_, i) => solveOne(i))
  await createdAll
  const during = await settle()
  controller.abort()
  await Promise.all(solves)
  return { before, during }
}

const figures = mode === "sdk" ? await measureSdk() : await measureRaw()
process.stdout.write(`${JSON.stringify(figures)}\n`)
