/**
 * What a call leaves behind, as plain data: a solved task, a created one, one settled entry of a batch.
 * Domain types, so errors (an aborted batch's `settled`) and both faces can name them.
 *
 * @since 0.1.0
 */
import type { AnyTaskRequest, SolutionOf } from "./Task.ts"

/**
 * What the provider says a solve cost, where its getTaskResult answer says so (2Captcha, Anti-Captcha; CapSolver
 * and CapMonster Cloud document no such fields). Read leniently: a number or a numeric string (Anti-Captcha's
 * example sends `"cost": "0.000700"` and `"solveCount": "0"`); a field that cannot be read is left out, and
 * never fails the paid solve it came with.
 */
export interface SolveCost {
  /** The price charged for the task (the provider's `cost`). */
  readonly amount: number
  /**
   * Anti-Captcha: "Cost of the task in USD" (anti-captcha.com/apidoc/methods/getTaskResult). 2Captcha: "The task
   * price charged from your balance" (2captcha.com/api-docs/get-task-result) names no currency; its balance and
   * prices are in US dollars (undocumented on that page: USD assumed).
   */
  readonly currency: "USD"
  /** When the provider says the task was created (its `createTime`, UNIX seconds, as epoch ms; its clock). */
  readonly createdAt?: number | undefined
  /** When the provider says the task was completed (its `endTime`, UNIX seconds, as epoch ms; its clock). */
  readonly completedAt?: number | undefined
  /** How many workers attempted the task (its `solveCount`). */
  readonly solveCount?: number | undefined
  /** The IP address the task was submitted from, as the provider saw it (its `ip`). */
  readonly ip?: string | undefined
}

/** A solved task. */
export interface Solved<S> {
  readonly taskId: string
  /**
   * The task's type as the catalogue names it (`"unknown"` for a task resumed by id alone): `feedback(solved, ...)`
   * reads it to pick the provider's report endpoint.
   */
  readonly taskType: string
  readonly solution: S
  /** getTaskResult queries this task used (retries included; 0 when createTask answered directly). */
  readonly queries: number
  /** Milliseconds from the start of the call to the outcome. */
  readonly elapsedMs: number
  /**
   * Clock time (epoch ms) at which the ready answer arrived. The provider completed the task at or before it, so
   * a report window counted from completion (Anti-Captcha: 60 s) has certainly closed 60 s after it.
   */
  readonly solvedAt: number
  /** What the solve cost, when the provider said so (see `SolveCost`). */
  readonly cost?: SolveCost | undefined
}

/** A created task, with its solution when createTask answered directly (recognition tasks). */
export interface CreatedTask<S = Record<string, unknown>> {
  readonly taskId: string
  readonly taskType: string
  /** Clock time (epoch ms) at which createTask was sent: the start of the provider's result window. */
  readonly createdAt: number
  readonly solution?: S | undefined
  /** What the solve cost, when createTask answered with the solution and the provider said so. */
  readonly cost?: SolveCost | undefined
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
