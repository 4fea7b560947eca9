/**
 * Node's HTTP plumbing for solvekit: a `fetch` that sends the SDK's own requests through one undici
 * dispatcher, so connections are kept alive and reused between the many small createTask/getTaskResult
 * calls, and so an outbound HTTP(S) proxy (explicit, or HTTPS_PROXY/HTTP_PROXY/NO_PROXY) applies to the
 * SDK's traffic only, without touching the process-wide global dispatcher.
 *
 * The fetch returned here has the standard `fetch` shape; core's `KyTransport` is what calls it. Exported as
 * `@solvekit/node/http` for Effect users who assemble their own transport
 * (`KyTransport.layer({ baseUrl, fetch: makeFetch(makeDispatcher()) })`); the package's main entry loads it
 * only when a client first connects.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { Agent, type Dispatcher, EnvHttpProxyAgent } from "undici"

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
 * A `fetch` that sends every request through `dispatcher` with undici's `dispatcher.request`, and answers
 * with the runtime's own `Response` whose body streams from the socket as it is read.
 *
 * Why not undici's `fetch`: a small JSON exchange through it costs 0.55-0.60 ms of CPU on loopback (the Fetch
 * spec's request and response machinery, web streams on both sides), against 0.22-0.27 ms for
 * `dispatcher.request` plus one `Response` (measured side by side, 4,000 POSTs at concurrency 100; see
 * BENCHMARKS.md, "CPU per solve"). Each solve makes at least two requests, so this is most of the distance
 * to the peers, which call `node:http` directly.
 *
 * What it keeps of `fetch`: method, headers, a string or bytes body, the abort signal (it aborts the
 * request and the body being read), and a standard `Response` (ky recognises it; the body cap reads its stream
 * and can cancel it). What it never does: follow a redirect. `redirect: "error"` fails on a 3xx as fetch does
 * (the SDK's requests carry the key, see core's `KyTransport`); any other setting answers with the 3xx itself,
 * as `"manual"` does in Node.
 *
 * A `Request` (how ky would call a plain fetch) is taken apart first: method, headers, body, signal, redirect.
 */
export const makeFetch = (dispatcher: Dispatcher): typeof globalThis.fetch => {
  const send = async (url: URL, init: RequestInit): Promise<Response> => {
    const method = (init.method ?? "GET").toUpperCase()
    const signal = init.signal ?? undefined
    const answer = await dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: method as Dispatcher.HttpMethod,
      headers: headerPairs(init.headers),
      body: requestBody(init.body),
      ...(signal === undefined ? {} : { signal }),
    })
    if (REDIRECTS.has(answer.statusCode) && init.redirect === "error") {
      answer.body.on("error", ignore).destroy()
      throw new TypeError("fetch failed", { cause: new Error("unexpected redirect") })
    }
    return new Response(NULL_BODY_STATUSES.has(answer.statusCode) ? null : streamOf(answer.body), {
      status: answer.statusCode,
      headers: responseHeaders(answer.headers),
    })
  }
  const nodeFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    if (!(input instanceof Request)) return send(new URL(String(input)), init ?? {})
    const request = new Request(input, init)
    const body = request.body === null ? null : new Uint8Array(await request.arrayBuffer())
    return send(new URL(request.url), {
      method: request.method,
      headers: request.headers,
      body,
      signal: request.signal,
      redirect: request.redirect,
    })
  }
  return nodeFetch as typeof globalThis.fetch
}

const ignore = () => undefined

const REDIRECTS = new Set([301, 302, 303, 307, 308])
/** Statuses whose `Response` may not have a body (the constructor throws on one). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304])

const headerPairs = (headers: HeadersInit | undefined): Array<string> => {
  const flat: Array<string> = []
  if (headers === undefined) return flat
  const entries = headers instanceof Headers || Array.isArray(headers) ? headers : Object.entries(headers)
  for (const [name, value] of entries as Iterable<[string, string]>) flat.push(name, value)
  return flat
}

const requestBody = (body: RequestInit["body"]): string | Uint8Array | null => {
  if (body === undefined || body === null) return null
  if (typeof body === "string" || body instanceof Uint8Array) return body
  if (body instanceof ArrayBuffer) return new Uint8Array(body)
  throw new TypeError("solvekit's Node fetch sends string or byte bodies only")
}

const responseHeaders = (raw: Record<string, string | Array<string> | undefined>): Headers => {
  const headers = new Headers()
  for (const name in raw) {
    const value = raw[name]
    if (value === undefined) continue
    if (typeof value === "string") headers.append(name, value)
    else for (const each of value) headers.append(name, each)
  }
  return headers
}

/**
 * The answer's body as a web stream pulled from undici's Node stream one chunk at a time: nothing is read
 * before the reader asks (so the body cap can refuse a long answer part way), and cancelling destroys the
 * body, which closes the connection.
 */
const streamOf = (body: Dispatcher.ResponseData["body"]): ReadableStream<Uint8Array> => {
  // A body destroyed before anything read it emits its abort as an "error" event: the reader learns of
  // failures from the iterator, so the event itself is not one to crash the process over.
  body.on("error", ignore)
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await chunks.next()
        if (next.done === true) controller.close()
        else
          controller.enqueue(new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength))
      },
      cancel(reason) {
        body.destroy(reason instanceof Error ? reason : undefined)
      },
    },
    { highWaterMark: 0 },
  )
}

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
