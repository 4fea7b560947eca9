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
import { runOverhead } from "./Overhead.ts"
import * as Policies from "./Policies.ts"
import {
  defaultSettings,
  type PollingRun,
  runGuaranteeCheck,
  runPolling,
  skewedWorkload,
  uniformWorkload,
} from "./Polling.ts"
import { render } from "./Report.ts"

const args = process.argv.slice(2)
const quick = args.includes("--quick")
const outIndex = args.indexOf("--out")
const out =
  outIndex >= 0 && args[outIndex + 1] !== undefined
    ? args[outIndex + 1]!
    : fileURLToPath(new URL("../../../BENCHMARKS.md", import.meta.url))

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`)
const started = performance.now()
const date = new Date()
const machine = describeMachine()

log(`polling efficiency (virtual time)${quick ? ", quick" : ""}`)
const settings = quick ? { ...defaultSettings, tasks: 500, warmupTasks: 150, coldTasks: 50 } : defaultSettings
const workloads = [uniformWorkload, skewedWorkload]
const policies = [Policies.fixed3s, Policies.currentDefault, Policies.simpleAdaptive, Policies.learned]
const seeds = quick ? [1] : [1, 2, 3]
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

log("overhead (loopback)")
const overhead = await runOverhead(quick ? { solves: 2_000, warmup: 300 } : {})
log(`  SDK ${overhead.sdk.solvesPerSecond.toFixed(0)}/s, raw ${overhead.raw.solvesPerSecond.toFixed(0)}/s`)

log("memory (in-flight solves)")
const memory = await runMemory(quick ? 2_000 : 10_000)
log(
  `  SDK ${memory.sdk.heapBytesPerTask.toFixed(0)} B/task, raw ${memory.raw.heapBytesPerTask.toFixed(0)} B/task`,
)

log("bundle size (esbuild)")
const bundle = await measureBundle()
log(`  ${(bundle.gzipBytes / 1024).toFixed(1)} KB gzip`)

log("cold start")
const coldStart = runColdStart(quick ? 5 : 15)
log(`  import ${coldStart.importMs.toFixed(0)} ms, createClient ${coldStart.createClientMs.toFixed(1)} ms`)

const markdown = render({
  date,
  command: "npm run bench",
  machine,
  durationS: (performance.now() - started) / 1000,
  polling: {
    settings,
    workloads,
    policies,
    baseline: Policies.fixed3s,
    candidate: Policies.learned,
    runs,
    seeds,
    guarantee,
  },
  overhead,
  memory,
  bundle,
  coldStart,
})
writeFileSync(out, markdown)
log(`wrote ${out}`)
