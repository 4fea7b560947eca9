/**
 * BENCHMARKS.md's sections that measure solvekit side by side with the peers (issue 16): CPU per solve, memory
 * per waiting solve, bundle sizes and cold start, and their summary rows.
 */
import {
  AIM_GZIP_BYTES,
  BUDGET_GZIP_BYTES,
  type BundleResult,
  ENTRY_SOURCE,
  type EntrySize,
  PEER_ENTRY_SOURCES,
  RELAY_ENTRY,
  RELAY_ENTRY_SOURCE,
  RELAY_TARGET_GZIP_BYTES,
  TARGET_GZIP_BYTES,
  USED_TASK_TYPE,
} from "./BundleSize.ts"
import {
  type ClientId,
  clientLabels,
  type Dialect,
  dialectLabels,
  dialects,
  LONG_WAIT_MS,
  peerOf,
} from "./Clients.ts"
import { type ColdStartResult, type ColdStartSubject, coldStartVerdict } from "./ColdStart.ts"
import { type CpuResult, cpuVerdict } from "./Cpu.ts"
import { f1, f2, kb, mib, status, table } from "./Markdown.ts"
import { type MemoryResult, memoryVerdict } from "./Memory.ts"

const code = (source: string) => `\`\`\`js\n${source.trimEnd()}\n\`\`\``
const ratio = (n: number) => (Number.isFinite(n) ? `${f2(n)}x` : "-")
const short: Record<ClientId, string> = {
  solvekit: "solvekit",
  "solvekit-fixed0": "solvekit (fixed 0)",
  "capsolver-npm": "capsolver-npm",
  "capmonster-client": "CapMonster client",
  raw: "raw loop",
  "raw-3s": "raw loop (3 s)",
  "solvekit-http": "solvekit's HTTP layer",
}

const howDriven = `- **solvekit**: \`@solvekit/node\`'s \`createClient({ apiKey, baseUrl, provider })\` (\`CapSolver\`, or
  \`CapMonsterCloud\` against CapMonster Cloud's dialect), one \`client.solve(ReCaptchaV2TaskProxyLess(...))\` per task;
- **capsolver-npm 2.1.9**: \`new Solver({ apiKey })\`, \`solver.recaptchav2proxyless(...)\`. Its base URL is
  hard-coded (\`https://api.capsolver.com\`, through axios's default instance): a request interceptor on that same
  axios instance (axios's public API) rewrites the origin to the emulator's, and the library runs unchanged;
- **@zennolab_com/capmonstercloud-client 2.6.1**: \`CapMonsterCloudClientFactory.Create(new ClientOptions({ clientKey,
  serviceUrl }))\` (\`serviceUrl\` is its base-URL option), \`client.Solve(new RecaptchaV2Request(...))\`;
- **raw fetch loop**: hand-written, \`fetch\` createTask, then getTaskResult until ready, checking only \`errorId\`;
- **solvekit's HTTP layer alone**: the raw loop's calls through core's \`KyTransport\` (ky, the body cap, one
  Effect per request) over \`@solvekit/node\`'s fetch (\`NodeHttp\`), checking only \`errorId\`: the floor of the
  project's fixed stack, before validation, the lifecycle, decoding and telemetry.`

// ===== CPU =====

export const cpuSection = (cpu: CpuResult): string => {
  const { settings } = cpu
  const rows = dialects.flatMap((dialect) => {
    const raw = cpu.rows.find((row) => row.client === "raw" && row.dialect === dialect)
    return cpu.rows
      .filter((row) => row.dialect === dialect)
      .map((row) => [
        dialectLabels[dialect],
        clientLabels[row.client],
        f2(row.cpuMsPerSolve),
        raw === undefined ? "-" : ratio(row.cpuMsPerSolve / raw.cpuMsPerSolve),
        f1(row.solvesPerSecond),
        row.runs.map((run) => f2((run.userMs + run.systemMs) / run.solves)).join(", "),
      ])
  })
  const verdict = cpuVerdict(cpu)
  const perDialect = verdict.solvekit
    .map(({ dialect, ms }) => {
      const peer = verdict.peers.find((p) => p.dialect === dialect)
      return `${f2(ms)} ms at ${dialectLabels[dialect]} (${ratio(ms / (peer?.ms ?? Number.NaN))} ${short[peerOf[dialect]]}'s ${f2(peer?.ms ?? Number.NaN)} ms)`
    })
    .join(" and ")
  const of = (client: ClientId, dialect: Dialect) =>
    cpu.rows.find((row) => row.client === client && row.dialect === dialect)?.cpuMsPerSolve ?? Number.NaN
  const httpLayer = dialects
    .map((dialect) => {
      const row = cpu.rows.find((r) => r.client === "solvekit-http" && r.dialect === dialect)
      return `${f2(row?.cpuMsPerSolve ?? Number.NaN)} ms at ${dialectLabels[dialect]}`
    })
    .join(" and ")
  return `## 2. CPU per solve, side by side with the peers

Zero-delay tasks (\`emulator-instant\`, ready at the first query), so every client makes the same two calls per
solve: createTask, then one getTaskResult. For each dialect one emulator, served on loopback by a child
process; each client in a fresh child process of its own that loads only its own library: ${settings.jitWarmup}
solves with the first query at once (the JIT compiles each client's hot code and its heap grows to its working
size, as in a long-running process; measured after only a few hundred solves, every client costs 1.5-2.5x more
and the ranking is noise), then ${settings.warmup} warm-up solves at the client's own cadence (a learning policy
learns), then ${settings.solves} measured ones (${settings.peerSolves} for the peers) at concurrency
${settings.concurrency} (${settings.concurrency} workers, one solve each at a time). The figure is the client process's user +
system CPU over the measured solves (\`process.cpuUsage()\`), over their number; ${settings.runs > 1 ? `the median of ${settings.runs} runs per client, the order rotating between runs` : "one run per client"}.
solvekit is measured against the same dialect as the peer it is compared with.

${howDriven}

Each client keeps its default cadence (solvekit: \`AdaptivePolicy\`; capsolver-npm: first query at once; the
CapMonster client: first query after 1 s), so solves per second follow each client's waits more than its speed;
the query count does not (one per solve either way). On these tasks solvekit's default policy makes its first
query about 3 s after createTask, and waiting itself costs CPU: the process goes idle between bursts and each burst
runs cold. The row "raw fetch loop, first query 3 s after createTask" measures that on the plainest client, and the
row "solvekit with \`Policy.fixed(0)\`" is solvekit at capsolver-npm's cadence (first query at once; at CapMonster
Cloud the provider's 2 s gap between a task's queries still holds). The target is read on the default policy. Both peers send their requests with \`node:http\` (axios's Node adapter; the CapMonster client calls
\`http.request\` itself); the raw loop uses the global \`fetch\`; solvekit's Node fetch sends through undici's
\`dispatcher.request\` (about half the CPU of undici's \`fetch\` for these small exchanges) and ky builds each
request on it. The row "solvekit's HTTP layer alone" is that stack under the SDK: what is above it is the SDK's own.

${table(["dialect", "client", "CPU ms per solve", "vs raw loop", "solves/s", "runs (ms per solve)"], rows)}

Reading: solvekit uses ${perDialect}; its HTTP layer alone uses ${httpLayer}. At the same cadence as
capsolver-npm (first query at once) solvekit uses ${f2(of("solvekit-fixed0", "capsolver"))} ms against its
${f2(of("capsolver-npm", "capsolver"))} ms (${ratio(of("solvekit-fixed0", "capsolver") / of("capsolver-npm", "capsolver"))}); the raw loop's own waiting costs it
${ratio(of("raw-3s", "capsolver") / of("raw", "capsolver"))} its CPU per solve without waiting. The best peer is ${short[verdict.best.client]} at ${f2(verdict.best.ms)} ms: solvekit's
worst is ${ratio(verdict.worstSolvekit / verdict.best.ms)} it (target <= 1x). The peers check little more than \`errorId\`
and their waits cannot be cut short; solvekit decodes every answer, keeps the provider's limits, can be aborted,
and emits spans, metrics and events.
`
}

// ===== Memory =====

const memoryLabel = (client: ClientId | "effect") =>
  client === "effect" ? "Effect floor (one fiber per task: createTask, then a sleep)" : clientLabels[client]

export const memorySection = (memory: MemoryResult): string => {
  const rows = dialects.flatMap((dialect) => {
    const raw = memory.rows.find((row) => row.client === "raw" && row.dialect === dialect)
    return memory.rows
      .filter((row) => row.dialect === dialect)
      .map((row) => [
        dialectLabels[dialect],
        memoryLabel(row.client),
        kb(row.before.heapUsed),
        kb(row.during.heapUsed),
        `${Math.round(row.heapBytesPerTask)} B`,
        raw === undefined ? "-" : ratio(row.heapBytesPerTask / raw.heapBytesPerTask),
        `${Math.round(row.rssBytesPerTask)} B`,
      ])
  })
  const verdict = memoryVerdict(memory)
  const effect = memory.rows.find((row) => row.client === "effect")
  return `## 4. Memory per waiting solve, side by side with the peers

${memory.tasks} solves of tasks that never finish (\`emulator-solve-ms-250000\`, the emulator's own timeout set above
it), each client in a fresh process with \`--expose-gc\` that loads only its own library, against an emulator in
another process speaking the client's dialect. Each client is told, through its own setting, to wait
${LONG_WAIT_MS / 1000} s before its next query, so that once the emulator holds every task each solve is parked between
queries: solvekit its default policy told so, \`AdaptivePolicy.make({ floor: "${LONG_WAIT_MS / 1000} seconds" })\`, and an
\`AbortSignal\` per solve; capsolver-npm
\`pollDelay\` (after its immediate first query, which is answered before the reading); the CapMonster client
\`Solve\`'s \`resultTimeouts\`; the raw loop a timer and an abort listener. Solves start in batches of 100, the next
once the emulator has created the previous one (the peers open a connection per request in flight). The reading is
taken once the emulator's audit shows all ${memory.tasks} created: heap after full collections, minus the heap before
(after 20 complete solves), over ${memory.tasks}.

${table(
  [
    "dialect",
    "client",
    "heap before",
    "heap during",
    "heap per waiting solve",
    "vs raw loop",
    "RSS per solve",
  ],
  rows,
)}

Reading: solvekit holds ${verdict.solvekit.map(({ dialect, bytes }) => `${Math.round(bytes)} B at ${dialectLabels[dialect]}`).join(" and ")} per
waiting solve (target < 4096 B and <= each peer's: ${verdict.peers.map(({ client, bytes }) => `${short[client]} ${Math.round(bytes)} B`).join(", ")}).${
    effect === undefined
      ? ""
      : ` The Effect floor, what any client pays that runs one fiber per solve from a Promise, is ${Math.round(effect.heapBytesPerTask)} B.`
  } RSS moves in allocator-sized steps and is the noisier figure.
`
}

// ===== Bundle =====

const sizeCells = (size: EntrySize): Array<string> =>
  size.status === "measured"
    ? [kb(size.minifiedBytes), kb(size.gzipBytes)]
    : size.status === "pending"
      ? ["pending", `pending: ${size.reason}`]
      : ["cannot be bundled for browsers", size.reason.replace(/\|/g, "/")]

export const bundleSection = (bundle: BundleResult): string => {
  const { key, relay, peers } = bundle
  return `## 5. Bundle size

esbuild 0.28 \`--bundle --minify --format=esm --platform=browser\`, from the built packages, then gzip -9
(node:zlib), of a page that creates a client and solves one reCAPTCHA v2 token task, written for each client
through its public API (the pages are below).

${table(
  ["page", "minified", "minified + gzip", "target", "status"],
  [
    [
      "solvekit, key mode (`@solvekit/browser`, the whole engine in the page)",
      kb(key.minifiedBytes),
      kb(key.gzipBytes),
      `<= ${kb(TARGET_GZIP_BYTES)} (aim ${kb(AIM_GZIP_BYTES)})`,
      status(key.gzipBytes <= TARGET_GZIP_BYTES),
    ],
    [
      `solvekit, relay mode (\`${RELAY_ENTRY}\`, the lifecycle on the server)`,
      ...sizeCells(relay),
      `<= ${kb(RELAY_TARGET_GZIP_BYTES)}`,
      relay.status === "measured" ? status(relay.gzipBytes <= RELAY_TARGET_GZIP_BYTES) : "-",
    ],
    ["capsolver-npm 2.1.9 (key in the page)", ...sizeCells(peers["capsolver-npm"]), "-", "-"],
    [
      "@zennolab_com/capmonstercloud-client 2.6.1 (key in the page)",
      ...sizeCells(peers["capmonster-client"]),
      "-",
      "-",
    ],
  ],
)}

Key mode's page, the one CI guards (\`apps/bench/test/bundle-size.test.ts\`, budget ${kb(BUDGET_GZIP_BYTES)}: ${status(key.gzipBytes <= BUDGET_GZIP_BYTES)}, a
regression guard, not the target):

${code(ENTRY_SOURCE)}

The floor under it is measured in the same way: the smallest client the project's fixed stack allows (a
\`ManagedRuntime\` Promise face, one Effect Schema struct decoded per answer, ky, a sleep and a timeout, and nothing
of solvekit's: \`STACK_FLOOR_SOURCE\` in \`apps/bench/src/BundleSize.ts\`) weighs **${kb(key.stackFloorGzipBytes)}** gzip;
solvekit adds ${kb(key.gzipBytes - key.stackFloorGzipBytes)} to it. The floor under the client as it is, the Effect and
Schema features its behaviours use (spans, labelled counters, a retry schedule, a semaphore, an event stream,
tagged errors, field-level task messages, a snapshot decoder) with ky and no solvekit code
(\`FEATURE_FLOOR_SOURCE\`), weighs **${kb(key.featureFloorGzipBytes)}**: solvekit's own code is the other
${kb(key.gzipBytes - key.featureFloorGzipBytes)}. ky alone is ${kb(key.gzipBytes - key.withoutKyGzipBytes)} of the page (the page with ky
swapped for a fetch stand-in, \`KY_STAND_IN\`, weighs ${kb(key.withoutKyGzipBytes)}). Task types in the bundle: ${key.taskTypesInBundle.map((t) => `\`${t}\``).join(", ")} of the
catalogue's ${key.catalogueSize} (${USED_TASK_TYPE} names its proxied variant \`ReCaptchaV2Task\` for error hints); types
from other catalogue modules: ${key.foreignTaskTypes.length === 0 ? "none" : key.foreignTaskTypes.join(", ")}. CI checks that too.

Relay mode's page${relay.status === "pending" ? ` (measured by the same code once \`${RELAY_ENTRY}\` exists and is built)` : ""}:

${code(RELAY_ENTRY_SOURCE)}

The peers' pages:

${code(PEER_ENTRY_SOURCES["capsolver-npm"])}

${code(PEER_ENTRY_SOURCES["capmonster-client"])}
`
}

// ===== Cold start =====

const coldLabels: Record<ColdStartSubject, string> = {
  bare: 'bare `node -e ""`',
  solvekit: '`await import("@solvekit/node")`, `createClient({ apiKey })`, `dispose()`',
  "solvekit-first-request":
    "the same, with one `getBalance()` answered by a local `node:http` server in the process (what sending loads)",
  "stack-floor":
    "floor: the effect modules @solvekit/core and @solvekit/node import, and ky, with no solvekit code",
  "capsolver-npm": '`require("capsolver-npm")`, `new Solver({ apiKey })`',
  "capmonster-client":
    '`require("@zennolab_com/capmonstercloud-client")`, `CapMonsterCloudClientFactory.Create(new ClientOptions({ clientKey }))`',
}

export const coldStartSection = (cold: ColdStartResult): string => {
  const base = cold.rows.find((row) => row.subject === "capsolver-npm")
  const verdict = coldStartVerdict(cold)
  return `## 6. Cold start, side by side with the peers

A fresh \`node\` process per run that loads a client library and creates a client, as a CLI run or a serverless
function starts, next to a bare \`node\` process; all interleaved, the order rotating, median of ${cold.runs} runs
each. undici is loaded by a client's first connection, so the row with one request shows what a process that
sends pays; the floor row is what the project's fixed stack (effect, ky) costs to load before any of solvekit's code. Wall time from spawn to exit, read by the parent; peak memory is the process's own peak resident set
(\`process.resourceUsage().maxRSS\`, read as its last act).

${table(
  ["process", "wall (median)", "peak RSS (median)", "wall vs capsolver-npm", "peak RSS vs capsolver-npm"],
  cold.rows.map((row) => [
    coldLabels[row.subject],
    `${f1(row.wallMs)} ms`,
    mib(row.peakRssBytes),
    base === undefined ? "-" : ratio(row.wallMs / base.wallMs),
    base === undefined ? "-" : ratio(row.peakRssBytes / base.peakRssBytes),
  ]),
)}

Inside solvekit's process: \`import("@solvekit/node")\` ${f1(cold.importMs)} ms, \`createClient\` ${f1(cold.createClientMs)} ms.
Against the CapMonster client: ${ratio(verdict.ratios[1]?.wall ?? Number.NaN)} the wall time, ${ratio(verdict.ratios[1]?.rss ?? Number.NaN)} the peak RSS.
`
}

// ===== Summary rows =====

export const cpuSummaryRow = (cpu: CpuResult): Array<string> => {
  const verdict = cpuVerdict(cpu)
  return [
    "CPU per solve, zero-delay tasks (solvekit / best peer)",
    "<= 1x the best peer's",
    `${verdict.solvekit.map(({ dialect, ms }) => `${f2(ms)} ms (${dialectLabels[dialect]})`).join(", ")} against ${short[verdict.best.client]}'s ${f2(verdict.best.ms)} ms: ${ratio(verdict.worstSolvekit / verdict.best.ms)}; floor: solvekit's HTTP layer alone (ky over its Node fetch) ${cpu.rows
      .filter((row) => row.client === "solvekit-http")
      .map((row) => `${f2(row.cpuMsPerSolve)} ms (${dialectLabels[row.dialect]})`)
      .join(", ")}`,
    status(verdict.met),
  ]
}

export const memorySummaryRow = (memory: MemoryResult): Array<string> => {
  const verdict = memoryVerdict(memory)
  return [
    `heap per waiting solve, ${memory.tasks.toLocaleString("en-US")} in flight`,
    "< 4 KB and <= each peer's",
    `solvekit ${verdict.solvekit.map(({ bytes, dialect }) => `${kb(bytes)} (${dialectLabels[dialect]})`).join(", ")}; ${verdict.peers.map(({ client, bytes }) => `${short[client]} ${kb(bytes)}`).join(", ")}`,
    status(verdict.met),
  ]
}

export const coldStartSummaryRow = (cold: ColdStartResult): Array<string> => {
  const solvekit = cold.rows.find((row) => row.subject === "solvekit")
  const peer = cold.rows.find((row) => row.subject === "capsolver-npm")
  const floor = cold.rows.find((row) => row.subject === "stack-floor")
  const { yardstick, met } = coldStartVerdict(cold)
  return [
    'cold start: import @solvekit/node + createClient / require("capsolver-npm")',
    "<= 1.5x wall time and peak RSS",
    solvekit === undefined || peer === undefined
      ? "-"
      : `${f1(solvekit.wallMs)} / ${f1(peer.wallMs)} ms = ${ratio(yardstick.wall)}; ${mib(solvekit.peakRssBytes)} / ${mib(peer.peakRssBytes)} = ${ratio(yardstick.rss)}${floor === undefined ? "" : `; floor: loading the effect modules and ky alone, ${ratio(floor.wallMs / peer.wallMs)} the wall time, ${ratio(floor.peakRssBytes / peer.peakRssBytes)} the peak RSS`}`,
    status(met),
  ]
}

export const bundleSummaryRows = (bundle: BundleResult): Array<Array<string>> => {
  const { key, relay } = bundle
  return [
    [
      "browser bundle, key mode, one token task (min + gzip)",
      `<= ${kb(TARGET_GZIP_BYTES)} (aim ${kb(AIM_GZIP_BYTES)}), one task type`,
      `${kb(key.gzipBytes)}, foreign task types: ${key.foreignTaskTypes.length}; floor: the Effect and Schema features the client uses, and ky, with no solvekit code, ${kb(key.featureFloorGzipBytes)}`,
      status(key.gzipBytes <= TARGET_GZIP_BYTES && key.foreignTaskTypes.length === 0),
    ],
    [
      "browser bundle, relay mode, one token task (min + gzip)",
      `<= ${kb(RELAY_TARGET_GZIP_BYTES)}`,
      relay.status === "measured"
        ? kb(relay.gzipBytes)
        : relay.status === "pending"
          ? `pending: ${relay.reason}`
          : `not measured: ${relay.reason.replace(/\|/g, "/").slice(0, 200)}`,
      relay.status === "measured" ? status(relay.gzipBytes <= RELAY_TARGET_GZIP_BYTES) : "-",
    ],
  ]
}
