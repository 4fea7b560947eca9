/**
 * `demo` (also what runs without a subcommand): solves a small mixed set of tasks concurrently, with one line
 * per task updating live, then a summary. Exits 0 when every task ended as designed (the unsolvable one
 * included), 1 otherwise.
 */

import { Command, Flag } from "effect/cli"
import * as Effect from "effect/Effect"
import { Board } from "../Board.ts"
import { CliFailure } from "../CliFailure.ts"
import { connect, DEMO_TIME_SCALE } from "../Connection.ts"
import { diagnose, errorLine } from "../Diagnosis.ts"
import { ExitCode } from "../ExitCode.ts"
import { Output } from "../Output.ts"
import { withProgress } from "../Progress.ts"
import * as ProviderChoice from "../ProviderChoice.ts"
import { preview, solve, taskIdOf } from "../Solving.ts"
import { renderSummary, summarize } from "../Summary.ts"
import { demoTasks } from "./DemoTasks.ts"
import * as Root from "./Root.ts"

export interface DemoOptions {
  readonly timeScale: number
}

export const defaults: DemoOptions = { timeScale: DEMO_TIME_SCALE }

export const run = (shared: Root.SharedFlags, options: DemoOptions) =>
  Effect.gen(function* () {
    const output = yield* Output
    const provider = ProviderChoice.choose(shared.provider)
    const connection = yield* connect(shared, { embeddedTimeScale: options.timeScale })
    if (connection.charged) {
      return yield* new CliFailure({
        exitCode: ExitCode.Account,
        what: `the demo's tasks are made up, and ${provider.provider.name} would charge for every one it solves`,
        todo: `unset ${provider.apiKeyVariable} to run it on the embedded emulator, or point --base-url at \`solvekit-example emulator\``,
      })
    }
    yield* output.out(connection.banner)
    const tasks = demoTasks()
    // Only CapSolver answers a recognition task in createTask's answer; the others are polled like the rest.
    const answered = provider.name === "capsolver" ? "answered at once" : "polled like the rest"
    yield* output.out(
      `Solving ${tasks.length} tasks concurrently: 1 recognition task (${answered}), ${tasks.length - 2} token tasks, 1 the emulator makes unsolvable.`,
    )
    const board = new Board(
      tasks.map((task) => ({ label: task.label, type: task.task.type })),
      () => performance.now(),
    )
    const outcomes = yield* withProgress(board, output, (changed) =>
      Effect.forEach(
        tasks,
        (demo, index) =>
          Effect.gen(function* () {
            board.start(index)
            const result = yield* Effect.result(
              solve(connection.client, demo.task, {
                onEvent: (event) => {
                  if (board.apply(index, event)) changed(index)
                },
              }),
            )
            if (result._tag === "Success") {
              const solved = result.success
              board.finish(index, {
                _tag: "Solved",
                taskId: solved.taskId,
                queries: solved.queries,
                preview: preview(solved.solution),
              })
              changed(index)
              return { demo, outcome: "solved", diagnosis: undefined } as const
            }
            const diagnosis = diagnose(result.failure, connection)
            board.finish(index, {
              _tag: "Failed",
              reason: diagnosis.reason,
              taskId: taskIdOf(result.failure),
            })
            changed(index)
            return { demo, outcome: diagnosis.reason, diagnosis } as const
          }),
        { concurrency: "unbounded" },
      ),
    )
    yield* output.out("")
    for (const line of renderSummary(summarize(board))) yield* output.out(line)
    const surprises = outcomes.filter(({ demo, outcome }) => outcome !== demo.expect)
    if (surprises.length === 0) {
      yield* output.out("")
      yield* output.out(
        "Everything behaved as expected: the unsolvable task failed, every other task was solved.",
      )
      return
    }
    // The most telling surprise decides the exit code: a rejected key (3) says more than a failed task (1).
    const worst = surprises
      .map((surprise) => surprise.diagnosis)
      .filter((diagnosis) => diagnosis !== undefined)
      .sort((a, b) => b.exitCode - a.exitCode)[0]
    for (const { demo, outcome } of surprises) {
      yield* output.err(`unexpected: ${demo.label} ended ${outcome}, expected ${demo.expect}`)
    }
    if (worst !== undefined && worst.exitCode !== ExitCode.TasksFailed) yield* output.err(errorLine(worst))
    return yield* new CliFailure({
      exitCode:
        worst === undefined
          ? ExitCode.TasksFailed
          : (Math.max(worst.exitCode, ExitCode.TasksFailed) as ExitCode),
      what: `${surprises.length} demo task(s) did not end as expected`,
      todo: "see the lines above",
      reported: true,
    })
  }).pipe(Effect.scoped)

export const command = Command.make(
  "demo",
  {
    timeScale: Flag.Finite("time-scale").pipe(
      Flag.withDescription(
        `embedded emulator only: provider seconds per real second (default ${DEMO_TIME_SCALE})`,
      ),
      Flag.withDefault(DEMO_TIME_SCALE),
    ),
  },
  (flags) =>
    Effect.gen(function* () {
      const shared = yield* Root.command
      return yield* run(shared, { timeScale: flags.timeScale })
    }),
).pipe(
  Command.withShortDescription("Solve a mixed set of tasks with live progress and a summary (the default)"),
  Command.withDescription(
    "Solve a small mixed set of tasks concurrently with live progress, then print a summary (the default command). Exits 0 when every task ends as designed.",
  ),
)
