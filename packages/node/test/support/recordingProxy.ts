/**
 * An HTTP forward proxy that records, for every request a client sends through it, the absolute URL it asked
 * for and the `clientKey` in its body, then forwards it. A Node client's fetch is its own (one undici
 * dispatcher per client, no `fetch` option), so giving each client its own recording proxy shows which
 * client's fetch carried a request.
 */
import * as http from "node:http"
import type * as net from "node:net"
import { forwardToTarget } from "./servers.ts"

export interface ProxiedRequest {
  /** The name of the proxy the request came through. */
  readonly proxy: string
  /** The absolute URL the client asked for (`CONNECT host:port` for a tunnel, which this proxy refuses). */
  readonly url: string
  /** The `clientKey` of the JSON body, `undefined` when there is none. */
  readonly clientKey: unknown
}

export interface RecordingProxy {
  readonly url: string
  close(): Promise<void>
}

const clientKeyOf = (body: string): unknown => {
  try {
    return (JSON.parse(body) as { readonly clientKey?: unknown }).clientKey
  } catch {
    return undefined
  }
}

/** Starts a proxy named `name` on 127.0.0.1 that appends every request it receives to `log`. */
export const startRecordingProxy = async (
  name: string,
  log: Array<ProxiedRequest>,
): Promise<RecordingProxy> => {
  const server = http.createServer(async (req, res) => {
    const chunks: Array<Buffer> = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    const url = req.url ?? ""
    log.push({ proxy: name, url, clientKey: clientKeyOf(body.toString("utf8")) })
    if (!/^https?:\/\//.test(url)) {
      res.writeHead(400, { connection: "close" })
      res.end("a forward proxy expects an absolute URL")
      return
    }
    forwardToTarget(req, res, body)
  })
  server.on("connect", (req: http.IncomingMessage, client: net.Socket) => {
    log.push({ proxy: name, url: `CONNECT ${req.url ?? ""}`, clientKey: undefined })
    client.end("HTTP/1.1 405 Method Not Allowed\r\n\r\n")
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as net.AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
