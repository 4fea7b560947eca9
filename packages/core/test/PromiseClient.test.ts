import { getEventListeners } from "node:events"
import { ConfigProvider } from "effect"
import { afterEach, describe, expect, it } from "vitest"
import {
  type AbortedBatchEntry,
  isAbortedError,
  isApiError,
  isConfigurationError,
  isSolveKitError,
  isTaskTimeoutError,
} from "../src/domain/Errors.ts"
import { ReCaptchaV2TaskProxyLess } from "../src/domain/tasks/ReCaptchaV2.ts"
import type { LifecycleEvent } from "../src/engine/Events.ts"
import * as Policy from "../src/engine/Policy.ts"
import { makePromiseClient, type SolveKitClient } from "../src/faces/PromiseClient.ts"
import { SolveKit } from "../src/faces/SolveKit.ts"
import * as Scripted from "./ScriptedTransport.ts"

const task = ReCaptchaV2TaskProxyLess({ websiteURL: "https://example.test", websiteKey: "site-key" })
const quick = Policy.fixed("2 millis", "1 millis")
const slow = Policy.fixed("10 seconds", "10 seconds")

const clients: Array<SolveKitClient> = []
const clientFor = (
  transport: Scripted.ScriptedTransport,
  options: Parameters<typeof Scripted.clientLayer>[1] = {},
) => {
  const client = makePromiseClient(Scripted.clientLayer(transport, options))
  clients.push(client)
  return client
}
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()))
})

/** Node's count of pending timers: an abort must leave none of ours behind. */
const pendingTimers = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length

const settleMicrotasks = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Lets several poll intervals of `quick` go by: what a batch still running would use to send queries. */
const letPollsRun = () => new Promise<void>((resolve) => setTimeout(resolve, 25))

/** A task told apart by its websiteKey, which the scripts read back from the createTask body. */
const taskFor = (websiteKey: string) =>
  ReCaptchaV2TaskProxyLess({ websiteURL: "https://example.test", websiteKey })
const websiteKeyOf = (call: Scripted.Call) => (call.body.task as { readonly websiteKey: string }).websiteKey

/** A generator over tasks by websiteKey that counts how many the batch pulled. */
const countedSource = (websiteKeys: ReadonlyArray<string>) => {
  const source = {
    pulled: 0,
    *tasks() {
      for (const websiteKey of websiteKeys) {
        source.pulled += 1
        yield taskFor(websiteKey)
      }
    },
  }
  return source
}

/** The AbortedError an aborted batch put on an entry it cut off. */
const cutOff = (entry: AbortedBatchEntry | undefined) =>
  entry?.status === "rejected" && isAbortedError(entry.reason) ? entry.reason : undefined

const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error("expected a rejection")
}

describe("PromiseClient", () => {
  it("solves and resolves with the typed solution", async () => {
    const transport = Scripted.make({
      createTask: Scripted.created(),
      getTaskResult: [Scripted.processing, Scripted.ready()],
    })
    const client = clientFor(transport, { policy: quick })
    const solved = await client.solve(task)
    const token: string = solved.solution.gRecaptchaResponse
    expect(token).toBe("token-abc")
    expect(solved.queries).toBe(2)
  })

  it("rejects with the solvekit error itself, recognisable by its guards", async () => {
    const transport = Scripted.make({ createTask: Scripted.apiError("ERROR_ZERO_BALANCE") })
    const error = await rejectionOf(clientFor(transport).solve(task))
    expect(isSolveKitError(error)).toBe(true)
    expect(isApiError(error) && error.reason).toBe("Balance")
    expect(error).toBeInstanceOf(Error)
  })

  it("aborting mid-poll rejects with AbortedError carrying the taskId and leaves no timer behind", async () => {
    const transport = Scripted.make({
      createTask: Scripted.created("task-a"),
      getTaskResult: Scripted.processing,
    })
    const client = clientFor(transport, { policy: slow })
    await client.getBalance().catch(() => undefined) // build the runtime first
    const baseline = pendingTimers()
    const controller = new AbortController()
    let whileSleeping = 0
    const solving = client.solve(task, {
      signal: controller.signal,
      onEvent: (event) => {
        if (event._tag === "Created") {
          setImmediate(() => {
            whileSleeping = pendingTimers()
            controller.abort(new Error("user left"))
          })
        }
      },
    })
    const error = await rejectionOf(solving)
    expect(isAbortedError(error)).toBe(true)
    expect(isAbortedError(error) && error.taskId).toBe("task-a")
    expect(isTaskTimeoutError(error)).toBe(false)
    await settleMicrotasks()
    expect(whileSleeping).toBeGreaterThan(baseline) // the poll delay was a real pending timer
    expect(pendingTimers()).toBeLessThanOrEqual(baseline)
    expect(transport.callsTo("getTaskResult")).toHaveLength(0)
  })

  it("an abort mid-request records createdAt and every query spent, so waitForResult(error) keeps the budget", async () => {
    const transport = Scripted.make({
      createTask: Scripted.created("task-res"),
      getTaskResult: (n) => (n === 5 ? { hang: true } : Scripted.processing),
    })
    const client = clientFor(transport, { policy: quick })
    const controller = new AbortController()
    const solving = client.solve(task, { signal: controller.signal })
    while (transport.callsTo("getTaskResult").length < 6) await settleMicrotasks()
    controller.abort()
    const error = await rejectionOf(solving)
    expect(isAbortedError(error)).toBe(true)
    if (!isAbortedError(error)) return
    expect(error.taskId).toBe("task-res")
    expect(typeof error.createdAt).toBe("number")
    expect(error.queries).toBe(6)
    const resumed = await rejectionOf(client.waitForResult(error))
    expect(isSolveKitError(resumed) && resumed._tag).toBe("PollBudgetExhaustedError")
    expect(transport.callsTo("getTaskResult")).toHaveLength(120)
  })

  it("aborting mid-request aborts the in-flight HTTP request", async () => {
    const transport = Scripted.make({ createTask: Scripted.created("task-b"), getTaskResult: { hang: true } })
    const client = clientFor(transport, { policy: quick })
    const controller = new AbortController()
    const solving = client.solve(task, { signal: controller.signal })
    while (transport.callsTo("getTaskResult").length === 0) await settleMicrotasks()
    controller.abort()
    const error = await rejectionOf(solving)
    expect(isAbortedError(error) && error.taskId).toBe("task-b")
    expect(transport.callsTo("getTaskResult")[0]?.interrupted).toBe(true)
  })

  it("aborting while createTask is in flight says the task may exist (createTaskOutcome unknown)", async () => {
    for (const call of ["solve", "createTask"] as const) {
      const transport = Scripted.make({ createTask: { hang: true } })
      const client = clientFor(transport)
      const controller = new AbortController()
      const running =
        call === "solve"
          ? client.solve(task, { signal: controller.signal })
          : client.createTask(task, { signal: controller.signal })
      while (transport.callsTo("createTask").length === 0) await settleMicrotasks()
      controller.abort()
      const error = await rejectionOf(running)
      expect(isAbortedError(error) && error.createTaskOutcome, call).toBe("unknown")
      expect(isAbortedError(error) && error.taskId, call).toBeUndefined()
      expect(String(error), call).toMatch(/may have been created/)
      expect(transport.callsTo("createTask")[0]?.interrupted, call).toBe(true)
    }
  })

  it("aborting once the task is created names it, with no unknown outcome", async () => {
    const transport = Scripted.make({ createTask: Scripted.created("task-c"), getTaskResult: { hang: true } })
    const client = clientFor(transport, { policy: quick })
    const controller = new AbortController()
    const solving = client.solve(task, { signal: controller.signal })
    while (transport.callsTo("getTaskResult").length === 0) await settleMicrotasks()
    controller.abort()
    const error = await rejectionOf(solving)
    expect(isAbortedError(error) && error.taskId).toBe("task-c")
    expect(isAbortedError(error) && error.createTaskOutcome).toBeUndefined()
  })

  it("an already-aborted signal rejects before any request", async () => {
    const transport = Scripted.make({ createTask: Scripted.created() })
    const error = await rejectionOf(clientFor(transport).solve(task, { signal: AbortSignal.abort() }))
    expect(isAbortedError(error)).toBe(true)
    expect(isAbortedError(error) && error.createTaskOutcome).toBeUndefined()
    expect(transport.calls).toHaveLength(0)
  })

  it("a timeout rejects with TaskTimeoutError, distinct from an abort", async () => {
    const transport = Scripted.make({
      createTask: Scripted.created("task-t"),
      getTaskResult: Scripted.processing,
    })
    const client = clientFor(transport, { policy: slow })
    const error = await rejectionOf(client.solve(task, { timeout: 20 }))
    expect(isTaskTimeoutError(error)).toBe(true)
    expect(isAbortedError(error)).toBe(false)
    expect(isTaskTimeoutError(error) && error.taskId).toBe("task-t")
  })

  it("waitForResult resumes by taskId and names the task on abort", async () => {
    const transport = Scripted.make({
      getTaskResult: [Scripted.processing, Scripted.ready({ gRecaptchaResponse: "r" })],
    })
    const client = clientFor(transport, { policy: quick })
    const solved = await client.waitForResult("task-r", { task: ReCaptchaV2TaskProxyLess })
    expect(solved.solution.gRecaptchaResponse).toBe("r")
    const error = await rejectionOf(client.waitForResult("task-z", { signal: AbortSignal.abort() }))
    expect(isAbortedError(error) && error.taskId).toBe("task-z")
  })

  it("solveAll settles every task in input order, never rejecting for one task", async () => {
    let n = 0
    const transport = Scripted.make({
      createTask: () =>
        n++ === 1 ? Scripted.apiError("ERROR_INVALID_TASK_DATA") : Scripted.created(`task-${n}`),
      getTaskResult: Scripted.ready(),
    })
    const client = clientFor(transport, { policy: quick })
    const settled = await client.solveAll([task, task, task], { concurrency: 1 })
    expect(settled.map((entry) => [entry.index, entry.status])).toEqual([
      [0, "fulfilled"],
      [1, "rejected"],
      [2, "fulfilled"],
    ])
    const rejected = settled[1]
    expect(rejected?.status === "rejected" && isApiError(rejected.reason)).toBe(true)
  })

  it("aborting a batch rejects solveAll with AbortedError and stops its requests", async () => {
    const transport = Scripted.make({ createTask: Scripted.created(), getTaskResult: { hang: true } })
    const client = clientFor(transport, { policy: quick })
    const controller = new AbortController()
    const batch = client.solveAll([task, task, task, task], { concurrency: 2, signal: controller.signal })
    while (transport.callsTo("getTaskResult").length < 2) await settleMicrotasks()
    controller.abort()
    const error = await rejectionOf(batch)
    expect(isAbortedError(error)).toBe(true)
    expect(transport.callsTo("createTask")).toHaveLength(2)
    expect(transport.callsTo("getTaskResult").every((call) => call.interrupted)).toBe(true)
  })

  it("aborting solveEach ends the iteration with AbortedError", async () => {
    const transport = Scripted.make({ createTask: Scripted.created(), getTaskResult: { hang: true } })
    const client = clientFor(transport, { policy: quick })
    const controller = new AbortController()
    const iterate = async () => {
      for await (const _ of client.solveEach([task, task], { signal: controller.signal })) {
        // never reached: every poll hangs
      }
    }
    const running = iterate()
    while (transport.callsTo("getTaskResult").length < 2) await settleMicrotasks()
    controller.abort()
    expect(isAbortedError(await rejectionOf(running))).toBe(true)
    await settleMicrotasks()
    expect(transport.callsTo("getTaskResult").every((call) => call.interrupted)).toBe(true)
  })

  it("aborting solveAll mid-batch rejects with every pulled task's entry: solved ones kept, cut-off ones resumable or flagged unknown", async () => {
    let resumed = false
    const transport = Scripted.make({
      createTask: (_, call) =>
        websiteKeyOf(call) === "create-hangs"
          ? { hang: true }
          : Scripted.created(`task-${websiteKeyOf(call)}`),
      getTaskResult: (_, call) => {
        const taskId = call.body.taskId as string
        if (taskId === "task-solved") return Scripted.ready({ gRecaptchaResponse: "token-solved" })
        if (resumed) return Scripted.ready({ gRecaptchaResponse: "token-resumed" })
        // "polling" is answered twice, then cut off in its third query; "polling-late" in its first.
        return taskId === "task-polling" && queriesOf(taskId).length <= 2
          ? Scripted.processing
          : { hang: true }
      },
    })
    const queriesOf = (taskId: string) =>
      transport.callsTo("getTaskResult").filter((call) => call.body.taskId === taskId)
    const client = clientFor(transport, { policy: quick })
    const source = countedSource(["solved", "polling", "create-hangs", "polling-late", "never-a", "never-b"])
    const controller = new AbortController()
    const batch = client.solveAll(source.tasks(), { concurrency: 3, signal: controller.signal })
    // "polling-late" takes the slot "solved" freed: by then "solved" has settled.
    while (queriesOf("task-polling").length < 3 || queriesOf("task-polling-late").length < 1) {
      await settleMicrotasks()
    }
    expect(transport.callsTo("createTask").map(websiteKeyOf).sort()).toEqual([
      "create-hangs",
      "polling",
      "polling-late",
      "solved",
    ])
    const sentBeforeAbort = transport.calls.length
    controller.abort(new Error("user left"))
    const error = await rejectionOf(batch)
    await letPollsRun()

    expect(transport.calls).toHaveLength(sentBeforeAbort) // nothing queried, nothing pulled after the abort
    expect(transport.calls.filter((call) => call.interrupted)).toHaveLength(3)
    expect(source.pulled).toBe(4)
    expect(isAbortedError(error)).toBe(true)
    if (!isAbortedError(error)) return
    expect(error.reason).toEqual(new Error("user left"))
    const settled = error.settled ?? []
    expect(settled.map((entry) => [entry.index, entry.status])).toEqual([
      [0, "fulfilled"],
      [1, "rejected"],
      [2, "rejected"],
      [3, "rejected"],
    ])
    const solved = settled[0]
    expect(solved?.status === "fulfilled" && solved.value.solution).toEqual({
      gRecaptchaResponse: "token-solved",
    })
    expect(solved?.task.input.websiteKey).toBe("solved")

    const polling = cutOff(settled[1])
    expect(polling?.taskId).toBe("task-polling")
    expect(polling?.queries).toBe(3)
    expect(typeof polling?.createdAt).toBe("number")
    expect(polling?.createTaskOutcome).toBeUndefined()
    expect(polling?.reason).toEqual(new Error("user left"))
    const creating = cutOff(settled[2])
    expect(creating?.taskId).toBeUndefined()
    expect(creating?.createTaskOutcome).toBe("unknown")
    expect(String(creating)).toMatch(/may have been created/)
    const late = cutOff(settled[3])
    expect([late?.taskId, late?.queries]).toEqual(["task-polling-late", 1])
    expect(error.message).toMatch(/the 4 tasks not reported yet, 3 of them cut off/)

    // The paid tasks are not lost: each cut-off entry resumes within the same budget.
    resumed = true
    const collected = await client.waitForResult(polling ?? "", { task: ReCaptchaV2TaskProxyLess })
    expect(collected.taskId).toBe("task-polling")
    expect(collected.solution.gRecaptchaResponse).toBe("token-resumed")
    expect(collected.queries).toBe(4)
  })

  it("an aborted batch's AbortedError keeps its entries out of its JSON and enumerable fields", async () => {
    const transport = Scripted.make({ createTask: Scripted.created("task-j"), getTaskResult: { hang: true } })
    const client = clientFor(transport, { policy: quick })
    const controller = new AbortController()
    const batch = client.solveAll([task], { signal: controller.signal })
    while (transport.callsTo("getTaskResult").length === 0) await settleMicrotasks()
    controller.abort()
    const error = await rejectionOf(batch)
    expect(isAbortedError(error) && error.settled?.map((entry) => cutOff(entry)?.taskId)).toEqual(["task-j"])
    expect(Object.keys(error as object)).not.toContain("settled")
    expect(JSON.stringify(error)).not.toContain("site-key")
  })

  it("a batch aborted before it starts rejects with an empty settled list and sends nothing", async () => {
    const transport = Scripted.make({ createTask: Scripted.created() })
    const source = countedSource(["a", "b"])
    const error = await rejectionOf(
      clientFor(transport).solveAll(source.tasks(), { signal: AbortSignal.abort() }),
    )
    expect(isAbortedError(error) && error.settled).toEqual([])
    expect(source.pulled).toBe(0)
    expect(transport.calls).toHaveLength(0)
  })

  it("aborting solveEach while the loop body is busy stops every request at once, then throws the entries not yielded yet", async () => {
    const transport = Scripted.make({
      createTask: (_, call) =>
        websiteKeyOf(call) === "create-hangs"
          ? { hang: true }
          : Scripted.created(`task-${websiteKeyOf(call)}`),
      getTaskResult: (_, call) =>
        call.body.taskId === "task-solved" ? Scripted.ready() : Scripted.processing,
    })
    const queriesOf = (taskId: string) =>
      transport.callsTo("getTaskResult").filter((call) => call.body.taskId === taskId)
    const client = clientFor(transport, { policy: quick })
    const source = countedSource(["solved", "polling", "create-hangs", "never"])
    const controller = new AbortController()
    const yielded: Array<number> = []
    let sentAtAbort = 0
    let sentWhileBusy = 0
    const iterate = async () => {
      for await (const entry of client.solveEach(source.tasks(), {
        concurrency: 3,
        signal: controller.signal,
      })) {
        yielded.push(entry.index)
        // Busy with the first entry while "polling" keeps polling: the abort must stop it now, not at the next read.
        while (queriesOf("task-polling").length < 2 || transport.callsTo("createTask").length < 3) {
          await settleMicrotasks()
        }
        sentAtAbort = transport.calls.length
        controller.abort()
        await letPollsRun()
        sentWhileBusy = transport.calls.length
      }
    }
    const error = await rejectionOf(iterate())

    expect(sentWhileBusy).toBe(sentAtAbort)
    expect(transport.calls.every((call) => call.finished)).toBe(true)
    expect(yielded).toEqual([0])
    expect(source.pulled).toBe(3)
    expect(isAbortedError(error)).toBe(true)
    if (!isAbortedError(error)) return
    const settled = error.settled ?? []
    expect(settled.map((entry) => entry.index)).toEqual([1, 2])
    const polling = cutOff(settled[0])
    expect(polling?.taskId).toBe("task-polling")
    expect(polling?.queries).toBe(queriesOf("task-polling").length)
    expect(cutOff(settled[1])?.createTaskOutcome).toBe("unknown")
  })

  it("solveEach yields entries as they settle and accepts async iterables", async () => {
    const transport = Scripted.make({ createTask: Scripted.created(), getTaskResult: Scripted.ready() })
    const client = clientFor(transport, { policy: quick })
    async function* source() {
      yield task
      yield task
    }
    const indexes: Array<number> = []
    for await (const entry of client.solveEach(source(), { concurrency: 2 })) indexes.push(entry.index)
    expect(indexes.sort()).toEqual([0, 1])
  })

  it("client-level listeners see every call's events", async () => {
    const transport = Scripted.make({ createTask: Scripted.created(), getTaskResult: Scripted.ready() })
    const client = clientFor(transport, { policy: quick })
    const events: Array<LifecycleEvent["_tag"]> = []
    const unsubscribe = client.onEvent((event) => events.push(event._tag))
    await client.solve(task)
    unsubscribe()
    await client.solve(task)
    expect(events).toEqual(["Created", "Polled", "Solved"])
  })

  it("getBalance and feedback resolve plain values", async () => {
    const transport = Scripted.make({
      getBalance: { json: { errorId: 0, balance: 1.5 } },
      feedbackTask: { json: { errorId: 0, message: "ok" } },
    })
    const client = clientFor(transport)
    expect(await client.getBalance()).toEqual({ balance: 1.5, packages: [] })
    expect(await client.feedback("task-1", { invalid: false })).toEqual({ message: "ok" })
  })

  it("a missing API key rejects every call with a ConfigurationError", async () => {
    const client = makePromiseClient(
      SolveKit.layerKy({
        fallback: ConfigProvider.fromEnv({ env: {} }),
        missingKeyHint: "set the SOLVEKIT_API_KEY environment variable",
      }),
    )
    clients.push(client)
    const error = await rejectionOf(client.getBalance())
    expect(isConfigurationError(error)).toBe(true)
    expect((error as Error).message).toContain("SOLVEKIT_API_KEY")
  })

  it("calls sharing one signal all abort with it, and settled calls leave no abort listener on it", async () => {
    const transport = Scripted.make({
      createTask: Scripted.created("task-s"),
      getTaskResult: Scripted.processing,
    })
    const client = clientFor(transport, { policy: slow })
    const controller = new AbortController()
    let created = 0
    let allCreated: () => void = () => {}
    const createdAll = new Promise<void>((resolve) => {
      allCreated = resolve
    })
    const onEvent = (event: LifecycleEvent) => {
      if (event._tag === "Created" && ++created === 3) allCreated()
    }
    const solving = [1, 2, 3].map(() => client.solve(task, { signal: controller.signal, onEvent }))
    await createdAll
    expect(getEventListeners(controller.signal, "abort").length).toBeGreaterThan(0)
    controller.abort(new Error("user left"))
    const errors = await Promise.all(solving.map(rejectionOf))
    expect(errors.map((error) => isAbortedError(error) && error.taskId)).toEqual([
      "task-s",
      "task-s",
      "task-s",
    ])
    // A signal that outlives its calls (a page-wide controller) must not collect listeners from each of them.
    const kept = new AbortController()
    await client.getBalance({ signal: kept.signal }).catch(() => undefined)
    expect(getEventListeners(kept.signal, "abort")).toHaveLength(0)
  })

  it("dispose ends calls still running: they reject with AbortedError", async () => {
    const transport = Scripted.make({
      createTask: Scripted.created("task-d"),
      getTaskResult: Scripted.processing,
    })
    const client = makePromiseClient(Scripted.clientLayer(transport, { policy: slow }))
    let markCreated: () => void = () => {}
    const createdOnce = new Promise<void>((resolve) => {
      markCreated = resolve
    })
    const solving = client.solve(task, {
      onEvent: (event) => {
        if (event._tag === "Created") markCreated()
      },
    })
    await createdOnce
    await client.dispose()
    const error = await rejectionOf(solving)
    expect(isAbortedError(error) && error.taskId).toBe("task-d")
    expect(transport.callsTo("getTaskResult")).toHaveLength(0)
  })

  it("dispose ends a running solveAll like an abort: its AbortedError still lists the created tasks", async () => {
    const transport = Scripted.make({ createTask: Scripted.created("task-e"), getTaskResult: { hang: true } })
    const client = makePromiseClient(Scripted.clientLayer(transport, { policy: quick }))
    const batch = client.solveAll([task, task], { concurrency: 2 })
    while (transport.callsTo("getTaskResult").length < 2) await settleMicrotasks()
    await client.dispose()
    const error = await rejectionOf(batch)
    expect(isAbortedError(error) && error.settled?.map((entry) => cutOff(entry)?.taskId)).toEqual([
      "task-e",
      "task-e",
    ])
    expect(transport.calls.every((call) => call.finished)).toBe(true)
  })

  it("dispose during a solveEach loop ends it like an abort: its AbortedError lists the created tasks", async () => {
    const transport = Scripted.make({
      createTask: (_, call) => Scripted.created(`task-${websiteKeyOf(call)}`),
      getTaskResult: (_, call) => (call.body.taskId === "task-solved" ? Scripted.ready() : { hang: true }),
    })
    const client = makePromiseClient(Scripted.clientLayer(transport, { policy: quick }))
    const source = countedSource(["solved", "polling", "waiting"])
    const yielded: Array<number> = []
    const iterate = async () => {
      for await (const entry of client.solveEach(source.tasks(), { concurrency: 3 })) {
        yielded.push(entry.index)
        // Busy with the first entry while the two others wait on their queries: the client goes away.
        while (transport.callsTo("getTaskResult").length < 3) await settleMicrotasks()
        await client.dispose()
      }
    }
    const error = await rejectionOf(iterate())
    expect(yielded).toEqual([0])
    expect(isAbortedError(error)).toBe(true)
    if (!isAbortedError(error)) return
    expect(error.settled?.map((entry) => [entry.index, cutOff(entry)?.taskId])).toEqual([
      [1, "task-polling"],
      [2, "task-waiting"],
    ])
    expect(transport.calls.every((call) => call.finished)).toBe(true)
  })

  it("dispose (and Symbol.asyncDispose) releases the client; later calls reject", async () => {
    const transport = Scripted.make({ getBalance: { json: { errorId: 0, balance: 1 } } })
    const client = makePromiseClient(Scripted.clientLayer(transport))
    await client.getBalance()
    await client[Symbol.asyncDispose]()
    await client.dispose()
    const error = await rejectionOf(client.getBalance())
    expect(isConfigurationError(error)).toBe(true)
  })
})
