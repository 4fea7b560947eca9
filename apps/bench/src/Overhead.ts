/**
 * Overhead: solves per second and client CPU per solve for zero-delay tasks on loopback, through the SDK
 * (`@solvekit/node`'s Promise client) and through a minimal hand-written fetch loop making the same two calls
 * (createTask, then getTaskResult at once). Both run in this process against one emulator in a child process,
 * in paired rounds (raw then SDK, SDK then raw, alternately), so that drift in the machine's load hits both
 * alike; the headline ratio is the median of the rounds' ratios, which one noisy round cannot move.
 */
import { KyTransport } from "@solvekit/core"
import { defaultKey } from "@solvekit/emulator"
import { createClient, Policy, ReCaptchaV2TaskProxyLess } from "@solvekit/node"
import * as Effect from "effect/Effect"
import { runChild } from "./Child.ts"
import { startMeasuringEmulator } from "./EmulatorProcess.ts"

export interface LoopFigures {
  readonly solves: number
  readonly wallMs: number
  readonly cpuMs: number
  readonly solvesPerSecond: number
  readonly cpuMsPerSolve: number
}

export interface OverheadResult {
  readonly concurrency: number
  readonly rounds: number
  readonly sdk: LoopFigures
  readonly raw: LoopFigures
  /** core's KyTransport alone (ky + one Effect per request) over the raw loop's fetch: the HTTP layer's floor. */
  readonly transport: LoopFigures
  /** Median over the rounds of (transport-only throughput / raw throughput). */
  readonly transportRatio: number
  /** Median over the rounds of (SDK throughput / raw throughput) within the round. */
  readonly throughputRatio: number
  /** Each round's ratio, in order. */
  readonly roundRatios: ReadonlyArray<number>
  /** Median over the rounds of (SDK CPU per solve / raw CPU per solve). */
  readonly cpuRatio: number
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

/**
 * The SDK's HTTP layer alone: core's `KyTransport` (ky, the body cap, one Effect per request) over the same
 * global fetch as the raw loop, making the same two calls, with no validation, lifecycle or decoding.
 */
const transportLoop = (
  transport: ReturnType<typeof KyTransport.make>,
  count: number,
  concurrency: number,
  offset: number,
): Promise<void> =>
  Effect.runPromise(
    Effect.forEach(
      Array.from({ length: count }, (_, i) => offset + i),
      (index) =>
        Effect.gen(function* () {
          const created = JSON.parse(
            (yield* transport.post("createTask", { clientKey: defaultKey, task: wireTask(index) })).body,
          ) as Record<string, unknown>
          if (created.errorId !== 0) throw new Error(`createTask failed: ${String(created.errorCode)}`)
          for (;;) {
            const result = JSON.parse(
              (yield* transport.post("getTaskResult", { clientKey: defaultKey, taskId: created.taskId }))
                .body,
            ) as Record<string, unknown>
            if (result.errorId !== 0) throw new Error(`getTaskResult failed: ${String(result.errorCode)}`)
            if (result.status === "ready") return
          }
        }),
      { concurrency, discard: true },
    ),
  )

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

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((x, y) => x - y)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

export const runOverhead = async (
  options: {
    readonly solves?: number
    readonly concurrency?: number
    readonly warmup?: number
    readonly rounds?: number
  } = {},
): Promise<OverheadResult> => {
  const solves = options.solves ?? 10_000
  const concurrency = options.concurrency ?? 32
  const warmup = options.warmup ?? 1_000
  const rounds = Math.max(1, options.rounds ?? 10)
  const emulator = await startMeasuringEmulator()
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
    const transport = KyTransport.make({ baseUrl: emulator.url, fetch: globalThis.fetch })
    await rawLoop(emulator.url, warmup, concurrency, take(warmup))
    await sdkLoop(client, warmup, concurrency, take(warmup))
    await transportLoop(transport, warmup, concurrency, take(warmup))
    const sdkParts: Array<LoopFigures> = []
    const rawParts: Array<LoopFigures> = []
    const transportParts: Array<LoopFigures> = []
    const transportRatios: Array<number> = []
    const roundRatios: Array<number> = []
    const cpuRatios: Array<number> = []
    for (let round = 0; round < rounds; round++) {
      const size = Math.floor(solves / rounds) + (round < solves % rounds ? 1 : 0)
      const runRaw = () => measure(size, () => rawLoop(emulator.url, size, concurrency, take(size)))
      const runSdk = () => measure(size, () => sdkLoop(client, size, concurrency, take(size)))
      // Alternate which client goes first: A B, B A, A B, ...
      const runTransport = () => measure(size, () => transportLoop(transport, size, concurrency, take(size)))
      let raw: LoopFigures
      let sdk: LoopFigures
      let bare: LoopFigures
      if (round % 2 === 0) {
        raw = await runRaw()
        sdk = await runSdk()
        bare = await runTransport()
      } else {
        bare = await runTransport()
        sdk = await runSdk()
        raw = await runRaw()
      }
      rawParts.push(raw)
      sdkParts.push(sdk)
      transportParts.push(bare)
      transportRatios.push(bare.solvesPerSecond / raw.solvesPerSecond)
      roundRatios.push(sdk.solvesPerSecond / raw.solvesPerSecond)
      cpuRatios.push(sdk.cpuMsPerSolve / raw.cpuMsPerSolve)
    }
    return {
      concurrency,
      rounds,
      sdk: combine(sdkParts),
      raw: combine(rawParts),
      transport: combine(transportParts),
      transportRatio: median(transportRatios),
      throughputRatio: median(roundRatios),
      roundRatios,
      cpuRatio: median(cpuRatios),
    }
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
