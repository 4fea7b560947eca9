/**
 * The emulator's own tables of each provider's task types (src/tasks/), written from the providers' docs and
 * NOT shared with @solvekit/core: if both read one table, a mistake in it could never be caught by a test.
 */

import type { DialectName } from "./DialectName.ts"
import { antiCaptchaTasks } from "./tasks/AntiCaptcha.ts"
import { capMonsterTasks } from "./tasks/CapMonster.ts"
import { capSolverTasks } from "./tasks/CapSolver.ts"
import type { TaskKind, TaskSpec } from "./tasks/TaskSpec.ts"
import { twoCaptchaTasks } from "./tasks/TwoCaptcha.ts"
import { type Issue, proxyIssue, splitProxyIssue, unknownFieldIssue, validateFields } from "./Validation.ts"

export type { TaskKind, TaskSpec } from "./tasks/TaskSpec.ts"

interface DialectTable {
  readonly specs: ReadonlyArray<TaskSpec>
  /**
   * CapSolver: case-insensitive (its own docs spell one type several ways, e.g. GeeTestTaskProxyLess and
   * GeetestTaskProxyless). The others: undocumented; exact spelling required so a misspelled type is caught.
   */
  readonly caseInsensitive: boolean
}

const tables: Record<DialectName, DialectTable> = {
  capsolver: { specs: capSolverTasks, caseInsensitive: true },
  "2captcha": { specs: twoCaptchaTasks, caseInsensitive: false },
  anticaptcha: { specs: antiCaptchaTasks, caseInsensitive: false },
  capmonster: { specs: capMonsterTasks, caseInsensitive: false },
}

const indexes = new Map<DialectName, Map<string, TaskSpec>>()

const indexOf = (dialect: DialectName): Map<string, TaskSpec> => {
  const cached = indexes.get(dialect)
  if (cached) return cached
  const { specs, caseInsensitive } = tables[dialect]
  const key = (name: string) => (caseInsensitive ? name.toLowerCase() : name)
  const index = new Map<string, TaskSpec>()
  for (const spec of specs) {
    for (const name of [spec.type, ...(spec.aliases ?? [])]) index.set(key(name), spec)
  }
  indexes.set(dialect, index)
  return index
}

/** The row for a task type as the dialect's provider names it (or one of its documented aliases). */
export const findTaskSpec = (dialect: DialectName, type: string): TaskSpec | undefined =>
  indexOf(dialect).get(tables[dialect].caseInsensitive ? type.toLowerCase() : type)

/** Every task type a dialect accepts, in its documented spelling (aliases not listed). */
export const supportedTaskTypes = (
  dialect: DialectName = "capsolver",
): ReadonlyArray<{ readonly type: string; readonly kind: TaskKind }> =>
  tables[dialect].specs.map(({ type, kind }) => ({ type, kind }))

/**
 * The first problem with a task's fields, or undefined when the task is acceptable. Order: an undocumented
 * field (strict tables), then each field's presence, type and value, then the proxy as a whole, then the
 * row's own rules (either-or fields, version-dependent fields).
 */
export const validateTask = (spec: TaskSpec, task: Readonly<Record<string, unknown>>): Issue | undefined =>
  (spec.strict ? unknownFieldIssue(spec.fields, task, undefined, spec.type) : undefined) ??
  validateFields(spec.fields, task) ??
  (spec.proxy ? splitProxyIssue(spec.proxy, task) : spec.needsProxy ? proxyIssue(task) : undefined) ??
  spec.extraCheck?.(task)
