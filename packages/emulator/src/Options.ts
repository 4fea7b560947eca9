/**
 * The emulator's options and their normalised form. Every duration is *provider time*: the emulator runs
 * `timeScale` provider seconds per real second, so a 5-minute window can pass in 3 real seconds.
 */
import type { DialectName } from "./DialectName.ts"
import type { Dialect } from "./dialects/Dialect.ts"
import { dialectOf, documentedError } from "./dialects/index.ts"
import { type EndpointName, endpointNames } from "./EndpointName.ts"
import type { Seed } from "./Random.ts"

export { type EndpointName, endpointNames }

/** How long a token task takes to solve, in provider seconds. */
export type SolveTimeDistribution =
  | { readonly kind: "uniform"; readonly minSeconds: number; readonly maxSeconds: number }
  | { readonly kind: "lognormal"; readonly medianSeconds: number; readonly sigma: number }
  | { readonly kind: "fixed"; readonly seconds: number }

/**
 * Injected faults. All but `slow` replace the normal answer; `slow` delays a request and combines with the
 * others.
 * - `serverError`: HTTP 502 with an HTML body (a gateway in front of the API); nothing is processed.
 * - `rateLimited`: HTTP 429 with `Retry-After` and the dialect's rate code (CapSolver `ERROR_RATE_LIMIT`);
 *   nothing is processed.
 * - `serviceUnavailable`: the dialect's busy code (CapSolver `ERROR_SERVICE_UNAVALIABLE`, the others
 *   `ERROR_NO_SLOT_AVAILABLE`); nothing is processed.
 * - `malformedJson`: the request IS processed, then the JSON body is cut in half (HTTP 200).
 * - `slow`: the answer is delayed by `slowMs` provider milliseconds.
 * - `dropBeforeCreate`: the connection closes before the request is processed (nothing is created).
 * - `dropAfterCreate`: the request is processed (a task is created, a query is counted), then the
 *   connection closes without an answer.
 */
export type FaultKind =
  | "serverError"
  | "rateLimited"
  | "serviceUnavailable"
  | "malformedJson"
  | "slow"
  | "dropBeforeCreate"
  | "dropAfterCreate"

export const faultKinds: ReadonlyArray<FaultKind> = [
  "serverError",
  "rateLimited",
  "serviceUnavailable",
  "malformedJson",
  "slow",
  "dropBeforeCreate",
  "dropAfterCreate",
]

/** A rate in [0, 1], optionally limited to some endpoints (overriding `faults.endpoints`). */
export type FaultRate =
  | number
  | { readonly rate: number; readonly endpoints?: ReadonlyArray<EndpointName> | undefined }

export type FaultOptions = { readonly [K in FaultKind]?: FaultRate | undefined } & {
  /** The endpoints faults apply to unless a fault names its own; default: all. */
  readonly endpoints?: ReadonlyArray<EndpointName> | undefined
}

/** A key that produces `errors` client errors within `windowSeconds` is refused for `blockSeconds`. */
export interface KeyBlockOptions {
  readonly errors?: number | undefined
  readonly windowSeconds?: number | undefined
  readonly blockSeconds?: number | undefined
}

/** Per endpoint, a documented error code to answer every call with instead of processing it. */
export type ForcedErrors = { readonly [E in EndpointName]?: string | undefined }

export interface EmulatorOptions {
  /** Whose API dialect to speak. Default `"capsolver"`. */
  readonly provider?: DialectName | undefined
  /**
   * Answer an endpoint with one of the provider's documented error codes (see `errorCodesOf`), in its
   * envelope, without processing the request: `{ getTaskResult: "ERROR_PROXY_BANNED" }`. For testing how a
   * client classifies every code. Unknown codes and endpoints the provider lacks are refused at creation.
   */
  readonly forceError?: ForcedErrors | undefined
  /**
   * Unix time in ms at which the provider clock starts (and restarts on reset): the `createTime` and
   * `endTime` of 2Captcha and Anti-Captcha results count from it. Default: the wall clock at that moment.
   */
  readonly startUnixMs?: number | undefined
  /** Seeds every random choice (faults, solve times, ids). Default `1`: runs reproduce unless told not to. */
  readonly seed?: Seed | undefined
  /** Provider seconds per real second. Default `1`; `60` turns the 5-minute window into 5 real seconds. */
  readonly timeScale?: number | undefined
  /** Valid client keys. Default `["test-key"]`. */
  readonly keys?: ReadonlyArray<string> | undefined
  /** Further valid keys whose balance starts at zero. */
  readonly zeroBalanceKeys?: ReadonlyArray<string> | undefined
  /** Starting balance in USD of each key in `keys`. Default `1000`. */
  readonly balance?: number | undefined
  /** USD charged per solved task (never for failed ones). Default `0.001`. */
  readonly pricePerTask?: number | undefined
  /** Solve time of token tasks. Default uniform over 1-30 s. */
  readonly solveTime?: SolveTimeDistribution | undefined
  /** Per-type solve times (type names matched case-insensitively), overriding `solveTime`. */
  readonly solveTimeByType?: Readonly<Record<string, SolveTimeDistribution>> | undefined
  /** Share of tasks that end `ERROR_CAPTCHA_UNSOLVABLE`. Default `0`. */
  readonly unsolvableRate?: number | undefined
  readonly faults?: FaultOptions | undefined
  /** Delay of a `slow` fault, provider ms. Default `5000`. */
  readonly slowMs?: number | undefined
  /** `Retry-After` of a 429, provider seconds (sent scaled, rounded up to whole seconds). Default `2`. */
  readonly retryAfterSeconds?: number | undefined
  /**
   * Temporary key blocks after a burst of client errors. Off by default; `true` = 20 errors/60 s, then
   * blocked for the dialect's documented length (CapMonster Cloud 600 s) or 300 s.
   */
  readonly keyBlock?: boolean | KeyBlockOptions | undefined
  /** getTaskResult queries answered per task; later ones get `expiredTaskErrorCode`. Default `120`. */
  readonly maxQueriesPerTask?: number | undefined
  /** A task's result can be fetched for this long after creation, provider seconds. Default `300`. */
  readonly taskTtlSeconds?: number | undefined
  /** A task not solved within this many provider seconds fails with `ERROR_TASK_TIMEOUT`. Default `120`. */
  readonly taskTimeoutSeconds?: number | undefined
  /** The code for unknown, expired or over-queried tasks. Default: the dialect's (CapSolver `ERROR_TASKID_INVALID`). */
  readonly expiredTaskErrorCode?: string | undefined
  /** Per-task audit records kept (oldest dropped first; the counters keep counting). Default `100000`. */
  readonly auditTaskLimit?: number | undefined
  /** Recent requests kept in the audit. Default `1000`. */
  readonly requestLogLimit?: number | undefined
  /** Real clock in milliseconds (monotonic). Default `performance.now`. */
  readonly now?: (() => number) | undefined
  /** Waits this many real milliseconds (slow faults, getToken). Default `setTimeout`. */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined
}

export interface ResolvedFault {
  readonly kind: FaultKind
  readonly rate: number
  /** Bit i set = applies to endpointNames[i]. */
  readonly endpointMask: number
}

export interface ResolvedKeyBlock {
  readonly errors: number
  readonly windowMs: number
  readonly blockMs: number
}

export interface ResolvedOptions {
  readonly dialect: Dialect
  readonly forcedErrors: ReadonlyMap<EndpointName, string>
  readonly startUnixMs: number | undefined
  readonly seed: Seed
  readonly timeScale: number
  readonly keys: ReadonlyArray<string>
  readonly zeroBalanceKeys: ReadonlyArray<string>
  readonly balanceMicros: number
  readonly priceMicros: number
  readonly solveTime: SolveTimeDistribution
  readonly solveTimeByType: ReadonlyMap<string, SolveTimeDistribution>
  readonly unsolvableRate: number
  /** Faults that replace the answer, in decision order (slow is kept apart). */
  readonly faults: ReadonlyArray<ResolvedFault>
  readonly slow: ResolvedFault | undefined
  readonly slowMs: number
  readonly retryAfterSeconds: number
  readonly keyBlock: ResolvedKeyBlock | undefined
  readonly maxQueriesPerTask: number
  readonly taskTtlMs: number
  readonly taskTimeoutMs: number
  readonly expiredTaskErrorCode: string
  readonly auditTaskLimit: number
  readonly requestLogLimit: number
  readonly now: () => number
  readonly sleep: (ms: number) => Promise<void>
}

const defaultNow = (): number => globalThis.performance.now()
const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms)
  })

const toMicros = (usd: number): number => Math.round(usd * 1_000_000)

const check = (ok: boolean, message: string): void => {
  if (!ok) throw new RangeError(`@solvekit/emulator: ${message}`)
}

const checkRate = (name: string, rate: number): void =>
  check(Number.isFinite(rate) && rate >= 0 && rate <= 1, `${name} must be a number in [0, 1]`)

const checkNonNegative = (name: string, value: number): void =>
  check(Number.isFinite(value) && value >= 0, `${name} must be a finite number >= 0`)

const checkDistribution = (name: string, d: SolveTimeDistribution): void => {
  switch (d.kind) {
    case "uniform":
      checkNonNegative(`${name}.minSeconds`, d.minSeconds)
      checkNonNegative(`${name}.maxSeconds`, d.maxSeconds)
      check(d.maxSeconds >= d.minSeconds, `${name}.maxSeconds must be >= minSeconds`)
      return
    case "lognormal":
      checkNonNegative(`${name}.medianSeconds`, d.medianSeconds)
      checkNonNegative(`${name}.sigma`, d.sigma)
      return
    case "fixed":
      checkNonNegative(`${name}.seconds`, d.seconds)
      return
    default:
      check(false, `${name}.kind must be "uniform", "lognormal" or "fixed"`)
  }
}

const maskOf = (name: string, endpoints: ReadonlyArray<EndpointName> | undefined): number => {
  if (endpoints === undefined) return (1 << endpointNames.length) - 1
  let mask = 0
  for (const endpoint of endpoints) {
    const index = endpointNames.indexOf(endpoint)
    check(index >= 0, `${name} names an unknown endpoint "${String(endpoint)}"`)
    mask |= 1 << index
  }
  return mask
}

const resolveFaults = (faults: FaultOptions | undefined): ReadonlyArray<ResolvedFault> => {
  if (faults === undefined) return []
  const defaultMask = maskOf("faults.endpoints", faults.endpoints)
  const resolved: Array<ResolvedFault> = []
  for (const kind of faultKinds) {
    const value = faults[kind]
    if (value === undefined) continue
    const rate = typeof value === "number" ? value : value.rate
    checkRate(`faults.${kind}`, rate)
    const endpointMask =
      typeof value === "number" || value.endpoints === undefined
        ? defaultMask
        : maskOf(`faults.${kind}.endpoints`, value.endpoints)
    if (rate > 0) resolved.push({ kind, rate, endpointMask })
  }
  return resolved
}

const resolveKeyBlock = (
  keyBlock: EmulatorOptions["keyBlock"],
  defaultBlockSeconds: number,
): ResolvedKeyBlock | undefined => {
  if (keyBlock === undefined || keyBlock === false) return undefined
  const given = keyBlock === true ? {} : keyBlock
  const errors = given.errors ?? 20
  const windowSeconds = given.windowSeconds ?? 60
  const blockSeconds = given.blockSeconds ?? defaultBlockSeconds
  check(Number.isInteger(errors) && errors >= 1, "keyBlock.errors must be an integer >= 1")
  checkNonNegative("keyBlock.windowSeconds", windowSeconds)
  checkNonNegative("keyBlock.blockSeconds", blockSeconds)
  return { errors, windowMs: windowSeconds * 1000, blockMs: blockSeconds * 1000 }
}

const resolveForcedErrors = (
  dialect: Dialect,
  forced: ForcedErrors | undefined,
): Map<EndpointName, string> => {
  const resolved = new Map<EndpointName, string>()
  for (const [endpoint, code] of Object.entries(forced ?? {})) {
    if (code === undefined) continue
    check(
      dialect.endpoints[endpoint as EndpointName] !== undefined,
      `forceError.${endpoint}: ${dialect.name} has no ${endpoint} endpoint`,
    )
    check(
      documentedError(dialect, code) !== undefined,
      `forceError.${endpoint}: "${code}" is not a documented ${dialect.name} error code`,
    )
    resolved.set(endpoint as EndpointName, code)
  }
  return resolved
}

export const defaultKey = "test-key"

export const resolveOptions = (options: EmulatorOptions = {}): ResolvedOptions => {
  const dialect = dialectOf(options.provider ?? "capsolver")
  const startUnixMs = options.startUnixMs
  check(startUnixMs === undefined || Number.isFinite(startUnixMs), "startUnixMs must be a finite number")
  const timeScale = options.timeScale ?? 1
  check(Number.isFinite(timeScale) && timeScale > 0, "timeScale must be a finite number > 0")
  const balance = options.balance ?? 1000
  checkNonNegative("balance", balance)
  const price = options.pricePerTask ?? 0.001
  checkNonNegative("pricePerTask", price)
  const solveTime = options.solveTime ?? { kind: "uniform", minSeconds: 1, maxSeconds: 30 }
  checkDistribution("solveTime", solveTime)
  const solveTimeByType = new Map<string, SolveTimeDistribution>()
  for (const [type, distribution] of Object.entries(options.solveTimeByType ?? {})) {
    checkDistribution(`solveTimeByType.${type}`, distribution)
    solveTimeByType.set(type.toLowerCase(), distribution)
  }
  const unsolvableRate = options.unsolvableRate ?? 0
  checkRate("unsolvableRate", unsolvableRate)
  const allFaults = resolveFaults(options.faults)
  const slowMs = options.slowMs ?? 5000
  checkNonNegative("slowMs", slowMs)
  const retryAfterSeconds = options.retryAfterSeconds ?? 2
  checkNonNegative("retryAfterSeconds", retryAfterSeconds)
  const maxQueriesPerTask = options.maxQueriesPerTask ?? 120
  check(
    Number.isInteger(maxQueriesPerTask) && maxQueriesPerTask >= 1,
    "maxQueriesPerTask must be an integer >= 1",
  )
  const taskTtlSeconds = options.taskTtlSeconds ?? 300
  check(Number.isFinite(taskTtlSeconds) && taskTtlSeconds > 0, "taskTtlSeconds must be a number > 0")
  const taskTimeoutSeconds = options.taskTimeoutSeconds ?? 120
  check(
    Number.isFinite(taskTimeoutSeconds) && taskTimeoutSeconds > 0,
    "taskTimeoutSeconds must be a number > 0",
  )
  const auditTaskLimit = options.auditTaskLimit ?? 100_000
  check(Number.isInteger(auditTaskLimit) && auditTaskLimit >= 0, "auditTaskLimit must be an integer >= 0")
  const requestLogLimit = options.requestLogLimit ?? 1000
  check(Number.isInteger(requestLogLimit) && requestLogLimit >= 0, "requestLogLimit must be an integer >= 0")
  const keys = options.keys ?? [defaultKey]
  const zeroBalanceKeys = options.zeroBalanceKeys ?? []
  for (const key of [...keys, ...zeroBalanceKeys]) {
    check(typeof key === "string" && key.length > 0, "keys must be non-empty strings")
  }
  return {
    dialect,
    forcedErrors: resolveForcedErrors(dialect, options.forceError),
    startUnixMs,
    seed: options.seed ?? 1,
    timeScale,
    keys,
    zeroBalanceKeys,
    balanceMicros: toMicros(balance),
    priceMicros: toMicros(price),
    solveTime,
    solveTimeByType,
    unsolvableRate,
    faults: allFaults.filter((fault) => fault.kind !== "slow"),
    slow: allFaults.find((fault) => fault.kind === "slow"),
    slowMs,
    retryAfterSeconds,
    keyBlock: resolveKeyBlock(options.keyBlock, dialect.keyBlockSeconds),
    maxQueriesPerTask,
    taskTtlMs: taskTtlSeconds * 1000,
    taskTimeoutMs: taskTimeoutSeconds * 1000,
    expiredTaskErrorCode: options.expiredTaskErrorCode ?? dialect.codes.noSuchTask,
    auditTaskLimit,
    requestLogLimit,
    now: options.now ?? defaultNow,
    sleep: options.sleep ?? defaultSleep,
  }
}
