/**
 * Admitting a new task, the one rule for both ways a browser starts one (createTask / getToken forwarded, or
 * the solve endpoint run on the server): the allow-lists and the strict re-encoding first, then the limits
 * (per client, for everyone, pending, the client's share of the ownership table); only then is the task
 * counted and given its pending slot.
 *
 * @since 0.2.0
 */
import type { AllowedTask, TaskCheck } from "./AllowLists.ts"
import type { Reservation, TaskOwnership } from "./Ownership.ts"
import type { RateLimits } from "./RateLimits.ts"
import { taskTypeOf } from "./Requests.ts"
import { Refusal } from "./Responses.ts"

/** What admission needs of the relay. */
export interface AdmissionParts {
  readonly checkTask: TaskCheck
  readonly limits: RateLimits
  readonly ownership: TaskOwnership
}

/** A task let in: what was checked, and the pending slot it holds until the provider answers. */
export interface Admitted {
  readonly checked: AllowedTask
  readonly reservation: Reservation
}

/** A task turned away, with the type it named (for the refusal's event). */
export interface NotAdmitted {
  readonly refused: Refusal
  readonly taskType: string | undefined
}

/** A task passes the allow-lists, then the limits; only then is it counted. */
export const admitTask = (
  parts: AdmissionParts,
  body: Record<string, unknown>,
  clientId: string,
  at: number,
): Admitted | NotAdmitted => {
  const checked = parts.checkTask(body)
  if (checked instanceof Refusal) return { refused: checked, taskType: taskTypeOf(body) }
  const limited =
    parts.limits.taskRefusal(clientId, at, parts.ownership.pendingOf(clientId)) ??
    parts.ownership.capacityRefusal(clientId)
  if (limited !== undefined) return { refused: limited, taskType: checked.type }
  parts.limits.recordTask(clientId, at)
  // Taken before the first await: the requests that follow while this one is in flight count it.
  return { checked, reservation: parts.ownership.reserve(clientId) }
}
