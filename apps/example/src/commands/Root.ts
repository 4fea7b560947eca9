/**
 * The root command and the flags every subcommand shares: where to solve (--provider, --api-key, --base-url).
 * The root's own handler (the demo) and the subcommands are attached in `Cli.ts`; subcommands read the shared
 * flags by yielding `Root.command`.
 *
 * The key and the endpoint have no config fallback here: which variables to read depends on the provider
 * (`ANTICAPTCHA_API_KEY` for Anti-Captcha, never `CAPSOLVER_API_KEY`), so `Connection` reads them once the
 * provider is known.
 */
import * as Config from "effect/Config"
import { Command, Flag } from "effect/cli"
import * as Option from "effect/Option"
import { exitCodeHelp } from "../ExitCode.ts"
import * as ProviderChoice from "../ProviderChoice.ts"

export const NAME = "solvekit-example"

export const sharedFlags = {
  provider: Flag.Literals("provider", ProviderChoice.names).pipe(
    Flag.withDescription(
      `the provider to talk to (default: $${ProviderChoice.PROVIDER_ENV}, else ${ProviderChoice.DEFAULT}); its key and endpoint come from its own variables, e.g. $ANTICAPTCHA_API_KEY. Without a key, the embedded emulator speaks its dialect`,
    ),
    // Read as a plain string and checked here, so a bad variable gets a readable message (a Literals config
    // would surface Schema's own error text).
    Flag.withFallbackConfig(Config.String(ProviderChoice.PROVIDER_ENV)),
    Flag.filterMap(
      (name) => Option.liftPredicate(name.trim(), ProviderChoice.isName),
      () => `one of ${ProviderChoice.names.join(", ")} (also in $${ProviderChoice.PROVIDER_ENV})`,
    ),
    Flag.withDefault(ProviderChoice.DEFAULT),
  ),
  apiKey: Flag.Redacted("api-key").pipe(
    Flag.withDescription(
      "the provider's API key (default: its variable, e.g. $CAPSOLVER_API_KEY or $ANTICAPTCHA_API_KEY). Without a key, the embedded emulator is used. Never printed.",
    ),
    Flag.optional,
  ),
  baseUrl: Flag.String("base-url").pipe(
    Flag.withDescription(
      "API endpoint (default: the provider's variable, e.g. $CAPSOLVER_BASE_URL, else its own URL such as https://api.capsolver.com)",
    ),
    Flag.optional,
  ),
}

export const command = Command.make(NAME).pipe(
  Command.withSharedFlags(sharedFlags),
  Command.withDescription(
    [
      "Solves captcha tasks with solvekit. With no API key it runs an embedded emulator in-process",
      "  (no money spent); with CAPSOLVER_API_KEY or --api-key it talks to CapSolver, or to --base-url.",
      "  --provider 2captcha|anticaptcha|capmonster talks to another provider, with that provider's key",
      "  (e.g. ANTICAPTCHA_API_KEY), or without one to the emulator speaking its dialect. Without a",
      "  subcommand it runs the demo.",
      "",
      `  ${exitCodeHelp}`,
    ].join("\n"),
  ),
)

export type SharedFlags = Command.Command.Config.Infer<typeof sharedFlags>
