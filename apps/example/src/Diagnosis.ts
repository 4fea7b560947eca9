/**
 * Turns any failure into what a good CLI prints: one line saying what went wrong and what to do, and an exit
 * code from `ExitCode`. solvekit errors are recognised by their `_tag` (the SDK's errors carry a cross-copy
 * brand, and the fields read here are the documented ones), so the classification does not depend on which
 * copy of the SDK raised them.
 */
import { ExitCode } from "./ExitCode.ts"

export interface Diagnosis {
  readonly exitCode: ExitCode
  /** What went wrong, one line. */
  readonly what: string
  /** What to do about it, one line. */
  readonly todo: string
  /** A short reason for summaries and JSON output ("Unsolvable", "Auth", "Network", ...). */
  readonly reason: string
}

/** The context a diagnosis may mention: which endpoint the app talked to, and as which provider. */
export interface DiagnosisContext {
  readonly endpointLabel: string
  readonly embedded: boolean
  /** The variable the key comes from when --api-key is not given (default `CAPSOLVER_API_KEY`). */
  readonly keyVariable?: string | undefined
  /** Whose protocol the client speaks (default CapSolver's). */
  readonly protocolName?: string | undefined
}

const keyVariableOf = (context: DiagnosisContext): string => context.keyVariable ?? "CAPSOLVER_API_KEY"

type Fields = Record<string, unknown> & { readonly _tag?: unknown; readonly message?: unknown }

const text = (value: unknown): string => (typeof value === "string" ? value : "")
const withTaskId = (fields: Fields): string =>
  typeof fields.taskId === "string" ? ` (taskId ${fields.taskId})` : ""
const seconds = (ms: unknown): string => (typeof ms === "number" ? `${(ms / 1000).toFixed(1)}s` : "?")

const apiError = (fields: Fields, context: DiagnosisContext): Diagnosis => {
  const code = text(fields.errorCode) || "no error code"
  const description = text(fields.errorDescription)
  const detail = description === "" ? code : `${code}: ${description}`
  const reason = text(fields.reason) || "Unknown"
  const task = withTaskId(fields)
  switch (reason) {
    case "Auth":
      return {
        exitCode: ExitCode.Account,
        reason,
        what: `${context.endpointLabel} rejected the API key (${code})`,
        todo: `check ${keyVariableOf(context)} or --api-key (and --provider / --base-url if you use another provider)`,
      }
    case "Balance":
      return {
        exitCode: ExitCode.Account,
        reason,
        what: `the account's balance is too low (${code})`,
        todo: "top up the account on the provider's dashboard, then run again",
      }
    case "InvalidTask":
      return {
        exitCode: ExitCode.Usage,
        reason,
        what: `the provider rejected the task (${detail})${task}`,
        todo: "fix the field it names and run again",
      }
    case "UnsupportedTask":
      return {
        exitCode: ExitCode.Usage,
        reason,
        what: `the provider does not support this task type (${detail})`,
        todo: "check the type's spelling; `solve --help` lists the known types",
      }
    case "Unsolvable":
      return {
        exitCode: ExitCode.TasksFailed,
        reason,
        what: `the captcha could not be solved (${code}; not charged)${task}`,
        todo: "submit it again as a new task",
      }
    case "TaskNotFound":
      return {
        exitCode: ExitCode.TasksFailed,
        reason,
        what: `the provider no longer knows ${typeof fields.taskId === "string" ? `task ${fields.taskId}` : "the task"} (${code})`,
        todo: "results can be collected for 5 minutes after creation; create a new task",
      }
    case "RateLimited":
    case "ServiceUnavailable":
      return {
        exitCode: ExitCode.Provider,
        reason,
        what: `the provider is ${reason === "RateLimited" ? "rate limiting requests" : "unavailable"} (${code})${task}`,
        todo: "retry in a little while (lower --concurrency for batches)",
      }
    case "TemporarilyBanned":
      return {
        exitCode: ExitCode.Provider,
        reason,
        what: `the key or this IP is temporarily blocked after too many errors (${code})`,
        todo: "wait a few minutes before retrying; more failing requests extend the block",
      }
    default:
      return {
        exitCode: ExitCode.Provider,
        reason,
        what: `the provider answered with an error (${detail})${task}`,
        todo: "retry later; if it persists, contact the provider with the error code",
      }
  }
}

/** Diagnoses any failure. Unknown values are reported as internal errors (a bug in this app). */
export const diagnose = (error: unknown, context: DiagnosisContext): Diagnosis => {
  const fields: Fields = typeof error === "object" && error !== null ? (error as Fields) : {}
  const task = withTaskId(fields)
  switch (fields._tag) {
    case "ApiError":
      return apiError(fields, context)
    case "TransportError": {
      if (fields.kind === "HttpStatus")
        return {
          exitCode: ExitCode.Provider,
          reason: "HttpStatus",
          what: `${context.endpointLabel} answered HTTP ${String(fields.httpStatus ?? "?")}${task}`,
          todo: "retry later; check --base-url if it keeps happening",
        }
      const cause = fields.cause instanceof Error ? ` (${fields.cause.message})` : ""
      return {
        exitCode: ExitCode.Provider,
        reason: "Network",
        what: `could not reach ${context.endpointLabel}${cause}${task}`,
        todo: "check your network and --base-url, then run again",
      }
    }
    case "DecodeError":
      return {
        exitCode: ExitCode.Provider,
        reason: "Decode",
        what: `${context.endpointLabel} answered something that is not the ${context.protocolName ?? "CapSolver"} protocol (${text(fields.issue)})${task}`,
        todo: `check that --base-url points at an API compatible with ${context.protocolName ?? "CapSolver"} (and --provider)`,
      }
    case "InvalidTaskError": {
      const field = text(fields.field)
      const at = field === "" ? "" : ` field ${field}`
      return {
        exitCode: ExitCode.Usage,
        reason: "InvalidTask",
        what: `invalid ${text(fields.taskType)} task:${at} ${text(fields.issue)}`.replace(/\s+/g, " ").trim(),
        todo: field === "" ? "fix the task and run again" : `fix ${field} and run again (nothing was sent)`,
      }
    }
    case "TaskTimeoutError":
      return {
        exitCode: ExitCode.TasksFailed,
        reason: "Timeout",
        what: `no result within ${seconds(fields.timeoutMs)}${task}`,
        todo:
          task === ""
            ? "raise --timeout and run again"
            : `collect it with 'solve --task-id ${String(fields.taskId)}' or raise --timeout`,
      }
    case "PollBudgetExhaustedError":
      return {
        exitCode: ExitCode.TasksFailed,
        reason: "PollBudget",
        what: `the task used all ${String(fields.limit ?? 120)} result queries without an outcome${task}`,
        todo: "create a new task",
      }
    case "TaskDeadlineError":
      return {
        exitCode: ExitCode.TasksFailed,
        reason: "Deadline",
        what: `the task's result window closed after ${seconds(fields.elapsedMs)} without an outcome${task}`,
        todo: "create a new task",
      }
    case "CreateTaskOutcomeUnknownError":
      return {
        exitCode: ExitCode.Provider,
        reason: "OutcomeUnknown",
        what: "createTask was sent but its answer was lost; the task may exist and be charged",
        todo: "check the provider's task history before resubmitting (a resubmission may be charged twice)",
      }
    case "AbortedError":
      return {
        exitCode: ExitCode.Interrupted,
        reason: "Interrupted",
        what: `interrupted${task}`,
        todo: task === "" ? "run again" : `collect it with 'solve --task-id ${String(fields.taskId)}'`,
      }
    case "ConfigurationError":
      return {
        exitCode: ExitCode.Account,
        reason: "Configuration",
        what: text(fields.message) || "the client could not be configured",
        todo: `check --api-key / ${keyVariableOf(context)} and --base-url`,
      }
    default: {
      const message = error instanceof Error ? error.message : String(error)
      return {
        exitCode: ExitCode.TasksFailed,
        reason: "Internal",
        what: `unexpected failure: ${message.split("\n")[0] ?? ""}`,
        todo: "this is a bug in solvekit-example; please report it with the command you ran",
      }
    }
  }
}

/** The one-line rendering: `error: <what> — <what to do>`. */
export const errorLine = (diagnosis: Pick<Diagnosis, "what" | "todo">): string =>
  `error: ${diagnosis.what} — ${diagnosis.todo}`
