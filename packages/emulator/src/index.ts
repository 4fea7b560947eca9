/**
 * @solvekit/emulator: a local server that behaves like a CapSolver-style captcha API, for tests and demos.
 * This entry is runtime-neutral (browsers, Deno, Node); the Node listener is in "@solvekit/emulator/node".
 */
export type {
  AuditSummary,
  Distribution,
  RequestRecord,
  TaskAudit,
} from "./Audit.ts"
export { EmulatorConnectionDropped, isDroppedResponse } from "./Drop.ts"
export { type AuditOptions, createEmulator, type Emulator, inProcessUrl } from "./Emulator.ts"
export {
  defaultKey,
  type EmulatorOptions,
  type EndpointName,
  endpointNames,
  type FaultKind,
  type FaultOptions,
  type FaultRate,
  faultKinds,
  type KeyBlockOptions,
  type SolveTimeDistribution,
} from "./Options.ts"
export type { Seed } from "./Random.ts"
export { supportedTaskTypes, type TaskKind } from "./TaskTypes.ts"
