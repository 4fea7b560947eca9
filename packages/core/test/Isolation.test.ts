/**
 * Two clients in one program (one API key per tenant) never share a key, a base URL or a fetch: every
 * request goes out with its own client's key, to its own base URL, through its own fetch. Effect memoises
 * layer values across `provide` calls, so a shared constant inside a client's wiring would hand the outer
 * client's service to the inner one.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ClientConfig from "../src/engine/ClientConfig.ts"
import { createClient } from "../src/faces/PromiseClient.ts"
import { SolveKit } from "../src/faces/SolveKit.ts"
import * as KyTransport from "../src/wire/KyTransport.ts"

interface Seen {
  readonly via: string
  readonly url: string
  readonly clientKey: unknown
}

/** A fetch named `via` that records each request and answers every call with a balance. */
const recordingFetch = (via: string, seen: Array<Seen>): typeof globalThis.fetch =>
  (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input)
    const text = input instanceof Request ? await input.text() : String(init?.body ?? "")
    seen.push({ via, url, clientKey: (JSON.parse(text) as { readonly clientKey?: unknown }).clientKey })
    return new Response(JSON.stringify({ errorId: 0, balance: 1 }), {
      status: 200,
      headers: { "content-type": "application/json" },
    })
  }) as typeof globalThis.fetch

const tenants = () => {
  const seen: Array<Seen> = []
  const a = { apiKey: "KEY-A", baseUrl: "http://a.test", fetch: recordingFetch("fetchA", seen) }
  const b = { apiKey: "KEY-B", baseUrl: "http://b.test", fetch: recordingFetch("fetchB", seen) }
  return { seen, a, b }
}

const fromA = { via: "fetchA", url: "http://a.test/getBalance", clientKey: "KEY-A" }
const fromB = { via: "fetchB", url: "http://b.test/getBalance", clientKey: "KEY-B" }

const balance = Effect.gen(function* () {
  return yield* (yield* SolveKit).getBalance()
})

/** The inner client's call runs while the outer client's layer is still in scope. */
const nested = (outer: Layer.Layer<SolveKit, unknown>, inner: Layer.Layer<SolveKit, unknown>) =>
  Effect.gen(function* () {
    yield* balance
    yield* balance.pipe(Effect.provide(inner))
    yield* balance
  }).pipe(Effect.provide(outer))

/** Each way core lets a user build a client as an Effect layer. */
const compositions: ReadonlyArray<
  readonly [string, (options: ReturnType<typeof tenants>["a"]) => Layer.Layer<SolveKit, unknown>]
> = [
  ["SolveKit.layerKy", (options) => SolveKit.layerKy(options)],
  [
    "SolveKit.layerFrom",
    (options) =>
      SolveKit.layerFrom(
        Effect.map(ClientConfig.make(options), (config) => ({
          config,
          transport: KyTransport.make({ baseUrl: config.baseUrl, fetch: options.fetch }),
        })),
      ),
  ],
  [
    "SolveKit.layer with the user's own config and transport layers",
    (options) =>
      SolveKit.layer.pipe(
        Layer.provide(KyTransport.layer({ baseUrl: options.baseUrl, fetch: options.fetch })),
        Layer.provide(ClientConfig.layer(options)),
      ),
  ],
]

describe("two clients in one Effect program", () => {
  for (const [name, layerOf] of compositions) {
    describe(name, () => {
      it.effect("sends each nested client's requests with its own key, base URL and fetch", () =>
        Effect.gen(function* () {
          const { seen, a, b } = tenants()
          yield* nested(layerOf(a), layerOf(b))
          expect(seen).toEqual([fromA, fromB, fromA])
        }),
      )

      it.effect("keeps the outer client's own key when the nesting is reversed", () =>
        Effect.gen(function* () {
          const { seen, a, b } = tenants()
          yield* nested(layerOf(b), layerOf(a))
          expect(seen).toEqual([fromB, fromA, fromB])
        }),
      )

      it.effect("keeps clients side by side apart while both run at once", () =>
        Effect.gen(function* () {
          const { seen, a, b } = tenants()
          yield* Effect.all(
            [balance.pipe(Effect.provide(layerOf(a))), balance.pipe(Effect.provide(layerOf(b)))],
            { concurrency: 2 },
          )
          expect(seen).toHaveLength(2)
          expect(seen).toContainEqual(fromA)
          expect(seen).toContainEqual(fromB)
        }),
      )
    })
  }

  it.effect("builds a client from one layer value once per provide, with that value's key", () =>
    Effect.gen(function* () {
      const { seen, a, b } = tenants()
      const layerA = SolveKit.layerKy(a)
      yield* nested(layerA, SolveKit.layerKy(b))
      yield* balance.pipe(Effect.provide(layerA))
      expect(seen).toEqual([fromA, fromB, fromA, fromA])
    }),
  )
})

describe("two Promise clients", () => {
  it("send each call with their own key, base URL and fetch, whichever is used first", async () => {
    const { seen, a, b } = tenants()
    await using clientA = createClient(a)
    await using clientB = createClient(b)
    await clientB.getBalance()
    await clientA.getBalance()
    await Promise.all([clientA.getBalance(), clientB.getBalance()])
    expect(seen.slice(0, 2)).toEqual([fromB, fromA])
    expect(seen.slice(2)).toContainEqual(fromA)
    expect(seen.slice(2)).toContainEqual(fromB)
  })

  it("keep apart when one client's call runs inside another's", async () => {
    const { seen, a, b } = tenants()
    await using clientA = createClient(a)
    await using clientB = createClient(b)
    const balances = await clientA.getBalance().then(async (first) => [first, await clientB.getBalance()])
    expect(balances).toHaveLength(2)
    expect(seen).toEqual([fromA, fromB])
  })
})
