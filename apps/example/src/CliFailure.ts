/**
 * The one failure a command handler ends with: an exit code and the line to print. Handlers convert SDK
 * errors into it where they know the context (which endpoint, which task); `main` prints it and exits.
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import { type Diagnosis, type DiagnosisContext, diagnose } from "./Diagnosis.ts"
import type { ExitCode } from "./ExitCode.ts"

export class CliFailure extends Data.TaggedError("CliFailure")<{
  readonly exitCode: ExitCode
  readonly what: string
  readonly todo: string
  /** True when the command already printed everything (a batch's result lines, the demo's summary). */
  readonly reported?: boolean | undefined
}> {
  override get message(): string {
    return `${this.what} — ${this.todo}`
  }

  static fromDiagnosis(diagnosis: Diagnosis): CliFailure {
    return new CliFailure({ exitCode: diagnosis.exitCode, what: diagnosis.what, todo: diagnosis.todo })
  }
}

/** Fails with the diagnosis of any error the effect fails with (typed failures only; defects stay defects). */
export const orDiagnose =
  (context: DiagnosisContext) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, CliFailure, R> =>
    Effect.mapError(self, (error) =>
      error instanceof CliFailure ? error : CliFailure.fromDiagnosis(diagnose(error, context)),
    )

/** Runs a synchronous step that throws `CliFailure` for bad input; anything else thrown is a defect (a bug). */
export const attempt = <A>(step: () => A): Effect.Effect<A, CliFailure> =>
  Effect.try({
    try: step,
    catch: (error) => {
      if (error instanceof CliFailure) return error
      throw error
    },
  })
