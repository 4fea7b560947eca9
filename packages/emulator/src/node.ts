/**
 * The Node listener: serves an emulator over node:http (keep-alive) and turns a dropped-connection
 * fault into a destroyed socket with no answer at all, the way a crashed proxy or a reset looks.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { isDroppedResponse } from "./Drop.ts"
import { createEmulator, dispatcherOf, type Emulator } from "./Emulator.ts"
import type { EmulatorOptions } from "./Options.ts"
import { dropConnection, type HandlerOutcome } from "./Wire.ts"

export * from "./index.ts"

export interface ServeOptions extends EmulatorOptions {
  /** Default `0`: the system picks a free port (read it from `url`). */
  readonly port?: number | undefined
  /** Default `"127.0.0.1"`. */
  readonly host?: string | undefined
  /** Serve an emulator you already made instead of creating one from these options. */
  readonly emulator?: Emulator | undefined
  /** Largest request body accepted, bytes. Default 10 MiB. */
  readonly maxBodyBytes?: number | undefined
}

export interface ServedEmulator {
  /** The base URL, without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  readonly url: string
  readonly port: number
  readonly emulator: Emulator
  /** Stops listening and closes every connection. */
  close(): Promise<void>
}

class BodyTooLarge extends Error {}

const readBody = (request: IncomingMessage, maxBytes: number): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    let size = 0
    request.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) {
        // Drain the rest so the 413 can still be written on this socket.
        request.removeAllListeners("data")
        request.resume()
        reject(new BodyTooLarge())
        return
      }
      chunks.push(chunk)
    })
    request.on("end", () =>
      resolve(chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8")),
    )
    request.on("error", reject)
  })

const formatHost = (host: string): string => (host.includes(":") ? `[${host}]` : host)

/** Starts an emulator on a Node HTTP listener. */
export const serve = async (options: ServeOptions = {}): Promise<ServedEmulator> => {
  const emulator = options.emulator ?? createEmulator(options)
  const host = options.host ?? "127.0.0.1"
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024
  const dispatch = dispatcherOf(emulator)

  /** Emulators from another copy of this package only offer the web handler: adapt through it. */
  const viaHandler = async (request: IncomingMessage, body: string): Promise<HandlerOutcome> => {
    const response = await emulator.handle(
      new Request(`http://${host}${request.url ?? "/"}`, {
        method: request.method ?? "GET",
        headers: { "content-type": "application/json" },
        ...(request.method === "GET" || request.method === "HEAD" ? {} : { body }),
      }),
    )
    if (isDroppedResponse(response)) return dropConnection
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body: await response.text(),
    }
  }

  const respond = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    let outcome: HandlerOutcome
    try {
      const method = request.method ?? "GET"
      const target = request.url ?? "/"
      outcome =
        dispatch !== undefined
          ? await dispatch(method, target, () => readBody(request, maxBodyBytes))
          : await viaHandler(request, await readBody(request, maxBodyBytes))
    } catch (error) {
      if (response.destroyed) return
      const tooLarge = error instanceof BodyTooLarge
      response.writeHead(tooLarge ? 413 : 500, {
        "content-type": "text/plain; charset=utf-8",
        connection: "close",
      })
      response.end(tooLarge ? "Request body too large" : "Internal emulator error")
      return
    }
    if (response.destroyed) return
    if (outcome === dropConnection) {
      request.socket.destroy()
      return
    }
    response.writeHead(outcome.status, outcome.headers)
    response.end(outcome.body)
  }

  const server = createServer({ keepAlive: true, noDelay: true }, (request, response) => {
    void respond(request, response)
  })
  server.keepAliveTimeout = 30_000

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo

  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()))
      server.closeAllConnections()
    })
    return closing
  }

  return { url: `http://${formatHost(host)}:${port}`, port, emulator, close }
}
