/**
 * Resource limits, through the public API: an answer larger than the cap is refused with a typed error while it
 * streams in, without being read whole (the server sees the connection closed early); an answer that trickles
 * in forever is cut by the per-request timeout; and the batch APIs pull their input as slots free up, so a
 * 10,000-task (or endless) input never turns into 10,000 tasks in memory.
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { Effect, Exit, Stream } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import {
  isCreateTaskOutcomeUnknownError,
  isTransportError,
  type TransportError,
} from "../src/domain/Errors.ts"
import { ReCaptchaV2TaskProxyLess } from "../src/domain/tasks/ReCaptchaV2.ts"
import type { LifecycleEvent } from "../src/engine/Events.ts"
import * as Policy from "../src/engine/Policy.ts"
import { makePromiseClient, type SolveKitClient } from "../src/faces/PromiseClient.ts"
import { SolveKit } from "../src/faces/SolveKit.ts"
import * as Scripted from "./ScriptedTransport.ts"

const KEY = "sk-LIMITS-3e8b"

// ===== A server that never stops talking =====

interface Firehose {
  readonly url: string
  /** Bytes the server managed to write before the client hung up. */
  readonly written: () => number
  /** Whether the client closed the connection of the latest request within a generous 3 s liveness bound. */
  readonly closed: () => Promise<boolean>
  close(): Promise<void>
}

/**
 * Answers every request with a body that never ends: `endless` streams 64 KiB chunks as fast as the client
 * reads them, `drip` sends one byte every 50 ms, `declared` announces 10 GiB and sends one chunk.
 */
const firehose = async (mode: "endless" | "drip" | "declared"): Promise<Firehose> => {
  let written = 0
  let closedSignal: Promise<void> = Promise.resolve()
  const chunk = Buffer.alloc(64 * 1024, 0x61)
  const server = http.createServer((req, res) => {
    let onClose: () => void = () => undefined
    closedSignal = new Promise<void>((resolve) => {
      onClose = resolve
    })
    req.resume()
    res.on("close", onClose)
    if (mode === "declared") {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(10 * 1024 ** 3) })
      res.write(chunk)
      written += chunk.length
      return
    }
    res.writeHead(200, { "content-type": "application/json" })
    if (mode === "drip") {
      const timer = setInterval(() => {
        res.write("a")
        written += 1
      }, 50)
      res.on("close", () => clearInterval(timer))
      return
    }
    const pump = () => {
      while (!res.destroyed) {
        written += chunk.length
        if (!res.write(chunk)) {
          res.once("drain", pump)
          return
        }
      }
    }
    pump()
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    written: () => written,
    closed: () =>
      Promise.race([
        closedSignal.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(resolve, 3_000, false)),
      ]),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const track = <A extends { close(): Promise<void> } | SolveKitClient>(resource: A): A => {
  cleanups.push(() => ("dispose" in resource ? resource.dispose() : resource.close()))
  return resource
}

const clientFor = (baseUrl: string, options: { maxBodyBytes?: number; requestTimeoutMs?: number } = {}) =>
  track(
    makePromiseClient(
      SolveKit.layerKy({
        apiKey: KEY,
        baseUrl,
        maxBodyBytes: options.maxBodyBytes,
        retry: {
          maxRetries: 0,
          createTaskMaxRetries: 0,
          requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
        },
      }),
    ),
  )

const rejection = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error("expected a rejection")
}

const task = ReCaptchaV2TaskProxyLess({ websiteURL: "https://limits.example", websiteKey: "site-key" })

describe("response size", () => {
  it("an endless body is refused with TransportError BodyTooLarge, and the server sees the connection closed early", async () => {
    const server = track(await firehose("endless"))
    const client = clientFor(server.url, { maxBodyBytes: 256 * 1024 })
    const error = await rejection(client.getBalance())
    expect(isTransportError(error)).toBe(true)
    expect((error as TransportError).kind).toBe("BodyTooLarge")
    expect(await server.closed(), "the client left the connection open").toBe(true)
    // The client stopped reading near the cap; socket buffers account for the rest.
    expect(server.written()).toBeLessThan(32 * 1024 * 1024)
  })

  it("the default cap (1 MiB) applies without configuration", async () => {
    const server = track(await firehose("endless"))
    const client = clientFor(server.url)
    const error = await rejection(client.getBalance())
    expect(isTransportError(error) && error.kind).toBe("BodyTooLarge")
    expect(await server.closed(), "the client left the connection open").toBe(true)
    expect(server.written()).toBeLessThan(64 * 1024 * 1024)
  })

  it("an endless createTask answer ends the solve with a typed error naming BodyTooLarge, never re-sent", async () => {
    const server = track(await firehose("endless"))
    const client = clientFor(server.url, { maxBodyBytes: 128 * 1024 })
    const error = await rejection(client.solve(task))
    // The provider may have created the task: solvekit says so instead of sending it again.
    expect(isCreateTaskOutcomeUnknownError(error)).toBe(true)
    const cause = (error as { cause: TransportError }).cause
    expect(cause.kind).toBe("BodyTooLarge")
    expect(await server.closed(), "the client left the connection open").toBe(true)
  })

  it("a declared 10 GiB body is refused before it is read", async () => {
    const server = track(await firehose("declared"))
    const client = clientFor(server.url)
    const error = await rejection(client.getBalance())
    expect(isTransportError(error) && error.kind).toBe("BodyTooLarge")
    expect(await server.closed(), "the client left the connection open").toBe(true)
    expect(server.written()).toBe(64 * 1024)
  })

  it("a body that trickles in forever is cut by the request timeout, and the connection is closed", async () => {
    const server = track(await firehose("drip"))
    const client = clientFor(server.url, { requestTimeoutMs: 300 })
    const error = await rejection(client.getBalance())
    expect(isTransportError(error) && error.kind).toBe("Network")
    expect(await server.closed(), "the client left the connection open").toBe(true)
  })

  it("the Effect face fails with the same typed error", async () => {
    const server = track(await firehose("endless"))
    const exit = await Effect.runPromiseExit(
      SolveKit.use((kit) => kit.getBalance()).pipe(
        Effect.provide(
          SolveKit.layerKy({
            apiKey: KEY,
            baseUrl: server.url,
            maxBodyBytes: 64 * 1024,
            retry: { maxRetries: 0 },
          }),
        ),
      ),
    )
    expect(Exit.isFailure(exit)).toBe(true)
    if (Exit.isFailure(exit)) {
      const [reason] = exit.cause.reasons
      expect(reason?._tag).toBe("Fail")
      expect(reason?._tag === "Fail" && isTransportError(reason.error) && reason.error.kind).toBe(
        "BodyTooLarge",
      )
    }
    expect(await server.closed(), "the client left the connection open").toBe(true)
  })
})

// ===== Batches =====

const TASKS = 10_000
const CONCURRENCY = 10
// Stream stages may hold a few items each; anything near the input size would be unbounded buffering.
const SLACK = 8

/** A batch input that counts how far it has been pulled, and a client over an instant scripted provider. */
const batch = () => {
  const state = { pulled: 0, settled: 0, maxLead: 0 }
  const onEvent = (event: LifecycleEvent) => {
    if (event._tag === "Solved" || event._tag === "Failed") state.settled += 1
  }
  const pull = () => {
    state.pulled += 1
    state.maxLead = Math.max(state.maxLead, state.pulled - state.settled)
    return ReCaptchaV2TaskProxyLess({ websiteURL: `https://limits.example/${state.pulled}`, websiteKey: "k" })
  }
  function* tasks(count: number) {
    for (let i = 0; i < count; i++) yield pull()
  }
  async function* asyncTasks(count: number) {
    for (let i = 0; i < count; i++) yield pull()
  }
  // Each answer takes 2 ms, so the batch really has `concurrency` tasks in flight at once.
  const transport = Scripted.make({
    createTask: {
      delayMs: 2,
      reply: {
        json: { errorId: 0, taskId: "t-1", status: "ready", solution: { gRecaptchaResponse: "token" } },
      },
    },
  })
  const client = track(
    makePromiseClient(
      Scripted.clientLayer(transport, { policy: Policy.fixed("1 millis"), maxConcurrentRequests: 64 }),
    ),
  )
  return { state, onEvent, tasks, asyncTasks, client }
}

describe("batch backpressure", () => {
  it(`solveAll over a lazy ${TASKS}-task generator never runs ahead of completion by more than the concurrency`, {
    timeout: 120_000,
  }, async () => {
    const { state, onEvent, tasks, client } = batch()
    const settled = await client.solveAll(tasks(TASKS), { concurrency: CONCURRENCY, onEvent })
    expect(settled).toHaveLength(TASKS)
    expect(settled.every((entry) => entry.status === "fulfilled")).toBe(true)
    expect(state.pulled).toBe(TASKS)
    console.log(
      `solveAll: ${TASKS} tasks, concurrency ${CONCURRENCY}, input pulled at most ${state.maxLead} ahead`,
    )
    expect(state.maxLead).toBeGreaterThanOrEqual(CONCURRENCY)
    expect(state.maxLead).toBeLessThanOrEqual(CONCURRENCY + SLACK)
  })

  it("solveAll over an async generator pulls it just as lazily", { timeout: 120_000 }, async () => {
    const { state, onEvent, asyncTasks, client } = batch()
    const settled = await client.solveAll(asyncTasks(2_000), { concurrency: CONCURRENCY, onEvent })
    expect(settled).toHaveLength(2_000)
    expect(state.maxLead).toBeLessThanOrEqual(CONCURRENCY + SLACK)
  })

  it("solveEach with a slow consumer stops pulling input while the consumer is busy", async () => {
    const { state, onEvent, tasks, client } = batch()
    let consumed = 0
    let maxAhead = 0
    for await (const entry of client.solveEach(tasks(TASKS), { concurrency: CONCURRENCY, onEvent })) {
      expect(entry.status).toBe("fulfilled")
      consumed += 1
      if (consumed % 50 === 0) {
        // The consumer is busy: whatever keeps running must stop at the concurrency and its buffers.
        await new Promise((resolve) => setTimeout(resolve, 20))
        maxAhead = Math.max(maxAhead, state.pulled - consumed)
      }
      if (consumed === 500) break
    }
    expect(consumed).toBe(500)
    console.log(`solveEach: slow consumer, input pulled at most ${maxAhead} ahead of consumption`)
    expect(maxAhead).toBeLessThanOrEqual(CONCURRENCY + 2 * SLACK)
    // Leaving the loop ends the batch: the input is not pulled any further.
    const pulledAtBreak = state.pulled
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(state.pulled).toBe(pulledAtBreak)
    expect(state.pulled).toBeLessThan(500 + CONCURRENCY + 2 * SLACK)
  })

  it("an endless input is safe: taking the first results pulls only what they needed", async () => {
    const { state, onEvent, client } = batch()
    function* endless() {
      for (;;) {
        state.pulled += 1
        yield ReCaptchaV2TaskProxyLess({
          websiteURL: `https://limits.example/e${state.pulled}`,
          websiteKey: "k",
        })
      }
    }
    let taken = 0
    for await (const _ of client.solveEach(endless(), { concurrency: CONCURRENCY, onEvent })) {
      taken += 1
      if (taken === 100) break
    }
    expect(taken).toBe(100)
    expect(state.pulled).toBeLessThanOrEqual(100 + CONCURRENCY + 2 * SLACK)
  })

  it("the Effect face's solveAll stream applies the same backpressure downstream", async () => {
    const { state, onEvent, tasks } = batch()
    const transport = Scripted.make({
      createTask: {
        json: { errorId: 0, taskId: "t-1", status: "ready", solution: { gRecaptchaResponse: "token" } },
      },
    })
    const results = await Effect.runPromise(
      SolveKit.use((kit) =>
        kit
          .solveAll(tasks(TASKS), { concurrency: CONCURRENCY, onEvent })
          .pipe(Stream.take(200), Stream.runCollect),
      ).pipe(Effect.provide(Scripted.clientLayer(transport))),
    )
    expect([...results]).toHaveLength(200)
    expect(state.pulled).toBeLessThanOrEqual(200 + CONCURRENCY + 2 * SLACK)
  })
})
