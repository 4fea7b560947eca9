/** The machine a run happened on, for the report header. */
import * as os from "node:os"

export interface Machine {
  readonly cpuModel: string
  readonly cores: number
  readonly memoryGiB: number
  readonly node: string
  readonly os: string
  /** 1-minute load average when the run started (the machines are shared). */
  readonly loadAverage: number
}

export const describeMachine = (): Machine => {
  const cpus = os.cpus()
  return {
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGiB: os.totalmem() / 1024 ** 3,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: os.loadavg()[0] ?? 0,
  }
}
