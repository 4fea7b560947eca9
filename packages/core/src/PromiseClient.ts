/**
 * The Promise face, built once here over a `ManagedRuntime` and reused by every adapter:
 *
 * ```ts
 * const client = makePromiseClient(SolveKit.layerKy({ apiKey }))
 * const { solution } = await client.solve(ReCaptchaV2TaskProxyLess({ websiteURL, websiteKey }), { signal })
 * await client.dispose()
 * ```
 *
 * - Effect types stay out of the signatures; errors reject as the solvekit `Error` subclasses (with `_tag`,
 *   and guards such as `isApiError` that work across package copies).
 * - `signal` on every call: aborting interrupts the call at once, aborts the in-flight HTTP request, clears
 *   every timer, and rejects with `AbortedError` (carrying the taskId when known), distinct from the
 *   `TaskTimeoutError` of the `timeout` option.
 * - `dispose()` / `await using` release the runtime; later calls reject with `ConfigurationError`.
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import type * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Result from "effect/Result"
import * as Scope from "effect/Scope"
import * as Batch from "./Batch.ts"
import type { ClientOptions, ResolveOptions } from "./ClientConfig.ts"
import {
  AbortedError,
  ConfigurationError,
  type CreateTaskError,
  type RequestError,
  type SolveError,
  type WaitError,
} from "./Errors.ts"
import { type EventListener, type LifecycleEvent, notifyListeners } from "./Events.ts"
import type { KyTransportOptions } from "./KyTransport.ts"
import {
  type CreatedTask,
  CreateProbe,
  type FeedbackOptions,
  type Solved,
  type SolveOptions,
} from "./Lifecycle.ts"
import type { PollPolicy } from "./Policy.ts"
import type { Balance, FeedbackResult } from "./Protocol.ts"
import { DEFAULT_BATCH_CONCURRENCY, SolveKit, type TaskHandle, type WaitSolution } from "./SolveKit.ts"
import type { AnyTaskDefinition, AnyTaskRequest, SolutionOf } from "./Task.ts"

/** Options every Promise call accepts. */
export interface SignalOptions {
  /** Aborting rejects the call with `AbortedError` and cancels its requests and timers. */
  readonly signal?: AbortSignal | undefined
}

export interface PromiseSolveOptions extends SignalOptions {
  /** Overall timeout (milliseconds or a duration string such as "90 seconds"); rejects with `TaskTimeoutError`. */
  readonly timeout?: Duration.Input | undefined
  readonly policy?: PollPolicy | undefined
  readonly onEvent?: EventListener | undefined
}

export interface PromiseWaitOptions<D extends AnyTaskDefinition | undefined = undefined>
  extends PromiseSolveOptions {
  /** A task definition: types and checks the solution. */
  readonly task?: D
  /** When the task was created (epoch ms; `createTask` returns it). Default: now. */
  readonly createdAt?: number | undefined
  readonly queriesUsed?: number | undefined
}

export interface PromiseSolveAllOptions extends PromiseSolveOptions {
  /** Tasks solved at once (default 16). */
  readonly concurrency?: number | undefined
}

/** One settled task of a batch, shaped like `Promise.allSettled` entries plus its index and task. */
export type Settled<R extends AnyTaskRequest> =
  | {
      readonly status: "fulfilled"
      readonly index: number
      readonly task: R
      readonly value: Solved<SolutionOf<R>>
    }
  | { readonly status: "rejected"; readonly index: number; readonly task: R; readonly reason: SolveError }

/** The Promise client every adapter returns. */
export interface SolveKitClient extends AsyncDisposable {
  solve<R extends AnyTaskRequest>(task: R, options?: PromiseSolveOptions): Promise<Solved<SolutionOf<R>>>
  createTask<R extends AnyTaskRequest>(task: R, options?: SignalOptions): Promise<CreatedTask<SolutionOf<R>>>
  waitForResult<D extends AnyTaskDefinition | undefined = undefined>(
    task: TaskHandle,
    options?: PromiseWaitOptions<D>,
  ): Promise<Solved<WaitSolution<D>>>
  /** Solves a batch with bounded concurrency; resolves once every task has settled (never rejects per task). */
  solveAll<R extends AnyTaskRequest>(
    tasks: Iterable<R> | AsyncIterable<R>,
    options?: PromiseSolveAllOptions,
  ): Promise<Array<Settled<R>>>
  /** Like `solveAll`, yielding each entry as it settles (completion order), pulling input as slots free up. */
  solveEach<R extends AnyTaskRequest>(
    tasks: Iterable<R> | AsyncIterable<R>,
    options?: PromiseSolveAllOptions,
  ): AsyncIterable<Settled<R>>
  getToken<R extends AnyTaskRequest>(task: R, options?: PromiseSolveOptions): Promise<Solved<SolutionOf<R>>>
  getBalance(options?: SignalOptions): Promise<Balance>
  feedback(taskId: string, options: FeedbackOptions & SignalOptions): Promise<FeedbackResult>
  /** Subscribes to every lifecycle event of this client; returns the unsubscribe function. */
  onEvent(listener: EventListener): () => void
  dispose(): Promise<void>
}

type AnyError = SolveError | CreateTaskError | WaitError | RequestError | ConfigurationError

/**
 * What a call knows of its task, for `AbortedError`: the taskId once known, and (through the lifecycle's
 * `CreateProbe`) whether a createTask was in flight, so an abort before the taskId says the task may exist.
 */
interface CallState {
  readonly taskId: string | undefined
  /** When the task's createTask was sent, and the queries spent so far: what a resume needs. */
  readonly createdAt?: number | undefined
  readonly queries?: number | undefined
  /** Set by the lifecycle once polling starts: counts a query whose answer the abort cut off. */
  readonly progress?: { readonly createdAt: number | undefined; readonly queries: number } | undefined
  createTaskSent?: boolean
}

const NO_TASK: CallState = { taskId: undefined }

/**
 * Follows a running call through its events: remembers the taskId and hands each event to the client's
 * listeners (when any were subscribed as the call started) and to the call's own. One object and one
 * function per call: thousands of calls may be waiting at once.
 */
class CallTracker implements CallState {
  taskId: string | undefined = undefined
  createdAt: number | undefined = undefined
  queries: number | undefined = undefined
  createTaskSent = false
  readonly onEvent: EventListener

  constructor(client: EventListener | undefined, local: EventListener | undefined) {
    this.onEvent = (event) => {
      if (event.taskId !== undefined) this.taskId = event.taskId
      if (event._tag === "Created") this.createdAt = event.createdAt
      this.queries = event.queries
      client?.(event)
      local?.(event)
    }
  }
}

const toSettled = <R extends AnyTaskRequest>(
  index: number,
  task: R,
  result: Result.Result<Solved<SolutionOf<R>>, SolveError>,
): Settled<R> =>
  Result.isSuccess(result)
    ? { status: "fulfilled", index, task, value: result.success }
    : { status: "rejected", index, task, reason: result.failure }

/** A call's exit as its Promise outcome: the value, the typed error, `AbortedError`, or the defect. */
const settle = <A>(exit: Exit.Exit<A, AnyError>, signal: AbortSignal | undefined, call: CallState): A => {
  if (Exit.isSuccess(exit)) return exit.value
  const failure = Cause.findError(exit.cause)
  if (Result.isSuccess(failure)) throw failure.success
  if (Cause.hasInterruptsOnly(exit.cause)) {
    throw new AbortedError({
      taskId: call.taskId,
      reason: signal?.aborted ? signal.reason : undefined,
      createTaskOutcome: call.taskId === undefined && call.createTaskSent === true ? "unknown" : undefined,
      ...(call.taskId === undefined
        ? {}
        : {
            createdAt: call.progress?.createdAt ?? call.createdAt,
            queries: call.progress?.queries ?? call.queries,
          }),
    })
  }
  throw Cause.squash(exit.cause)
}

export class PromiseClient implements SolveKitClient {
  readonly #runtime: ManagedRuntime.ManagedRuntime<SolveKit, ConfigurationError>
  /** The built client, once the runtime has built it. */
  #context: Context.Context<SolveKit> | undefined
  /** Calls running now (interrupted by `dispose`). */
  readonly #inFlight = new Set<Fiber.Fiber<unknown, unknown>>()
  /** One abort listener per signal, for all the calls that share it. */
  readonly #watched = new Map<
    AbortSignal,
    { readonly fibers: Set<Fiber.Fiber<unknown, unknown>>; readonly onAbort: () => void }
  >()
  readonly #listeners = new Set<EventListener>()
  #disposed = false

  constructor(layer: Layer.Layer<SolveKit, ConfigurationError>) {
    this.#runtime = ManagedRuntime.make(layer)
  }

  // Not an async function: its suspended frame would be held for the whole call.
  #run<A>(
    effect: Effect.Effect<A, AnyError, SolveKit>,
    signal: AbortSignal | undefined,
    call: CallState = NO_TASK,
  ): Promise<A> {
    if (this.#disposed) {
      return Promise.reject(new ConfigurationError({ detail: "This solvekit client was disposed." }))
    }
    if (signal?.aborted)
      return Promise.reject(new AbortedError({ taskId: call.taskId, reason: signal.reason }))
    const context = this.#context
    if (context === undefined) {
      // The first calls wait for the runtime to build the client (once); then they run like any other.
      return this.#runtime.context().then((built) => {
        this.#context ??= built
        return this.#run(effect, signal, call)
      })
    }
    // Calls that create a task let the lifecycle mark their createTask in flight on `call`. Put in the
    // fiber's starting context: `provideService` would add a context change and its restore hook per call.
    const callContext =
      call.createTaskSent === undefined ? context : Context.add(context, CreateProbe, call as CreateProbe)
    return this.#start(callContext, effect, signal).then((exit) => settle(exit, signal, call))
  }

  /**
   * Runs a call on the built client. Not through `runtime.runPromiseExit`, which registers every fiber in
   * the runtime's scope and adds an abort listener per call: the client tracks its fibers in one set
   * (interrupted by `dispose`) and listens once per signal, however many calls share it.
   */
  #start<A>(
    context: Context.Context<SolveKit>,
    effect: Effect.Effect<A, AnyError, SolveKit>,
    signal: AbortSignal | undefined,
  ): Promise<Exit.Exit<A, AnyError>> {
    const fiber = Effect.runForkWith(context)(effect)
    return new Promise((resolve) => {
      this.#inFlight.add(fiber)
      if (signal !== undefined) this.#watch(signal, fiber)
      fiber.addObserver((exit) => {
        this.#inFlight.delete(fiber)
        if (signal !== undefined) this.#unwatch(signal, fiber)
        resolve(exit)
      })
    })
  }

  #watch(signal: AbortSignal, fiber: Fiber.Fiber<unknown, unknown>): void {
    let watch = this.#watched.get(signal)
    if (watch === undefined) {
      const fibers = new Set<Fiber.Fiber<unknown, unknown>>()
      const onAbort = () => {
        this.#watched.delete(signal)
        for (const watched of fibers) watched.interruptUnsafe()
      }
      watch = { fibers, onAbort }
      this.#watched.set(signal, watch)
      signal.addEventListener("abort", onAbort, { once: true })
    }
    watch.fibers.add(fiber)
  }

  #unwatch(signal: AbortSignal, fiber: Fiber.Fiber<unknown, unknown>): void {
    const watch = this.#watched.get(signal)
    if (watch === undefined) return
    watch.fibers.delete(fiber)
    if (watch.fibers.size > 0) return
    this.#watched.delete(signal)
    signal.removeEventListener("abort", watch.onAbort)
  }

  #clientListener(): EventListener | undefined {
    return this.#listeners.size === 0 ? undefined : this.#emit
  }

  #emit = (event: LifecycleEvent) => notifyListeners(this.#listeners, event)

  #withClientListeners(local: EventListener | undefined): EventListener | undefined {
    if (this.#listeners.size === 0) return local
    return (event) => {
      this.#emit(event)
      local?.(event)
    }
  }

  /** solve and getToken: one tracked call with the per-call timeout, policy and listener. */
  #solveWith<A>(
    options: PromiseSolveOptions,
    call: (kit: SolveKit["Service"], solveOptions: SolveOptions) => Effect.Effect<A, AnyError>,
  ): Promise<A> {
    const track = new CallTracker(this.#clientListener(), options.onEvent)
    return this.#run(
      SolveKit.use((kit) =>
        call(kit, { timeout: options.timeout, policy: options.policy, onEvent: track.onEvent }),
      ),
      options.signal,
      track,
    )
  }

  solve<R extends AnyTaskRequest>(
    task: R,
    options: PromiseSolveOptions = {},
  ): Promise<Solved<SolutionOf<R>>> {
    return this.#solveWith(options, (kit, solveOptions) => kit.solve(task, solveOptions))
  }

  createTask<R extends AnyTaskRequest>(
    task: R,
    options: SignalOptions = {},
  ): Promise<CreatedTask<SolutionOf<R>>> {
    return this.#run(
      SolveKit.use((kit) => kit.createTask(task)),
      options.signal,
      { taskId: undefined, createTaskSent: false },
    )
  }

  waitForResult<D extends AnyTaskDefinition | undefined = undefined>(
    task: TaskHandle,
    options: PromiseWaitOptions<D> = {},
  ): Promise<Solved<WaitSolution<D>>> {
    const track = new CallTracker(this.#clientListener(), options.onEvent)
    track.taskId = typeof task === "string" ? task : task.taskId
    track.createdAt = options.createdAt ?? (typeof task === "string" ? undefined : task.createdAt)
    track.queries = options.queriesUsed ?? (typeof task === "string" ? undefined : task.queries)
    return this.#run(
      SolveKit.use((kit) =>
        kit.waitForResult<D>(task, {
          ...(options.task === undefined ? {} : { task: options.task }),
          timeout: options.timeout,
          policy: options.policy,
          onEvent: track.onEvent,
          createdAt: options.createdAt,
          queriesUsed: options.queriesUsed,
        }),
      ),
      options.signal,
      track,
    )
  }

  /** Starts a batch in `scope` (see `Batch.ts`) and returns its reader. */
  #batch<R extends AnyTaskRequest>(
    scope: Scope.Scope,
    tasks: Iterable<R> | AsyncIterable<R>,
    options: PromiseSolveAllOptions,
  ) {
    const onEvent = this.#withClientListeners(options.onEvent)
    const solveOptions = { timeout: options.timeout, policy: options.policy, onEvent }
    return SolveKit.use((kit) =>
      Batch.start(scope, tasks, options.concurrency ?? DEFAULT_BATCH_CONCURRENCY, (task: R, index) =>
        Effect.map(Effect.result(kit.solve(task, solveOptions)), (result) => toSettled(index, task, result)),
      ),
    )
  }

  solveAll<R extends AnyTaskRequest>(
    tasks: Iterable<R> | AsyncIterable<R>,
    options: PromiseSolveAllOptions = {},
  ): Promise<Array<Settled<R>>> {
    return this.#run(
      Effect.scopedWith((scope) =>
        Effect.flatMap(this.#batch(scope, tasks, options), (read) => {
          const settled: Array<Settled<R>> = []
          let done = false
          return Effect.as(
            Effect.whileLoop({
              while: () => !done,
              body: () => read,
              step: (entries) => {
                if (entries === undefined) done = true
                else settled.push(...entries)
              },
            }),
            settled,
          )
        }),
      ).pipe(Effect.map((settled) => settled.sort((a, b) => a.index - b.index))),
      options.signal,
    )
  }

  async *solveEach<R extends AnyTaskRequest>(
    tasks: Iterable<R> | AsyncIterable<R>,
    options: PromiseSolveAllOptions = {},
  ): AsyncGenerator<Settled<R>, void, undefined> {
    // The batch outlives each read: its scope is closed when the iteration ends, however it ends.
    const scope = await this.#run(Scope.make(), options.signal)
    try {
      const read = await this.#run(this.#batch(scope, tasks, options), options.signal)
      for (;;) {
        const entries = await this.#run(read, options.signal)
        if (entries === undefined) return
        yield* entries
      }
    } finally {
      await this.#runtime.runPromise(Scope.close(scope, Exit.void)).catch(() => undefined)
    }
  }

  getToken<R extends AnyTaskRequest>(
    task: R,
    options: PromiseSolveOptions = {},
  ): Promise<Solved<SolutionOf<R>>> {
    return this.#solveWith(options, (kit, solveOptions) => kit.getToken(task, solveOptions))
  }

  getBalance(options: SignalOptions = {}): Promise<Balance> {
    return this.#run(
      SolveKit.use((kit) => kit.getBalance()),
      options.signal,
    )
  }

  feedback(taskId: string, options: FeedbackOptions & SignalOptions): Promise<FeedbackResult> {
    const { signal, ...rest } = options
    return this.#run(
      SolveKit.use((kit) => kit.feedback(taskId, rest)),
      signal,
      { taskId },
    )
  }

  onEvent(listener: EventListener): () => void {
    this.#listeners.add(listener)
    return () => {
      this.#listeners.delete(listener)
    }
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return
    this.#disposed = true
    // The runtime's own scope does not know these fibers (see #start): they end first, as it would do.
    const running = [...this.#inFlight]
    for (const fiber of running) fiber.interruptUnsafe()
    await Promise.all(running.map((fiber) => new Promise((resolve) => fiber.addObserver(resolve))))
    await this.#runtime.dispose()
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose()
  }
}

/** Builds the Promise client over a layer that provides `SolveKit` (adapters pass `SolveKit.layerKy(...)`). */
export const makePromiseClient = (layer: Layer.Layer<SolveKit, ConfigurationError>): SolveKitClient =>
  new PromiseClient(layer)

/**
 * A Promise client on ky from options (options first, then `fallback`, e.g. the environment). Adapters wrap
 * this with their runtime's fetch and environment.
 */
export const createClient = (
  options: ClientOptions & Omit<KyTransportOptions, "baseUrl"> & ResolveOptions = {},
): SolveKitClient => makePromiseClient(SolveKit.layerKy(options))
