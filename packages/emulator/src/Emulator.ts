/**
 * The emulator: one web-standard handler (Request → Response) over the emulated provider, with routing,
 * fault injection, the provider clock and the audit. Runtime-neutral: no Node modules, no globals beyond
 * what browsers, Deno and Node all have.
 */
import type { AuditSummary, TaskAudit } from "./Audit.ts"
import { toTaskAudit } from "./Audit.ts"
import { droppedFetchError, isDroppedResponse, makeDroppedResponse } from "./Drop.ts"
import { createFaultDecider, type FaultDecision } from "./Faults.ts"
import {
  type EmulatorOptions,
  type EndpointName,
  endpointNames,
  type ResolvedOptions,
  resolveOptions,
} from "./Options.ts"
import { type EndpointResult, Provider } from "./Provider.ts"
import { createRandomStream } from "./Random.ts"
import {
  apiError,
  dropConnection,
  type HandlerOutcome,
  json,
  methodNotAllowed,
  notFound,
  preflight,
  type RawResponse,
  serverErrorPage,
  truncate,
} from "./Wire.ts"

export interface AuditOptions {
  /** Include per-task records and recent requests. Default `true`. */
  readonly records?: boolean | undefined
}

export interface Emulator {
  /** The web-standard handler: give it to Deno.serve, a Node adapter, or call it directly. */
  handle(request: Request): Promise<Response>
  /** A fetch-compatible function that calls the handler in-process (no socket). Any host works. */
  readonly fetch: typeof globalThis.fetch
  /** A base URL to use with `fetch` (the host is ignored): `http://emulator.solvekit.invalid`. */
  readonly inProcessUrl: string
  /** What the emulator saw so far. */
  audit(options?: AuditOptions): AuditSummary
  /** One task's audit record (while retained), e.g. to find a task whose createTask answer was dropped. */
  task(taskId: string): TaskAudit | undefined
  /** A key's balance in USD, or undefined for an unknown key. */
  balance(key: string): number | undefined
  /** Forgets every task, request and charge; restarts the clock and the seeded streams. */
  reset(): void
}

/** The routing-level entry the Node listener uses to skip Request/Response objects on the hot path. */
export type Dispatch = (
  method: string,
  url: string,
  readBody: () => Promise<string>,
) => Promise<HandlerOutcome>

const dispatchers = new WeakMap<Emulator, Dispatch>()

/** The raw dispatcher behind an emulator made by this copy of the package, if it is one. */
export const dispatcherOf = (emulator: Emulator): Dispatch | undefined => dispatchers.get(emulator)

export const inProcessUrl = "http://emulator.solvekit.invalid"

const endpointIndexByPath = new Map<string, number>(endpointNames.map((name, index) => [`/${name}`, index]))

const controlPrefix = "/__emulator/"

/** Splits a request target (absolute URL or origin-form path) into path and query without URL parsing. */
const splitTarget = (target: string): { path: string; query: string } => {
  let start = 0
  const scheme = target.indexOf("://")
  if (scheme >= 0) {
    const slash = target.indexOf("/", scheme + 3)
    start = slash < 0 ? target.length : slash
  }
  const question = target.indexOf("?", start)
  let path = question < 0 ? target.slice(start) : target.slice(start, question)
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1)
  return { path: path === "" ? "/" : path, query: question < 0 ? "" : target.slice(question + 1) }
}

interface State {
  provider: Provider
  decideFault: (endpointIndex: number) => FaultDecision
  startedAt: number
  lastNow: number
}

export const createEmulator = (options?: EmulatorOptions): Emulator => {
  const resolved: ResolvedOptions = resolveOptions(options)
  const { timeScale } = resolved

  const makeState = (): State => ({
    provider: new Provider(resolved),
    decideFault: createFaultDecider(resolved, createRandomStream(resolved.seed, "faults")),
    startedAt: resolved.now(),
    lastNow: 0,
  })
  let state = makeState()

  /** Provider ms since start: real elapsed time times timeScale, never going backwards. */
  const providerNow = (): number => {
    const now = (resolved.now() - state.startedAt) * timeScale
    if (now > state.lastNow) state.lastNow = now
    return state.lastNow
  }

  const advance = (): number => {
    const now = providerNow()
    state.provider.store.processDue(now)
    return now
  }

  /** Waits `providerMs` of provider time in real time, then applies what became due. */
  const wait = async (providerMs: number): Promise<void> => {
    if (providerMs > 0) await resolved.sleep(providerMs / timeScale)
    advance()
  }

  const log = (
    endpoint: EndpointName | "other",
    status: number | "dropped",
    decision: FaultDecision | undefined,
    result: EndpointResult | undefined,
  ): void => {
    state.provider.audit.logRequest({
      at: state.lastNow,
      endpoint,
      status,
      errorCode: result?.errorCode,
      fault: decision?.fault,
      slow: decision?.slow ?? false,
      taskId: result?.taskId,
    })
  }

  const control = (method: string, path: string, query: string): RawResponse => {
    if (path === "/__emulator/audit" && method === "GET") {
      return json(200, audit({ records: !/(^|&)records=(0|false)(&|$)/.test(query) }))
    }
    if (path === "/__emulator/reset" && method === "POST") {
      reset()
      return json(200, { ok: true })
    }
    return notFound
  }

  const dispatch: Dispatch = async (method, url, readBody) => {
    if (method === "OPTIONS") return preflight
    const { path, query } = splitTarget(url)
    if (path.startsWith(controlPrefix)) return control(method, path, query)
    const endpointIndex = endpointIndexByPath.get(path)
    if (endpointIndex === undefined || method !== "POST") {
      advance()
      const response = endpointIndex === undefined ? notFound : methodNotAllowed
      log(
        endpointIndex === undefined ? "other" : endpointNames[endpointIndex]!,
        response.status,
        undefined,
        undefined,
      )
      return response
    }
    const endpoint = endpointNames[endpointIndex]!
    // Decided on arrival, so decisions follow arrival order even when slow requests overlap.
    const decision = state.decideFault(endpointIndex)
    const current = state
    const bodyText = await readBody()
    if (decision.slow) await resolved.sleep(resolved.slowMs / timeScale)
    if (current !== state) return apiError("ERROR_SERVICE_UNAVALIABLE", "The emulator was reset.")
    const now = advance()
    switch (decision.fault) {
      case "serverError":
        log(endpoint, 502, decision, undefined)
        return serverErrorPage
      case "rateLimited": {
        const response = apiError("ERROR_RATE_LIMIT")
        log(endpoint, 429, decision, { response, errorCode: "ERROR_RATE_LIMIT" })
        const retryAfter = String(Math.ceil(resolved.retryAfterSeconds / timeScale))
        return {
          status: 429,
          headers: { ...response.headers, "retry-after": retryAfter },
          body: response.body,
        }
      }
      case "serviceUnavailable": {
        const response = apiError("ERROR_SERVICE_UNAVALIABLE")
        log(endpoint, response.status, decision, { response, errorCode: "ERROR_SERVICE_UNAVALIABLE" })
        return response
      }
      case "dropBeforeCreate":
        log(endpoint, "dropped", decision, undefined)
        return dropConnection
    }
    const result = await current.provider.run(endpoint, bodyText, now, wait)
    if (decision.fault === "dropAfterCreate") {
      if (result.created !== undefined) {
        result.created.responseDropped = true
        current.provider.audit.responseDropped++
      }
      log(endpoint, "dropped", decision, result)
      return dropConnection
    }
    const delivered = result.delivers
    if (decision.fault === "malformedJson") {
      log(endpoint, 200, decision, result)
      return truncate(result.response)
    }
    if (delivered !== undefined && delivered.firstCollectedAt < 0) {
      delivered.firstCollectedAt = current.lastNow
      current.provider.audit.countCollected(delivered)
    }
    log(endpoint, result.response.status, decision, result)
    return result.response
  }

  const toResponse = (outcome: RawResponse): Response =>
    new Response(outcome.status === 204 ? null : outcome.body, {
      status: outcome.status,
      headers: outcome.headers,
    })

  const handle = async (request: Request): Promise<Response> => {
    const outcome = await dispatch(request.method, request.url, () => request.text())
    return outcome === dropConnection ? makeDroppedResponse() : toResponse(outcome)
  }

  const fetchInProcess = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init)
    const { signal } = request
    signal.throwIfAborted()
    const answer = dispatch(request.method, request.url, () => request.text())
    const outcome = await new Promise<HandlerOutcome>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason)
      signal.addEventListener("abort", onAbort, { once: true })
      answer.then(
        (value) => {
          signal.removeEventListener("abort", onAbort)
          resolve(value)
        },
        (error: unknown) => {
          signal.removeEventListener("abort", onAbort)
          reject(error)
        },
      )
    })
    if (outcome === dropConnection) throw droppedFetchError()
    return toResponse(outcome)
  }

  const audit = (auditOptions?: AuditOptions): AuditSummary => {
    const now = advance()
    const { provider } = state
    return provider.audit.summary(now, timeScale, provider.store.liveCount, auditOptions?.records !== false)
  }

  const reset = (): void => {
    state = makeState()
  }

  const emulator: Emulator = {
    handle,
    fetch: fetchInProcess,
    inProcessUrl,
    audit,
    task: (taskId) => {
      advance()
      const record = state.provider.store.getLive(taskId) ?? state.provider.audit.find(taskId)
      return record === undefined ? undefined : toTaskAudit(record)
    },
    balance: (key) => {
      advance()
      const account = state.provider.accounts.get(key)
      return account === undefined ? undefined : account.balanceMicros / 1_000_000
    },
    reset,
  }
  dispatchers.set(emulator, dispatch)
  return emulator
}

export { isDroppedResponse }
