/**
 * The root command and the flags every subcommand shares: where to solve (--api-key, --base-url). The root's
 * own handler (the demo) and the subcommands are attached in `Cli.ts`; subcommands read the shared flags by
 * yielding `Root.command`.
 */
import * as Config from "effect/Config"
import { Command, Flag } from "effect/cli"
import { exitCodeHelp } from "../ExitCode.ts"

export const NAME = "solvekit-example"

export const sharedFlags = {
  apiKey: Flag.Redacted("api-key").pipe(
    Flag.withDescription(
      "CapSolver API key (default: $CAPSOLVER_API_KEY). Without a key the embedded emulator is used. Never printed.",
    ),
    Flag.withFallbackConfig(Config.Redacted("CAPSOLVER_API_KEY")),
    Flag.optional,
  ),
  baseUrl: Flag.String("base-url").pipe(
    Flag.withDescription(
      "API endpoint (default: $CAPSOLVER_BASE_URL, else https://api.capsolver.com); any CapSolver-compatible URL",
    ),
    Flag.withFallbackConfig(Config.String("CAPSOLVER_BASE_URL")),
    Flag.optional,
  ),
}

export const command = Command.make(NAME).pipe(
  Command.withSharedFlags(sharedFlags),
  Command.withDescription(
    [
      "Solves captcha tasks with solvekit. With no API key it runs an embedded CapSolver emulator",
      "  in-process (no money spent); with CAPSOLVER_API_KEY or --api-key it talks to CapSolver, or to",
      "  --base-url. Without a subcommand it runs the demo.",
      "",
      `  ${exitCodeHelp}`,
    ].join("\n"),
  ),
)

export type SharedFlags = Command.Command.Config.Infer<typeof sharedFlags>
