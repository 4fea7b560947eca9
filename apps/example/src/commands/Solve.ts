/**
 * `solve`: one task, from flags or a JSON file, or the result of a task created earlier (`--task-id`).
 * Prints the solution's fields on stdout (or one JSON object with --json); progress and the banner go to
 * stderr, so stdout can be piped.
 */

import { Catalogue } from "@solvekit/node"
import { Command, Flag } from "effect/cli"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { attempt, CliFailure } from "../CliFailure.ts"
import { connect } from "../Connection.ts"
import { diagnose, errorLine } from "../Diagnosis.ts"
import { ExitCode } from "../ExitCode.ts"
import { Output } from "../Output.ts"
import * as Solving from "../Solving.ts"
import { objectFromFile, objectFromFlags, parseTask } from "../TaskInput.ts"
import * as Root from "./Root.ts"

const flags = {
  type: Flag.String("type").pipe(
    Flag.withDescription(
      "task type, e.g. ReCaptchaV2TaskProxyLess, AntiTurnstileTaskProxyLess, ImageToTextTask",
    ),
    Flag.optional,
  ),
  websiteUrl: Flag.String("website-url").pipe(
    Flag.withDescription("the page's URL (websiteURL)"),
    Flag.optional,
  ),
  websiteKey: Flag.String("website-key").pipe(
    Flag.withDescription("the site key (websiteKey)"),
    Flag.optional,
  ),
  field: Flag.KeyValuePair("field").pipe(
    Flag.withDescription(
      "another task field, name=value (repeatable); numbers, true/false and JSON values are sent as such",
    ),
    Flag.optional,
  ),
  image: Flag.String("image").pipe(
    Flag.withDescription("image file for recognition tasks, sent base64-encoded as body"),
    Flag.optional,
  ),
  task: Flag.String("task").pipe(
    Flag.withDescription('JSON file with one task object {"type": …, …} ("-" reads stdin)'),
    Flag.optional,
  ),
  taskId: Flag.String("task-id").pipe(
    Flag.withDescription("collect the result of a task created earlier (e.g. one a batch left pending)"),
    Flag.optional,
  ),
  raw: Flag.Boolean("raw").pipe(
    Flag.withDescription(
      "send the task as given, without the catalogue's checks (types or fields it does not know)",
    ),
    Flag.withDefault(false),
  ),
  timeout: Flag.Int("timeout").pipe(
    Flag.withDescription("give up after this many seconds (the task may still be collected with --task-id)"),
    Flag.optional,
  ),
  json: Flag.Boolean("json").pipe(
    Flag.withDescription("print one JSON object: { ok, taskId, type, solution, queries, elapsedMs }"),
    Flag.withDefault(false),
  ),
}

type SolveFlags = Command.Command.Config.Infer<typeof flags>

const value = <A>(option: Option.Option<A>): A | undefined => Option.getOrUndefined(option)

const usage = (what: string, todo: string) => new CliFailure({ exitCode: ExitCode.Usage, what, todo })

/** Which of the three input forms was used; exactly one must be. */
const chooseInput = (flags: SolveFlags) =>
  Effect.gen(function* () {
    const forms = [
      Option.isSome(flags.taskId) ? "--task-id" : undefined,
      Option.isSome(flags.task) ? "--task" : undefined,
      Option.isSome(flags.type) ? "--type" : undefined,
    ].filter((form) => form !== undefined)
    if (forms.length > 1) {
      return yield* usage(
        `${forms.join(" and ")} cannot be combined`,
        "pass one task: --type, --task or --task-id",
      )
    }
    if (Option.isSome(flags.taskId)) return { _tag: "Resume", taskId: flags.taskId.value } as const
    const object = yield* attempt(() =>
      Option.isSome(flags.task)
        ? objectFromFile(flags.task.value)
        : objectFromFlags({
            type: value(flags.type),
            websiteUrl: value(flags.websiteUrl),
            websiteKey: value(flags.websiteKey),
            fields: value(flags.field) ?? {},
            image: value(flags.image),
          }),
    )
    const parsed = parseTask(object, { raw: flags.raw, rawHint: "pass --raw" })
    if (parsed._tag === "Invalid") return yield* parsed.failure
    return { _tag: "Solve", task: parsed.task } as const
  })

/** The known type names, wrapped for the help text. */
const typeLines = (types: ReadonlyArray<string>): Array<string> => {
  const lines: Array<string> = []
  let line = " "
  for (const type of types) {
    if (line.length + type.length + 1 > 100) {
      lines.push(line)
      line = " "
    }
    line += ` ${type}`
  }
  return [...lines, line]
}

export const command = Command.make("solve", flags, (flags) =>
  Effect.gen(function* () {
    const output = yield* Output
    const shared = yield* Root.command
    const input = yield* chooseInput(flags)
    const timeout = value(flags.timeout)
    if (timeout !== undefined && timeout <= 0) {
      return yield* usage(
        `--timeout ${timeout} is not a positive number of seconds`,
        "pass e.g. --timeout 120",
      )
    }
    const connection = yield* connect(shared)
    yield* output.err(connection.banner)
    let createdTaskId: string | undefined = input._tag === "Resume" ? input.taskId : undefined
    const onEvent = (event: { readonly _tag: string; readonly taskId: string | undefined }) => {
      if (event._tag === "Created" && event.taskId !== undefined) {
        createdTaskId = event.taskId
        Effect.runSync(output.err(`created taskId=${event.taskId}, waiting for the result…`))
      }
    }
    const options = { timeoutMs: timeout === undefined ? undefined : timeout * 1000, onEvent }
    const type = input._tag === "Solve" ? input.task.type : undefined
    const result = yield* Effect.result(
      input._tag === "Solve"
        ? Solving.solve(connection.client, input.task, options)
        : Solving.waitForResult(connection.client, input.taskId, options),
    ).pipe(
      Effect.onInterrupt(() =>
        createdTaskId === undefined
          ? Effect.void
          : output.err(
              connection.embedded
                ? `interrupted: task ${createdTaskId} was still pending (on the embedded emulator, which stops with this process)`
                : `interrupted: task ${createdTaskId} is still pending on the provider; collect it with 'solvekit-example solve --task-id ${createdTaskId}'`,
            ),
      ),
    )
    if (result._tag === "Failure") {
      const diagnosis = diagnose(result.failure, connection)
      if (flags.json) {
        const taskId =
          Solving.taskIdOf(result.failure) ?? (input._tag === "Resume" ? input.taskId : undefined)
        yield* output.out(
          JSON.stringify({
            ok: false,
            ...(taskId === undefined ? {} : { taskId }),
            ...(type === undefined ? {} : { type }),
            error: { reason: diagnosis.reason, message: diagnosis.what, hint: diagnosis.todo },
          }),
        )
      }
      yield* output.err(errorLine(diagnosis))
      return yield* new CliFailure({ ...diagnosis, reported: true })
    }
    const solved = result.success
    if (flags.json) {
      yield* output.out(
        JSON.stringify({
          ok: true,
          taskId: solved.taskId,
          ...(type === undefined ? {} : { type }),
          solution: solved.solution,
          queries: solved.queries,
          elapsedMs: Math.round(solved.elapsedMs),
        }),
      )
      return
    }
    yield* output.err(
      `solved${type === undefined ? "" : ` ${type}`} in ${(solved.elapsedMs / 1000).toFixed(1)}s (${solved.queries} queries, taskId ${solved.taskId})`,
    )
    for (const [name, field] of Object.entries(solved.solution)) {
      yield* output.out(`${name}: ${typeof field === "string" ? field : JSON.stringify(field)}`)
    }
  }).pipe(Effect.scoped),
).pipe(
  Command.withShortDescription("Solve one task and print its solution"),
  Command.withDescription(
    [
      "Solve one task and print its solution. Give the task with --type and its fields, with --task",
      "  file.json, or collect an earlier task with --task-id. Task types (case-insensitive):",
      ...typeLines(Catalogue.all.map((definition) => definition.type)),
    ].join("\n"),
  ),
  Command.withExamples([
    {
      command:
        "solvekit-example solve --type ReCaptchaV2TaskProxyLess --website-url https://example.com --website-key 6Le-…",
      description: "solve a reCAPTCHA v2 and print gRecaptchaResponse",
    },
    {
      command: "solvekit-example solve --type ImageToTextTask --image captcha.png --json",
      description: "read an image",
    },
    {
      command: "solvekit-example solve --task task.json --json",
      description: "a task from a JSON file, JSON out",
    },
  ]),
)
