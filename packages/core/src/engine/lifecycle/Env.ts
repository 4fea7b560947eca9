/**
 * What every lifecycle job shares: the client's services (`LifecycleEnv`), the per-call options, and the
 * progress a running call keeps for its wrappers (timeout, events, the Promise face's `AbortedError`).
 *
 * Internal to the lifecycle; `../Lifecycle.ts` re-exports the public names.
 */
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Semaphore from "effect/Semaphore"
import type * as Tracer from "effect/Tracer"
import type { TaskProgress } from "../../domain/Errors.ts"
import type { Transport } from "../../wire/Transport.ts"
import type { ClientConfigShape } from "../ClientConfig.ts"
import type { EventListener, LifecycleEvent } from "../Events.ts"
import type * as Policy from "../Policy.ts"
import type { PollScheduler } from "./PollScheduler.ts"

/** Per-call options shared by every lifecycle call. */
export interface CallOptions {
  /** Overall timeout of the call (default: the client's `timeout`, if any). */
  readonly timeout?: Duration.Input | undefined
  /** Polling cadence for this call (default: the client's policy). */
  readonly policy?: Policy.PollPolicy | undefined
  /** Lifecycle events of this call (in addition to the client-level listener). */
  readonly onEvent?: EventListener | undefined
}

export type SolveOptions = CallOptions

export interface WaitOptions extends CallOptions {
  /** When the task was created (epoch ms, from `CreatedTask.createdAt`). Default: now, which is optimistic. */
  readonly createdAt?: number | undefined
  /** Queries already spent on this task by an earlier waiter. Default 0. */
  readonly queriesUsed?: number | undefined
}

/** The client-wide services the lifecycle runs on. */
export interface LifecycleEnv {
  readonly config: ClientConfigShape
  readonly transport: Transport["Service"]
  /** Client-level cap on requests in flight. */
  readonly permits: Semaphore.Semaphore
  /** Delivers an event to the client-level listener and stream. */
  readonly publish: (event: LifecycleEvent) => Effect.Effect<void>
  /** Holds the client's tasks waiting between two queries, and runs each query when it is due. */
  readonly scheduler: PollScheduler
}

/** Progress shared with the caller's wrappers (timeout, events) while the call runs. */
export interface Progress {
  taskId: string | undefined
  queries: number
  /** Clock time (epoch ms) at which the task's createTask was sent, once known. */
  createdAt: number | undefined
  /** A createTask (or getToken) request may have reached the provider: a task may exist without a taskId. */
  createTaskSent: boolean
  /**
   * The call's span, parent of its request spans. Passed here rather than provided as the context's parent
   * span: every waiting call would hold its own copy of the changed context.
   */
  readonly span?: Tracer.AnySpan | undefined
}

/** Where a caller outside the lifecycle (the Promise face) watches a call's createTask. */
export interface CreateProbe {
  createTaskSent: boolean
  /** The polling call's live progress, so an abort mid-request still reports every query it spent. */
  progress?: TaskProgress | undefined
}

/**
 * Lets the Promise face learn that an aborted call had a createTask in flight, so its `AbortedError` can say
 * the task may exist (`createTaskOutcome: "unknown"`). An interruption carries no data of its own. Internal.
 */
export const CreateProbe = /*#__PURE__*/ Context.Reference<CreateProbe | undefined>(
  "@solvekit/core/Lifecycle/CreateProbe",
  { defaultValue: () => undefined },
)
