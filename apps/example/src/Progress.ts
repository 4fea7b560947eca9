/**
 * Draws a `Board`. In a terminal it redraws one line per task in place about ten times a second (ANSI:
 * cursor up, clear line); anywhere else it prints one plain line per visible change, which is what logs and
 * pipes want.
 */
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { type Board, formatSeconds, type Row } from "./Board.ts"
import type { OutputShape } from "./Output.ts"

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
const ESC = "\u001b["
const GREEN = `${ESC}32m`
const RED = `${ESC}31m`
const DIM = `${ESC}2m`
const RESET = `${ESC}0m`

const paint = (color: boolean, code: string, text: string): string =>
  color ? `${code}${text}${RESET}` : text

const marker = (row: Row, tick: number, color: boolean): string => {
  switch (row.status) {
    case "ready":
      return paint(color, GREEN, "✓")
    case "failed":
      return paint(color, RED, "✗")
    case "queued":
      return paint(color, DIM, "·")
    default:
      return SPINNER[tick % SPINNER.length] ?? "*"
  }
}

const queriesText = (row: Row): string => `${row.queries} ${row.queries === 1 ? "query" : "queries"}`

/** Cuts a line to `width` visible characters (ANSI colour codes do not count) so redraws never wrap. */
export const fit = (line: string, width: number): string => {
  let visible = 0
  let result = ""
  for (let i = 0; i < line.length; i++) {
    if (line[i] === "\u001b") {
      const end = line.indexOf("m", i)
      if (end !== -1) {
        result += line.slice(i, end + 1)
        i = end
        continue
      }
    }
    if (visible >= width) break
    result += line[i]
    visible++
  }
  return line.includes(ESC) ? `${result}${RESET}` : result
}

/** The board as terminal lines, padded into columns. */
export const renderRows = (board: Board, tick: number, width: number, color: boolean): Array<string> => {
  const labelWidth = Math.max(...board.rows.map((row) => row.label.length))
  return board.rows.map((row) => {
    const line = [
      ` ${marker(row, tick, color)} ${row.label.padEnd(labelWidth)}  ${row.status.padEnd(10)}`,
      `${queriesText(row).padStart(10)} ${formatSeconds(board.elapsedMs(row)).padStart(6)}  ${row.note}`,
    ].join(" ")
    return fit(line.trimEnd(), Math.max(20, width - 1))
  })
}

/** One plain line for row `index`, for non-terminal output. */
export const plainLine = (board: Board, index: number): string => {
  const row = board.rows[index]
  if (row === undefined) return ""
  const at = formatSeconds(board.now() - board.createdAt).padStart(6)
  const parts = [`[${at}]`, row.label, row.status, queriesText(row)]
  if (row.taskId !== undefined) parts.push(`taskId=${row.taskId}`)
  if (row.finishedAt !== undefined) parts.push(`in ${formatSeconds(board.elapsedMs(row))}`)
  if (row.note !== "") parts.push(row.note)
  return parts.join(" ")
}

/**
 * Runs `body` while showing the board. `body` receives `changed(index)`, to call whenever it updated row
 * `index`; in a terminal that is a no-op (the redraw loop picks changes up), otherwise it prints the row's
 * plain line. The final state is drawn even when `body` fails or is interrupted.
 */
export const withProgress = <A, E, R>(
  board: Board,
  output: OutputShape,
  body: (changed: (index: number) => void) => Effect.Effect<A, E, R>,
): Effect.Effect<A, E, R> => {
  if (!output.stdoutIsTTY) {
    return body((index) => Effect.runSync(output.out(plainLine(board, index))))
  }
  let drawn = 0
  let tick = 0
  const draw = Effect.suspend(() => {
    const lines = renderRows(board, tick++, output.columns(), output.color)
    const up = drawn > 0 ? `${ESC}${drawn}F` : ""
    drawn = lines.length
    return output.raw(`${up}${lines.map((line) => `${ESC}2K${line}\n`).join("")}`)
  })
  const redrawLoop = Effect.forever(Effect.andThen(draw, Effect.sleep("100 millis")))
  return Effect.gen(function* () {
    yield* output.raw(`${ESC}?25l`)
    const loop = yield* Effect.forkChild(redrawLoop)
    return yield* body(() => {}).pipe(
      Effect.ensuring(Effect.andThen(Fiber.interrupt(loop), Effect.andThen(draw, output.raw(`${ESC}?25h`)))),
    )
  })
}
