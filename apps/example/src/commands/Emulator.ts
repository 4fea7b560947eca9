/**
 * `emulator`: serves the emulator over HTTP until Ctrl-C, in the dialect of the shared `--provider` (CapSolver by
 * default), for pointing any client (this app with --base-url, curl, another SDK) at a local, free,
 * reproducible provider.
 */
import { serve } from "@solvekit/emulator/node"
import { Command, Flag } from "effect/cli"
import * as Effect from "effect/Effect"
import { CliFailure } from "../CliFailure.ts"
import { ExitCode } from "../ExitCode.ts"
import { Output } from "../Output.ts"
import * as ProviderChoice from "../ProviderChoice.ts"
import * as Root from "./Root.ts"

export const DEFAULT_EMULATOR_KEY = "test-key"

const flags = {
  port: Flag.Int("port").pipe(
    Flag.withDescription("TCP port (default 0: a free one, printed)"),
    Flag.withDefault(0),
  ),
  host: Flag.String("host").pipe(
    Flag.withDescription("interface to listen on (default 127.0.0.1)"),
    Flag.withDefault("127.0.0.1"),
  ),
  seed: Flag.Int("seed").pipe(
    Flag.withDescription("seed for every random choice (solve times, ids): same seed, same run (default 1)"),
    Flag.withDefault(1),
  ),
  timeScale: Flag.Finite("time-scale").pipe(
    Flag.withDescription("provider seconds per real second (default 1; 60: the 5-minute window lasts 5 s)"),
    Flag.withDefault(1),
  ),
  unsolvableRate: Flag.Finite("unsolvable-rate").pipe(
    Flag.withDescription("share of token tasks that end ERROR_CAPTCHA_UNSOLVABLE, 0..1 (default 0)"),
    Flag.withDefault(0),
  ),
  key: Flag.String("key").pipe(
    Flag.withDescription(`API key the emulator accepts (default: ${DEFAULT_EMULATOR_KEY})`),
    Flag.withDefault(DEFAULT_EMULATOR_KEY),
  ),
}

const start = (options: Parameters<typeof serve>[0]) =>
  Effect.tryPromise({
    try: () => serve(options),
    catch: (error) =>
      new CliFailure({
        exitCode: error instanceof RangeError ? ExitCode.Usage : ExitCode.Provider,
        what: `the emulator could not start (${error instanceof Error ? error.message : String(error)})`,
        todo: error instanceof RangeError ? "fix the flag it names" : "pick another --port or --host",
      }),
  })

export const command = Command.make("emulator", flags, (flags) =>
  Effect.gen(function* () {
    const output = yield* Output
    const choice = ProviderChoice.choose((yield* Root.command).provider)
    const server = yield* Effect.acquireRelease(
      start({
        provider: choice.emulatorDialect,
        port: flags.port,
        host: flags.host,
        seed: flags.seed,
        timeScale: flags.timeScale,
        unsolvableRate: flags.unsolvableRate,
        keys: [flags.key],
      }),
      (server) => Effect.promise(() => server.close()),
    )
    yield* output.out(`${choice.provider.name} emulator listening on ${server.url}`)
    yield* output.out(`  key: ${flags.key} · seed ${flags.seed} · time scale ${flags.timeScale}x`)
    const providerFlag = choice.name === ProviderChoice.DEFAULT ? "" : ` --provider ${choice.name}`
    yield* output.out(
      `  try: solvekit-example${providerFlag} --base-url ${server.url} --api-key ${flags.key}`,
    )
    yield* output.out("  Ctrl-C stops it")
    return yield* Effect.never.pipe(
      Effect.onInterrupt(() =>
        Effect.gen(function* () {
          const audit = server.emulator.audit()
          const requests = audit.requests.total
          yield* output.out(
            `stopped after ${requests} request${requests === 1 ? "" : "s"}, ${audit.tasks.created} task(s) created, ${audit.tasks.ready} solved, ${audit.tasks.failed} failed`,
          )
        }),
      ),
    )
  }).pipe(Effect.scoped),
).pipe(
  Command.withShortDescription("Serve the CapSolver emulator locally until Ctrl-C"),
  Command.withDescription(
    "Serve the CapSolver emulator on a local port until Ctrl-C. Magic task values: a websiteURL or websiteKey containing emulator-unsolvable fails, emulator-solve-ms-<N> is ready after N provider ms, emulator-instant at the first poll.",
  ),
)
