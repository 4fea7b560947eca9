/**
 * Cold start, side by side with the peers (issue 16): a fresh Node process that loads a client library and
 * creates a client, as a CLI run or a serverless function does, next to a bare `node -e ""`, interleaved,
 * median of several runs each. Wall time is the parent's, from spawn to exit; peak memory is the child's own
 * peak resident set (`process.resourceUsage().maxRSS`, read as its last act). solvekit's import and client
 * creation are also timed inside its process.
 */
import { execFileSync } from "node:child_process"
import { readdirSync, readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { median } from "./Stats.ts"

export type ColdStartSubject =
  | "bare"
  | "solvekit"
  | "solvekit-first-request"
  | "stack-floor"
  | "capsolver-npm"
  | "capmonster-client"

const requireHere = createRequire(import.meta.url)

/** Every `.js` file under `dir`. */
const scripts = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? scripts(join(dir, entry.name))
      : entry.name.endsWith(".js")
        ? [join(dir, entry.name)]
        : [],
  )

/**
 * The floor under any client on the project's fixed stack: every effect module that @solvekit/core and
 * @solvekit/node import statically (read from their built files, so the list follows the code), and ky,
 * loaded with nothing of solvekit's own.
 */
const stackFloorImports = (): Array<string> => {
  const coreDist = dirname(requireHere.resolve("@solvekit/core"))
  const nodeDist = dirname(requireHere.resolve("@solvekit/node"))
  const modules = new Set<string>()
  for (const file of [...scripts(coreDist), ...scripts(nodeDist)]) {
    for (const match of readFileSync(file, "utf8").matchAll(/(?:from|import)\s+"(effect\/[^"]+)"/g)) {
      modules.add(match[1]!)
    }
  }
  const ky = pathToFileURL(createRequire(join(coreDist, "index.js")).resolve("ky")).href
  return [...[...modules].sort(), ky]
}

export interface ColdStartFigures {
  readonly subject: ColdStartSubject
  /** Median wall time of the whole process, ms. */
  readonly wallMs: number
  /** Median peak RSS of the process, bytes. */
  readonly peakRssBytes: number
}

export interface ColdStartResult {
  readonly runs: number
  readonly rows: ReadonlyArray<ColdStartFigures>
  /** Median in-process times of solvekit's run, ms. */
  readonly importMs: number
  readonly createClientMs: number
}

const report = `process.stdout.write(JSON.stringify({ maxRss: process.resourceUsage().maxRSS * 1024, ...timing }))`

/** What each subject's process runs: load the library, create a client, report. */
export const coldStartScripts: Record<
  ColdStartSubject,
  { readonly args: ReadonlyArray<string>; readonly code: string }
> = {
  bare: { args: ["-e"], code: `const timing = {}; ${report}` },
  solvekit: {
    args: ["--input-type=module", "-e"],
    code: `const t0 = performance.now()
const { createClient } = await import("@solvekit/node")
const t1 = performance.now()
const client = createClient({ apiKey: "k" })
const t2 = performance.now()
await client.dispose()
const timing = { importMs: t1 - t0, createClientMs: t2 - t1 }
${report}`,
  },
  "solvekit-first-request": {
    args: ["--input-type=module", "-e"],
    // The first request loads what sending needs (undici, Node's fetch classes): a local server in the same
    // process answers it, so no network time is counted.
    code: `const http = await import("node:http")
const server = http.createServer((request, response) => {
  request.resume()
  request.on("end", () => response.end('{"errorId":0,"balance":1}'))
})
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve))
const { createClient } = await import("@solvekit/node")
const client = createClient({ apiKey: "k", baseUrl: "http://127.0.0.1:" + server.address().port })
await client.getBalance()
await client.dispose()
server.close()
const timing = {}
${report}`,
  },
  "stack-floor": {
    args: ["--input-type=module", "-e"],
    code: `await Promise.all(${JSON.stringify(stackFloorImports())}.map((specifier) => import(specifier)))
const timing = {}
${report}`,
  },
  "capsolver-npm": {
    args: ["-e"],
    code: `const { Solver } = require("capsolver-npm")
new Solver({ apiKey: "k" })
const timing = {}
${report}`,
  },
  "capmonster-client": {
    args: ["-e"],
    code: `const { CapMonsterCloudClientFactory, ClientOptions } = require("@zennolab_com/capmonstercloud-client")
CapMonsterCloudClientFactory.Create(new ClientOptions({ clientKey: "k" }))
const timing = {}
${report}`,
  },
}

export const coldStartSubjects: ReadonlyArray<ColdStartSubject> = [
  "bare",
  "solvekit",
  "solvekit-first-request",
  "stack-floor",
  "capsolver-npm",
  "capmonster-client",
]

// Run from this package so that every library resolves from its node_modules (the peers are devDependencies).
const cwd = fileURLToPath(new URL("..", import.meta.url))

interface Run {
  readonly wallMs: number
  readonly maxRss: number
  readonly importMs?: number
  readonly createClientMs?: number
}

const timed = (subject: ColdStartSubject): Run => {
  const { args, code } = coldStartScripts[subject]
  const start = performance.now()
  const stdout = execFileSync(process.execPath, [...args, code], {
    cwd,
    encoding: "utf8",
    env: { ...process.env },
  })
  const wallMs = performance.now() - start
  return { wallMs, ...(JSON.parse(stdout) as Omit<Run, "wallMs">) }
}

export const runColdStart = (runs = 15): ColdStartResult => {
  const all = new Map<ColdStartSubject, Array<Run>>(coldStartSubjects.map((subject) => [subject, []]))
  // One unmeasured round warms the OS file cache.
  for (const subject of coldStartSubjects) timed(subject)
  for (let i = 0; i < runs; i++) {
    // Interleaved, the order rotating: drift in the machine's load hits every subject alike.
    for (let j = 0; j < coldStartSubjects.length; j++) {
      const subject = coldStartSubjects[(i + j) % coldStartSubjects.length]!
      all.get(subject)?.push(timed(subject))
    }
  }
  const of = (subject: ColdStartSubject) => all.get(subject) ?? []
  return {
    runs,
    rows: coldStartSubjects.map((subject) => ({
      subject,
      wallMs: median(of(subject).map((run) => run.wallMs)),
      peakRssBytes: median(of(subject).map((run) => run.maxRss)),
    })),
    importMs: median(of("solvekit").map((run) => run.importMs ?? Number.NaN)),
    createClientMs: median(of("solvekit").map((run) => run.createClientMs ?? Number.NaN)),
  }
}

/** solvekit's process against capsolver-npm's (the yardstick) and the CapMonster client's. */
export const coldStartVerdict = (result: ColdStartResult) => {
  const of = (subject: ColdStartSubject) => result.rows.find((row) => row.subject === subject)
  const solvekit = of("solvekit")
  const ratios = (["capsolver-npm", "capmonster-client"] as const).map((peer) => {
    const other = of(peer)
    return {
      peer,
      wall: solvekit !== undefined && other !== undefined ? solvekit.wallMs / other.wallMs : Number.NaN,
      rss:
        solvekit !== undefined && other !== undefined
          ? solvekit.peakRssBytes / other.peakRssBytes
          : Number.NaN,
    }
  })
  const yardstick = ratios[0]!
  return { ratios, yardstick, met: yardstick.wall <= 1.5 && yardstick.rss <= 1.5 }
}
