/**
 * Runs in Node before the browser tests: serves the emulator over HTTP (with CORS, so the test page on
 * another origin may call it) and a solvekit relay in front of it, then hands their URLs to the page.
 *
 * The emulator's own `/__emulator/audit` endpoint is reachable through the same CORS layer, so the page
 * reads what the server saw. `/__test/pixel.png` is served *without* CORS, for the tainted-canvas test.
 *
 * Two more emulators, one per tenant of the isolation tests, each knowing only its tenant's key.
 */
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { createEmulator } from "@solvekit/emulator"
import { createRelay, Policy, toNodeHandler } from "@solvekit/node"
import type { TestProject } from "vitest/node"
import { PIXEL_PNG_BASE64, TEST_KEYS } from "./fixtures.ts"
import { TENANTS, type TenantName } from "./tenants.ts"

declare module "vitest" {
  export interface ProvidedContext {
    /** The emulator, answering any origin (key mode talks to it directly). */
    emulatorUrl: string
    /** A solvekit relay in front of the emulator, holding the key. */
    relayUrl: string
    /** A PNG on another origin, served without CORS headers. */
    foreignPixelUrl: string
    /** Each tenant's own emulator (answering any origin), for the isolation tests. */
    tenantUrls: Record<TenantName, string>
  }
}

const cors = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers": "content-type, accept",
  "access-control-max-age": "600",
}

/** The emulator has no CORS of its own: this layer answers preflights and adds the headers. */
const withCors =
  (handle: (request: Request) => Promise<Response>) =>
  async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname
    if (path === "/__test/pixel.png") {
      return new Response(Buffer.from(PIXEL_PNG_BASE64, "base64"), {
        headers: { "content-type": "image/png" },
      })
    }
    if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: cors })
    const response = await handle(request)
    const headers = new Headers(response.headers)
    for (const [name, value] of Object.entries(cors)) headers.set(name, value)
    return new Response(response.body, { status: response.status, headers })
  }

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => resolve())
  })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

const close = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const emulator = createEmulator({
    seed: 5,
    keys: [TEST_KEYS.valid],
    zeroBalanceKeys: [TEST_KEYS.zeroBalance],
    solveTime: { kind: "fixed", seconds: 1 },
  })
  const emulatorServer = createServer(toNodeHandler(withCors((request) => emulator.handle(request))))
  const emulatorUrl = await listen(emulatorServer)

  const relay = createRelay({
    apiKey: TEST_KEYS.valid,
    baseUrl: emulatorUrl,
    allowTaskTypes: ["ReCaptchaV2TaskProxyLess", "ImageToTextTask"],
    allowOrigins: "*",
    // The solve endpoint polls often, so token tasks the emulator readies in a few hundred ms finish quickly.
    solvePolicy: Policy.fixed("100 millis"),
    // Every test shares one client id (the loopback address); the defaults are sized for one real user, and
    // the relay's default spending cap (60 tasks a minute, 2,000 a day) for a small site.
    limits: {
      tasksPerClientPerMinute: 1000,
      requestsPerClientPerMinute: 100_000,
      tasksPerMinute: 1_000_000,
      tasksPerDay: 1_000_000,
    },
  })
  const relayServer = createServer(toNodeHandler(relay.handle))
  const relayUrl = await listen(relayServer)

  const tenantServers = (Object.keys(TENANTS) as Array<TenantName>).map((name) => {
    const { key, balance, seed } = TENANTS[name]
    const tenant = createEmulator({ seed, keys: [key], balance })
    return { name, server: createServer(toNodeHandler(withCors((request) => tenant.handle(request)))) }
  })
  const tenantUrls = {} as Record<TenantName, string>
  for (const { name, server } of tenantServers) tenantUrls[name] = await listen(server)

  project.provide("emulatorUrl", emulatorUrl)
  project.provide("relayUrl", `${relayUrl}/captcha`)
  project.provide("foreignPixelUrl", `${emulatorUrl}/__test/pixel.png`)
  project.provide("tenantUrls", tenantUrls)

  return async () => {
    await close(relayServer)
    await relay.close()
    await close(emulatorServer)
    for (const { server } of tenantServers) await close(server)
  }
}
