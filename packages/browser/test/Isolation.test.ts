/**
 * Two browser clients in one program (one API key per tenant) never share a key, a server or a fetch: every
 * request goes out with its own client's key, to its own base URL, through its own fetch (issue 13). Runs in
 * headless Chromium against two real emulators over HTTP.
 *
 * Each tenant has its own emulator, which knows only that tenant's key (a request with the other key would
 * be refused and show up in its audit), and its own fetch: a wrapper around the page's fetch that records
 * each request it carries.
 */
// Plain vitest: @effect/vitest imports node:assert, which a browser does not have.
import type { AuditSummary, TaskAudit } from "@solvekit/emulator"
import { Deferred, Effect } from "effect"
import { beforeEach, describe, expect, inject, it } from "vitest"
import {
  type BrowserClientOptions,
  createClient,
  ImageToTextTask,
  layer,
  Policy,
  ReCaptchaV2TaskProxyLess,
  SolveKit,
} from "../src/index.ts"
import { PIXEL_PNG_BASE64 } from "./support/fixtures.ts"
import { TENANTS, type TenantName } from "./support/tenants.ts"

interface Tenant {
  readonly name: TenantName
  readonly key: string
  /** Starting balance of the tenant's account, USD: a balance answer shows whose account it read. */
  readonly balance: number
  readonly url: string
}

const tenant = (name: TenantName): Tenant => ({
  name,
  key: TENANTS[name].key,
  balance: TENANTS[name].balance,
  url: inject("tenantUrls")[name],
})
const A = tenant("A")
const B = tenant("B")

const fast = Policy.fixed("15 millis")
/** A token task the emulator has ready at the first poll: one createTask, one getTaskResult. */
const tokenTask = ReCaptchaV2TaskProxyLess({
  websiteURL: "https://shop.example.com/login",
  websiteKey: "emulator-instant",
})
/** A recognition task: answered by createTask itself. */
const imageTask = ImageToTextTask({ body: PIXEL_PNG_BASE64 })

interface Recorded {
  readonly via: string
  readonly url: string
  readonly clientKey: unknown
}

const log: Array<Recorded> = []

/** The page's fetch, wrapped to record each request it carries under the name `via`. */
const recordingFetch = (via: string): typeof globalThis.fetch =>
  (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input)
    const body = input instanceof Request ? await input.clone().text() : String(init?.body ?? "")
    let clientKey: unknown
    try {
      clientKey = (JSON.parse(body) as { readonly clientKey?: unknown }).clientKey
    } catch {
      clientKey = undefined
    }
    log.push({ via, url, clientKey })
    return globalThis.fetch(input, init)
  }) as typeof globalThis.fetch

const fetchOf = { A: recordingFetch("A's fetch"), B: recordingFetch("B's fetch") }

const options = (tenant: Tenant): BrowserClientOptions => ({
  apiKey: tenant.key,
  baseUrl: tenant.url,
  fetch: fetchOf[tenant.name],
  policy: fast,
})

const readAudit = async (tenant: Tenant): Promise<AuditSummary> => {
  const response = await fetch(`${tenant.url}/__emulator/audit`)
  if (!response.ok) throw new Error(`server ${tenant.name}'s audit answered ${response.status}`)
  return (await response.json()) as AuditSummary
}

beforeEach(async () => {
  log.length = 0
  for (const tenant of [A, B]) {
    const response = await fetch(`${tenant.url}/__emulator/reset`, { method: "POST" })
    if (!response.ok) throw new Error(`server ${tenant.name}'s reset answered ${response.status}`)
  }
})

/** What one request looked like: the fetch that carried it, the server it went to, its key. */
interface Sent {
  readonly via: string
  readonly server: string
  readonly key: unknown
  readonly endpoint: string
}

const sent = (): Array<Sent> =>
  log.map((entry) => {
    const url = new URL(entry.url)
    return {
      via: entry.via,
      server: [A, B].find((tenant) => tenant.url === url.origin)?.name ?? `elsewhere: ${entry.url}`,
      key: entry.clientKey,
      endpoint: url.pathname.slice(1),
    }
  })

/** The requests `tenant`'s client should have sent: its fetch, its server, its key. */
const from = (tenant: Tenant, ...endpoints: ReadonlyArray<string>): Array<Sent> =>
  endpoints.map((endpoint) => ({
    via: `${tenant.name}'s fetch`,
    server: tenant.name,
    key: tenant.key,
    endpoint,
  }))

/** Each fetch's requests as a sorted list, for runs whose interleaving is up to the scheduler. */
const byFetch = (requests: ReadonlyArray<Sent>) =>
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
 * Answers what each server saw, for the task checks.
 */
const expectEachServerSawOnlyItsTenant = async (): Promise<Record<TenantName, AuditSummary>> => {
  const requests = sent()
  const audits = { A: await readAudit(A), B: await readAudit(B) }
  for (const tenant of [A, B]) {
    const audit = audits[tenant.name]
    const mine = requests.filter((request) => request.server === tenant.name)
    expect(audit.requests.total, `requests server ${tenant.name} saw`).toBe(mine.length)
    expect(sortedEndpoints(audit.recentRequests.map((request) => request.endpoint))).toEqual(
      sortedEndpoints(mine.map((request) => request.endpoint)),
    )
    expect(audit.requests.byErrorCode, `refusals on server ${tenant.name}`).toEqual({})
    expect(audit.requests.byStatus).toEqual(mine.length === 0 ? {} : { "200": mine.length })
  }
  return audits
}

/** The tasks were created and solved on `tenant`'s server, billed to its account, and are unknown to the other. */
const expectTasksOn = (
  audits: Record<TenantName, AuditSummary>,
  tenant: Tenant,
  tasks: ReadonlyArray<{ readonly taskId: string; readonly type: string }>,
) => {
  const other = tenant === A ? B : A
  const find = (audit: AuditSummary, taskId: string): TaskAudit | undefined =>
    audit.taskRecords.find((record) => record.taskId === taskId)
  for (const { taskId, type } of tasks) {
    expect(find(audits[tenant.name], taskId), `task ${taskId} on server ${tenant.name}`).toMatchObject({
      taskId,
      type,
      outcome: "ready",
    })
    expect(find(audits[other.name], taskId), `task ${taskId} on server ${other.name}`).toBeUndefined()
  }
  expect(audits[tenant.name].tasks.created).toBe(tasks.length)
  expect(audits[tenant.name].chargedUsd).toBeCloseTo(0.001 * tasks.length, 9)
}

/** A balance answer read `tenant`'s account (the two start 111 USD apart; a solve costs 0.001). */
const expectBalanceOf = (tenant: Tenant, answer: { readonly balance: number }) =>
  expect(Math.round(answer.balance), `balance answered for ${tenant.name}`).toBe(tenant.balance)

const token = (taskId: string) => ({ taskId, type: "ReCaptchaV2TaskProxyLess" })
const image = (taskId: string) => ({ taskId, type: "ImageToTextTask" })

const getBalance = SolveKit.use((solvekit) => solvekit.getBalance())
const solveToken = SolveKit.use((solvekit) => solvekit.solve(tokenTask))
const solveImage = SolveKit.use((solvekit) => solvekit.solve(imageTask))

/** The outer client works, the inner one works while the outer's layer is still in scope, then the outer again. */
const nested = (outer: Tenant, inner: Tenant) =>
  Effect.gen(function* () {
    const outerBalance = yield* getBalance
    const innerWork = yield* Effect.gen(function* () {
      const solvedToken = yield* solveToken
      const solvedImage = yield* solveImage
      const balance = yield* getBalance
      return { solvedToken, solvedImage, balance }
    }).pipe(Effect.provide(layer(options(inner))))
    const outerImage = yield* solveImage
    return { outerBalance, innerWork, outerImage }
  }).pipe(Effect.provide(layer(options(outer))))

const expectNestedRun = async (outer: Tenant, inner: Tenant) => {
  const result = await Effect.runPromise(nested(outer, inner))
  expect(sent()).toEqual([
    ...from(outer, "getBalance"),
    ...from(inner, "createTask", "getTaskResult", "createTask", "getBalance"),
    ...from(outer, "createTask"),
  ])
  const audits = await expectEachServerSawOnlyItsTenant()
  expectTasksOn(audits, inner, [
    token(result.innerWork.solvedToken.taskId),
    image(result.innerWork.solvedImage.taskId),
  ])
  expectTasksOn(audits, outer, [image(result.outerImage.taskId)])
  expectBalanceOf(outer, result.outerBalance)
  expectBalanceOf(inner, result.innerWork.balance)
}

describe("two browser clients with different keys in one Effect program", () => {
  it("a client provided inside another sends its requests with its own key, to its own server, through its own fetch", () =>
    expectNestedRun(A, B))

  it("the outer client keeps its own key, server and fetch when the nesting is reversed", () =>
    expectNestedRun(B, A))

  it("two clients running side by side at once never borrow each other's key, server or fetch", async () => {
    const program = Effect.gen(function* () {
      const arrived = { A: yield* Deferred.make<void>(), B: yield* Deferred.make<void>() }
      // Each client answers once, then waits for the other: both layers are alive and in use together.
      const work = (tenant: Tenant, other: Tenant) =>
        Effect.gen(function* () {
          const balance = yield* getBalance
          yield* Deferred.succeed(arrived[tenant.name], undefined)
          yield* Deferred.await(arrived[other.name])
          const solved = yield* solveToken
          return { balance, solved }
        }).pipe(Effect.provide(layer(options(tenant))))
      return yield* Effect.all([work(A, B), work(B, A)], { concurrency: 2 })
    })
    const [a, b] = await Effect.runPromise(program)

    const requests = sent()
    expect(requests.slice(0, 2)).toContainEqual(from(A, "getBalance")[0])
    expect(requests.slice(0, 2)).toContainEqual(from(B, "getBalance")[0])
    expect(byFetch(requests)).toEqual({
      A: from(A, "createTask", "getBalance", "getTaskResult"),
      B: from(B, "createTask", "getBalance", "getTaskResult"),
    })
    const audits = await expectEachServerSawOnlyItsTenant()
    expectTasksOn(audits, A, [token(a.solved.taskId)])
    expectTasksOn(audits, B, [token(b.solved.taskId)])
    expectBalanceOf(A, a.balance)
    expectBalanceOf(B, b.balance)
  })
})

describe("two browser Promise clients with different keys", () => {
  it("used side by side at once, each sends its own key to its own server through its own fetch", async () => {
    await using clientA = createClient(options(A))
    await using clientB = createClient(options(B))
    const [tokenA, imageB, balanceA, balanceB] = await Promise.all([
      clientA.solve(tokenTask),
      clientB.solve(imageTask),
      clientA.getBalance(),
      clientB.getBalance(),
    ])
    expect(byFetch(sent())).toEqual({
      A: from(A, "createTask", "getBalance", "getTaskResult"),
      B: from(B, "createTask", "getBalance"),
    })
    const audits = await expectEachServerSawOnlyItsTenant()
    expectTasksOn(audits, A, [token(tokenA.taskId)])
    expectTasksOn(audits, B, [image(imageB.taskId)])
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
        imageA: await clientA.solve(imageTask),
        balanceB: await clientB.getBalance(),
      }))
    expect(sent()).toEqual([
      ...from(A, "getBalance"),
      ...from(B, "createTask", "getTaskResult"),
      ...from(A, "createTask"),
      ...from(B, "getBalance"),
    ])
    const audits = await expectEachServerSawOnlyItsTenant()
    expectTasksOn(audits, B, [token(result.tokenB.taskId)])
    expectTasksOn(audits, A, [image(result.imageA.taskId)])
    expectBalanceOf(A, result.balanceA)
    expectBalanceOf(B, result.balanceB)
  })
})
