#!/usr/bin/env node
/**
 * Entry point (`solvekit-example`, `npm run example`): runs the command tree, turns the outcome into one of
 * the documented exit codes, and turns Ctrl-C into a clean interruption (a second Ctrl-C exits at once).
 */
import { readFileSync } from "node:fs"
import * as Cause from "effect/Cause"
import { CliError, Command } from "effect/cli"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import { cli } from "./Cli.ts"
import * as CliEnvironment from "./CliEnvironment.ts"
import { CliFailure } from "./CliFailure.ts"
import { diagnose, errorLine } from "./Diagnosis.ts"
import { ExitCode } from "./ExitCode.ts"
import { makeOutput, Output } from "./Output.ts"
import * as Presenter from "./Presenter.ts"
import * as ProviderChoice from "./ProviderChoice.ts"

const version = (): string => {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version?: string
    }
    return pkg.version ?? "0.0.0"
  } catch {
    return "0.0.0"
  }
}

/**
 * Secrets known before parsing (so even a usage error cannot echo them): every provider's key variable,
 * whichever provider this run uses, and --api-key's value.
 */
const secretsIn = (args: ReadonlyArray<string>): Array<string> => {
  const secrets: Array<string> = []
  for (const variable of ProviderChoice.allApiKeyVariables()) {
    const fromEnv = process.env[variable]
    if (fromEnv !== undefined && fromEnv.trim() !== "") secrets.push(fromEnv)
  }
  args.forEach((arg, index) => {
    if (arg === "--api-key" && args[index + 1] !== undefined) secrets.push(args[index + 1] as string)
    if (arg.startsWith("--api-key=")) secrets.push(arg.slice("--api-key=".length))
  })
  return secrets.filter((secret) => secret.length > 0)
}

const args = process.argv.slice(2)
const output = makeOutput({
  stdout: process.stdout,
  stderr: process.stderr,
  stdoutIsTTY: process.stdout.isTTY === true,
  // https://no-color.org: any non-empty NO_COLOR turns colour off.
  color: process.stdout.isTTY === true && (process.env.NO_COLOR ?? "") === "",
  columns: CliEnvironment.terminalColumns,
})
for (const secret of secretsIn(args)) Effect.runSync(output.addSecret(secret))
for (const stream of [process.stdout, process.stderr]) {
  // A closed pipe (`| head`) ends output quietly instead of crashing.
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error
  })
}

const program = Command.run(cli, { version: version() }).pipe(
  Effect.provide(
    Layer.mergeAll(CliEnvironment.layer(args), Presenter.layer(output), Layer.succeed(Output, output)),
  ),
)

/** The exit code for the program's outcome, printing the error line when nothing printed it yet. */
const conclude = (exit: Exit.Exit<unknown, unknown>): number => {
  if (Exit.isSuccess(exit)) return ExitCode.Ok
  if (Cause.hasInterruptsOnly(exit.cause)) return ExitCode.Interrupted
  const error = Cause.squash(exit.cause)
  if (error instanceof CliFailure) {
    if (error.reported !== true) Effect.runSync(output.err(errorLine(error)))
    return error.exitCode
  }
  if (CliError.isCliError(error)) {
    // ShowHelp without errors is help the user asked for (or a command without a handler): not a failure.
    if (error._tag === "ShowHelp") return error.errors.length === 0 ? ExitCode.Ok : ExitCode.Usage
    Effect.runSync(output.err(`error: ${error.message} — run 'solvekit-example --help' for usage`))
    return ExitCode.Usage
  }
  if (error instanceof CliEnvironment.NotInteractive) {
    Effect.runSync(output.err(`error: ${error.message} — pass the flags instead; see --help`))
    return ExitCode.Usage
  }
  const diagnosis = diagnose(error, { endpointLabel: "the provider", embedded: false })
  Effect.runSync(output.err(errorLine(diagnosis)))
  return diagnosis.exitCode
}

// Effect fibers do not keep Node alive on their own (only timers and sockets do): hold it until done.
const keepAlive = setInterval(() => {}, 1 << 30)
const fiber = Effect.runFork(program)
let interrupted = false
process.on("SIGINT", () => {
  if (interrupted) process.exit(ExitCode.Interrupted)
  interrupted = true
  Effect.runFork(Fiber.interrupt(fiber))
})
fiber.addObserver((exit) => {
  clearInterval(keepAlive)
  process.exitCode = conclude(exit)
  // Sockets the SDK or the emulator left open must not hold the process once the work is done.
  setTimeout(() => process.exit(), 2_000).unref()
})
