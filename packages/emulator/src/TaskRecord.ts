/** One task's compact state: its plan, its live status and its audit figures, in a single object. */

import type { PlannedOutcome } from "./SolvePlan.ts"
import type { TaskKind } from "./TaskTypes.ts"

export interface TaskRecord {
  readonly taskId: string
  /** The documented spelling, whatever casing the client sent. */
  readonly type: string
  readonly kind: TaskKind
  readonly endpoint: "createTask" | "getToken"
  /** The owning key (compared, never reported). */
  readonly key: string
  readonly payloadHash: number
  readonly duplicate: boolean
  readonly createdAt: number
  /** Status is `idle` before this provider time and `processing` after it, until settleAt. */
  readonly idleUntil: number
  readonly settleAt: number
  readonly planned: PlannedOutcome
  readonly expiresAt: number
  /** Kept until the task expires, then released. */
  solution: Record<string, unknown> | undefined
  state: "pending" | "ready" | "failed"
  errorCode: string | undefined
  /** When the outcome (ready or failed) became known; -1 while pending. */
  readyAt: number
  /** When the client first received the outcome; -1 until then. */
  firstCollectedAt: number
  /** When the result stopped being retrievable (window passed or query budget spent); -1 while live. */
  expiredAt: number
  queries: number
  /** When the last answered getTaskResult for this task arrived; -1 before the first. */
  lastPollAt: number
  queriesAfterReady: number
  queriesAfterExpiry: number
  responseDropped: boolean
  feedbackInvalid: boolean | undefined
  /** Accepted reports (feedbackTask counts as one: invalid is incorrect). */
  reportsCorrect: number
  reportsIncorrect: number
}

export const createTaskRecord = (
  fields: Pick<
    TaskRecord,
    | "taskId"
    | "type"
    | "kind"
    | "endpoint"
    | "key"
    | "payloadHash"
    | "duplicate"
    | "createdAt"
    | "idleUntil"
    | "settleAt"
    | "planned"
    | "expiresAt"
    | "solution"
  >,
): TaskRecord => ({
  ...fields,
  state: "pending",
  errorCode: undefined,
  readyAt: -1,
  firstCollectedAt: -1,
  expiredAt: -1,
  queries: 0,
  lastPollAt: -1,
  queriesAfterReady: 0,
  queriesAfterExpiry: 0,
  responseDropped: false,
  feedbackInvalid: undefined,
  reportsCorrect: 0,
  reportsIncorrect: 0,
})
