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
 *   `TaskTimeoutError` of the `timeout` option. A batch's `AbortedError` also carries `settled`: the entries
 *   of the tasks it had started, the cut-off ones with their own taskIds, so no paid task is lost.
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
import {
  AbortedError,
  ConfigurationError,
  type CreateTaskError,
  type FeedbackError,
  isAbortedError,
  type RequestError,
  type SolveError,
  type WaitError,
} from "../domain/Errors.ts"
import type * as Outcome from "../domain/Outcome.ts"
import type { AnyTaskDefinition, AnyTaskRequest, SolutionOf } from "../domain/Task.ts"
import * as Batch from "../engine/Batch.ts"
import type { ClientOptions, ResolveOptions } from "../engine/ClientConfig.ts"
import { type EventListener, type LifecycleEvent, notifyListeners } from "../engine/Events.ts"
import {
  type CreatedTask,
  CreateProbe,
  type DetachedCall,
  type DetachedCallbacks,
  type FeedbackOptions,
  type FeedbackTarget,
  type Solved,
  type SolveOptions,
} from "../engine/Lifecycle.ts"
import type { PollPolicy } from "../engine/Policy.ts"
import type { PolicySnapshot } from "../engine/PolicySnapshot.ts"
import type { KyTransportOptions } from "../wire/KyTransport.ts"
import type { Balance, FeedbackResult } from "../wire/Protocol.ts"
import {
  DEFAULT_BATCH_CONCURRENCY,
  detachedSolveOf,
  SolveKit,
  SolveKitKey,
  type TaskHandle,
  type WaitSolution,
} from "./SolveKit.ts"

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

/**
 * One settled task of a batch, shaped like `Promise.allSettled` entries plus its index (position in the
 * input) and task. `E` is `SolveError`, or also `AbortedError` in an aborted batch's `AbortedError.settled`.
 */
export type Settled<R extends AnyTaskRequest, E = SolveError> = Outcome.Settled<R, E>

/** The Promise client every adapter returns. */
export interface SolveKitClient extends AsyncDisposable {
  solve<R extends AnyTaskRequest>(task: R, options?: PromiseSolveOptions): Promise<Solved<SolutionOf<R>>>
  createTask<R extends AnyTaskRequest>(task: R, options?: SignalOptions): Promise<CreatedTask<SolutionOf<R>>>
  waitForResult<D extends AnyTaskDefinition | undefined = undefined>(
    task: TaskHandle,
    options?: PromiseWaitOptions<D>,
  ): Promise<Solved<WaitSolution<D>>>
  /**
   * Solves a batch with bounded concurrency, pulling the input as slots free up; resolves once every task
   * has settled, in input order (never rejects for one task).
   *
   * Aborting `signal` (or `dispose`) stops the batch at once (no request is sent after it) and rejects with
   * an `AbortedError` whose `settled` holds one entry per input pulled so far, in input order: the settled
   * ones as they were, and each one cut off as `rejected` with its own `AbortedError`, carrying its
   * `taskId`, `createdAt` and `queries` once created (resume it with `waitForResult(entry.reason)`) or
   * `createTaskOutcome: "unknown"` when its createTask was in flight. Inputs never pulled get no entry.
   *
   * ```ts
   * try {
   *   return await client.solveAll(tasks, { signal })
   * } catch (error) {
   *   if (!isAbortedError(error) || error.settled === undefined) throw error
   *   for (const entry of error.settled) {
   *     if (entry.status === "rejected" && isAbortedError(entry.reason) && entry.reason.taskId !== undefined) {
   *       save(entry.reason) // later: await client.waitForResult(saved)
   *     }
   *   }
   * }
   * ```
   */
  solveAll<R extends AnyTaskRequest>(
    tasks: Iterable<R> | AsyncIterable<R>,
    options?: PromiseSolveAllOptions,
  ): Promise<Array<Settled<R>>>
  /**
   * Like `solveAll`, yielding each entry as it settles (completion order), pulling input as slots free up.
   *
   * Aborting `signal` stops the batch at once, even while the loop body is busy with an entry, and the
   * iteration then throws an `AbortedError` whose `settled` holds, in input order, every started entry not
   * yielded yet: those settled meanwhile, and those cut off with their own `AbortedError` (taskId or
   * `createTaskOutcome`, as for `solveAll`). Disposing the client mid-iteration ends it the same way.
   */
  solveEach<R extends AnyTaskRequest>(
    tasks: Iterable<R> | AsyncIterable<R>,
    options?: PromiseSolveAllOptions,
  ): AsyncIterable<Settled<R>>
  getToken<R extends AnyTaskRequest>(task: R, options?: PromiseSolveOptions): Promise<Solved<SolutionOf<R>>>
  getBalance(options?: SignalOptions): Promise<Balance>
  /**
   * Reports whether the target site accepted a solved task's answer: pass what `solve` returned (its `taskType`
   * picks the provider's report endpoint, its `solvedAt` checks the report window), `{ taskId, taskType }`, or
   * a bare taskId (enough at CapSolver and 2Captcha). A report the provider does not take (a correct answer at
   * CapMonster Cloud, a family with no report endpoint, Anti-Captcha 60 s after completion) rejects with
   * `FeedbackRefusedError` before any request.
   */
  feedback(task: FeedbackTarget, options: FeedbackOptions & SignalOptions): Promise<FeedbackResult>
  /**
   * What the client's polling policy has learned per task type, as plain JSON (no task ids, keys or URLs): save
   * it (`JSON.stringify`) and hand it to `restorePolicy` in the next process or worker, which then polls warm
   * from its first task. `{ version: 1, types: {} }` when the policy does not learn.
   */
  policySnapshot(): Promise<PolicySnapshot>
  /**
   * Restores what `policySnapshot` returned (parsed JSON or the JSON string). Rejects with `ConfigurationError`,
   * changing nothing, when the input is not a snapshot solvekit wrote.
   */
  restorePolicy(snapshot: unknown): Promise<void>
  /** Subscribes to every lifecycle event of this client; returns the unsubscribe function. */
  onEvent(listener: EventListener): () => void
  dispose(): Promise<void>
}

type AnyError = SolveError | CreateTaskError | WaitError | RequestError | FeedbackError | ConfigurationError

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
  readonly client: EventListener | undefined
  readonly local: EventListener | undefined
  /** Bound once: a bound method holds no scope of its own, where a closure over the listeners would. */
  readonly onEvent: EventListener = this.follow.bind(this)

  constructor(client: EventListener | undefined, local: EventListener | undefined) {
    this.client = client
    this.local = local
  }

  follow(event: LifecycleEvent): void {
    if (event.taskId !== undefined) this.taskId = event.taskId
    if (event._tag === "Created") this.createdAt = event.createdAt
    this.queries = event.queries
    this.client?.(event)
    this.local?.(event)
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

/**
 * The `AbortedError` of a call that an abort (or `dispose`) cut off: what it knew of its task, so the task
 * can be resumed (`taskId`, `createdAt`, `queries`) or checked for (`createTaskOutcome: "unknown"`).
 */
const abortedErrorOf = (call: CallState, signal: AbortSignal | undefined): AbortedError =>
  new AbortedError({
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

/** A call's exit as its Promise outcome: the value, the typed error, `AbortedError`, or the defect. */
const settle = <A>(exit: Exit.Exit<A, AnyError>, signal: AbortSignal | undefined, call: CallState): A => {
  if (Exit.isSuccess(exit)) return exit.value
  const failure = Cause.findError(exit.cause)
  if (Result.isSuccess(failure)) throw failure.success
  if (Cause.hasInterruptsOnly(exit.cause)) throw abortedErrorOf(call, signal)
  throw Cause.squash(exit.cause)
}

/**
 * What a Promise batch owes its caller if it is cut off: the tasks running now (with what each call knows
 * of its task) and the entries settled but not handed over yet. Each task's own call tracker sees its
 * createTask and polling through the lifecycle's `CreateProbe`, exactly as a single `solve` does.
 */
class BatchLedger<R extends AnyTaskRequest> {
  readonly running = new Map<number, { readonly task: R; readonly call: CallTracker }>()
  /** Settled and not handed over yet, by index (completion order). */
  readonly unreported = new Map<number, Settled<R>>()

  record(index: number, entry: Settled<R>): void {
    this.running.delete(index)
    this.unreported.set(index, entry)
  }

  /** Whether the batch has an entry not handed over yet (a task running, or settled and unreported). */
  started(): boolean {
    return this.running.size > 0 || this.unreported.size > 0
  }

  /** Every entry not handed over yet, in input order. */
  inOrder(): Array<Settled<R>> {
    return [...this.unreported.values()].sort((a, b) => a.index - b.index)
  }

  /** The batch's `AbortedError`: the unreported entries and, for each running task, its own `AbortedError`. */
  aborted(signal: AbortSignal | undefined): AbortedError {
    const entries: Array<Settled<R, SolveError | AbortedError>> = [...this.unreported.values()]
    for (const [index, { task, call }] of this.running) {
      entries.push({ status: "rejected", index, task, reason: abortedErrorOf(call, signal) })
    }
    return new AbortedError({
      reason: signal?.aborted ? signal.reason : undefined,
      settled: entries.sort((a, b) => a.index - b.index),
    })
  }
}

/** What the client tracks while a call runs: a fiber, or a detached solve. */
interface Running {
  readonly interruptUnsafe: () => void
  readonly addObserver: (observer: (exit: Exit.Exit<unknown, unknown>) => void) => unknown
}

/**
 * A solve whose task waits with no fiber behind it (`Lifecycle.startDetached`): the create phase's fiber
 * first, then the task's record in the client's scheduler. To the client it is one running call: an abort or
 * `dispose` interrupts it (cancelling the record at once, its request aborted), and its observers get its
 * exit. One object with methods, no closures: thousands may wait at once.
 */
class DetachedRun<A> implements Running, DetachedCallbacks<unknown> {
  readonly #calls: CallRegistry
  readonly #signal: AbortSignal | undefined
  readonly #call: CallState
  readonly #resolve: (value: A) => void
  readonly #reject: (reason: unknown) => void
  #fiber: Fiber.Fiber<void> | undefined = undefined
  #waiting: DetachedCall | undefined = undefined
  #exit: Exit.Exit<A, AnyError> | undefined = undefined
  #interruptPending = false
  /** `dispose`'s observers (rare): created when the first one comes. */
  #observers: Array<(exit: Exit.Exit<A, AnyError>) => void> | undefined = undefined

  constructor(
    calls: CallRegistry,
    signal: AbortSignal | undefined,
    call: CallState,
    resolve: (value: A) => void,
    reject: (reason: unknown) => void,
  ) {
    this.#calls = calls
    this.#signal = signal
    this.#call = call
    this.#resolve = resolve
    this.#reject = reject
    calls.add(this, signal)
  }

  /** Follows the create phase: a failure or interruption there is the call's end. */
  attach(fiber: Fiber.Fiber<void>): void {
    this.#fiber = fiber
    fiber.addObserver((exit) => {
      this.#fiber = undefined
      if (Exit.isFailure(exit)) this.#end(Exit.failCause(exit.cause))
    })
    // Aborted while the create phase's first steps ran synchronously, before this fiber was known.
    if (this.#interruptPending) fiber.interruptUnsafe()
  }

  onExit(exit: Exit.Exit<unknown, { readonly _tag: string }>): void {
    this.#end(exit as Exit.Exit<A, AnyError>)
  }

  onWaiting(call: DetachedCall): void {
    if (this.#exit === undefined) this.#waiting = call
  }

  interruptUnsafe(): void {
    if (this.#exit !== undefined) return
    const waiting = this.#waiting
    if (waiting !== undefined) {
      waiting.cancel()
      this.#end(Exit.interrupt())
    }
    if (this.#fiber === undefined) this.#interruptPending = true
    else this.#fiber.interruptUnsafe()
  }

  addObserver(observer: (exit: Exit.Exit<A, AnyError>) => void): void {
    if (this.#exit !== undefined) {
      observer(this.#exit)
      return
    }
    this.#observers ??= []
    this.#observers.push(observer)
  }

  /** The call's end: out of the registry, its Promise settled (as `settle` says), then the observers. */
  #end(exit: Exit.Exit<A, AnyError>): void {
    if (this.#exit !== undefined) return
    this.#exit = exit
    this.#waiting = undefined
    this.#calls.remove(this, this.#signal)
    settleInto(exit, this.#signal, this.#call, this.#resolve, this.#reject)
    const observers = this.#observers
    this.#observers = undefined
    if (observers !== undefined) for (const observer of observers) observer(exit)
  }
}

/** Settles a call's Promise with its exit (see `settle`). */
const settleInto = <A>(
  exit: Exit.Exit<A, AnyError>,
  signal: AbortSignal | undefined,
  call: CallState,
  resolve: (value: A) => void,
  reject: (reason: unknown) => void,
): void => {
  let value: A
  try {
    value = settle(exit, signal, call)
  } catch (error) {
    reject(error)
    return
  }
  resolve(value)
}

/** Starts a call in its context; it settles the call's Promise through `resolve` and `reject`. */
type StartCall<A> = (
  context: Context.Context<SolveKit>,
  resolve: (value: A) => void,
  reject: (reason: unknown) => void,
) => void

/**
 * The calls a client is running: `dispose` interrupts them all, and an abort of a signal interrupts the calls
 * given it, with one abort listener per signal however many calls share it.
 */
class CallRegistry {
  readonly inFlight = new Set<Running>()
  readonly #watched = new Map<AbortSignal, { readonly calls: Set<Running>; readonly onAbort: () => void }>()

  add(call: Running, signal: AbortSignal | undefined): void {
    this.inFlight.add(call)
    if (signal === undefined) return
    let watch = this.#watched.get(signal)
    if (watch === undefined) {
      const calls = new Set<Running>()
      const onAbort = () => {
        this.#watched.delete(signal)
        for (const watched of calls) watched.interruptUnsafe()
      }
      watch = { calls, onAbort }
      this.#watched.set(signal, watch)
      signal.addEventListener("abort", onAbort, { once: true })
    }
    watch.calls.add(call)
  }

  remove(call: Running, signal: AbortSignal | undefined): void {
    this.inFlight.delete(call)
    if (signal === undefined) return
    const watch = this.#watched.get(signal)
    if (watch === undefined) return
    watch.calls.delete(call)
    if (watch.calls.size > 0) return
    this.#watched.delete(signal)
    signal.removeEventListener("abort", watch.onAbort)
  }
}

export class PromiseClient implements SolveKitClient {
  readonly #runtime: ManagedRuntime.ManagedRuntime<SolveKit, ConfigurationError>
  /** The built client, once the runtime has built it. */
  #context: Context.Context<SolveKit> | undefined
  /** Calls running now (interrupted by `dispose`, and by an abort of their signal). */
  readonly #calls = new CallRegistry()
  readonly #listeners = new Set<EventListener>()
  #disposed = false

  constructor(layer: Layer.Layer<SolveKit, ConfigurationError>) {
    this.#runtime = ManagedRuntime.make(layer)
  }

  #run<A>(
    effect: Effect.Effect<A, AnyError, SolveKit>,
    signal: AbortSignal | undefined,
    call: CallState = NO_TASK,
  ): Promise<A> {
    return this.#enter<A>(signal, call, (context, resolve, reject) => {
      this.#start(context, effect, signal).then((exit) => settleInto(exit, signal, call, resolve, reject))
    })
  }

  /**
   * Starts a call once the client is built: `start` runs it in the call's context (with the `CreateProbe`
   * of a call that creates a task) and settles the call's Promise with its outcome.
   */
  // Not an async function: its suspended frame would be held for the whole call.
  #enter<A>(signal: AbortSignal | undefined, call: CallState, start: StartCall<A>): Promise<A> {
    if (this.#disposed) {
      return Promise.reject(new ConfigurationError({ detail: "This solvekit client was disposed." }))
    }
    if (signal?.aborted) return Promise.reject(abortedErrorOf(call, signal))
    const context = this.#context
    if (context === undefined) return this.#enterOnceBuilt(signal, call, start)
    // Calls that create a task let the lifecycle mark their createTask in flight on `call`. Put in the
    // fiber's starting context: `provideService` would add a context change and its restore hook per call.
    const callContext =
      call.createTaskSent === undefined ? context : Context.add(context, CreateProbe, call as CreateProbe)
    return new Promise<A>((resolve, reject) => start(callContext, resolve, reject))
  }

  /** The first calls wait for the runtime to build the client (once); then they run like any other. */
  #enterOnceBuilt<A>(signal: AbortSignal | undefined, call: CallState, start: StartCall<A>): Promise<A> {
    return this.#runtime.context().then((built) => {
      this.#context ??= built
      return this.#enter(signal, call, start)
    })
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
      this.#track(fiber, signal)
      fiber.addObserver(resolve)
    })
  }

  /** Until `fiber` ends, `dispose` and an abort of `signal` interrupt it. */
  #track(fiber: Running, signal: AbortSignal | undefined): void {
    this.#calls.add(fiber, signal)
    fiber.addObserver(() => this.#calls.remove(fiber, signal))
  }

  #clientListener(): EventListener | undefined {
    return this.#listeners.size === 0 ? undefined : this.#emit
  }

  #emit = (event: LifecycleEvent) => notifyListeners(this.#listeners, event)

  /**
   * solve and getToken: one tracked call with the per-call timeout, policy and listener. Its task waits with no
   * fiber behind it (a detached solve) when the client was built by `SolveKit.layerFrom`.
   */
  #solveWith<R extends AnyTaskRequest>(
    task: R,
    endpoint: "createTask" | "getToken",
    options: PromiseSolveOptions,
  ): Promise<Solved<SolutionOf<R>>> {
    const track = new CallTracker(this.#clientListener(), options.onEvent)
    const solveOptions: SolveOptions = {
      timeout: options.timeout,
      policy: options.policy,
      onEvent: track.onEvent,
    }
    const { signal } = options
    return this.#enter<Solved<SolutionOf<R>>>(signal, track, (context, resolve, reject) => {
      const detached = detachedSolveOf(Context.get(context, SolveKitKey))
      if (detached === undefined) {
        this.#start(
          context,
          SolveKitKey.use((kit) =>
            endpoint === "getToken" ? kit.getToken(task, solveOptions) : kit.solve(task, solveOptions),
          ),
          signal,
        ).then((exit) => settleInto(exit, signal, track, resolve, reject))
        return
      }
      // The run settles the Promise itself: no `then` step, and nothing of this scope is held while it waits.
      const run = new DetachedRun<Solved<SolutionOf<R>>>(this.#calls, signal, track, resolve, reject)
      run.attach(Effect.runForkWith(context)(detached(task, endpoint, solveOptions, run)))
    })
  }

  solve<R extends AnyTaskRequest>(
    task: R,
    options: PromiseSolveOptions = {},
  ): Promise<Solved<SolutionOf<R>>> {
    return this.#solveWith(task, "createTask", options)
  }

  createTask<R extends AnyTaskRequest>(
    task: R,
    options: SignalOptions = {},
  ): Promise<CreatedTask<SolutionOf<R>>> {
    return this.#run(
      SolveKitKey.use((kit) => kit.createTask(task)),
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
      SolveKitKey.use((kit) =>
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

  /**
   * Starts a batch in `scope` (see `Batch.ts`) and returns its reader. Each task runs tracked like a single
   * call: `ledger` follows it, and an abort of the signal interrupts it at once, even while nobody reads.
   */
  #batch<R extends AnyTaskRequest>(
    scope: Scope.Scope,
    tasks: Iterable<R> | AsyncIterable<R>,
    options: PromiseSolveAllOptions,
    ledger: BatchLedger<R>,
  ) {
    const client = this.#clientListener()
    const { timeout, policy, signal } = options
    return SolveKitKey.use((kit) =>
      Batch.start(scope, tasks, options.concurrency ?? DEFAULT_BATCH_CONCURRENCY, (task: R, index) => {
        // Recorded as the task is pulled, before its fiber starts: an abort reports every pulled task.
        const call = new CallTracker(client, options.onEvent)
        ledger.running.set(index, { task, call })
        return Effect.withFiber((fiber) => {
          this.#track(fiber, signal)
          const solve = kit.solve(task, { timeout, policy, onEvent: call.onEvent })
          return Effect.map(
            Effect.result(Effect.provideService(solve, CreateProbe, call as CreateProbe)),
            (result) => {
              const entry = toSettled(index, task, result)
              ledger.record(index, entry)
              return entry
            },
          )
        })
      }),
    )
  }

  /** Runs a step of a batch; an abort rejects with the batch's `AbortedError` (see `BatchLedger`). */
  #runBatch<A>(
    effect: Effect.Effect<A, AnyError, SolveKit>,
    signal: AbortSignal | undefined,
    ledger: {
      readonly aborted: (signal: AbortSignal | undefined) => AbortedError
      readonly started: () => boolean
    },
  ): Promise<A> {
    return this.#run(effect, signal).catch((error: unknown) => {
      // `dispose` between two reads of a `solveEach` loop: the next read meets a disposed client, but the
      // batch's tasks were cut off like an abort's, and the caller needs them (created ones are paid for).
      const cutOff = isAbortedError(error) || (this.#disposed && ledger.started())
      throw cutOff ? ledger.aborted(signal) : error
    })
  }

  solveAll<R extends AnyTaskRequest>(
    tasks: Iterable<R> | AsyncIterable<R>,
    options: PromiseSolveAllOptions = {},
  ): Promise<Array<Settled<R>>> {
    const ledger = new BatchLedger<R>()
    return this.#runBatch(
      Effect.scopedWith((scope) =>
        Effect.flatMap(this.#batch(scope, tasks, options, ledger), (read) => {
          // The ledger collects the entries as they settle: the reader only drives the batch.
          let done = false
          return Effect.whileLoop({
            while: () => !done,
            body: () => read,
            step: (entries) => {
              if (entries === undefined) done = true
            },
          })
        }),
      ),
      options.signal,
      ledger,
    ).then(() => ledger.inOrder())
  }

  async *solveEach<R extends AnyTaskRequest>(
    tasks: Iterable<R> | AsyncIterable<R>,
    options: PromiseSolveAllOptions = {},
  ): AsyncGenerator<Settled<R>, void, undefined> {
    const { signal } = options
    const ledger = new BatchLedger<R>()
    // The batch outlives each read: its scope is closed when the iteration ends, however it ends.
    const scope = await this.#runBatch(Scope.make(), signal, ledger)
    try {
      const read = await this.#runBatch(this.#batch(scope, tasks, options, ledger), signal, ledger)
      for (;;) {
        const entries = await this.#runBatch(read, signal, ledger)
        if (entries === undefined) return
        for (const entry of entries) {
          ledger.unreported.delete(entry.index)
          yield entry
        }
      }
    } finally {
      await this.#runtime.runPromise(Scope.close(scope, Exit.void)).catch(() => undefined)
    }
  }

  getToken<R extends AnyTaskRequest>(
    task: R,
    options: PromiseSolveOptions = {},
  ): Promise<Solved<SolutionOf<R>>> {
    return this.#solveWith(task, "getToken", options)
  }

  getBalance(options: SignalOptions = {}): Promise<Balance> {
    return this.#run(
      SolveKitKey.use((kit) => kit.getBalance()),
      options.signal,
    )
  }

  policySnapshot(): Promise<PolicySnapshot> {
    return this.#run(
      SolveKitKey.use((kit) => kit.policySnapshot()),
      undefined,
    )
  }

  restorePolicy(snapshot: unknown): Promise<void> {
    return this.#run(
      SolveKitKey.use((kit) => kit.restorePolicy(snapshot)),
      undefined,
    )
  }

  feedback(task: FeedbackTarget, options: FeedbackOptions & SignalOptions): Promise<FeedbackResult> {
    const { signal, ...rest } = options
    const taskId = typeof task === "object" && task !== null ? task.taskId : task
    return this.#run(
      SolveKitKey.use((kit) => kit.feedback(task, rest)),
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
    const running = [...this.#calls.inFlight]
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
