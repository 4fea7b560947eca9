/**
 * `npm run bench`: runs every benchmark section and writes BENCHMARKS.md at the repository root.
 *
 *   node apps/bench/dist/main.js [--out <file>] [--quick] [--only <sections>] [--help]
 *
 * `--quick` runs smaller workloads (for trying the harness; the figures are noisier). `--only` runs some
 * sections and, unless `--out` is given, writes apps/bench/.reports/BENCHMARKS.partial.md instead.
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { dirname } from "node:path"
import { fileURLToPath } from "node:url"
import { measureBundles } from "./BundleSize.ts"
import { runColdStart } from "./ColdStart.ts"
import { defaultCpuSettings, runCpu } from "./Cpu.ts"
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

const sectionNames = ["polling", "cpu", "overhead", "memory", "bundle", "cold"] as const
type SectionName = (typeof sectionNames)[number]

const usage = `usage: node apps/bench/dist/main.js [--quick] [--only <sections>] [--out <file>]

  --quick            smaller workloads, to try the harness (noisier figures)
  --only <sections>  comma-separated: ${sectionNames.join(", ")}; writes apps/bench/.reports/BENCHMARKS.partial.md
                     unless --out is given (only a complete run writes BENCHMARKS.md)
  --out <file>       where to write the report (default: BENCHMARKS.md at the repository root)
  --cpu-runs <n>     runs of each client in the CPU section (default 3; the rows are the medians)
`

const args = process.argv.slice(2)
if (args.includes("--help") || args.includes("-h")) {
  process.stdout.write(usage)
  process.exit(0)
}
const flagValue = (flag: string): string | undefined => {
  const index = args.indexOf(flag)
  return index >= 0 ? args[index + 1] : undefined
}
const quick = args.includes("--quick")
const onlyArg = flagValue("--only")
const only: ReadonlySet<SectionName> = new Set(
  onlyArg === undefined
    ? sectionNames
    : onlyArg.split(",").map((name) => {
        const trimmed = name.trim()
        if (!(sectionNames as ReadonlyArray<string>).includes(trimmed)) {
          process.stderr.write(`unknown section ${JSON.stringify(trimmed)}\n${usage}`)
          process.exit(2)
        }
        return trimmed as SectionName
      }),
)
const cpuRuns = Number(flagValue("--cpu-runs") ?? defaultCpuSettings.runs)
if (!Number.isInteger(cpuRuns) || cpuRuns < 1) {
  process.stderr.write(`--cpu-runs takes a positive integer\n${usage}`)
  process.exit(2)
}
const partial = only.size < sectionNames.length
const out =
  flagValue("--out") ??
  fileURLToPath(
    new URL(partial ? "../.reports/BENCHMARKS.partial.md" : "../../../BENCHMARKS.md", import.meta.url),
  )

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`)

/** Runs one section; a failure is reported in BENCHMARKS.md instead of stopping the other sections. */
const attempt = async <A>(
  section: SectionName,
  name: string,
  run: () => Promise<A> | A,
): Promise<Section<A>> => {
  if (!only.has(section)) return { ok: false, error: "not run (--only)", skipped: true }
  log(name)
  const sectionStart = performance.now()
  try {
    const value = await run()
    log(`  (${((performance.now() - sectionStart) / 1000).toFixed(0)} s)`)
    return { ok: true, value }
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

const polling = await attempt(
  "polling",
  `polling efficiency (virtual time)${quick ? ", quick" : ""}`,
  async () => {
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
  },
)

const cpu = await attempt("cpu", "CPU per solve, side by side with the peers", () =>
  runCpu(
    quick
      ? { ...defaultCpuSettings, jitWarmup: 300, warmup: 100, solves: 300, peerSolves: 300, runs: cpuRuns }
      : { ...defaultCpuSettings, runs: cpuRuns },
    log,
  ),
)

const overhead = await attempt("overhead", "throughput against the raw loop (loopback)", async () => {
  const result = await runOverheadInChild(
    quick ? { solves: 2_000, warmup: 300 } : { solves: 5_000, warmup: 500 },
  )
  log(`  SDK ${result.sdk.solvesPerSecond.toFixed(0)}/s, raw ${result.raw.solvesPerSecond.toFixed(0)}/s`)
  return result
})

const memory = await attempt("memory", "memory per waiting solve, side by side with the peers", () =>
  runMemory(quick ? 2_000 : 10_000, log),
)

const bundle = await attempt("bundle", "bundle sizes (esbuild)", async () => {
  const result = await measureBundles()
  const relay =
    result.relay.status === "measured"
      ? `${(result.relay.gzipBytes / 1024).toFixed(1)} KB`
      : result.relay.status
  log(`  key mode ${(result.key.gzipBytes / 1024).toFixed(1)} KB gzip, relay mode ${relay}`)
  return result
})

const coldStart = await attempt("cold", "cold start, side by side with the peers", () => {
  const result = runColdStart(quick ? 5 : 15)
  for (const row of result.rows) {
    log(
      `  ${row.subject}: ${row.wallMs.toFixed(0)} ms, peak RSS ${(row.peakRssBytes / 1024 ** 2).toFixed(0)} MiB`,
    )
  }
  return result
})

const markdown = render({
  date,
  command: `npm run bench${args.length > 0 ? ` -- ${args.join(" ")}` : ""}`,
  machine,
  durationS: (performance.now() - started) / 1000,
  polling,
  cpu,
  overhead,
  memory,
  bundle,
  coldStart,
})
mkdirSync(dirname(out), { recursive: true })
writeFileSync(out, markdown)
log(`wrote ${out}`)
const failed = [polling, cpu, overhead, memory, bundle, coldStart].filter(
  (section) => !section.ok && section.skipped !== true,
).length
if (failed > 0) {
  log(`${failed} section(s) failed; see BENCHMARKS.md`)
  process.exitCode = 1
}
