/**
 * Two Node clients in one program (a multi-tenant server, one API key per customer) never share a key, a
 * server or a connection: every request goes out with its own client's key, to its own base URL, through its
 * own fetch (issue 13).
 *
 * Each tenant has its own emulator, which knows only that tenant's key (a request with the other key would
 * be refused and show up in its audit), and its own recording proxy: a Node client's fetch is its own undici
 * dispatcher, so the proxy a request came through shows which client's fetch carried it.
 */
import { describe, expect, it } from "@effect/vitest"
import { type ServedEmulator, serve } from "@solvekit/emulator/node"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import { afterEach, beforeEach } from "vitest"
import {
  createClient,
  ImageToTextTask,
  layer,
  Policy,
  ReCaptchaV2TaskProxyLess,
  SolveKit,
} from "../src/index.ts"
import { type ProxiedRequest, type RecordingProxy, startRecordingProxy } from "./support/recordingProxy.ts"

type TenantName = "A" | "B"

interface Tenant {
  readonly name: TenantName
  readonly key: string
  /** Starting balance of the tenant's account, USD: a balance answer shows whose account it read. */
  readonly balance: number
  readonly server: ServedEmulator
  readonly proxy: RecordingProxy
}

const fast = Policy.fixed("15 millis")
/** A token task the emulator has ready at the first poll: one createTask, one getTaskResult. */
const tokenTask = ReCaptchaV2TaskProxyLess({
  websiteURL: "https://shop.example.com/login",
  websiteKey: "emulator-instant",
})
/** A recognition task: answered by createTask itself. */
const imageTask = ImageToTextTask({ body: "aGVsbG8gd29ybGQ=" })

const log: Array<ProxiedRequest> = []
let A: Tenant
let B: Tenant

const startTenant = async (name: TenantName, key: string, balance: number): Promise<Tenant> => ({
  name,
  key,
  balance,
  // Different seeds, so the two servers never hand out the same task id.
  server: await serve({ keys: [key], balance, seed: `tenant-${name}` }),
  proxy: await startRecordingProxy(name, log),
})

beforeEach(async () => {
  log.length = 0
  A = await startTenant("A", "TENANT-A-KEY-5f1c09", 111)
  B = await startTenant("B", "TENANT-B-KEY-93ae41", 222)
})
afterEach(async () => {
  for (const tenant of [A, B]) {
    await tenant.proxy.close()
    await tenant.server.close()
  }
})

const options = (tenant: Tenant) => ({
  apiKey: tenant.key,
  baseUrl: tenant.server.url,
  proxy: tenant.proxy.url,
  policy: fast,
})

/** What one request looked like: the fetch (proxy) that carried it, the server it went to, its key. */
interface Sent {
  readonly via: string
  readonly server: string
  readonly key: unknown
  readonly endpoint: string
}

const serverOf = (url: string): string => {
  const origin = URL.canParse(url) ? new URL(url).origin : url
  return [A, B].find((tenant) => tenant.server.url === origin)?.name ?? `elsewhere: ${url}`
}

const sent = (): Array<Sent> =>
  log.map((entry) => ({
    via: `${entry.proxy}'s fetch`,
    server: serverOf(entry.url),
    key: entry.clientKey,
    endpoint: URL.canParse(entry.url) ? new URL(entry.url).pathname.slice(1) : entry.url,
  }))

/** The requests `tenant`'s client should have sent: its fetch, its server, its key. */
const from = (tenant: Tenant, ...endpoints: ReadonlyArray<string>): Array<Sent> =>
  endpoints.map((endpoint) => ({
    via: `${tenant.name}'s fetch`,
    server: tenant.name,
    key: tenant.key,
    endpoint,
  }))

/** Each tenant's requests as a sorted list, for runs whose interleaving is up to the scheduler. */
const byTenant = (requests: ReadonlyArray<Sent>) =>
  Object.fromEntries(
    [A, B].map((tenant) => [
      tenant.name,
      requests
        .filter((request) => request.via === `${tenant.name}'s fetch`)
        .sort((x, y) => x.endpoint.localeCompare(y.endpoint)),
    ]),
  )

const sortedEndpoints = (endpoints: ReadonlyArray<string>) => [...endpoints].sort()

/**
 * Every request each server saw is one its tenant's client sent (same count, same endpoints), and each was
 * accepted: the server knows only its tenant's key, so a request with the other key would have been refused.
 */
const expectEachServerSawOnlyItsTenant = () => {
  const requests = sent()
  for (const tenant of [A, B]) {
    const audit = tenant.server.emulator.audit()
    const mine = requests.filter((request) => request.server === tenant.name)
    expect(audit.requests.total, `requests server ${tenant.name} saw`).toBe(mine.length)
    expect(sortedEndpoints(audit.recentRequests.map((request) => request.endpoint))).toEqual(
      sortedEndpoints(mine.map((request) => request.endpoint)),
    )
    expect(audit.requests.byErrorCode, `refusals on server ${tenant.name}`).toEqual({})
    expect(audit.requests.byStatus).toEqual(mine.length === 0 ? {} : { "200": mine.length })
  }
}

/** The task was created and solved on `tenant`'s server, billed to its account, and is unknown to the other. */
const expectTaskOn = (tenant: Tenant, taskId: string, type: string) => {
  const other = tenant === A ? B : A
  expect(tenant.server.emulator.task(taskId), `task ${taskId} on server ${tenant.name}`).toMatchObject({
    taskId,
    type,
    outcome: "ready",
  })
  expect(other.server.emulator.task(taskId), `task ${taskId} on server ${other.name}`).toBeUndefined()
  expect(tenant.server.emulator.balance(tenant.key)).toBeLessThan(tenant.balance)
}

/** A balance answer read `tenant`'s account (the two start 111 USD apart; a solve costs 0.001). */
const expectBalanceOf = (tenant: Tenant, answer: { readonly balance: number }) =>
  expect(Math.round(answer.balance), `balance answered for ${tenant.name}`).toBe(tenant.balance)

const getBalance = SolveKit.use((solvekit) => solvekit.getBalance())
const solveToken = SolveKit.use((solvekit) => solvekit.solve(tokenTask))
const solveImage = SolveKit.use((solvekit) => solvekit.solve(imageTask))

/** The outer client works, the inner one works while the outer's layer is still in scope, then the outer again. */
const nested = (outer: Tenant, inner: Tenant) =>
  Effect.gen(function* () {
    const outerBalance = yield* getBalance
    const innerWork = yield* Effect.gen(function* () {
      const token = yield* solveToken
      const text = yield* solveImage
      const balance = yield* getBalance
      return { token, text, balance }
    }).pipe(Effect.provide(layer(options(inner))))
    const outerText = yield* solveImage
    return { outerBalance, innerWork, outerText }
  }).pipe(Effect.provide(layer(options(outer))))

const expectNestedRun = (outer: Tenant, inner: Tenant, result: Effect.Success<ReturnType<typeof nested>>) => {
  expect(sent()).toEqual([
    ...from(outer, "getBalance"),
    ...from(inner, "createTask", "getTaskResult", "createTask", "getBalance"),
    ...from(outer, "createTask"),
  ])
  expectEachServerSawOnlyItsTenant()
  expectTaskOn(inner, result.innerWork.token.taskId, "ReCaptchaV2TaskProxyLess")
  expectTaskOn(inner, result.innerWork.text.taskId, "ImageToTextTask")
  expectTaskOn(outer, result.outerText.taskId, "ImageToTextTask")
  expectBalanceOf(outer, result.outerBalance)
  expectBalanceOf(inner, result.innerWork.balance)
}

describe("two Node clients with different keys in one Effect program", () => {
  it.live(
    "a client provided inside another sends its requests with its own key, to its own server, through its own fetch",
    () =>
      Effect.gen(function* () {
        const result = yield* nested(A, B)
        expectNestedRun(A, B, result)
      }),
  )

  it.live("the outer client keeps its own key, server and fetch when the nesting is reversed", () =>
    Effect.gen(function* () {
      const result = yield* nested(B, A)
      expectNestedRun(B, A, result)
    }),
  )

  it.live("two clients running side by side at once never borrow each other's key, server or fetch", () =>
    Effect.gen(function* () {
      const arrived = { A: yield* Deferred.make<void>(), B: yield* Deferred.make<void>() }
      // Each client answers once, then waits for the other: both layers are alive and in use together.
      const work = (tenant: Tenant, other: Tenant) =>
        Effect.gen(function* () {
          const balance = yield* getBalance
          yield* Deferred.succeed(arrived[tenant.name], undefined)
          yield* Deferred.await(arrived[other.name])
          const token = yield* solveToken
          return { balance, token }
        }).pipe(Effect.provide(layer(options(tenant))))
      const [a, b] = yield* Effect.all([work(A, B), work(B, A)], { concurrency: 2 })

      const requests = sent()
      expect(requests.slice(0, 2)).toContainEqual(from(A, "getBalance")[0])
      expect(requests.slice(0, 2)).toContainEqual(from(B, "getBalance")[0])
      expect(byTenant(requests)).toEqual({
        A: from(A, "createTask", "getBalance", "getTaskResult"),
        B: from(B, "createTask", "getBalance", "getTaskResult"),
      })
      expectEachServerSawOnlyItsTenant()
      expectTaskOn(A, a.token.taskId, "ReCaptchaV2TaskProxyLess")
      expectTaskOn(B, b.token.taskId, "ReCaptchaV2TaskProxyLess")
      expectBalanceOf(A, a.balance)
      expectBalanceOf(B, b.balance)
    }),
  )
})

describe("two Node Promise clients with different keys", () => {
  it("used side by side at once, each sends its own key to its own server through its own fetch", async () => {
    await using clientA = createClient(options(A))
    await using clientB = createClient(options(B))
    const [tokenA, textB, balanceA, balanceB] = await Promise.all([
      clientA.solve(tokenTask),
      clientB.solve(imageTask),
      clientA.getBalance(),
      clientB.getBalance(),
    ])
    expect(byTenant(sent())).toEqual({
      A: from(A, "createTask", "getBalance", "getTaskResult"),
      B: from(B, "createTask", "getBalance"),
    })
    expectEachServerSawOnlyItsTenant()
    expectTaskOn(A, tokenA.taskId, "ReCaptchaV2TaskProxyLess")
    expectTaskOn(B, textB.taskId, "ImageToTextTask")
    expectBalanceOf(A, balanceA)
    expectBalanceOf(B, balanceB)
  })

  it("a call made inside another client's .then still goes out with its own key, server and fetch", async () => {
    await using clientA = createClient(options(A))
    await using clientB = createClient(options(B))
    const result = await clientA
      .getBalance()
      .then(async (balanceA) => ({ balanceA, tokenB: await clientB.solve(tokenTask) }))
      .then(async (so) => ({
        ...so,
        textA: await clientA.solve(imageTask),
        balanceB: await clientB.getBalance(),
      }))
    expect(sent()).toEqual([
      ...from(A, "getBalance"),
      ...from(B, "createTask", "getTaskResult"),
      ...from(A, "createTask"),
      ...from(B, "getBalance"),
    ])
    expectEachServerSawOnlyItsTenant()
    expectTaskOn(B, result.tokenB.taskId, "ReCaptchaV2TaskProxyLess")
    expectTaskOn(A, result.textA.taskId, "ImageToTextTask")
    expectBalanceOf(A, result.balanceA)
    expectBalanceOf(B, result.balanceB)
  })
})
