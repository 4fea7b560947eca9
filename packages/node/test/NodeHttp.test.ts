import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { setTimeout as sleep } from "node:timers/promises"
import { BodyTooLarge, readBodyCapped } from "@solvekit/core/internal"
import { afterEach, describe, expect, it, vi } from "vitest"
import { closeDispatcher, makeDispatcher, makeFetch } from "../src/NodeHttp.ts"
import { startCountingForwarder, startEchoServer, startProxy } from "./support/servers.ts"

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})
const track = <A extends { close(): Promise<void> }>(resource: A): A => {
  cleanups.push(() => resource.close())
  return resource
}
const fetchWith = (options: Parameters<typeof makeDispatcher>[0]) => {
  const dispatcher = makeDispatcher(options)
  cleanups.push(() => closeDispatcher(dispatcher))
  return makeFetch(dispatcher)
}

describe("NodeHttp", () => {
  it("sends method, headers and body and answers with a standard Response that ky recognises", async () => {
    const echo = track(await startEchoServer())
    const fetch = fetchWith({})
    const response = await fetch(`${echo.url}/createTask`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ hello: "world" }),
    })
    // ky recognises a Response by its tag as well as by the global class.
    expect(Object.prototype.toString.call(response)).toBe("[object Response]")
    expect(response.headers.get("retry-after")).toBe("7")
    expect(await response.json()).toEqual({
      method: "POST",
      url: "/createTask",
      body: '{"hello":"world"}',
      contentType: "application/json",
    })
  })

  it("accepts a Request object, as ky passes one", async () => {
    const echo = track(await startEchoServer())
    const fetch = fetchWith({})
    const response = await fetch(new Request(`${echo.url}/getBalance`, { method: "POST", body: "{}" }))
    expect(((await response.json()) as { url: string }).url).toBe("/getBalance")
  })

  it("reuses one kept-alive connection for sequential requests", async () => {
    const echo = track(await startEchoServer())
    const forwarder = track(await startCountingForwarder(echo.url))
    const fetch = fetchWith({})
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${forwarder.url}/getTaskResult`, { method: "POST", body: "{}" })
      await response.text()
      // Polls are seconds apart; a short pause lets undici return the socket to the pool (it does so a tick
      // after the body is read, so a request fired in the same tick would open a second socket).
      await sleep(10)
    }
    expect(echo.requests).toHaveLength(5)
    expect(forwarder.connections).toBe(1)
  })

  it("routes requests through the configured proxy, with its credentials", async () => {
    const echo = track(await startEchoServer())
    const proxy = track(await startProxy())
    const withCredentials = proxy.url.replace("http://", "http://user:s%3Acret@")
    const fetch = fetchWith({ proxy: { httpProxy: withCredentials, httpsProxy: withCredentials } })
    const response = await fetch(`${echo.url}/createTask`, { method: "POST", body: "{}" })
    expect(response.status).toBe(200)
    expect(proxy.seen).toEqual([`${echo.url}/createTask`])
    expect(proxy.authorizations).toEqual([`Basic ${Buffer.from("user:s:cret").toString("base64")}`])
  })

  it("tunnels https requests through the proxy with CONNECT", async () => {
    // The target speaks plain HTTP, so the TLS handshake inside the tunnel fails: what matters is the CONNECT.
    const echo = track(await startEchoServer())
    const proxy = track(await startProxy())
    const fetch = fetchWith({ proxy: { httpsProxy: proxy.url } })
    const target = new URL(echo.url)
    await expect(fetch(`https://${target.host}/createTask`, { method: "POST", body: "{}" })).rejects.toThrow()
    expect(proxy.seen).toEqual([target.host])
  })

  it("connects directly to hosts listed in noProxy", async () => {
    const echo = track(await startEchoServer())
    const proxy = track(await startProxy())
    const fetch = fetchWith({
      proxy: { httpProxy: proxy.url, httpsProxy: proxy.url, noProxy: "localhost,127.0.0.1" },
    })
    const response = await fetch(`${echo.url}/createTask`, { method: "POST", body: "{}" })
    expect(response.status).toBe(200)
    expect(echo.requests).toHaveLength(1)
    expect(proxy.seen).toEqual([])
    expect(proxy.connections).toBe(0)
  })

  it("aborts an in-flight request when the signal fires", async () => {
    const forwarder = track(await startCountingForwarder("http://127.0.0.1:9")) // accepts, never answers usefully
    const fetch = fetchWith({})
    const controller = new AbortController()
    const pending = fetch(`${forwarder.url}/getTaskResult`, {
      method: "POST",
      body: "{}",
      signal: controller.signal,
    })
    controller.abort(new Error("stop"))
    await expect(pending).rejects.toThrow("stop")
  })
})

describe("NodeHttp answers", () => {
  const serve = async (handler: Parameters<typeof createServer>[1]) => {
    const server = createServer(handler)
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const { port } = server.address() as AddressInfo
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections()
          server.close(() => resolve())
        }),
    )
    return `http://127.0.0.1:${port}`
  }

  it("never follows a redirect: redirect 'error' fails, any other setting answers with the 3xx itself", async () => {
    let followed = 0
    const url = await serve((request, response) => {
      if (request.url === "/elsewhere") followed += 1
      response.writeHead(307, { location: "/elsewhere" }).end("moved")
    })
    const fetch = fetchWith({})
    await expect(
      fetch(`${url}/createTask`, { method: "POST", body: "{}", redirect: "error" }),
    ).rejects.toThrow("fetch failed")
    const manual = await fetch(`${url}/createTask`, { method: "POST", body: "{}", redirect: "manual" })
    expect(manual.status).toBe(307)
    expect(manual.headers.get("location")).toBe("/elsewhere")
    await manual.body?.cancel()
    expect(followed).toBe(0)
  })

  it("streams the answer from the socket: a capped reader refuses a long body part way and drops the connection", async () => {
    let closedEarly = false
    const url = await serve((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" })
      let sent = 0
      const chunk = "x".repeat(64 * 1024)
      const timer = setInterval(() => {
        if (response.destroyed || sent >= 200) {
          clearInterval(timer)
          if (sent < 200) closedEarly = true
          else response.end()
          return
        }
        response.write(chunk)
        sent += 1
      }, 5)
      response.on("close", () => {
        if (sent < 200) closedEarly = true
        clearInterval(timer)
      })
    })
    const fetch = fetchWith({})
    const response = await fetch(`${url}/getTaskResult`, { method: "POST", body: "{}" })
    // 200 chunks of 64 KiB would be 12.5 MiB; the cap is 256 KiB.
    await expect(readBodyCapped(response, 256 * 1024)).rejects.toBeInstanceOf(BodyTooLarge)
    await vi.waitFor(() => expect(closedEarly).toBe(true), { timeout: 5_000 })
  })

  it("keeps every value of a repeated response header", async () => {
    const url = await serve((_request, response) => {
      response.setHeader("set-cookie", ["a=1", "b=2"])
      response.end("{}")
    })
    const response = await fetchWith({})(`${url}/getBalance`, { method: "POST", body: "{}" })
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"])
    await response.text()
  })
})
