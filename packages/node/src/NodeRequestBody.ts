/**
 * A `node:http` request body as a web `ReadableStream`, for `toNodeHandler`. Node's own `Readable.toWeb`
 * throws from its `data` handler (an uncaught exception: the process exits) when bytes arrive after the
 * stream was cancelled, which is exactly what a server does to a body over its size cap or past its read
 * deadline while the client keeps sending. This stream ignores those bytes instead, and says whether the
 * body was read to its end, so that a connection whose body was left unread is closed after the answer
 * (kept alive, it would hold the client's next request behind the unread bytes, or let it trickle them).
 *
 * @since 0.1.0
 */
import type { IncomingMessage } from "node:http"

export interface RequestBody {
  readonly stream: ReadableStream<Uint8Array>
  /** Whether the body has not arrived whole yet: it was refused, cut off, or not read at all. */
  readonly unfinished: () => boolean
}

/** The body of `req`, read on demand (the socket is paused while the reader is behind). */
export const requestBody = (req: IncomingMessage): RequestBody => {
  let open = true
  let ended = false
  const settle = (action: () => void) => {
    if (!open) return
    open = false
    action()
  }
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      req.pause()
      req.on("data", (chunk: Buffer) => {
        if (!open) return
        // A copy: the chunk's memory may be reused by Node once this handler returns.
        controller.enqueue(new Uint8Array(chunk))
        if ((controller.desiredSize ?? 0) <= 0) req.pause()
      })
      req.once("end", () => {
        ended = true
        settle(() => controller.close())
      })
      req.once("error", (error) => settle(() => controller.error(error)))
      req.once("close", () => settle(() => controller.error(new Error("The request ended before its body."))))
    },
    pull() {
      req.resume()
    },
    cancel() {
      // The rest is not wanted: it is discarded until the connection closes after the answer.
      open = false
      req.resume()
    },
  })
  return { stream, unfinished: () => !ended }
}
