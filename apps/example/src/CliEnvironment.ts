/**
 * The services `effect/cli` asks of its host (`Command.Environment`), implemented over Node's process.
 * The app never prompts, spawns or reads files through Effect's platform services (it reads task files with
 * node:fs itself), so a small adapter is enough and keeps `@effect/platform-node` out of the dependency tree.
 * Interactive prompts (`--wizard`) are therefore not available and fail with a clear message.
 */
import * as Effect from "effect/Effect"
import * as FileSystem from "effect/FileSystem"
import * as Layer from "effect/Layer"
import * as Path from "effect/Path"
import * as ChildProcessSpawner from "effect/process/ChildProcessSpawner"
import * as Sink from "effect/Sink"
import * as Stdio from "effect/Stdio"
import * as Stream from "effect/Stream"
import * as Terminal from "effect/Terminal"

const write = (stream: NodeJS.WriteStream) => () =>
  // biome-ignore lint/suspicious/useIterableCallbackReturn: Effect's Sink.forEach runs the Effect it is given
  Sink.forEach((chunk: string | Uint8Array) => Effect.sync(() => void stream.write(chunk)))

/** Raised (as a defect) when effect/cli asks for a terminal prompt, which this host does not offer. */
export class NotInteractive extends Error {
  constructor() {
    super("interactive mode (--wizard) is not available in solvekit-example")
    this.name = "NotInteractive"
  }
}

const notInteractive = Effect.die(new NotInteractive())

const stdio = (args: ReadonlyArray<string>) =>
  Stdio.make({
    args: Effect.succeed(args),
    stdout: write(process.stdout),
    stderr: write(process.stderr),
    stdin: Stream.empty,
    stdinIsTerminal: Effect.sync(() => process.stdin.isTTY === true),
    stdoutIsTerminal: Effect.sync(() => process.stdout.isTTY === true),
    stderrIsTerminal: Effect.sync(() => process.stderr.isTTY === true),
  })

/** The terminal's width; 80 when stdout is not a terminal or reports no size (some pseudo-terminals say 0). */
export const terminalColumns = (): number => (process.stdout.columns > 0 ? process.stdout.columns : 80)

const terminal = Terminal.make({
  columns: Effect.sync(terminalColumns),
  rows: Effect.sync(() => process.stdout.rows ?? 24),
  size: notInteractive,
  readInput: notInteractive,
  readLine: notInteractive,
  display: (text) => Effect.sync(() => void process.stdout.write(text)),
})

/** Everything `Command.run` needs, with `args` as the command line (without `node` and the script). */
export const layer = (args: ReadonlyArray<string>) =>
  Layer.mergeAll(
    FileSystem.layerNoop({}),
    Path.layer,
    Layer.succeed(Stdio.Stdio, stdio(args)),
    Layer.succeed(Terminal.Terminal, terminal),
    Layer.succeed(
      ChildProcessSpawner.ChildProcessSpawner,
      ChildProcessSpawner.make(() => notInteractive),
    ),
  )
