/**
 * The polling policies compared by the benchmark. The learned policy is core's `AdaptivePolicy` (the client
 * default since it was measured here).
 */
import { AdaptivePolicy, Policy, type PollPolicy } from "@solvekit/core"

export { AdaptivePolicy }

export interface PolicyUnderTest {
  /** Short label used in the report. */
  readonly label: string
  readonly description: string
  /** A fresh policy (policies may keep state: one per run). */
  readonly make: () => PollPolicy
}

export const fixed3s: PolicyUnderTest = {
  label: "fixed 3 s",
  description: "a plain fixed 3-second poll, first query at 3 s (the provider's advice)",
  make: () => Policy.fixed("3 seconds"),
}

/** The provider's advice as a fixed cadence; not the client default (that is `AdaptivePolicy`, ClientConfig.ts). */
export const currentDefault: PolicyUnderTest = {
  label: "Policy.defaultPolicy",
  description:
    "core's `Policy.defaultPolicy`, the provider's advice as a fixed cadence (first query at 1.5 s, then every 3 s)",
  make: () => Policy.defaultPolicy,
}

export const learned: PolicyUnderTest = {
  label: "AdaptivePolicy (client default)",
  description:
    "core's `AdaptivePolicy.make()` (learned first query and gap per task type, from a prior fitted on the provider's documented 1-30 s; the client default)",
  make: () => AdaptivePolicy.make(),
}
