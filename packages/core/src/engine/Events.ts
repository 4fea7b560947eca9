/**
 * Lifecycle events, for progress UIs and logs: a task was created, polled (with its status), solved or failed.
 * Delivered to `onEvent` callbacks (client-level and per call) and, for Effect users, as a `Stream` on the
 * client service. Events never carry the API key or the solution.
 *
 * @since 0.1.0
 */
import type { SolveCost } from "../domain/Outcome.ts"
import type { TaskStatus } from "../wire/Protocol.ts"

interface EventBase {
  readonly taskType: string
  /** Undefined only on a `Failed` event raised before the task was created. */
  readonly taskId: string | undefined
  /** getTaskResult queries made so far for this task (retries included). */
  readonly queries: number
  /** Milliseconds since the call (solve / waitForResult) started. */
  readonly elapsedMs: number
}

export interface Created extends EventBase {
  readonly _tag: "Created"
  /** Clock time (epoch ms) at which createTask was sent: the start of the provider's result window. */
  readonly createdAt: number
  /** True when createTask answered with the solution (recognition tasks): no polling follows. */
  readonly ready: boolean
}

export interface Polled extends EventBase {
  readonly _tag: "Polled"
  readonly status: TaskStatus
}

export interface Solved extends EventBase {
  readonly _tag: "Solved"
  /** What the solve cost, when the provider said so (2Captcha, Anti-Captcha): the amount and its currency. */
  readonly cost?: Pick<SolveCost, "amount" | "currency"> | undefined
}

export interface Failed extends EventBase {
  readonly _tag: "Failed"
  /** The failing error's `_tag`. */
  readonly error: string
  /** The provider error code when the failure is an `ApiError`. */
  readonly errorCode?: string | undefined
}

export type LifecycleEvent = Created | Polled | Solved | Failed

export type EventListener = (event: LifecycleEvent) => void

/** Delivers an event to one listener or several; a listener's bug must not break the solve it observes. */
export const notifyListeners = (
  listeners: EventListener | Iterable<EventListener> | undefined,
  event: LifecycleEvent,
): void => {
  if (listeners === undefined) return
  if (typeof listeners === "function") {
    try {
      listeners(event)
    } catch {
      // Swallowed on purpose: see above.
    }
    return
  }
  for (const listener of listeners) notifyListeners(listener, event)
}
