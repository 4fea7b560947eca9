/**
 * The client service: the Effect face of solvekit.
 *
 * ```ts
 * const program = Effect.gen(function* () {
 *   const solvekit = yield* SolveKit
 *   const { solution } = yield* solvekit.solve(ReCaptchaV2TaskProxyLess({ websiteURL, websiteKey }))
 *   return solution.gRecaptchaResponse
 * })
 * program.pipe(Effect.provide(SolveKit.layerKy({ apiKey })))
 * ```
 *
 * `SolveKit.layer` needs a `Transport` and a `ClientConfig`; `SolveKit.layerKy(options)` wires ky and the
 * options for you. The Promise face (`makePromiseClient`) is built on the same service.
 *
 * @since 0.1.0
 */
import type { NonEmptyReadonlyArray } from "effect/Array"
import * as Cause from "effect/Cause"
import * as Channel from "effect/Channel"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Result from "effect/Result"
import * as Scope from "effect/Scope"
import * as Semaphore from "effect/Semaphore"
import * as Stream from "effect/Stream"
import {
  ApiError,
  type ConfigurationError,
  type CreateTaskError,
  type FeedbackError,
  type RequestError,
  type SolveError,
  type WaitError,
} from "../domain/Errors.ts"
import * as Task from "../domain/Task.ts"
import * as Batch from "../engine/Batch.ts"
import {
  ClientConfig,
  type ClientConfigShape,
  type ClientOptions,
  fromOptions,
  type ResolveOptions,
} from "../engine/ClientConfig.ts"
import { type LifecycleEvent, notifyListeners } from "../engine/Events.ts"
import * as Lifecycle from "../engine/Lifecycle.ts"
import * as Mailbox from "../engine/Mailbox.ts"
import * as PolicySnapshot from "../engine/PolicySnapshot.ts"
import * as KyTransport from "../wire/KyTransport.ts"
import type { Balance, FeedbackResult } from "../wire/Protocol.ts"
import { Transport, type TransportShape } from "../wire/Transport.ts"

export type {
  CreatedTask,
  FeedbackOptions,
  FeedbackTarget,
  SolveCost,
  Solved,
  SolveOptions,
  WaitOptions,
} from "../engine/Lifecycle.ts"

/**
 * Anything `waitForResult` can resume from: a taskId, what `createTask` returned (keeps `createdAt`), or an
 * error raised after createTask (keeps `createdAt` and the `queries` spent), so the resumed wait continues the
 * same query budget and result window. A handle without `createdAt` assumes the task was created now.
 */
export type TaskHandle =
  | string
  | {
      readonly taskId?: string | undefined
      readonly createdAt?: number | undefined
      readonly queries?: number | undefined
      readonly taskType?: string
    }

/** Options of `waitForResult`: a task definition types and checks the solution. */
export interface WaitForResultOptions<D extends Task.AnyTaskDefinition | undefined = undefined>
  extends Lifecycle.WaitOptions {
  readonly task?: D
}

/** The solution type `waitForResult` returns for its options. */
export type WaitSolution<D> = D extends Task.AnyTaskDefinition ? Task.SolutionOf<D> : Record<string, unknown>

export interface SolveAllOptions extends Lifecycle.SolveOptions {
  /** Tasks solved at once (default 16). Requests are further capped by the client's maxConcurrentRequests. */
  readonly concurrency?: number | undefined
}

/** One settled task of a batch: its position in the input, the task, and its result. */
export interface SolveAllEntry<R extends Task.AnyTaskRequest> {
  readonly index: number
  readonly task: R
  readonly result: Result.Result<Lifecycle.Solved<Task.SolutionOf<R>>, SolveError>
}

export const DEFAULT_BATCH_CONCURRENCY = 16

/** Events kept for a slow `events` subscriber before the oldest are dropped. */
const EVENT_BUFFER_SIZE = 4096

/**
 * A stream over a reader started when the stream runs (its fibers and listeners live in the run's scope).
 * Built from a channel directly: `Stream.callback` and `Stream.mapEffect` bring Effect's Queue machinery.
 */
const fromReader = <A>(
  start: (scope: Scope.Scope) => Effect.Effect<Effect.Effect<NonEmptyReadonlyArray<A> | undefined>>,
): Stream.Stream<A> =>
  Stream.fromChannel(
    Channel.fromTransform((_, scope) =>
      Effect.map(start(scope), (read) =>
        Effect.flatMap(read, (chunk) => (chunk === undefined ? Cause.done() : Effect.succeed(chunk))),
      ),
    ),
  )

export interface SolveKitService {
  /** The client's resolved configuration (the key stays `Redacted`). */
  readonly config: ClientConfigShape
  /** createTask, then the answer (recognition) or polling, within the provider's limits. */
  readonly solve: <R extends Task.AnyTaskRequest>(
    task: R,
    options?: Lifecycle.SolveOptions,
  ) => Effect.Effect<Lifecycle.Solved<Task.SolutionOf<R>>, SolveError>
  /** createTask alone; collect later with `waitForResult(created)`. */
  readonly createTask: <R extends Task.AnyTaskRequest>(
    task: R,
  ) => Effect.Effect<Lifecycle.CreatedTask<Task.SolutionOf<R>>, CreateTaskError>
  /** Resumes a task created earlier, by this process or another. */
  readonly waitForResult: <D extends Task.AnyTaskDefinition | undefined = undefined>(
    task: TaskHandle,
    options?: WaitForResultOptions<D>,
  ) => Effect.Effect<Lifecycle.Solved<WaitSolution<D>>, WaitError>
  /**
   * Solves many tasks with bounded concurrency and backpressure (the input is pulled as slots free up).
   * Never fails: each entry carries its own result. Entries arrive in completion order with their index.
   */
  readonly solveAll: <R extends Task.AnyTaskRequest>(
    tasks: Iterable<R> | Stream.Stream<R>,
    options?: SolveAllOptions,
  ) => Stream.Stream<SolveAllEntry<R>>
  /** The one-shot getToken call (CapSolver: reCAPTCHA types). */
  readonly getToken: <R extends Task.AnyTaskRequest>(
    task: R,
    options?: Lifecycle.CallOptions,
  ) => Effect.Effect<Lifecycle.Solved<Task.SolutionOf<R>>, SolveError>
  readonly getBalance: () => Effect.Effect<Balance, RequestError>
  /**
   * Reports whether the target site accepted a solved task's answer, at the provider's endpoint for its family
   * (pass the `Solved` value, or `{ taskId, taskType }`; a bare taskId is enough at CapSolver and 2Captcha). A
   * report the provider does not take fails with `FeedbackRefusedError` before any request.
   */
  readonly feedback: (
    task: Lifecycle.FeedbackTarget,
    options: Lifecycle.FeedbackOptions,
  ) => Effect.Effect<FeedbackResult, FeedbackError>
  /** Every lifecycle event of this client, from the moment the stream is run. */
  readonly events: Stream.Stream<LifecycleEvent>
  /**
   * What the client's polling policy has learned per task type, as plain JSON to store (no task ids, keys or
   * URLs): `restorePolicy` in another process makes it poll warm from its first task. Empty when the policy does
   * not learn (a fixed cadence).
   */
  readonly policySnapshot: () => Effect.Effect<PolicySnapshot.PolicySnapshot>
  /**
   * Restores a `policySnapshot` (parsed JSON or a JSON string) into the client's policy. Anything that is not
   * a snapshot solvekit wrote fails with `ConfigurationError` and changes nothing.
   */
  readonly restorePolicy: (snapshot: unknown) => Effect.Effect<void, ConfigurationError>
}

/**
 * The lifecycle's view of a catalogue request. Never throws: a non-request (including a Proxy or an object
 * whose getters throw) is reported by validation as an `InvalidTaskError`.
 */
export const codecOf = <R extends Task.AnyTaskRequest>(
  request: R,
): Lifecycle.TaskCodec<Task.SolutionOf<R>> => {
  let taskType = Task.typeOfRequest(request, "unknown")
  let kind: Lifecycle.TaskCodec<unknown>["kind"] = "unknown"
  if (Task.isTaskRequest(request)) {
    try {
      const definition = request.definition
      taskType = String(definition.type)
      kind = definition.kind
    } catch {
      // A definition that cannot be read fails validation below; keep the names gathered so far.
    }
  }
  return new RequestCodec(request, taskType, kind) as Lifecycle.TaskCodec<Task.SolutionOf<R>>
}

/** Methods rather than two closures per call: thousands of solves may be waiting at once. */
class RequestCodec implements Lifecycle.TaskCodec<unknown> {
  readonly request: Task.AnyTaskRequest
  readonly taskType: string
  readonly kind: Lifecycle.TaskCodec<unknown>["kind"]
  constructor(request: Task.AnyTaskRequest, taskType: string, kind: Lifecycle.TaskCodec<unknown>["kind"]) {
    this.request = request
    this.taskType = taskType
    this.kind = kind
  }
  validate() {
    return Task.validate(this.request)
  }
  decodeSolution(raw: unknown) {
    return Task.decodeSolution(this.request, raw)
  }
}

/** The lifecycle's view of a definition, for resuming: only the solution decoder is used. */
const codecOfDefinition = <D extends Task.AnyTaskDefinition>(
  definition: D,
): Lifecycle.TaskCodec<Task.SolutionOf<D>> => {
  const request = { type: definition.type, input: undefined, definition } as Task.AnyTaskRequest
  return {
    taskType: definition.type,
    kind: definition.kind,
    validate: () => Task.validate(request),
    decodeSolution: (raw) =>
      Task.decodeSolution(request, raw) as Result.Result<Task.SolutionOf<D>, Task.SolutionIssue>,
  }
}

/** The Promise face's solve: the lifecycle's detached call, whose waiting task holds no fiber. Internal. */
export type DetachedSolve = <R extends Task.AnyTaskRequest>(
  task: R,
  endpoint: "createTask" | "getToken",
  options: Lifecycle.SolveOptions,
  callbacks: Lifecycle.DetachedCallbacks<Task.SolutionOf<R>>,
) => Effect.Effect<void>

/** Each client service's detached solve, kept out of the public service shape. */
const detachedSolves = new WeakMap<SolveKitService, DetachedSolve>()

/** The detached solve of a client built by `layerFrom`; undefined for a service made some other way. */
export const detachedSolveOf = (kit: SolveKitService): DetachedSolve | undefined => detachedSolves.get(kit)

/** A client's parts: its resolved configuration and the transport its requests go through. */
export interface ClientParts {
  readonly config: ClientConfigShape
  /** The transport, or how to build it from the configuration (a ky transport reads its base URL there). */
  readonly transport: TransportShape | ((config: ClientConfigShape) => TransportShape)
}

/** The client service over one configuration and one transport. */
const makeService = (
  config: ClientConfigShape,
  transport: TransportShape,
): Effect.Effect<SolveKitService, never, Scope.Scope> =>
  Effect.gen(function* () {
    const permits = yield* Semaphore.make(config.maxConcurrentRequests)
    // One scheduler per client, on the services the client is built with (its Clock drives the waits).
    const scheduler = new Lifecycle.PollScheduler(yield* Effect.context<never>())
    yield* Effect.addFinalizer(() => scheduler.close())
    // Plain listeners rather than a PubSub: the event stream is optional and PubSub weighs on browser bundles.
    const listeners = new Set<(event: LifecycleEvent) => void>()
    if (config.onEvent !== undefined) listeners.add(config.onEvent)
    const env: Lifecycle.LifecycleEnv = {
      config,
      transport,
      permits,
      publish: (event) => Effect.sync(() => notifyListeners(listeners, event)),
      scheduler,
    }
    // Sliding buffer: a slow consumer loses old events instead of slowing the solves down.
    const events = fromReader<LifecycleEvent>((scope) =>
      Effect.suspend(() => {
        const mailbox = Mailbox.make<LifecycleEvent>(EVENT_BUFFER_SIZE)
        listeners.add(mailbox.offer)
        return Effect.as(
          Scope.addFinalizer(
            scope,
            Effect.sync(() => listeners.delete(mailbox.offer)),
          ),
          mailbox.take,
        )
      }),
    )
    const solve = <R extends Task.AnyTaskRequest>(task: R, options?: Lifecycle.SolveOptions) =>
      Lifecycle.solve(env, codecOf(task), options)
    const waitForResult = <D extends Task.AnyTaskDefinition | undefined = undefined>(
      handle: TaskHandle,
      options: WaitForResultOptions<D> = {},
    ): Effect.Effect<Lifecycle.Solved<WaitSolution<D>>, WaitError> => {
      const taskId = typeof handle === "string" ? handle : handle.taskId
      if (taskId === undefined) {
        // An error raised before createTask answered names no task: there is nothing to collect.
        return Effect.fail(
          new ApiError({
            reason: "TaskNotFound",
            errorCode: "",
            errorDescription: "the handle names no taskId (the task was never created, or its id is unknown)",
            httpStatus: 0,
            endpoint: "getTaskResult",
          }),
        )
      }
      const createdAt = options.createdAt ?? (typeof handle === "string" ? undefined : handle.createdAt)
      const queriesUsed = options.queriesUsed ?? (typeof handle === "string" ? undefined : handle.queries)
      const fallbackType = typeof handle === "string" ? "unknown" : (handle.taskType ?? "unknown")
      const codec = (
        options.task === undefined ? Lifecycle.rawCodec(fallbackType) : codecOfDefinition(options.task)
      ) as Lifecycle.TaskCodec<WaitSolution<D>>
      return Lifecycle.waitForResult(env, taskId, codec, { ...options, createdAt, queriesUsed })
    }
    const solveAll = <R extends Task.AnyTaskRequest>(
      tasks: Iterable<R> | Stream.Stream<R>,
      options: SolveAllOptions = {},
    ): Stream.Stream<SolveAllEntry<R>> =>
      fromReader((scope) =>
        Batch.start(scope, tasks, options.concurrency ?? DEFAULT_BATCH_CONCURRENCY, (task, index) =>
          Effect.map(
            Effect.result(solve(task, options)),
            (result): SolveAllEntry<R> => ({ index, task, result }),
          ),
        ),
      )
    const service: SolveKitService = {
      config,
      solve,
      createTask: (task) => Lifecycle.createOnly(env, codecOf(task)),
      waitForResult,
      solveAll,
      getToken: (task, options) => Lifecycle.getToken(env, codecOf(task), options),
      getBalance: () => Lifecycle.getBalance(env),
      feedback: (task, options) => Lifecycle.feedback(env, task, options),
      events,
      policySnapshot: () => Effect.sync(() => PolicySnapshot.of(config.policy)),
      restorePolicy: (snapshot) =>
        Effect.suspend(() => Effect.fromResult(PolicySnapshot.restoreInto(config.policy, snapshot))),
    }
    detachedSolves.set(service, (task, endpoint, options, callbacks) =>
      Lifecycle.startDetached(env, codecOf(task), options, endpoint, callbacks),
    )
    return service
  })

/**
 * The `SolveKit` service key alone, without the layers the public class carries: the same key, so a service
 * provided under one is found under the other. The Promise face and the adapters build clients through it and
 * `layerFrom`, so a bundler drops `SolveKit.layer` and `SolveKit.layerKy` from a page that does not call them
 * (static members keep a whole class, and `layerKy` brings the environment-reading options resolution).
 *
 * @internal
 */
export class SolveKitKey extends Context.Service<SolveKit, SolveKitService>()("@solvekit/core/SolveKit") {}

/** `SolveKit.layerFrom` as a plain function, for the Promise face and the adapters (see `SolveKitKey`). @internal */
export const layerFrom = <E, R>(
  parts: Effect.Effect<ClientParts, E, R>,
): Layer.Layer<SolveKit, E, Exclude<R, Scope.Scope>> =>
  Layer.effect(
    SolveKitKey,
    Effect.flatMap(parts, ({ config, transport }) =>
      makeService(config, typeof transport === "function" ? transport(config) : transport),
    ),
  )

// `SolveKit.layer`, built outside the class and pure: a static initialiser that calls anything keeps the whole
// class (and `layerKy`'s options resolution) in every bundle.
const layerFromContext: Layer.Layer<SolveKit, never, Transport | ClientConfig> = /*#__PURE__*/ Layer.fresh(
  /*#__PURE__*/ Layer.effect(
    SolveKitKey,
    /*#__PURE__*/ Effect.gen(function* () {
      return yield* makeService(yield* ClientConfig, yield* Transport)
    }),
  ),
)

export class SolveKit extends SolveKitKey {
  /**
   * The one wiring of a client: its service over the configuration and transport that `parts` builds. Every
   * adapter's `layer` and `createClient` go through it. Each layer it returns builds its own client: nothing
   * inside it is a shared constant that Effect could memoise across `provide` calls, so two clients in one
   * program (one key per tenant) never share a key, a base URL or a fetch. `parts` may add finalizers (a
   * connection pool): they run when the layer is released.
   */
  static readonly layerFrom: <E, R>(
    parts: Effect.Effect<ClientParts, E, R>,
  ) => Layer.Layer<SolveKit, E, Exclude<R, Scope.Scope>> = layerFrom

  /**
   * The client service over a `Transport` and a `ClientConfig` from the context. Fresh: Effect memoises a
   * layer value across `provide` calls, and this one is a constant, so without it a second client composed
   * from it (with its own config layer) would reuse the first one's service, key and all. Prefer
   * `layerFrom` or an adapter's `layer`.
   */
  static readonly layer: Layer.Layer<SolveKit, never, Transport | ClientConfig> = layerFromContext

  /**
   * The whole client on ky: options first, then `resolve.fallback` (adapters pass their environment), then
   * the provider's defaults. Fails with `ConfigurationError` when no API key can be found.
   */
  static readonly layerKy = (
    options: ClientOptions & Omit<KyTransport.KyTransportOptions, "baseUrl"> & ResolveOptions,
  ): Layer.Layer<SolveKit, ConfigurationError> =>
    layerFrom(
      Effect.map(
        fromOptions(options, { fallback: options.fallback, missingKeyHint: options.missingKeyHint }),
        (config): ClientParts => ({ config, transport: kyTransport(options) }),
      ),
    )
}

/** A ky transport for a client's configuration (its base URL), with these fetch, size cap and headers. */
export const kyTransport =
  (options: Omit<KyTransport.KyTransportOptions, "baseUrl">) =>
  (config: ClientConfigShape): TransportShape =>
    KyTransport.make({
      baseUrl: config.baseUrl,
      fetch: options.fetch,
      maxBodyBytes: options.maxBodyBytes,
      headers: options.headers,
    })
