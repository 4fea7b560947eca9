/**
 * Node's HTTP plumbing for solvekit: a `fetch` that sends the SDK's own requests through one undici
 * dispatcher, so connections are kept alive and reused between the many small createTask/getTaskResult
 * calls, and so an outbound HTTP(S) proxy (explicit, or HTTPS_PROXY/HTTP_PROXY/NO_PROXY) applies to the
 * SDK's traffic only, without touching the process-wide global dispatcher.
 *
 * The fetch returned here has the standard `fetch` shape; core's `KyTransport` is the only thing that calls it.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { Agent, type Dispatcher, EnvHttpProxyAgent, fetch as undiciFetch } from "undici"

/**
 * Where the SDK's requests go, after options and environment are merged (see `NodeConfig`).
 * An absent proxy URL means "connect directly" for that scheme.
 */
export interface ProxySettings {
  /** Proxy for `https:` targets (the real API). */
  readonly httpsProxy?: string | undefined
  /** Proxy for `http:` targets (a local emulator, a relay). */
  readonly httpProxy?: string | undefined
  /** Hosts reached directly, comma or space separated, curl/undici syntax (`example.com`, `.example.com`, `*.example.com`, `host:port`, `*`). */
  readonly noProxy?: string | undefined
}

/** Tuning of the connection pool. The defaults suit a client polling one API host. */
export interface DispatcherOptions {
  readonly proxy?: ProxySettings | undefined
  /** How long an idle connection is kept for reuse. Default 10 s (the server's own keep-alive hint wins when shorter). */
  readonly keepAliveTimeoutMs?: number | undefined
  /** Most sockets opened per origin. Default: unlimited (core's `maxConcurrentRequests` bounds the load). */
  readonly connectionsPerOrigin?: number | undefined
}

const DEFAULT_KEEP_ALIVE_MS = 10_000

const usesProxy = (proxy: ProxySettings | undefined): proxy is ProxySettings =>
  proxy !== undefined && (nonEmpty(proxy.httpsProxy) || nonEmpty(proxy.httpProxy))

const nonEmpty = (s: string | undefined): s is string => s !== undefined && s.trim() !== ""

/**
 * A keep-alive dispatcher. With a proxy it is undici's `EnvHttpProxyAgent` fed with *our* resolved settings
 * (empty strings stop it from falling back to `process.env`, so options always win over the environment).
 */
export const makeDispatcher = (options: DispatcherOptions = {}): Dispatcher => {
  const pool = {
    keepAliveTimeout: options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_MS,
    ...(options.connectionsPerOrigin === undefined ? {} : { connections: options.connectionsPerOrigin }),
  }
  const proxy = options.proxy
  if (!usesProxy(proxy)) return new Agent(pool)
  return new EnvHttpProxyAgent({
    ...pool,
    httpProxy: proxy.httpProxy ?? "",
    httpsProxy: proxy.httpsProxy ?? "",
    noProxy: proxy.noProxy ?? "",
  })
}

/**
 * A standard `fetch` that sends every request through `dispatcher` with undici's own `fetch` (the dispatcher
 * and the fetch come from the same undici, so they agree on the dispatch protocol; Node's global fetch bundles
 * another undici, whose dispatch protocol differs).
 *
 * A URL with an init (how core's `KyTransport` calls it) goes to undici as it is. A `Request` of the runtime's
 * own class is not one undici's fetch recognises, so it is taken apart first (method, headers, body, signal).
 * The answer is undici's `Response`: it has the standard shape, and ky recognises it by its tag.
 */
export const makeFetch = (dispatcher: Dispatcher): typeof globalThis.fetch => {
  const nodeFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    if (!(input instanceof Request)) {
      return (await undiciFetch(input, { ...init, dispatcher } as UndiciInit)) as unknown as Response
    }
    const request = new Request(input, init)
    const body = request.body === null ? undefined : new Uint8Array(await request.arrayBuffer())
    const answer = await undiciFetch(request.url, {
      method: request.method,
      headers: [...request.headers],
      ...(body === undefined ? {} : { body }),
      signal: request.signal,
      redirect: request.redirect,
      dispatcher,
    })
    return answer as unknown as Response
  }
  return nodeFetch as typeof globalThis.fetch
}

type UndiciInit = NonNullable<Parameters<typeof undiciFetch>[1]>

/** Closes a dispatcher gracefully, then forcefully if sockets linger (a hung proxy must not block dispose). */
export const closeDispatcher = async (dispatcher: Dispatcher): Promise<void> => {
  if ((dispatcher as { destroyed?: boolean }).destroyed === true) return
  const grace = new Promise<"timeout">((resolve) => setTimeout(resolve, 1_000, "timeout").unref())
  const outcome = await Promise.race([dispatcher.close().then(() => "closed" as const), grace]).catch(
    () => "failed",
  )
  if (outcome !== "closed") await dispatcher.destroy().catch(() => undefined)
}

/**
 * The fetch of one client, tied to a scope: the dispatcher (and every kept-alive socket) is closed when the
 * scope closes, which is when the client's layer is released (`client.dispose()`).
 */
export const scopedFetch = (
  options: DispatcherOptions = {},
): Effect.Effect<typeof globalThis.fetch, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => makeDispatcher(options)),
    (dispatcher) => Effect.promise(() => closeDispatcher(dispatcher)),
  ).pipe(Effect.map(makeFetch))
