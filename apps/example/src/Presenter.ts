/**
 * How effect/cli's own output looks. Help and version keep the library's rendering; an invalid command line
 * prints one line per problem on stderr (what went wrong, then where to read more) instead of the whole help
 * page, like the rest of the app's errors.
 */
import { CliOutput } from "effect/cli"
import type * as Layer from "effect/Layer"
import type { OutputShape } from "./Output.ts"

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, "; ").trim()

export const make = (output: OutputShape): CliOutput.Presenter => ({
  present: (event) => {
    if (event._tag !== "InvalidInvocation") return CliOutput.defaultPresenter.present(event)
    const help = `run '${[...event.commandPath, "--help"].join(" ")}' for usage`
    const first = event.errors[0]
    // One problem is enough to act on; the rest are usually consequences of the first.
    return output.err(
      `error: ${first === undefined ? "invalid command line" : oneLine(first.message)} — ${help}`,
    )
  },
})

export const layer = (output: OutputShape): Layer.Layer<never> => CliOutput.layerPresenter(make(output))
