/**
 * Overhead: solves per second and client CPU per solve for zero-delay tasks on loopback, through the SDK
 * (`@solvekit/node`'s Promise client) and through a minimal hand-written fetch loop making the same two calls
 * (createTask, then getTaskResult at once). Both run in this process against one emulator in a child process,
 * in alternating rounds (ABBA) so that drift in the machine's load hits both alike.
 */
import { defaultKey } from "@solvekit/emulator"
import { createClient, Policy, ReCaptchaV2TaskProxyLess } from "@solvekit/node"
import { runChild } from "./Child.ts"
import { startEmulator } from "./EmulatorProcess.ts"

export interface LoopFigures {
  readonly solves: number
  readonly wallMs: number
  readonly cpuMs: number
  readonly solvesPerSecond: number
  readonly cpuMsPerSolve: number
}

export interface OverheadResult {
  readonly concurrency: number
  readonly sdk: LoopFigures
  readonly raw: LoopFigures
  /** sdk throughput / raw throughput. */
  readonly throughputRatio: number
}

const INSTANT = "emulator-instant"

const wireTask = (index: number) => ({
  type: "ReCaptchaV2TaskProxyLess",
  websiteURL: `https://bench.example/page/${index}`,
  websiteKey: INSTANT,
})

/** The hand-written client: createTask, then getTaskResult until ready, no delay, no checks beyond errorId. */
const rawLoop = async (
  baseUrl: string,
  count: number,
  concurrency: number,
  offset: number,
): Promise<void> => {
  const post = async (endpoint: string, body: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${baseUrl}/${endpoint}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    })
    return (await response.json()) as Record<string, unknown>
  }
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = offset + next++
      const created = await post("createTask", { clientKey: defaultKey, task: wireTask(index) })
      if (created.errorId !== 0) throw new Error(`createTask failed: ${String(created.errorCode)}`)
      for (;;) {
        const result = await post("getTaskResult", { clientKey: defaultKey, taskId: created.taskId })
        if (result.errorId !== 0) throw new Error(`getTaskResult failed: ${String(result.errorCode)}`)
        if (result.status === "ready") break
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}

const sdkLoop = async (
  client: ReturnType<typeof createClient>,
  count: number,
  concurrency: number,
  offset: number,
): Promise<void> => {
  const tasks = Array.from({ length: count }, (_, i) =>
    ReCaptchaV2TaskProxyLess({ websiteURL: `https://bench.example/page/${offset + i}`, websiteKey: INSTANT }),
  )
  const settled = await client.solveAll(tasks, { concurrency })
  const failed = settled.filter((entry) => entry.status === "rejected")
  if (failed.length > 0) throw new Error(`${failed.length} SDK solves failed`)
}

const measure = async (solves: number, run: () => Promise<void>): Promise<LoopFigures> => {
  const cpu = process.cpuUsage()
  const start = performance.now()
  await run()
  const wallMs = performance.now() - start
  const used = process.cpuUsage(cpu)
  const cpuMs = (used.user + used.system) / 1000
  return { solves, wallMs, cpuMs, solvesPerSecond: (solves / wallMs) * 1000, cpuMsPerSolve: cpuMs / solves }
}

const combine = (parts: ReadonlyArray<LoopFigures>): LoopFigures => {
  const solves = parts.reduce((sum, p) => sum + p.solves, 0)
  const wallMs = parts.reduce((sum, p) => sum + p.wallMs, 0)
  const cpuMs = parts.reduce((sum, p) => sum + p.cpuMs, 0)
  return { solves, wallMs, cpuMs, solvesPerSecond: (solves / wallMs) * 1000, cpuMsPerSolve: cpuMs / solves }
}

export const runOverhead = async (
  options: { readonly solves?: number; readonly concurrency?: number; readonly warmup?: number } = {},
): Promise<OverheadResult> => {
  const solves = options.solves ?? 10_000
  const concurrency = options.concurrency ?? 32
  const warmup = options.warmup ?? 1_000
  const emulator = await startEmulator({ seed: 1, requestLogLimit: 0, auditTaskLimit: 0 })
  const client = createClient({
    apiKey: defaultKey,
    baseUrl: emulator.url,
    policy: Policy.fixed(0),
    maxConcurrentRequests: concurrency,
  })
  try {
    let offset = 0
    const take = (n: number) => {
      const start = offset
      offset += n
      return start
    }
    await rawLoop(emulator.url, warmup, concurrency, take(warmup))
    await sdkLoop(client, warmup, concurrency, take(warmup))
    // ABBA: raw, sdk, sdk, raw, each half of the solves.
    const half = Math.floor(solves / 2)
    const raw1 = await measure(half, () => rawLoop(emulator.url, half, concurrency, take(half)))
    const sdk1 = await measure(half, () => sdkLoop(client, half, concurrency, take(half)))
    const sdk2 = await measure(solves - half, () =>
      sdkLoop(client, solves - half, concurrency, take(solves - half)),
    )
    const raw2 = await measure(solves - half, () =>
      rawLoop(emulator.url, solves - half, concurrency, take(solves - half)),
    )
    const sdk = combine([sdk1, sdk2])
    const raw = combine([raw1, raw2])
    return { concurrency, sdk, raw, throughputRatio: sdk.solvesPerSecond / raw.solvesPerSecond }
  } finally {
    await client.dispose()
    await emulator.stop()
  }
}

/** `runOverhead` in a fresh process (its own heap; a crash fails this step only). */
export const runOverheadInChild = (
  options: { readonly solves?: number; readonly concurrency?: number; readonly warmup?: number } = {},
): Promise<OverheadResult> =>
  runChild<OverheadResult>("OverheadProbe.js", [
    String(options.solves ?? 10_000),
    String(options.concurrency ?? 32),
    String(options.warmup ?? 1_000),
  ])
