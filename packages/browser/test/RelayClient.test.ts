/**
 * The light relay client (`@solvekit/browser/relay`, issue 16) in headless Chromium: the page sends the task
 * to the relay's solve endpoint and reads the stream, the relay (Node, in front of the emulator) runs the
 * lifecycle. Its errors must be the ones users know: core's guards (re-exported by `@solvekit/browser`) and the
 * entry's own both recognise them. The emulator's audit, read from the page, witnesses what reached the
 * provider.
 */
import { describe, expect, inject, it } from "vitest"
import * as Full from "../src/index.ts"
import {
  createRelayClient,
  isAbortedError,
  isApiError,
  isConfigurationError,
  isCreateTaskOutcomeUnknownError,
  isInvalidTaskError,
  isSolveKitError,
  isTaskTimeoutError,
  type LifecycleEvent,
  type RelayClient,
} from "../src/relay.ts"
import { auditOf } from "./support/audit.ts"
import { PIXEL_PNG_BASE64 } from "./support/fixtures.ts"

const client: RelayClient = createRelayClient({ relayUrl: inject("relayUrl") })

const tokenTask = (websiteKey: string) =>
  ({ type: "ReCaptchaV2TaskProxyLess", websiteURL: "https://shop.example.com/login", websiteKey }) as const

const rejectionOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error("expected the call to reject")
    },
    (error: unknown) => error,
  )

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe("createRelayClient", () => {
  it("solves a token task through the relay's stream, with core's lifecycle events", async () => {
    const events: Array<LifecycleEvent> = []
    const solved = await client.solve(tokenTask("emulator-solve-ms-300"), {
      onEvent: (event) => events.push(event),
    })
    expect(solved.solution.gRecaptchaResponse).toContain(solved.taskId)
    expect(solved).toMatchObject({ taskType: "ReCaptchaV2TaskProxyLess" })
    expect(solved.queries).toBeGreaterThanOrEqual(1)
    expect(events[0]).toMatchObject({ _tag: "Created", taskId: solved.taskId, ready: false })
    expect(events.filter((event) => event._tag === "Polled")).toHaveLength(solved.queries)
    expect(events.at(-1)).toMatchObject({ _tag: "Solved", taskId: solved.taskId })
    // Events never carry the solution.
    expect(JSON.stringify(events)).not.toContain(solved.solution.gRecaptchaResponse)
    const audit = await auditOf(solved.taskId)
    expect(audit).toMatchObject({ outcome: "ready", queries: solved.queries, queriesAfterReady: 0 })
  })

  it("solves a recognition task answered by createTask itself", async () => {
    const solved = await client.solve({ type: "ImageToTextTask", body: PIXEL_PNG_BASE64 })
    expect(solved.solution.text).toBeTypeOf("string")
    expect(solved.queries).toBe(0)
  })

  it("accepts a task built with core's constructor, sending its fields", async () => {
    const solved = await client.solve(
      Full.ReCaptchaV2TaskProxyLess({
        websiteURL: "https://shop.example.com/",
        websiteKey: "emulator-instant",
      }),
    )
    expect(solved.solution.gRecaptchaResponse).toBeTypeOf("string")
  })

  it("rejects a task the relay's schema refuses with InvalidTaskError, for both guards", async () => {
    const error = await rejectionOf(
      client.solve({ type: "ReCaptchaV2TaskProxyLess", websiteURL: "", websiteKey: "k" }),
    )
    expect(isInvalidTaskError(error)).toBe(true)
    expect(Full.isInvalidTaskError(error)).toBe(true)
    expect(Full.isSolveKitError(error)).toBe(true)
    expect(error).toMatchObject({
      _tag: "InvalidTaskError",
      name: "InvalidTaskError",
      taskType: "ReCaptchaV2TaskProxyLess",
      field: "websiteURL",
    })
    expect((error as Error).message).toContain("websiteURL")
    expect(error).toBeInstanceOf(Error)
  })

  it("rejects a type the relay does not allow with ApiError carrying the relay's code", async () => {
    const error = await rejectionOf(
      client.solve({
        type: "AntiTurnstileTaskProxyLess",
        websiteURL: "https://shop.example.com/",
        websiteKey: "0x4AAA",
      }),
    )
    expect(isApiError(error) && Full.isApiError(error)).toBe(true)
    expect(error).toMatchObject({ errorCode: "ERROR_RELAY_TASK_NOT_ALLOWED", httpStatus: 403 })
  })

  it("rejects an unsolvable task with ApiError reason Unsolvable, carrying the taskId", async () => {
    const error = await rejectionOf(client.solve(tokenTask("emulator-unsolvable-emulator-solve-ms-200")))
    expect(Full.isApiError(error) && error.reason).toBe("Unsolvable")
    const taskId = Full.taskIdOf(error)
    expect(taskId).toBeTypeOf("string")
    expect((await auditOf(taskId!)).outcome).toBe("failed")
  })

  it("aborting mid-poll rejects with AbortedError and stops the relay polling; the task resumes by its id", async () => {
    const controller = new AbortController()
    const error = await rejectionOf(
      client.solve(tokenTask("emulator-solve-ms-2500"), {
        signal: controller.signal,
        onEvent: (event) => {
          if (event._tag === "Polled" && event.queries === 2) controller.abort()
        },
      }),
    )
    expect(isAbortedError(error) && Full.isAbortedError(error)).toBe(true)
    const aborted = error as Full.AbortedError
    expect(aborted.taskId).toBeTypeOf("string")
    expect(aborted.createdAt).toBeTypeOf("number")
    expect(aborted.queries).toBe(2)
    expect(aborted.createTaskOutcome).toBeUndefined()
    // The relay hears the request end and stops: several poll intervals later, no more queries.
    await sleep(150)
    const settled = (await auditOf(aborted.taskId!)).queries
    expect(settled).toBeLessThanOrEqual(3)
    await sleep(500)
    expect((await auditOf(aborted.taskId!)).queries).toBe(settled)

    const resumed = await client.waitForResult<{ gRecaptchaResponse: string }>(aborted)
    expect(resumed.taskId).toBe(aborted.taskId)
    expect(resumed.solution.gRecaptchaResponse).toContain(aborted.taskId)
    expect((await auditOf(aborted.taskId!)).queriesAfterReady).toBe(0)
  })

  it("rejects with TaskTimeoutError when its own timeout passes, resumable by taskId", async () => {
    const error = await rejectionOf(client.solve(tokenTask("emulator-solve-ms-1500"), { timeout: 400 }))
    expect(isTaskTimeoutError(error) && Full.isTaskTimeoutError(error)).toBe(true)
    const timedOut = error as Full.TaskTimeoutError
    expect(timedOut).toMatchObject({ timeoutMs: 400 })
    expect(timedOut.taskId).toBeTypeOf("string")
    const resumed = await client.waitForResult(timedOut.taskId!)
    expect(resumed.taskId).toBe(timedOut.taskId)
  })

  it("refuses to wait for a task this client never created", async () => {
    const error = await rejectionOf(client.waitForResult("not-a-task-of-mine"))
    expect(Full.isApiError(error) && error.errorCode).toBe("ERROR_TASKID_INVALID")
    expect(Full.isApiError(error) && error.reason).toBe("TaskNotFound")
  })

  it("rejects at once with AbortedError when the signal is already aborted, sending nothing", async () => {
    let calls = 0
    const counting = createRelayClient({
      relayUrl: inject("relayUrl"),
      fetch: (input, init) => {
        calls++
        return fetch(input, init)
      },
    })
    const error = await rejectionOf(
      counting.solve(tokenTask("emulator-instant"), { signal: AbortSignal.abort() }),
    )
    expect(isAbortedError(error) && error.taskId === undefined && error.createTaskOutcome).toBe(undefined)
    expect(calls).toBe(0)
  })

  it("reports a relay that cannot be reached as a createTask whose outcome is unknown", async () => {
    const unreachable = createRelayClient({
      relayUrl: "http://127.0.0.1:9/captcha",
    })
    const error = await rejectionOf(unreachable.solve(tokenTask("emulator-instant")))
    expect(isCreateTaskOutcomeUnknownError(error) && Full.isCreateTaskOutcomeUnknownError(error)).toBe(true)
    expect(Full.isTransportError((error as Full.CreateTaskOutcomeUnknownError).cause)).toBe(true)
  })

  it("refuses a relayUrl that is not a URL with ConfigurationError, at once", () => {
    let thrown: unknown
    try {
      createRelayClient({ relayUrl: "  " })
    } catch (error) {
      thrown = error
    }
    expect(isConfigurationError(thrown) && Full.isConfigurationError(thrown)).toBe(true)
    expect(isSolveKitError(thrown)).toBe(true)
  })

  it("recognises core's own errors with its guards", () => {
    const error = new Full.ApiError({
      reason: "Unknown",
      errorCode: "X",
      errorDescription: "",
      httpStatus: 400,
      endpoint: "createTask",
    })
    expect(isApiError(error) && isSolveKitError(error)).toBe(true)
    expect(isAbortedError(error)).toBe(false)
  })
})
