/**
 * Child process (run with --expose-gc): heap and RSS with N solves in flight at once, through the SDK's
 * Promise client and, for comparison, through a minimal hand-written loop holding the same N tasks.
 *
 * A third mode, `effect`, is the floor any client built on Effect pays: one fiber per task, run from a Promise
 * (`ManagedRuntime.runPromise` with an `AbortSignal`), that fetches createTask and then waits on `Effect.sleep`;
 * no lifecycle, limits, spans or events.
 *
 * argv: <emulator url> <tasks> <sdk|raw|effect>. Writes one JSON line `{ before, during }` to stdout. Each mode runs in
 * its own process so that neither inherits the other's heap or resident pages.
 */
import { defaultKey } from "@solvekit/emulator"
import { createClient, Policy, ReCaptchaV2TaskProxyLess } from "@solvekit/node"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Semaphore from "effect/Semaphore"

const [url, countArg, mode] = process.argv.slice(2)
if (url === undefined || (mode !== "sdk" && mode !== "raw" && mode !== "effect")) {
  throw new Error("usage: MemoryProbe <emulator url> <tasks> <sdk|raw|effect>")
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

const measureEffectFloor = async () => {
  const runtime = ManagedRuntime.make(Layer.empty)
  const createTask = (task: Record<string, unknown>) =>
    Effect.tryPromise(async (signal): Promise<Record<string, unknown>> => {
      const response = await fetch(`${url}/createTask`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ clientKey: defaultKey, task }),
        signal,
      })
      return (await response.json()) as Record<string, unknown>
    })
  let created = 0
  let allCreated: () => void = () => {}
  const createdAll = new Promise<void>((resolve) => {
    allCreated = resolve
  })
  // At most 64 createTask requests at once, like the SDK run.
  const permits = Semaphore.makeUnsafe(64)
  const solveOne = (i: number) =>
    Effect.gen(function* () {
      const task = {
        type: "ReCaptchaV2TaskProxyLess",
        websiteURL: `https://floor.example/${i}`,
        websiteKey: SLOW,
      }
      const answer = yield* permits.withPermit(createTask(task))
      if (++created === count) allCreated()
      yield* Effect.sleep("200 seconds")
      return answer.taskId
    })
  for (let i = 0; i < 20; i++) {
    await runtime.runPromise(
      createTask({
        type: "ReCaptchaV2TaskProxyLess",
        websiteURL: `https://warm.example/${i}`,
        websiteKey: "emulator-instant",
      }),
    )
  }
  const before = await settle()
  const controller = new AbortController()
  const solves = Array.from({ length: count }, (_, i) =>
    runtime.runPromise(solveOne(i), { signal: controller.signal }).catch(() => undefined),
  )
  await createdAll
  const during = await settle()
  controller.abort()
  await Promise.all(solves)
  await runtime.dispose()
  return { before, during }
}

const figures =
  mode === "sdk" ? await measureSdk() : mode === "raw" ? await measureRaw() : await measureEffectFloor()
process.stdout.write(`${JSON.stringify(figures)}\n`)
