/**
 * The emulator: one web-standard handler (Request → Response) over the emulated provider, with routing by
 * the dialect's endpoints, fault injection, forced errors, the provider clock and the audit.
 * Runtime-neutral: no Node modules, no globals beyond what browsers, Deno and Node all have.
 */
import type { AuditSummary, TaskAudit } from "./Audit.ts"
import { toTaskAudit } from "./Audit.ts"
import { droppedFetchError, isDroppedResponse, makeDroppedResponse } from "./Drop.ts"
import type { EndpointAction } from "./dialects/Dialect.ts"
import { type EndpointName, endpointNames } from "./EndpointName.ts"
import { createFaultDecider, type FaultDecision } from "./Faults.ts"
import { type EmulatorOptions, type ResolvedOptions, resolveOptions } from "./Options.ts"
import { type EndpointResult, Provider } from "./Provider.ts"
import { createRandomStream } from "./Random.ts"
import {
  dropConnection,
  failure,
  type HandlerOutcome,
  json,
  methodNotAllowed,
  notFound,
  preflight,
  type RawResponse,
  render,
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
  /**
   * One task's audit record (while retained), e.g. to find a task whose createTask answer was dropped.
   * Integer ids (2Captcha, Anti-Captcha, CapMonster Cloud) may be given as numbers.
   */
  task(taskId: string | number): TaskAudit | undefined
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

interface Route {
  readonly name: EndpointName
  /** Position in `endpointNames`: the bit fault scopes use. */
  readonly index: number
  readonly action: EndpointAction
  /** The forced error code for this endpoint, if any. */
  readonly forced: string | undefined
}

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
  const { timeScale, dialect } = resolved
  const routes = new Map<string, Route>()
  for (const [name, action] of Object.entries(dialect.endpoints) as Array<[EndpointName, EndpointAction]>) {
    routes.set(`/${name}`, {
      name,
      index: endpointNames.indexOf(name),
      action,
      forced: resolved.forcedErrors.get(name),
    })
  }
  /** Renders an answer in the dialect's envelope; createTask failures carry its extra fields. */
  const renderFor = (route: Route, result: EndpointResult): RawResponse =>
    render(dialect, result.answer, route.action.kind === "createTask" ? "createTask" : "other")
  const errorCodeOf = (result: EndpointResult): string | undefined =>
    result.answer.ok ? undefined : result.answer.code

  const makeState = (): State => {
    return {
      provider: new Provider(resolved, resolved.startUnixMs ?? Date.now()),
      decideFault: createFaultDecider(resolved, createRandomStream(resolved.seed, "faults")),
      startedAt: resolved.now(),
      lastNow: 0,
    }
  }
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
      errorCode: result === undefined ? undefined : errorCodeOf(result),
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
    const route = routes.get(path)
    if (route === undefined) {
      advance()
      // CapSolver: HTTP 404. The others answer a method they lack with their "no such method" error.
      const response =
        dialect.unknownPath === "httpNotFound"
          ? notFound
          : render(dialect, failure(dialect.codes.noSuchMethod), "other")
      log("other", response.status, undefined, undefined)
      return response
    }
    if (method !== "POST") {
      advance()
      log(route.name, methodNotAllowed.status, undefined, undefined)
      return methodNotAllowed
    }
    const endpoint = route.name
    // Decided on arrival, so decisions follow arrival order even when slow requests overlap.
    const decision = state.decideFault(route.index)
    const current = state
    const bodyText = await readBody()
    if (decision.slow) await resolved.sleep(resolved.slowMs / timeScale)
    if (current !== state) {
      return renderFor(route, { answer: failure(dialect.codes.busy, "The emulator was reset.") })
    }
    const now = advance()
    switch (decision.fault) {
      case "serverError":
        log(endpoint, 502, decision, undefined)
        return serverErrorPage
      case "rateLimited": {
        const result = { answer: failure(dialect.codes.rateLimited) }
        const response = renderFor(route, result)
        log(endpoint, 429, decision, result)
        const retryAfter = String(Math.ceil(resolved.retryAfterSeconds / timeScale))
        return {
          status: 429,
          headers: { ...response.headers, "retry-after": retryAfter },
          body: response.body,
        }
      }
      case "serviceUnavailable": {
        const result = { answer: failure(dialect.codes.busy) }
        const response = renderFor(route, result)
        log(endpoint, response.status, decision, result)
        return response
      }
      case "dropBeforeCreate":
        log(endpoint, "dropped", decision, undefined)
        return dropConnection
    }
    // A forced error replaces the processing: nothing is created, charged or counted.
    const result: EndpointResult =
      route.forced !== undefined
        ? { answer: failure(route.forced) }
        : await current.provider.run(route.action, bodyText, now, wait)
    const response = renderFor(route, result)
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
      return truncate(response)
    }
    if (delivered !== undefined && delivered.firstCollectedAt < 0) {
      delivered.firstCollectedAt = current.lastNow
      current.provider.audit.countCollected(delivered)
    }
    log(endpoint, response.status, decision, result)
    return response
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
      const id = String(taskId)
      const record = state.provider.store.getLive(id) ?? state.provider.audit.find(id)
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
