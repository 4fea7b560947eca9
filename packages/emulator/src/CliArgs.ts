/** Command-line flags of `solvekit-emulator`, turned into serve() options. */
import { parseArgs } from "node:util"
import { type DialectName, dialectNames } from "./DialectName.ts"
import type { ServeOptions } from "./node.ts"
import {
  type EndpointName,
  endpointNames,
  type FaultKind,
  type FaultOptions,
  type ForcedErrors,
  faultKinds,
  type KeyBlockOptions,
  type SolveTimeDistribution,
} from "./Options.ts"

export const usage = `Usage: solvekit-emulator [options]

A local server that behaves like a captcha-solving task API: CapSolver, 2Captcha (API v2), Anti-Captcha
or CapMonster Cloud, each in its own dialect. Prints its URL, runs until stopped.

  --provider <name>          whose API to speak: ${dialectNames.join(", ")} (default capsolver)
  --force-error <e>=<code>   answer endpoint e with a documented error code, repeatable
  --port <n>                 port to listen on (default 0: any free port)
  --host <h>                 interface to bind (default 127.0.0.1)
  --seed <s>                 seed for every random choice (default 1)
  --time-scale <x>           provider seconds per real second (default 1)
  --key <k>                  a valid client key, repeatable (default test-key)
  --zero-balance-key <k>     a valid key with zero balance, repeatable
  --balance <usd>            starting balance per key (default 1000)
  --price <usd>              charged per solved task (default 0.001)
  --solve-time <spec>        uniform:<min>:<max> | lognormal:<median>:<sigma> | fixed:<s> (default uniform:1:30)
  --unsolvable-rate <r>      share of tasks that end ERROR_CAPTCHA_UNSOLVABLE (default 0)
  --fault <kind>=<rate>      repeatable; kinds: ${faultKinds.join(", ")}
  --fault-endpoints <list>   comma-separated endpoints faults apply to (default all)
  --slow-ms <ms>             delay of a slow response, provider ms (default 5000)
  --retry-after <s>          Retry-After of a 429, provider seconds (default 2)
  --key-block <e:w:b>        block a key after e errors within w s, for b s ("on" = 20:60:300)
  --max-queries <n>          getTaskResult queries per task (default 120)
  --ttl <s>                  result window after creation, provider seconds (default 300)
  --task-timeout <s>         fail a task not solved within this many provider seconds (default 120)
  --quiet                    print only the URL
  --help                     show this text

Audit: GET <url>/__emulator/audit (add ?records=0 for counters only); reset: POST <url>/__emulator/reset`

export interface CliArgs {
  readonly help: boolean
  readonly quiet: boolean
  readonly options: ServeOptions
}

const number = (flag: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined
  const value = Number(text)
  if (text.trim() === "" || !Number.isFinite(value))
    throw new Error(`--${flag} expects a number, got "${text}"`)
  return value
}

const parseSolveTime = (text: string | undefined): SolveTimeDistribution | undefined => {
  if (text === undefined) return undefined
  const [kind, a, b] = text.split(":")
  if (kind === "uniform" && a !== undefined && b !== undefined) {
    return { kind, minSeconds: number("solve-time", a)!, maxSeconds: number("solve-time", b)! }
  }
  if (kind === "lognormal" && a !== undefined && b !== undefined) {
    return { kind, medianSeconds: number("solve-time", a)!, sigma: number("solve-time", b)! }
  }
  if (kind === "fixed" && a !== undefined) return { kind, seconds: number("solve-time", a)! }
  throw new Error(
    `--solve-time expects uniform:<min>:<max>, lognormal:<median>:<sigma> or fixed:<s>, got "${text}"`,
  )
}

const parseEndpoints = (text: string): ReadonlyArray<EndpointName> =>
  text.split(",").map((name) => {
    const endpoint = endpointNames.find((known) => known.toLowerCase() === name.trim().toLowerCase())
    if (endpoint === undefined)
      throw new Error(`unknown endpoint "${name}" (known: ${endpointNames.join(", ")})`)
    return endpoint
  })

const parseFaults = (
  entries: ReadonlyArray<string>,
  endpointList: string | undefined,
): FaultOptions | undefined => {
  const endpoints = endpointList === undefined ? undefined : parseEndpoints(endpointList)
  if (entries.length === 0) return undefined
  const faults: { -readonly [K in FaultKind]?: number } = {}
  for (const entry of entries) {
    const [name = "", rate] = entry.split("=")
    const kind = faultKinds.find((known) => known.toLowerCase() === name.trim().toLowerCase())
    if (kind === undefined) throw new Error(`unknown fault "${name}" (known: ${faultKinds.join(", ")})`)
    if (rate === undefined) throw new Error(`--fault expects <kind>=<rate>, got "${entry}"`)
    faults[kind] = number("fault", rate)!
  }
  return endpoints === undefined ? faults : { ...faults, endpoints }
}

const parseProvider = (text: string | undefined): DialectName | undefined => {
  if (text === undefined) return undefined
  const name = dialectNames.find((known) => known === text.trim().toLowerCase())
  if (name === undefined)
    throw new Error(`--provider expects one of ${dialectNames.join(", ")}, got "${text}"`)
  return name
}

/** `<endpoint>=<code>` entries; the code is checked against the provider's table when the server starts. */
const parseForcedErrors = (entries: ReadonlyArray<string>): ForcedErrors | undefined => {
  if (entries.length === 0) return undefined
  const forced: { -readonly [E in EndpointName]?: string } = {}
  for (const entry of entries) {
    const [name = "", code] = entry.split("=")
    if (code === undefined || code.trim() === "") {
      throw new Error(`--force-error expects <endpoint>=<code>, got "${entry}"`)
    }
    const [endpoint] = parseEndpoints(name)
    forced[endpoint!] = code.trim()
  }
  return forced
}

const parseKeyBlock = (text: string | undefined): boolean | KeyBlockOptions | undefined => {
  if (text === undefined) return undefined
  if (text === "on" || text === "true") return true
  if (text === "off" || text === "false") return false
  const [errors, windowSeconds, blockSeconds] = text.split(":").map((part) => number("key-block", part))
  return { errors, windowSeconds, blockSeconds }
}

export const parseCliArgs = (argv: ReadonlyArray<string>): CliArgs => {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      provider: { type: "string" },
      "force-error": { type: "string", multiple: true },
      port: { type: "string" },
      host: { type: "string" },
      seed: { type: "string" },
      "time-scale": { type: "string" },
      key: { type: "string", multiple: true },
      "zero-balance-key": { type: "string", multiple: true },
      balance: { type: "string" },
      price: { type: "string" },
      "solve-time": { type: "string" },
      "unsolvable-rate": { type: "string" },
      fault: { type: "string", multiple: true },
      "fault-endpoints": { type: "string" },
      "slow-ms": { type: "string" },
      "retry-after": { type: "string" },
      "key-block": { type: "string" },
      "max-queries": { type: "string" },
      ttl: { type: "string" },
      "task-timeout": { type: "string" },
      quiet: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  })
  const seedText = values.seed
  const seed = seedText === undefined ? undefined : /^-?\d+$/.test(seedText) ? Number(seedText) : seedText
  return {
    help: values.help === true,
    quiet: values.quiet === true,
    options: {
      provider: parseProvider(values.provider),
      forceError: parseForcedErrors(values["force-error"] ?? []),
      port: number("port", values.port),
      host: values.host,
      seed,
      timeScale: number("time-scale", values["time-scale"]),
      keys: values.key,
      zeroBalanceKeys: values["zero-balance-key"],
      balance: number("balance", values.balance),
      pricePerTask: number("price", values.price),
      solveTime: parseSolveTime(values["solve-time"]),
      unsolvableRate: number("unsolvable-rate", values["unsolvable-rate"]),
      faults: parseFaults(values.fault ?? [], values["fault-endpoints"]),
      slowMs: number("slow-ms", values["slow-ms"]),
      retryAfterSeconds: number("retry-after", values["retry-after"]),
      keyBlock: parseKeyBlock(values["key-block"]),
      maxQueriesPerTask: number("max-queries", values["max-queries"]),
      taskTtlSeconds: number("ttl", values.ttl),
      taskTimeoutSeconds: number("task-timeout", values["task-timeout"]),
    },
  }
}
