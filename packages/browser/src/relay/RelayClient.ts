/**
 * The light relay client: the page sends the task to the relay's solve endpoint (`POST <relayUrl>/solve`,
 * `createRelay` from `@solvekit/node`) through ky and reads the task's progress from the answer's NDJSON
 * stream; the relay runs the whole lifecycle (createTask, polling within the provider's limits, retries) on
 * the server with its own key. No Effect, no Schema, no scheduler in the page.
 *
 * The stream, one JSON object a line: core's lifecycle events `Created` and `Polled`, then `Solved` (core's
 * `Solved` value, `solution` included) or `Failed` (its `failure`: the typed error's fields). A refusal comes
 * before it, as an HTTP status whose body carries the typed error as `error`.
 *
 * @since 0.2.0
 */
import type { LifecycleEvent, Solved } from "@solvekit/core"
import ky from "ky"
import {
  AbortedError,
  ApiError,
  ConfigurationError,
  CreateTaskOutcomeUnknownError,
  DecodeError,
  type RelayClientError,
  revive,
  TaskTimeoutError,
  TransportError,
} from "./RelayErrors.ts"
import type { RelaySolutionOf, RelayTask } from "./RelayTasks.ts"

export interface RelayClientOptions {
  /**
   * Where your relay is mounted, e.g. `"https://app.example.com/captcha"` or, on a page, `"/captcha"`
   * (resolved against the page's address). Solves go to `<relayUrl>/solve`.
   */
  readonly relayUrl: string
  /** The fetch ky calls. Default: the page's `fetch`. */
  readonly fetch?: typeof globalThis.fetch | undefined
  /**
   * Extra request headers. Any header other than `content-type`/`accept` makes the browser send a CORS
   * preflight to a relay on another origin. Never put an API key here: the relay holds it.
   */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** Longest line of the stream accepted, in characters (default 1 MiB): a solution is a few KB. */
  readonly maxLineLength?: number | undefined
}

export interface RelaySolveOptions {
  /** Aborting ends the request, which stops the solve on the relay; rejects with `AbortedError`. */
  readonly signal?: AbortSignal | undefined
  /** Core's lifecycle events, as the relay streams them: `Created`, `Polled`, then `Solved` or `Failed`. */
  readonly onEvent?: ((event: LifecycleEvent) => void) | undefined
  /** Milliseconds before the page gives up (the relay stops too): rejects with `TaskTimeoutError`. */
  readonly timeout?: number | undefined
}

/**
 * A task to wait for: its id, or anything that names one (an error with `taskId`, `createdAt`, `queries`,
 * such as the `AbortedError` of a solve the page left).
 */
export type RelayHandle =
  | string
  | {
      readonly taskId?: string | undefined
      readonly createdAt?: number | undefined
      readonly queries?: number | undefined
    }

/** A task built with one of core's constructors, accepted too (its input is sent as the fields). */
interface TaskRequestLike {
  readonly type: string
  readonly input: object
  readonly definition: unknown
}

export interface RelayClient {
  /** Solves a task on the relay, resolving with its solution, or rejecting with a typed error. */
  solve<T extends RelayTask | TaskRequestLike>(
    task: T,
    options?: RelaySolveOptions,
  ): Promise<Solved<RelaySolutionOf<T>>>
  /**
   * Waits on the relay for a task this page's client created (by a solve it left, or through the relay's
   * createTask), continuing its query budget and result window: the way to resume after an abort, a timeout,
   * a lost connection or a reload.
   */
  waitForResult<S = Record<string, unknown>>(
    task: RelayHandle,
    options?: RelaySolveOptions,
  ): Promise<Solved<S>>
}

const MAX_LINE_LENGTH = 1024 * 1024

type Line = Record<string, any>

/** Where a call stands: what its errors report, so the task can be resumed. */
interface Call {
  taskId: string | undefined
  createdAt: number | undefined
  queries: number | undefined
}

/**
 * A client for your relay's solve endpoint. `relayUrl` is checked now: an empty or malformed one throws
 * `ConfigurationError` at once.
 *
 * @example
 * const client = createRelayClient({ relayUrl: "/captcha" })
 * const { solution } = await client.solve(
 *   { type: "ReCaptchaV2TaskProxyLess", websiteURL: location.href, websiteKey: "6Le-..." },
 *   { signal },
 * )
 */
export const createRelayClient = (options: RelayClientOptions): RelayClient => {
  const url = `${resolveRelayUrl(options.relayUrl)}/solve`
  const maxLine = options.maxLineLength ?? MAX_LINE_LENGTH
  const http = ky.create({
    retry: 0,
    timeout: false,
    throwHttpErrors: false,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  })

  const run = async (
    body: Line,
    taskType: string,
    call: Call,
    { signal, onEvent, timeout }: RelaySolveOptions,
  ): Promise<Solved<any>> => {
    const started = Date.now()
    const notify = (event: Line) => {
      try {
        onEvent?.(event as LifecycleEvent)
      } catch {
        // A listener's bug must not break the solve it observes.
      }
    }
    const progress = () => ({ taskId: call.taskId, createdAt: call.createdAt, queries: call.queries })
    // The task may exist (and be paid for) once the request may have reached the relay, until its id is known.
    let sent = false
    const outcome = () => (sent && call.taskId === undefined ? "unknown" : undefined)
    const withTask = () => (call.taskId === undefined ? "" : ` (taskId ${call.taskId})`)
    if (signal?.aborted) {
      throw new AbortedError({
        ...progress(),
        reason: signal.reason,
        message: `aborted by the caller${withTask()}`,
      })
    }
    const controller = new AbortController()
    let timedOut = false
    const abort = () => controller.abort()
    const expire = () => {
      timedOut = true
      abort()
    }
    const timer = timeout === undefined ? undefined : setTimeout(expire, timeout)
    signal?.addEventListener("abort", abort)
    const cutOff = (): RelayClientError => {
      const fields = { ...progress(), createTaskOutcome: outcome() }
      if (!timedOut)
        return new AbortedError({
          ...fields,
          reason: signal?.reason,
          message: `aborted by the caller${withTask()}`,
        })
      const elapsedMs = Date.now() - started
      return new TaskTimeoutError({
        ...fields,
        timeoutMs: timeout,
        elapsedMs,
        message: `solve timed out after ${elapsedMs} ms (timeout ${timeout} ms)${withTask()}`,
      })
    }
    /** The answer broke off: the task is resumable by its id, or, before its id came, may exist. */
    const lost = (cause: TransportError | DecodeError): RelayClientError =>
      call.taskId !== undefined
        ? cause
        : new CreateTaskOutcomeUnknownError({
            taskType,
            cause,
            message: `createTask for ${taskType} was sent but its outcome is unknown (${cause.message}); not re-sent to avoid paying twice`,
          })
    const transport = (requestSent: boolean | "unknown", httpStatus?: number) =>
      new TransportError({
        ...progress(),
        endpoint: "solve",
        kind: httpStatus === undefined ? "Network" : "HttpStatus",
        requestSent,
        httpStatus,
        message: `solve transport failure: ${httpStatus === undefined ? "connection lost" : `HTTP ${httpStatus}`}${withTask()}`,
      })
    const decodeError = (httpStatus: number, excerpt: string, issue: string) =>
      new DecodeError({
        ...progress(),
        endpoint: "solve",
        httpStatus,
        excerpt: excerpt.slice(0, 512),
        issue,
        message: `solve answer could not be decoded (HTTP ${httpStatus}): ${issue}${withTask()}`,
      })

    // Whether an answer came: a connection lost after it surely carried the request.
    let answered = false
    try {
      sent = true
      const response = await http.post(url, { json: body, signal: controller.signal })
      answered = true
      const status = response.status
      if (!/^application\/x-ndjson/i.test(response.headers.get("content-type") ?? "")) {
        const text = await response.text()
        let answer: Line | undefined
        try {
          answer = JSON.parse(text)
        } catch {}
        // The relay's refusal, typed; nothing was created.
        if (answer?.error?._tag) throw revive({ ...answer.error, ...(call.taskId ? progress() : {}) })
        if (typeof answer?.errorCode === "string") {
          throw new ApiError({
            ...progress(),
            reason: "Unknown",
            errorCode: answer.errorCode,
            errorDescription: String(answer.errorDescription ?? ""),
            httpStatus: status,
            endpoint: "solve",
            message: `solve failed with ${answer.errorCode}${withTask()}`,
          })
        }
        // Not the relay's answer: turned away (4xx, 503) or, past the relay, unknown.
        if (status >= 400 && (status < 500 || status === 503)) throw transport(true, status)
        throw lost(decodeError(status, text, "not the relay's solve stream"))
      }
      const reader = (response.body as ReadableStream<Uint8Array>).getReader()
      const decoder = new TextDecoder()
      let buffered = ""
      for (;;) {
        const { done, value } = await reader.read()
        if (done) throw lost(transport(true))
        buffered += decoder.decode(value, { stream: true })
        let end = buffered.indexOf("\n")
        for (; end >= 0; end = buffered.indexOf("\n")) {
          const text = buffered.slice(0, end)
          buffered = buffered.slice(end + 1)
          let line: Line
          try {
            line = JSON.parse(text)
          } catch {
            void reader.cancel()
            throw lost(decodeError(status, text, "a line of the stream is not JSON"))
          }
          if (line._tag === "Created") call.createdAt = line.createdAt
          call.taskId = line.taskId ?? call.taskId
          call.queries = line.queries ?? call.queries
          if (line._tag === "Solved") {
            const { solution, solvedAt, ...event } = line
            notify(event)
            void reader.cancel()
            return line as Solved<any>
          }
          if (line._tag === "Failed") {
            const { failure, ...event } = line
            notify(event)
            void reader.cancel()
            throw revive(failure)
          }
          notify(line)
        }
        if (buffered.length > maxLine) {
          void reader.cancel()
          throw lost(decodeError(status, buffered, `a line of the stream is over ${maxLine} characters`))
        }
      }
    } catch (error) {
      if (controller.signal.aborted) throw cutOff()
      throw error instanceof Error && "_tag" in error ? error : lost(transport(answered || "unknown"))
    } finally {
      clearTimeout(timer)
      signal?.removeEventListener("abort", abort)
    }
  }

  return {
    solve: (task, options = {}) => {
      const request = task as Partial<TaskRequestLike>
      const wire = request.definition === undefined ? task : { ...request.input, type: task.type }
      return run(
        { task: wire },
        task.type,
        { taskId: undefined, createdAt: undefined, queries: undefined },
        options,
      )
    },
    waitForResult: (task, options = {}) => {
      const handle = typeof task === "string" ? { taskId: task } : task
      const call: Call = { taskId: handle.taskId, createdAt: handle.createdAt, queries: handle.queries }
      if (call.taskId === undefined) {
        return Promise.reject(
          new ApiError({
            reason: "TaskNotFound",
            errorCode: "",
            errorDescription: "the handle names no taskId (the task was never created, or its id is unknown)",
            httpStatus: 0,
            endpoint: "getTaskResult",
            message: "getTaskResult failed: the handle names no taskId",
          }),
        )
      }
      return run({ ...call }, "unknown", call, options)
    },
  }
}

/** The relay's absolute URL, without a trailing slash; a relative one is resolved against the page. */
const resolveRelayUrl = (relayUrl: string): string => {
  try {
    const page = (globalThis as { readonly location?: { readonly href?: string } }).location?.href
    if (relayUrl.trim() !== "") return new URL(relayUrl, page).href.replace(/\/+$/, "")
  } catch {}
  throw new ConfigurationError({ message: `relayUrl is not a URL: ${JSON.stringify(relayUrl)}.` })
}
