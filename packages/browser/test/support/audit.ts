/** Reads what the emulator saw, from the page (its audit endpoint answers cross-origin requests here). */
import type { AuditSummary, TaskAudit } from "@solvekit/emulator"
import { inject } from "vitest"

export const readAudit = async (): Promise<AuditSummary> => {
  const response = await fetch(`${inject("emulatorUrl")}/__emulator/audit`)
  if (!response.ok) throw new Error(`the emulator audit answered ${response.status}`)
  return (await response.json()) as AuditSummary
}

/** One task's record; fails the test when the emulator never saw the task. */
export const auditOf = async (taskId: string): Promise<TaskAudit> => {
  const record = (await readAudit()).taskRecords.find((task) => task.taskId === taskId)
  if (record === undefined) throw new Error(`the emulator has no record of task ${taskId}`)
  return record
}
