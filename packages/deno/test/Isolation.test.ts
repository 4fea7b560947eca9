/**
 * Two Deno clients in one program (a multi-tenant server, one API key per customer) never share a key, a
 * server or a fetch: every request goes out with its own client's key, to its own base URL, through its own
 * fetch (issue 13). Runs under `deno test` against two emulators served by `Deno.serve`.
 *
 * Each tenant has its own emulator, which knows only that tenant's key (a request with the other key would
 * be refused and show up in its audit), and its own fetch: a wrapper around Deno's fetch that records each
 * request it carries.
 */
import * as assert from "node:assert/strict"
import { Deferred, Effect } from "effect"
import {
  createClient,
  type DenoClientOptions,
  ImageToTextTask,
  layer,
  ReCaptchaV2TaskProxyLess,
  SolveKit,
} from "../src/index.ts"
import { fastPolling, type ServedEmulator, serveEmulator } from "./support/Emulator.ts"

type TenantName = "A" | "B"

interface Tenant {
  readonly name: TenantName
  readonly key: string
  /** Starting balance of the tenant's account, USD: a balance answer shows whose account it read. */
  readonly balance: number
  readonly server: ServedEmulator
  /** Deno's fetch, wrapped to record each request it carries as this tenant's. */
  readonly fetch: typeof globalThis.fetch
}

/** What one request looked like: the fetch that carried it, the server it went to, its key. */
interface Sent {
  readonly via: string
  readonly server: string
  readonly key: unknown
  readonly endpoint: string
}

/** A token task the emulator has ready at the first poll: one createTask, one getTaskResult. */
const tokenTask = ReCaptchaV2TaskProxyLess({
  websiteURL: "https://shop.example.com/login",
  websiteKey: "emulator-instant",
})
/** A recognition task: answered by createTask itself. */
const imageTask = ImageToTextTask({ body: btoa("not really a png, but base64") })

interface Tenants extends AsyncDisposable {
  readonly A: Tenant
  readonly B: Tenant
  /** Every request either fetch carried, in the order they were sent. */
  readonly sent: () => Array<Sent>
}

/** Two tenants, each with its own emulator (knowing only its key; distinct seeds, so distinct task ids). */
const startTenants = (): Tenants => {
  const log: Array<{ readonly via: string; readonly url: string; readonly clientKey: unknown }> = []
  const recordingFetch =
    (via: string): typeof globalThis.fetch =>
    async (input, init) => {
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
    }
  const tenant = (name: TenantName, key: string, balance: number): Tenant => ({
    name,
    key,
    balance,
    server: serveEmulator({ keys: [key], balance, seed: `tenant-${name}` }),
    fetch: recordingFetch(`${name}'s fetch`),
  })
  const A = tenant("A", "DENO-TENANT-A-KEY-5f1c09", 111)
  const B = tenant("B", "DENO-TENANT-B-KEY-93ae41", 222)
  return {
    A,
    B,
    sent: () =>
      log.map((entry) => {
        const url = new URL(entry.url)
        return {
          via: entry.via,
          server: [A, B].find((t) => t.server.url === url.origin)?.name ?? `elsewhere: ${entry.url}`,
          key: entry.clientKey,
          endpoint: url.pathname.slice(1),
        }
      }),
    [Symbol.asyncDispose]: async () => {
      await A.server[Symbol.asyncDispose]()
      await B.server[Symbol.asyncDispose]()
    },
  }
}

const options = (tenant: Tenant): DenoClientOptions => ({
  apiKey: tenant.key,
  baseUrl: tenant.server.url,
  fetch: tenant.fetch,
  policy: fastPolling,
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
const byFetch = ({ A, B, sent }: Tenants) =>
  Object.fromEntries(
    [A, B].map((tenant) => [
      tenant.name,
      sent()
        .filter((request) => request.via === `${tenant.name}'s fetch`)
        .sort((x, y) => x.endpoint.localeCompare(y.endpoint)),
    ]),
  )

const sortedEndpoints = (endpoints: ReadonlyArray<string>) => [...endpoints].sort()

/**
 * Every request each server saw is one its tenant's client sent (same count, same endpoints), and each was
 * accepted: the server knows only its tenant's key, so a request with the other key would have been refused.
 */
const assertEachServerSawOnlyItsTenant = ({ A, B, sent }: Tenants) => {
  const requests = sent()
  for (const tenant of [A, B]) {
    const audit = tenant.server.emulator.audit()
    const mine = requests.filter((request) => request.server === tenant.name)
    assert.equal(audit.requests.total, mine.length, `requests server ${tenant.name} saw`)
    assert.deepEqual(
      sortedEndpoints(audit.recentRequests.map((request) => request.endpoint)),
      sortedEndpoints(mine.map((request) => request.endpoint)),
    )
    assert.deepEqual(audit.requests.byErrorCode, {}, `refusals on server ${tenant.name}`)
    assert.deepEqual(audit.requests.byStatus, mine.length === 0 ? {} : { "200": mine.length })
  }
}

/** The tasks were created and solved on `tenant`'s server, billed to its account, and are unknown to the other. */
const assertTasksOn = (
  { A, B }: Tenants,
  tenant: Tenant,
  tasks: ReadonlyArray<{ readonly taskId: string; readonly type: string }>,
) => {
  const other = tenant === A ? B : A
  for (const { taskId, type } of tasks) {
    const record = tenant.server.emulator.task(taskId)
    assert.ok(record !== undefined, `task ${taskId} on server ${tenant.name}`)
    assert.equal(record.type, type)
    assert.equal(record.outcome, "ready")
    assert.equal(other.server.emulator.task(taskId), undefined, `task ${taskId} on server ${other.name}`)
  }
  assert.equal(tenant.server.emulator.audit().tasks.created, tasks.length)
  const charged = tenant.balance - (tenant.server.emulator.balance(tenant.key) ?? Number.NaN)
  assert.ok(Math.abs(charged - 0.001 * tasks.length) < 1e-9, `charged to ${tenant.name}: ${charged}`)
}

/** A balance answer read `tenant`'s account (the two start 111 USD apart; a solve costs 0.001). */
const assertBalanceOf = (tenant: Tenant, answer: { readonly balance: number }) =>
  assert.equal(Math.round(answer.balance), tenant.balance, `balance answered for ${tenant.name}`)

const token = (taskId: string) => ({ taskId, type: "ReCaptchaV2TaskProxyLess" })
const image = (taskId: string) => ({ taskId, type: "ImageToTextTask" })

const getBalance = SolveKit.use((solvekit) => solvekit.getBalance())
const solveToken = SolveKit.use((solvekit) => solvekit.solve(tokenTask))
const solveImage = SolveKit.use((solvekit) => solvekit.solve(imageTask))

/** The outer client works, the inner one works while the outer's layer is still in scope, then the outer again. */
const assertNestedRun = async (tenants: Tenants, outer: Tenant, inner: Tenant) => {
  const program = Effect.gen(function* () {
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
  const result = await Effect.runPromise(program)

  assert.deepEqual(tenants.sent(), [
    ...from(outer, "getBalance"),
    ...from(inner, "createTask", "getTaskResult", "createTask", "getBalance"),
    ...from(outer, "createTask"),
  ])
  assertEachServerSawOnlyItsTenant(tenants)
  assertTasksOn(tenants, inner, [
    token(result.innerWork.solvedToken.taskId),
    image(result.innerWork.solvedImage.taskId),
  ])
  assertTasksOn(tenants, outer, [image(result.outerImage.taskId)])
  assertBalanceOf(outer, result.outerBalance)
  assertBalanceOf(inner, result.innerWork.balance)
}

Deno.test("Effect: a client provided inside another sends its requests with its own key, to its own server, through its own fetch", async () => {
  await using tenants = startTenants()
  await assertNestedRun(tenants, tenants.A, tenants.B)
})

Deno.test("Effect: the outer client keeps its own key, server and fetch when the nesting is reversed", async () => {
  await using tenants = startTenants()
  await assertNestedRun(tenants, tenants.B, tenants.A)
})

Deno.test("Effect: two clients running side by side at once never borrow each other's key, server or fetch", async () => {
  await using tenants = startTenants()
  const { A, B } = tenants
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

  // Both balances were asked before either solve began.
  const firstTwo = tenants.sent().slice(0, 2)
  assert.deepEqual(
    firstTwo.sort((x, y) => x.via.localeCompare(y.via)),
    [...from(A, "getBalance"), ...from(B, "getBalance")],
  )
  assert.deepEqual(byFetch(tenants), {
    A: from(A, "createTask", "getBalance", "getTaskResult"),
    B: from(B, "createTask", "getBalance", "getTaskResult"),
  })
  assertEachServerSawOnlyItsTenant(tenants)
  assertTasksOn(tenants, A, [token(a.solved.taskId)])
  assertTasksOn(tenants, B, [token(b.solved.taskId)])
  assertBalanceOf(A, a.balance)
  assertBalanceOf(B, b.balance)
})

Deno.test("Promise: two clients used side by side at once each send their own key to their own server through their own fetch", async () => {
  await using tenants = startTenants()
  const { A, B } = tenants
  await using clientA = createClient(options(A))
  await using clientB = createClient(options(B))
  const [tokenA, imageB, balanceA, balanceB] = await Promise.all([
    clientA.solve(tokenTask),
    clientB.solve(imageTask),
    clientA.getBalance(),
    clientB.getBalance(),
  ])
  assert.deepEqual(byFetch(tenants), {
    A: from(A, "createTask", "getBalance", "getTaskResult"),
    B: from(B, "createTask", "getBalance"),
  })
  assertEachServerSawOnlyItsTenant(tenants)
  assertTasksOn(tenants, A, [token(tokenA.taskId)])
  assertTasksOn(tenants, B, [image(imageB.taskId)])
  assertBalanceOf(A, balanceA)
  assertBalanceOf(B, balanceB)
})

Deno.test("Promise: a call made inside another client's .then still goes out with its own key, server and fetch", async () => {
  await using tenants = startTenants()
  const { A, B } = tenants
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
  assert.deepEqual(tenants.sent(), [
    ...from(A, "getBalance"),
    ...from(B, "createTask", "getTaskResult"),
    ...from(A, "createTask"),
    ...from(B, "getBalance"),
  ])
  assertEachServerSawOnlyItsTenant(tenants)
  assertTasksOn(tenants, B, [token(result.tokenB.taskId)])
  assertTasksOn(tenants, A, [image(result.imageA.taskId)])
  assertBalanceOf(A, result.balanceA)
  assertBalanceOf(B, result.balanceB)
})
