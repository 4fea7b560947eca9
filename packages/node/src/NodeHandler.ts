/**
 * Serving web-standard handlers (`(request: Request) => Promise<Response>`, such as the relay's) from
 * `node:http` and the frameworks built on its request/response objects (Express, Connect, Fastify's raw
 * objects). Hono, Elysia and other fetch-style servers take the web handler directly.
 *
 * @since 0.1.0
 */
import type { IncomingMessage, ServerResponse } from "node:http"
import { type RequestBody, requestBody } from "./NodeRequestBody.ts"

/** What the server knows about the connection: a `Request` alone does not carry the peer address. */
export interface ConnectionInfo {
  readonly remoteAddress?: string | undefined
}

/** A web-standard handler that also accepts connection details. */
export type WebHandler = (request: Request, info: ConnectionInfo) => Promise<Response>

/** A body of events written as they happen (the relay's solve stream), not an answer to write whole. */
const isEventStream = (response: Response): boolean => {
  const type = response.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase()
  return type === "application/x-ndjson" || type === "text/event-stream"
}

/**
 * Writes a streamed body chunk by chunk as the handler produces it, waiting while the socket is full. When the
 * client goes away (`closed`), the body is cancelled: the handler hears it and stops its work.
 */
const pump = async (
  body: ReadableStream<Uint8Array>,
  res: ServerResponse,
  closed: AbortSignal,
): Promise<void> => {
  const reader = body.getReader()
  const cancel = () => void reader.cancel().catch(() => undefined)
  closed.addEventListener("abort", cancel, { once: true })
  res.flushHeaders()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done || closed.aborted) break
      if (!res.write(value)) await drained(res)
    }
  } finally {
    closed.removeEventListener("abort", cancel)
  }
  res.end()
}

/** Resolves once the socket takes more, or is gone. */
const drained = (res: ServerResponse): Promise<void> =>
  new Promise((resolve) => {
    const go = () => {
      res.off("drain", go)
      res.off("close", go)
      resolve()
    }
    res.on("drain", go)
    res.on("close", go)
  })

/**
 * Adapts a web-standard handler to `node:http` (and Express, which uses the same request/response objects).
 * The peer address is passed as `info.remoteAddress`. If a body parser already consumed the body
 * (`req.body` set), that body is used. A response of events (`application/x-ndjson`, `text/event-stream`:
 * the relay's solve stream) is written as it is produced, and cancelled when the client goes away; any other
 * is written whole.
 *
 * @example
 * http.createServer(toNodeHandler(relay.handle)).listen(8080)
 * app.use("/captcha", toNodeHandler(relay.handle)) // Express
 */
export const toNodeHandler =
  (handle: WebHandler) =>
  (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): void => {
    const controller = new AbortController()
    res.on("close", () => {
      if (!res.writableFinished) controller.abort()
    })
    const run = async () => {
      const host = req.headers.host ?? "localhost"
      const url = new URL(req.url ?? "/", `http://${host}`)
      const headers = new Headers()
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined) continue
        for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item)
      }
      const method = req.method ?? "GET"
      // A body parser mounted before the relay (express.json()) has already consumed the stream.
      const parsed = (req as IncomingMessage & { body?: unknown }).body
      let body: BodyInit | null = null
      let streamed: RequestBody | undefined
      if (method !== "GET" && method !== "HEAD" && method !== "OPTIONS") {
        if (parsed !== undefined) {
          body =
            typeof parsed === "string"
              ? parsed
              : parsed instanceof Uint8Array
                ? Buffer.from(parsed).toString("utf8")
                : JSON.stringify(parsed)
          headers.delete("content-length")
        } else {
          streamed = requestBody(req)
          body = streamed.stream
        }
      }
      const request = new Request(url, {
        method,
        headers,
        body,
        signal: controller.signal,
        ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
      } as RequestInit)
      const response = await handle(request, { remoteAddress: req.socket.remoteAddress })
      res.statusCode = response.status
      // A body left unread (refused first, over its cap, too slow) must not hold the connection: close it.
      if (streamed?.unfinished() === true) res.setHeader("connection", "close")
      response.headers.forEach((value, name) => {
        res.setHeader(name, value)
      })
      if (response.body === null) {
        res.end()
        return
      }
      if (isEventStream(response)) return pump(response.body, res, controller.signal)
      res.end(Buffer.from(await response.arrayBuffer()))
    }
    run().catch((error: unknown) => {
      if (next !== undefined) return next(error)
      if (!res.headersSent) {
        res.statusCode = 500
        res.setHeader("content-type", "application/json; charset=utf-8")
      }
      res.end(
        JSON.stringify({ errorId: 1, errorCode: "ERROR_RELAY_INTERNAL", errorDescription: "relay failure" }),
      )
    })
  }
