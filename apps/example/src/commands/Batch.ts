/**
 * `batch tasks.jsonl`: solves one task per line, N at a time, and writes one JSON line per input line to
 * stdout in completion order (each carries its input `line` number). Failures after creation carry the
 * `taskId`, so they can be collected or reported later. Invalid lines produce an error line, not a crash.
 *
 * A rejected key or an empty balance stops the batch (every further task would fail the same way). Ctrl-C
 * stops it too: in-flight calls are aborted, and the taskIds still pending on the provider are printed to
 * stderr, ready for `solve --task-id`.
 */
import { readFileSync } from "node:fs"
import type { AnyTaskRequest } from "@solvekit/node"
import * as Cause from "effect/Cause"
import { Argument, Command, Flag } from "effect/cli"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import { Board, formatSeconds } from "../Board.ts"
import { attempt, CliFailure } from "../CliFailure.ts"
import { connect } from "../Connection.ts"
import { diagnose, errorLine } from "../Diagnosis.ts"
import { ExitCode } from "../ExitCode.ts"
import { Output } from "../Output.ts"
import * as Solving from "../Solving.ts"
import { renderSummary, summarize } from "../Summary.ts"
import { parseTask } from "../TaskInput.ts"
import * as Root from "./Root.ts"

const MAX_CONCURRENCY = 64

interface Entry {
  /** 1-based line number in the input. */
  readonly line: number
  readonly task: AnyTaskRequest
}

interface Parsed {
  readonly entries: ReadonlyArray<Entry>
  readonly invalid: ReadonlyArray<{ readonly line: number; readonly message: string; readonly hint: string }>
}

const readLines = (path: string): Array<string> => {
  try {
    return readFileSync(path === "-" ? 0 : path, "utf8").split(/\r?\n/)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new CliFailure({
      exitCode: ExitCode.Usage,
      what: `cannot read ${path}${code === undefined ? "" : ` (${code})`}`,
      todo: "check the path; the file holds one JSON task object per line",
    })
  }
}

/** Parses every line; blank lines and lines starting with `#` or `//` are skipped. */
export const parseLines = (lines: ReadonlyArray<string>): Parsed => {
  const entries: Array<Entry> = []
  const invalid: Array<{ line: number; message: string; hint: string }> = []
  lines.forEach((text, index) => {
    const line = index + 1
    const trimmed = text.trim()
    if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith("//")) return
    let object: unknown
    try {
      object = JSON.parse(trimmed)
    } catch (error) {
      invalid.push({
        line,
        message: `line ${line}: not valid JSON (${error instanceof Error ? error.message : String(error)})`,
        hint: "each line must be one JSON task object",
      })
      return
    }
    const parsed = parseTask(object, { where: `line ${line}: ` })
    if (parsed._tag === "Ok") entries.push({ line, task: parsed.task })
    else invalid.push({ line, message: parsed.failure.what, hint: parsed.failure.todo })
  })
  return { entries, invalid }
}

const isFatal = (exitCode: ExitCode) => exitCode === ExitCode.Account

export const command = Command.make(
  "batch",
  {
    file: Argument.String("tasks.jsonl").pipe(
      Argument.withDescription('file with one JSON task object per line ("-" reads stdin)'),
    ),
    concurrency: Flag.Int("concurrency").pipe(
      Flag.withDescription(`tasks in flight at once, 1-${MAX_CONCURRENCY} (default 4)`),
      Flag.withDefault(4),
    ),
    timeout: Flag.Int("timeout").pipe(
      Flag.withDescription(
        "give up on a task after this many seconds (default: the provider's 5-minute window)",
      ),
      Flag.optional,
    ),
  },
  (flags) =>
    Effect.gen(function* () {
      const output = yield* Output
      const shared = yield* Root.command
      if (
        !Number.isInteger(flags.concurrency) ||
        flags.concurrency < 1 ||
        flags.concurrency > MAX_CONCURRENCY
      ) {
        return yield* new CliFailure({
          exitCode: ExitCode.Usage,
          what: `--concurrency ${flags.concurrency} is out of range`,
          todo: `pass a whole number from 1 to ${MAX_CONCURRENCY}`,
        })
      }
      const timeout = Option.getOrUndefined(flags.timeout)
      const { entries, invalid } = parseLines(yield* attempt(() => readLines(flags.file)))
      const connection = yield* connect(shared)
      yield* output.err(connection.banner)
      for (const bad of invalid) {
        yield* output.out(
          JSON.stringify({
            line: bad.line,
            ok: false,
            error: { reason: "InvalidInput", message: bad.message },
          }),
        )
        yield* output.err(`error: ${bad.message} — ${bad.hint}`)
      }
      const board = new Board(
        entries.map((entry) => ({ label: `line ${entry.line}`, type: entry.task.type })),
        () => performance.now(),
      )
      const solveEntry = (entry: Entry, index: number) =>
        Effect.gen(function* () {
          board.start(index)
          const result = yield* Effect.result(
            Solving.solve(connection.client, entry.task, {
              timeoutMs: timeout === undefined ? undefined : timeout * 1000,
              onEvent: (event) => {
                board.apply(index, event)
                // Logged as soon as it exists: even a killed batch leaves the paid task's id behind.
                if (event._tag === "Created" && event.taskId !== undefined) {
                  Effect.runSync(output.err(`line ${entry.line}: created taskId=${event.taskId}`))
                }
              },
            }),
          )
          if (result._tag === "Success") {
            const solved = result.success
            board.finish(index, {
              _tag: "Solved",
              taskId: solved.taskId,
              queries: solved.queries,
              preview: "",
            })
            yield* output.out(
              JSON.stringify({
                line: entry.line,
                ok: true,
                type: entry.task.type,
                taskId: solved.taskId,
                solution: solved.solution,
                queries: solved.queries,
                elapsedMs: Math.round(solved.elapsedMs),
              }),
            )
            return
          }
          const diagnosis = diagnose(result.failure, connection)
          const taskId = Solving.taskIdOf(result.failure)
          board.finish(index, { _tag: "Failed", reason: diagnosis.reason, taskId })
          yield* output.out(
            JSON.stringify({
              line: entry.line,
              ok: false,
              type: entry.task.type,
              ...(taskId === undefined ? {} : { taskId }),
              error: { reason: diagnosis.reason, message: diagnosis.what },
            }),
          )
          if (isFatal(diagnosis.exitCode)) {
            yield* output.err(errorLine(diagnosis))
            return yield* new CliFailure({ ...diagnosis, reported: true })
          }
        })
      const reportPending = (why: string) =>
        Effect.gen(function* () {
          const pending = board.pending()
          const notStarted = board.rows.filter((row) => row.startedAt === undefined).map((row) => row.label)
          yield* output.err(
            connection.embedded
              ? `${why}: ${pending.length} task(s) were still pending (on the embedded emulator, which stops with this process)`
              : `${why}: ${pending.length} task(s) still pending on the provider${
                  pending.length === 0
                    ? ""
                    : "; collect each with 'solvekit-example solve --task-id <taskId>'"
                }`,
          )
          for (const { label, taskId } of pending) yield* output.err(`pending ${label} taskId=${taskId}`)
          if (notStarted.length > 0) yield* output.err(`not started: ${notStarted.join(", ")}`)
        })
      yield* Effect.forEach(entries, solveEntry, { concurrency: flags.concurrency, discard: true }).pipe(
        Effect.onExit((exit) =>
          Exit.isSuccess(exit)
            ? Effect.void
            : reportPending(Cause.hasInterruptsOnly(exit.cause) ? "interrupted" : "stopped"),
        ),
      )
      const summary = summarize(board)
      for (const line of renderSummary(summary)) yield* output.err(line)
      if (invalid.length > 0) yield* output.err(`  invalid  ${invalid.length} line(s), not sent`)
      const failed = summary.failed + invalid.length
      if (failed > 0) {
        return yield* new CliFailure({
          exitCode: invalid.length > 0 && summary.failed === 0 ? ExitCode.Usage : ExitCode.TasksFailed,
          what: `${failed} of ${entries.length + invalid.length} task(s) failed${
            invalid.length > 0 ? ` (${invalid.length} invalid line(s))` : ""
          }`,
          todo: "see the result lines; failures with a taskId can be collected with 'solve --task-id'",
          reported: true,
        })
      }
      yield* output.err(`batch done: ${summary.solved} solved in ${formatSeconds(summary.wallMs)}`)
    }).pipe(Effect.scoped),
).pipe(
  Command.withShortDescription("Solve a JSONL file of tasks, N at a time, one JSON result line each"),
  Command.withDescription(
    "Solve the tasks in a JSONL file, N at a time; one JSON result line per input line on stdout, in completion order (each with its input line number). Exit 1 if any task failed; Ctrl-C prints the taskIds still pending and exits 130.",
  ),
)
