/**
 * Per-request fault decisions. Each request in scope consumes exactly two draws from the fault stream, so
 * the decisions depend only on the seed, the options and the order requests arrive in.
 */
import type { FaultKind, ResolvedOptions } from "./Options.ts"
import type { RandomStream } from "./Random.ts"

export interface FaultDecision {
  /** The fault that replaces or wraps the answer, if any (never "slow"). */
  readonly fault: Exclude<FaultKind, "slow"> | undefined
  readonly slow: boolean
}

const noFault: FaultDecision = { fault: undefined, slow: false }

export const createFaultDecider = (
  options: ResolvedOptions,
  random: RandomStream,
): ((endpointIndex: number) => FaultDecision) => {
  const { faults, slow } = options
  if (faults.length === 0 && slow === undefined) return () => noFault
  return (endpointIndex) => {
    const bit = 1 << endpointIndex
    const u = random.next()
    const v = random.next()
    let fault: FaultDecision["fault"]
    let cumulative = 0
    for (const candidate of faults) {
      if ((candidate.endpointMask & bit) === 0) continue
      cumulative += candidate.rate
      if (u < cumulative) {
        fault = candidate.kind as Exclude<FaultKind, "slow">
        break
      }
    }
    const isSlow = slow !== undefined && (slow.endpointMask & bit) !== 0 && v < slow.rate
    return fault === undefined && !isSlow ? noFault : { fault, slow: isSlow }
  }
}
