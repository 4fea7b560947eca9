/**
 * @solvekit/emulator: a local server that behaves like a captcha-solving task API (CapSolver, 2Captcha,
 * Anti-Captcha or CapMonster Cloud, each in its own dialect), for tests and demos.
 * This entry is runtime-neutral (browsers, Deno, Node); the Node listener is in "@solvekit/emulator/node".
 */
export type {
  AuditSummary,
  Distribution,
  RequestRecord,
  TaskAudit,
} from "./Audit.ts"
export { type DialectName, dialectNames } from "./DialectName.ts"
export { EmulatorConnectionDropped, isDroppedResponse } from "./Drop.ts"
export type { DocumentedError } from "./dialects/Dialect.ts"
export { endpointNamesOf, errorCodesOf } from "./dialects/index.ts"
export { type AuditOptions, createEmulator, type Emulator, inProcessUrl } from "./Emulator.ts"
export {
  defaultKey,
  type EmulatorOptions,
  type EndpointName,
  endpointNames,
  type FaultKind,
  type FaultOptions,
  type FaultRate,
  type ForcedErrors,
  faultKinds,
  type KeyBlockOptions,
  type SolveTimeDistribution,
} from "./Options.ts"
export type { Seed } from "./Random.ts"
export { supportedTaskTypes, type TaskKind } from "./TaskTypes.ts"
