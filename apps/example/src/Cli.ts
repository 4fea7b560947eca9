/**
 * The command tree: the root runs the demo when no subcommand is given.
 */

import { Command } from "effect/cli"
import * as Effect from "effect/Effect"
import * as Balance from "./commands/Balance.ts"
import * as Batch from "./commands/Batch.ts"
import * as Demo from "./commands/Demo.ts"
import * as Emulator from "./commands/Emulator.ts"
import * as Root from "./commands/Root.ts"
import * as Solve from "./commands/Solve.ts"

export const cli = Root.command.pipe(
  Command.withHandler((shared) => Effect.suspend(() => Demo.run(shared, Demo.defaults))),
  Command.withSubcommands([Demo.command, Solve.command, Batch.command, Balance.command, Emulator.command]),
)
