/**
 * Reports on answers ("the site accepted / rejected this token"), described per provider as data
 * (`Provider.feedback`), and the one function that picks the endpoint for a report or says why the provider
 * takes none, before any request.
 *
 * CapSolver takes one `feedbackTask` call for every task, with the verdict in its body; 2Captcha one endpoint
 * per verdict for every task; Anti-Captcha and CapMonster Cloud one endpoint per captcha family, some families
 * without a "correct" report or without any. Each provider module cites its own table.
 *
 * @since 0.3.0
 */
import * as Result from "effect/Result"
import { FeedbackRefusedError } from "./Errors.ts"

/** The task types of one captcha family and the endpoints that take reports on them. */
export interface ReportRoute {
  /** The family's name in messages ("reCAPTCHA", "image captcha"). */
  readonly family: string
  /**
   * The family's task types as the provider names them (matched without regard to case, against the type given
   * and against the provider's name for it, `Provider.taskTypeName`), or `"any"`: every type, a type solvekit
   * does not know, and a task known by id alone.
   */
  readonly taskTypes: ReadonlyArray<string> | "any"
  /** The endpoint for "the answer was rejected"; absent when the provider takes no such report here. */
  readonly incorrect?: string | undefined
  /** The endpoint for "the answer was accepted"; absent when the provider takes no such report here. */
  readonly correct?: string | undefined
}

/** How a provider takes reports on answers. */
export interface ProviderFeedback {
  /**
   * The request body: `"result"` is CapSolver's `{ taskId, result: { invalid, code?, message? } }`, one endpoint
   * for both verdicts; `"taskId"` is `{ taskId }` alone, the verdict being the endpoint.
   */
  readonly body: "result" | "taskId"
  /** The families that take reports; the first whose types match the task's wins. */
  readonly routes: ReadonlyArray<ReportRoute>
  /**
   * How long after the task's completion a report is taken, in ms (Anti-Captcha: 60 s). Absent when the provider
   * documents none. A later report is refused before any request when the completion time is known
   * (`Solved.solvedAt`), and left to the provider otherwise.
   */
  readonly windowMs?: number | undefined
}

/**
 * What reporting reads of a provider (a `Provider` is one; named by shape, as `Provider.ts` imports this module's
 * types).
 */
export interface ReportingProvider {
  readonly name: string
  readonly feedback?: ProviderFeedback | undefined
  readonly endpoints: { readonly feedbackTask?: string | undefined }
  readonly taskTypeName: (canonicalType: string) => string
}

/** The report form of a provider that names only CapSolver's `feedbackTask` endpoint (a custom provider). */
const FEEDBACK_TASK_ONLY: ProviderFeedback = {
  body: "result",
  routes: [{ family: "every task", taskTypes: "any", incorrect: "feedbackTask", correct: "feedbackTask" }],
}

/** What a report is about: its task, and what solvekit knows of it. */
export interface ReportSubject {
  readonly taskId: string
  /** The task's type (catalogue or provider spelling); absent, empty or `"unknown"` when not known. */
  readonly taskType?: string | undefined
  /** Clock time (epoch ms) at which the task was seen solved (`Solved.solvedAt`), when known. */
  readonly solvedAt?: number | undefined
}

/** Where a report goes and in which body form. */
export interface ReportPlan {
  readonly endpoint: string
  readonly body: ProviderFeedback["body"]
}

/** The provider's report table: its own, or CapSolver's form when it names only a `feedbackTask` endpoint. */
export const feedbackOf = (
  provider: Pick<ReportingProvider, "feedback" | "endpoints">,
): ProviderFeedback | undefined =>
  provider.feedback ?? (provider.endpoints.feedbackTask === undefined ? undefined : FEEDBACK_TASK_ONLY)

const knownType = (taskType: string | undefined): string | undefined => {
  const trimmed = taskType?.trim()
  return trimmed === undefined || trimmed === "" || trimmed === "unknown" ? undefined : trimmed
}

const matches = (route: ReportRoute, names: ReadonlyArray<string>): boolean =>
  route.taskTypes === "any" || route.taskTypes.some((type) => names.includes(type.toLowerCase()))

/**
 * The endpoint that takes this report, or why the provider takes none: no report endpoint, a family it takes
 * no (such) report on, a type it needs and does not know, a window that has closed. `now` is the current clock
 * time (epoch ms). Pure: no request is made here.
 */
export const planReport = (
  provider: ReportingProvider,
  subject: ReportSubject,
  invalid: boolean,
  now: number,
): Result.Result<ReportPlan, FeedbackRefusedError> => {
  const verdict = invalid ? "incorrect" : "correct"
  const taskType = knownType(subject.taskType)
  const refuse = (
    reason: FeedbackRefusedError["reason"],
    families: ReadonlyArray<string>,
    extra: { readonly windowMs?: number; readonly elapsedMs?: number } = {},
  ) =>
    Result.fail(
      new FeedbackRefusedError({
        reason,
        provider: provider.name,
        taskId: subject.taskId,
        taskType,
        verdict,
        families,
        ...extra,
      }),
    )
  const table = feedbackOf(provider)
  if (table === undefined || table.routes.length === 0) return refuse("NoReportEndpoint", [])
  const everyFamily = table.routes.map((route) => route.family)
  const takingVerdict = table.routes.filter((route) => route[verdict] !== undefined).map((r) => r.family)
  let route: ReportRoute | undefined
  if (taskType === undefined) {
    route = table.routes.find((candidate) => candidate.taskTypes === "any")
    if (route === undefined) return refuse("TaskTypeNeeded", everyFamily)
  } else {
    const names = [taskType.toLowerCase(), provider.taskTypeName(taskType).toLowerCase()]
    route = table.routes.find((candidate) => matches(candidate, names))
    if (route === undefined) return refuse("NoReportForType", everyFamily)
  }
  const endpoint = route[verdict]
  if (endpoint === undefined) return refuse("NoReportForVerdict", takingVerdict)
  if (table.windowMs !== undefined && subject.solvedAt !== undefined) {
    const elapsedMs = now - subject.solvedAt
    // The provider completed the task at or before `solvedAt`: past the window counted from it, the report is
    // certainly late. Before it, it may still be (the completion came earlier): the provider decides.
    if (elapsedMs >= table.windowMs) {
      return refuse("WindowClosed", takingVerdict, { windowMs: table.windowMs, elapsedMs })
    }
  }
  return Result.succeed({ endpoint, body: table.body })
}
