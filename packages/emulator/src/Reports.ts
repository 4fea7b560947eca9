/**
 * Whether a report (reportCorrect, reportIncorrectRecaptcha, ...) on a task is accepted, by the dialect's
 * rules: the endpoint's task families, the window after completion, one report per task.
 */
import type { Dialect, ReportAction } from "./dialects/Dialect.ts"
import { familyOf } from "./TaskFamily.ts"
import type { TaskRecord } from "./TaskRecord.ts"

/** Why a report is refused, or undefined when it is accepted. */
export const reportRefusal = (
  dialect: Dialect,
  action: ReportAction,
  record: TaskRecord,
  now: number,
): string | undefined => {
  const rules = dialect.reports
  // Undocumented everywhere: a report needs a solved task, since there is no solution to judge before.
  if (record.state !== "ready") return "The task has no solution to report on."
  if (action.families !== "any" && !action.families.includes(familyOf(record.type, record.kind))) {
    return `This report method does not accept ${record.type} tasks.`
  }
  if (rules.windowAfterReadyMs !== undefined && now - record.readyAt > rules.windowAfterReadyMs) {
    return `Reports are accepted within ${rules.windowAfterReadyMs / 1000} seconds of task completion.`
  }
  if (rules.onePerTask && record.reportsCorrect + record.reportsIncorrect > 0) {
    return "Only one report can be sent per task."
  }
  return undefined
}
