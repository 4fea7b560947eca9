/**
 * `npm run bench`: runs every benchmark section and writes BENCHMARKS.md at the repository root.
 *
 *   node apps/bench/dist/main.js [--out <file>] [--quick]
 *
 * `--quick` runs smaller workloads (for trying the harness; the figures are noisier).
 */
import { writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { measureBundle } from "./BundleSize.ts"
import { runColdStart } from "./ColdStart.ts"
import { describeMachine } from "./Machine.ts"
import { runMemory } from "./Memory.ts"
import { runOverheadInChild } from "./Overhead.ts"
import * as Policies from "./Policies.ts"
import {
  defaultSettings,
  type PollingRun,
  runGuaranteeCheck,
  runPolling,
  skewedWorkload,
  uniformWorkload,
} from "./Polling.ts"
import { render, type Section } from "./Report.ts"

const args = process.argv.slice(2)
const quick = args.includes("--quick")
const outIndex = args.indexOf("--out")
const out =
  outIndex >= 0 && args[outIndex + 1] !== undefined
    ? args[outIndex + 1]!
    : fileURLToPath(new URL("../../../BENCHMARKS.md", import.meta.url))

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`)

/** Runs one section; a failure is reported in BENCHMARKS.md instead of stopping the other sections. */
const attempt = async <A>(name: string, run: () => Promise<A> | A): Promise<Section<A>> => {
  log(name)
  try {
    return { ok: true, value: await run() }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    log(`  FAILED: ${message}`)
    return { ok: false, error: message.slice(0, 500) }
  }
}
const started = performance.now()
const date = new Date()
const machine = describeMachine()

const settings = quick ? { ...defaultSettings, tasks: 500, warmupTasks: 150, coldTasks: 50 } : defaultSettings
const workloads = [uniformWorkload, skewedWorkload]
const policies = [Policies.fixed3s, Policies.currentDefault, Policies.learned]
const seeds = quick ? [1] : [1, 2, 3]

const polling = await attempt(`polling efficiency (virtual time)${quick ? ", quick" : ""}`, async () => {
  const runs: Array<PollingRun> = []
  for (const workload of workloads) {
    for (const seed of seeds) {
      // Every policy on the first seed; the baseline and the candidate on the others.
      const forSeed = seed === seeds[0] ? policies : [Policies.fixed3s, Policies.learned]
      for (const policy of forSeed) {
        const run = await runPolling(policy, workload, seed, settings)
        log(`  ${workload.label}, seed ${seed}, ${policy.label}: warm cost ${run.warm.cost.toFixed(2)}`)
        runs.push(run)
      }
    }
  }
  const guarantee = await runGuaranteeCheck(Policies.learned, 1)
  log(`  stuck tasks: max ${guarantee.maxQueries} queries, ${JSON.stringify(guarantee.outcomes)}`)
  return {
    settings,
    workloads,
    policies,
    baseline: Policies.fixed3s,
    candidate: Policies.learned,
    runs,
    seeds,
    guarantee,
  }
})

const overhead = await attempt("overhead (loopback)", async () => {
  const result = await runOverheadInChild(quick ? { solves: 2_000, warmup: 300 } : {})
  log(`  SDK ${result.sdk.solvesPerSecond.toFixed(0)}/s, raw ${result.raw.solvesPerSecond.toFixed(0)}/s`)
  return result
})

const memory = await attempt("memory (in-flight solves)", async () => {
  const result = await runMemory(quick ? 2_000 : 10_000)
  log(
    `  SDK ${result.sdk.heapBytesPerTask.toFixed(0)} B/task, raw ${result.raw.heapBytesPerTask.toFixed(0)} B/task`,
  )
  return result
})

const bundle = await attempt("bundle size (esbuild)", async () => {
  const result = await measureBundle()
  log(`  ${(result.gzipBytes / 1024).toFixed(1)} KB gzip`)
  return result
})

const coldStart = await attempt("cold start", () => {
  const result = runColdStart(quick ? 5 : 15)
  log(`  import ${result.importMs.toFixed(0)} ms, createClient ${result.createClientMs.toFixed(1)} ms`)
  return result
})

const markdown = render({
  date,
  command: quick ? "npm run bench -- --quick" : "npm run bench",
  machine,
  durationS: (performance.now() - started) / 1000,
  polling,
  overhead,
  memory,
  bundle,
  coldStart,
})
writeFileSync(out, markdown)
log(`wrote ${out}`)
const failed = [polling, overhead, memory, bundle, coldStart].filter((section) => !section.ok).length
if (failed > 0) {
  log(`${failed} section(s) failed; see BENCHMARKS.md`)
  process.exitCode = 1
}
