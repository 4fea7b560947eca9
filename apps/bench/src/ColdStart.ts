/**
 * Cold start: a fresh Node process that imports `@solvekit/node` and creates a client, against a bare
 * `node -e ""` process started the same way, interleaved, median of several runs. The import and creation
 * times are also read inside the process.
 */
import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { median } from "./Stats.ts"

export interface ColdStartResult {
  readonly runs: number
  /** Median wall time of the whole process, ms. */
  readonly bareProcessMs: number
  readonly clientProcessMs: number
  /** Median in-process times, ms. */
  readonly importMs: number
  readonly createClientMs: number
}

const CLIENT_SCRIPT = `
const t0 = performance.now()
const { createClient } = await import("@solvekit/node")
const t1 = performance.now()
const client = createClient({ apiKey: "k" })
const t2 = performance.now()
process.stdout.write(JSON.stringify({ importMs: t1 - t0, createClientMs: t2 - t1 }))
await client.dispose()
`

// Run from this package so that `@solvekit/node` resolves to the workspace build.
const cwd = fileURLToPath(new URL("..", import.meta.url))

const timed = (args: ReadonlyArray<string>): { ms: number; stdout: string } => {
  const start = performance.now()
  const stdout = execFileSync(process.execPath, args, { cwd, encoding: "utf8", env: { ...process.env } })
  return { ms: performance.now() - start, stdout }
}

export const runColdStart = (runs = 15): ColdStartResult => {
  const bare: Array<number> = []
  const client: Array<number> = []
  const imports: Array<number> = []
  const creates: Array<number> = []
  // One unmeasured round warms the OS file cache.
  timed(["-e", ""])
  timed(["--input-type=module", "-e", CLIENT_SCRIPT])
  for (let i = 0; i < runs; i++) {
    bare.push(timed(["-e", ""]).ms)
    const run = timed(["--input-type=module", "-e", CLIENT_SCRIPT])
    client.push(run.ms)
    const inside = JSON.parse(run.stdout) as { importMs: number; createClientMs: number }
    imports.push(inside.importMs)
    creates.push(inside.createClientMs)
  }
  return {
    runs,
    bareProcessMs: median(bare),
    clientProcessMs: median(client),
    importMs: median(imports),
    createClientMs: median(creates),
  }
}
