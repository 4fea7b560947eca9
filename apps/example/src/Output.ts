/**
 * Where the CLI writes. Every line goes through `redact`, so a key that reached an error message, a provider
 * answer or a file echo would still never be printed: the SDK already keeps keys out of its messages, and
 * this is the second wall, because a CLI's output ends up in CI logs and bug reports.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"

export interface OutputShape {
  /** Writes one line to stdout (a newline is added). */
  readonly out: (line: string) => Effect.Effect<void>
  /** Writes one line to stderr (a newline is added). */
  readonly err: (line: string) => Effect.Effect<void>
  /** Writes raw text to stdout, for terminal redraws. */
  readonly raw: (text: string) => Effect.Effect<void>
  /** True when stdout is an interactive terminal (live progress instead of line-by-line output). */
  readonly stdoutIsTTY: boolean
  /** Whether to colour terminal output (a terminal, and no NO_COLOR). */
  readonly color: boolean
  /** Terminal width for stdout (80 when unknown). */
  readonly columns: () => number
  /** Registers a secret: from now on it is replaced by `<redacted>` in everything written. */
  readonly addSecret: (secret: string) => Effect.Effect<void>
}

export class Output extends Context.Service<Output, OutputShape>()("@solvekit/example/Output") {}

export const REDACTED = "<redacted>"

/** Replaces every occurrence of each secret in `text`. */
export const redact = (text: string, secrets: Iterable<string>): string => {
  let result = text
  for (const secret of secrets) {
    if (secret.length > 0) result = result.split(secret).join(REDACTED)
  }
  return result
}

interface Sink {
  readonly write: (text: string) => unknown
}

/** An Output over two writable sinks (process streams in the app, arrays in tests). */
export const makeOutput = (options: {
  readonly stdout: Sink
  readonly stderr: Sink
  readonly stdoutIsTTY: boolean
  readonly color: boolean
  readonly columns: () => number
}): OutputShape => {
  const secrets = new Set<string>()
  return {
    out: (line) => Effect.sync(() => void options.stdout.write(`${redact(line, secrets)}\n`)),
    err: (line) => Effect.sync(() => void options.stderr.write(`${redact(line, secrets)}\n`)),
    raw: (text) => Effect.sync(() => void options.stdout.write(redact(text, secrets))),
    stdoutIsTTY: options.stdoutIsTTY,
    color: options.color,
    columns: options.columns,
    addSecret: (secret) => Effect.sync(() => void secrets.add(secret)),
  }
}
