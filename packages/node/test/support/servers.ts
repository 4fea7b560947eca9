/**
 * Small real servers for the tests: an HTTP proxy (CONNECT tunnels and absolute-form forwarding) that records
 * what went through it, and a TCP forwarder that counts the connections a client opens.
 */
import * as http from "node:http"
import * as net from "node:net"

/**
 * Forwards an absolute-form proxy request ("POST http://127.0.0.1:1234/createTask") to its target, without the
 * proxy's own headers, and streams the target's answer back; a target that cannot be reached is a 502.
 */
export const forwardToTarget = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  body: Buffer | NodeJS.ReadableStream,
): void => {
  const target = new URL(req.url ?? "")
  const headers = { ...req.headers }
  delete headers["proxy-authorization"]
  delete headers["proxy-connection"]
  const upstream = http.request(
    {
      host: target.hostname,
      port: target.port,
      path: `${target.pathname}${target.search}`,
      method: req.method,
      headers,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    },
  )
  upstream.on("error", () => {
    if (!res.headersSent) res.writeHead(502)
    res.end()
  })
  if (Buffer.isBuffer(body)) upstream.end(body)
  else body.pipe(upstream)
}

export interface ProxyServer {
  readonly url: string
  /** Targets seen: `host:port` for CONNECT tunnels, the absolute URL for forwarded requests. */
  readonly seen: Array<string>
  /** Proxy-Authorization headers received. */
  readonly authorizations: Array<string>
  /** TCP connections accepted by the proxy. */
  connections: number
  close(): Promise<void>
}

export const startProxy = async (): Promise<ProxyServer> => {
  const sockets = new Set<net.Socket>()
  const server = http.createServer((req, res) => {
    // Absolute-form request: "POST http://127.0.0.1:1234/createTask HTTP/1.1".
    state.seen.push(req.url ?? "")
    if (req.headers["proxy-authorization"] !== undefined)
      state.authorizations.push(req.headers["proxy-authorization"])
    forwardToTarget(req, res, req)
  })
  server.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    state.seen.push(req.url ?? "")
    if (req.headers["proxy-authorization"] !== undefined)
      state.authorizations.push(req.headers["proxy-authorization"])
    const [host, port] = (req.url ?? "").split(":")
    const upstream = net.connect(Number(port), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n")
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on("error", () => client.destroy())
    client.on("error", () => upstream.destroy())
  })
  server.on("connection", (socket: net.Socket) => {
    state.connections++
    sockets.add(socket)
    socket.on("close", () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as net.AddressInfo
  const state: ProxyServer = {
    url: `http://127.0.0.1:${port}`,
    seen: [],
    authorizations: [],
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
  return state
}

export interface CountingForwarder {
  /** `http://127.0.0.1:<port>`, forwarding every connection to the target. */
  readonly url: string
  /** TCP connections accepted so far. */
  connections: number
  /** Client connections currently open. */
  readonly open: () => number
  close(): Promise<void>
}

/** A TCP forwarder in front of `targetUrl`: counting its connections shows whether a client reuses sockets. */
export const startCountingForwarder = async (targetUrl: string): Promise<CountingForwarder> => {
  const target = new URL(targetUrl)
  const sockets = new Set<net.Socket>()
  const clients = new Set<net.Socket>()
  const server = net.createServer((client) => {
    state.connections++
    const upstream = net.connect(Number(target.port), target.hostname)
    sockets.add(client)
    clients.add(client)
    sockets.add(upstream)
    client.pipe(upstream).pipe(client)
    const end = () => {
      client.destroy()
      upstream.destroy()
    }
    client.on("error", end)
    upstream.on("error", end)
    client.on("close", () => {
      sockets.delete(client)
      clients.delete(client)
    })
    upstream.on("close", () => sockets.delete(upstream))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as net.AddressInfo
  const state: CountingForwarder = {
    url: `http://127.0.0.1:${port}`,
    connections: 0,
    open: () => clients.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
  return state
}

/** A plain JSON echo server: answers every POST with what it received and how. */
export const startEchoServer = async (): Promise<{
  url: string
  requests: Array<{ url: string; body: string }>
  close(): Promise<void>
}> => {
  const requests: Array<{ url: string; body: string }> = []
  const server = http.createServer(async (req, res) => {
    const chunks: Array<Buffer> = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks).toString("utf8")
    requests.push({ url: req.url ?? "", body })
    res.setHeader("content-type", "application/json")
    res.setHeader("retry-after", "7")
    res.end(
      JSON.stringify({ method: req.method, url: req.url, body, contentType: req.headers["content-type"] }),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as net.AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** Serves a node:http request listener on 127.0.0.1 with a random port. */
export const listen = async (
  listener: http.RequestListener,
): Promise<{ url: string; close(): Promise<void> }> => {
  const server = http.createServer(listener)
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

/** A URL on which nothing listens (a port that was just released), for connection-refused cases. */
export const closedPortUrl = async (): Promise<string> => {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}
