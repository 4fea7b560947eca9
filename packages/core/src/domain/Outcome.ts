/**
 * What a call leaves behind, as plain data: a solved task, a created one, one settled entry of a batch.
 * Domain types, so errors (an aborted batch's `settled`) and both faces can name them.
 *
 * @since 0.1.0
 */
import type { AnyTaskRequest, SolutionOf } from "./Task.ts"

/** A solved task. */
export interface Solved<S> {
  readonly taskId: string
  readonly solution: S
  /** getTaskResult queries this task used (retries included; 0 when createTask answered directly). */
  readonly queries: number
  /** Milliseconds from the start of the call to the outcome. */
  readonly elapsedMs: number
}

/** A created task, with its solution when createTask answered directly (recognition tasks). */
export interface CreatedTask<S = Record<string, unknown>> {
  readonly taskId: string
  readonly taskType: string
  /** Clock time (epoch ms) at which createTask was sent: the start of the provider's result window. */
  readonly createdAt: number
  readonly solution?: S | undefined
}

/**
 * One settled task of a batch, shaped like `Promise.allSettled` entries plus its index (position in the
 * input) and task. `E` is the batch's error type (the Promise face defaults it to `SolveError`).
 */
export type Settled<R extends AnyTaskRequest, E> =
  | {
      readonly status: "fulfilled"
      readonly index: number
      readonly task: R
      readonly value: Solved<SolutionOf<R>>
    }
  | { readonly status: "rejected"; readonly index: number; readonly task: R; readonly reason: E }
