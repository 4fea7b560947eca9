/**
 * Where the app solves. With no API key it starts the emulator in-process (a real HTTP server on a free
 * local port, so the SDK runs exactly as it would against CapSolver) and solves there for free; with a key it
 * talks to the chosen provider (CapSolver by default), or to --base-url. The banner says which, in the
 * output's first line. The emulator speaks each provider's own dialect (`--provider 2captcha` without a key
 * solves on an emulated 2Captcha: its type names, fields, ids and error codes), never CapSolver's in its place.
 */
import { serve } from "@solvekit/emulator/node"
import { CapSolver, createClient, Policy, type SolveKitClient } from "@solvekit/node"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { CliFailure } from "./CliFailure.ts"
import type { SharedFlags } from "./commands/Root.ts"
import type { DiagnosisContext } from "./Diagnosis.ts"
import { ExitCode } from "./ExitCode.ts"
import { Output } from "./Output.ts"
import * as ProviderChoice from "./ProviderChoice.ts"

/** The key the embedded emulator accepts. Not a secret: it only opens the in-process emulator. */
export const EMBEDDED_KEY = "solvekit-example-embedded"

/** Provider seconds per real second in embedded mode: CapSolver's 1-30 s solves take 0.03-1 s. */
export const EMBEDDED_TIME_SCALE = 30

/** The demo runs slower, so its live progress can be watched: its 32-second task takes about 3 seconds. */
export const DEMO_TIME_SCALE = 10

export interface Connection extends DiagnosisContext {
  readonly client: SolveKitClient
  readonly baseUrl: string
  readonly provider: ProviderChoice.ProviderChoice
  /** True when the endpoint is the provider's own public API, where solved tasks cost money. */
  readonly charged: boolean
  /** The first line of output: where tasks go and whether money is spent. */
  readonly banner: string
}

export interface ConnectOptions {
  /** Emulator seed in embedded mode. */
  readonly seed?: number | undefined
  /** What to do without a key; `demo` explains itself differently from one-off commands. */
  readonly embeddedTimeScale?: number | undefined
}

const close = (client: SolveKitClient) => Effect.promise(() => client.dispose())

const makeClient = (choice: ProviderChoice.ProviderChoice, options: Parameters<typeof createClient>[0]) =>
  Effect.try({
    try: () => createClient({ ...options, provider: choice.provider }),
    catch: (error) =>
      new CliFailure({
        exitCode: ExitCode.Account,
        what: `the client could not be configured (${error instanceof Error ? error.message : String(error)})`,
        todo: `check --api-key / ${choice.apiKeyVariable} and --base-url`,
      }),
  })

const embedded = (
  choice: ProviderChoice.ProviderChoice,
  options: ConnectOptions,
): Effect.Effect<Connection, CliFailure, Scope.Scope> =>
  Effect.gen(function* () {
    const timeScale = options.embeddedTimeScale ?? EMBEDDED_TIME_SCALE
    const server = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () =>
          serve({
            provider: choice.emulatorDialect,
            keys: [EMBEDDED_KEY],
            timeScale,
            seed: options.seed ?? 1,
          }),
        catch: (error) =>
          new CliFailure({
            exitCode: ExitCode.Provider,
            what: `the embedded emulator could not start (${error instanceof Error ? error.message : String(error)})`,
            todo: "check that this machine allows listening on 127.0.0.1",
          }),
      }),
      (server) => Effect.promise(() => server.close()),
    )
    // Poll at the provider's advised cadence in provider time, so query counts look like real ones.
    const { firstDelayMs, intervalMs } = choice.provider.polling
    const policy = Policy.fixed(intervalMs / timeScale, firstDelayMs / timeScale)
    const client = yield* Effect.acquireRelease(
      makeClient(choice, { apiKey: EMBEDDED_KEY, baseUrl: server.url, policy, proxy: false }),
      close,
    )
    // CapSolver's banner stays as it always was; another provider's dialect is named.
    const speaking = choice.provider === CapSolver ? "" : ` speaking ${choice.provider.name}'s API`
    return {
      client,
      baseUrl: server.url,
      provider: choice,
      charged: false,
      embedded: true,
      keyVariable: choice.apiKeyVariable,
      protocolName: choice.provider.name,
      endpointLabel: "the embedded emulator",
      banner: `No ${choice.apiKeyVariable} set: solving on the embedded emulator${speaking} at ${server.url} (${timeScale}x time, no money spent).`,
    }
  })

const isHttpUrl = (text: string): boolean => {
  try {
    const url = new URL(text)
    return url.protocol === "http:" || url.protocol === "https:"
  } catch {
    return false
  }
}

/** A setting from the environment (through Effect's ConfigProvider), `undefined` when unset or blank. */
const fromEnvironment = (name: string): Effect.Effect<string | undefined, CliFailure> =>
  Config.option(Config.String(name)).pipe(
    Effect.map((value) => {
      const text = Option.getOrUndefined(value)
      return text === undefined || text.trim() === "" ? undefined : text
    }),
    Effect.mapError(
      () =>
        new CliFailure({
          exitCode: ExitCode.Usage,
          what: `${name} could not be read`,
          todo: `unset ${name} or give it a plain value`,
        }),
    ),
  )

/**
 * Connects as the shared flags say. The key and the endpoint come from the flags, else from the chosen
 * provider's own variables (never another provider's). The key is registered with `Output` so it can never
 * be printed.
 */
export const connect = (
  flags: SharedFlags,
  options: ConnectOptions = {},
): Effect.Effect<Connection, CliFailure, Scope.Scope | Output> =>
  Effect.gen(function* () {
    const output = yield* Output
    const choice = ProviderChoice.choose(flags.provider)
    const keyFlag = Option.getOrUndefined(flags.apiKey)
    const keyFromFlag = keyFlag === undefined ? undefined : Redacted.value(keyFlag)
    const keyFromEnv = yield* fromEnvironment(choice.apiKeyVariable)
    if (keyFromEnv !== undefined) yield* output.addSecret(keyFromEnv)
    const baseUrlFlag = Option.getOrUndefined(flags.baseUrl)
    const baseUrlSetting =
      baseUrlFlag === undefined
        ? yield* fromEnvironment(choice.baseUrlVariable).pipe(
            Effect.map((url) => (url === undefined ? undefined : { url, from: choice.baseUrlVariable })),
          )
        : { url: baseUrlFlag, from: "--base-url" }
    const key =
      keyFromFlag !== undefined && keyFromFlag.trim() !== ""
        ? { apiKey: keyFromFlag, from: "--api-key" }
        : keyFromEnv === undefined
          ? undefined
          : { apiKey: keyFromEnv, from: choice.apiKeyVariable }
    if (key === undefined) {
      if (baseUrlSetting !== undefined) {
        return yield* new CliFailure({
          exitCode: ExitCode.Account,
          what: `${baseUrlSetting.from} ${baseUrlSetting.url} was given without an API key`,
          todo: `pass --api-key or set ${choice.apiKeyVariable} (leave both out to use the embedded emulator)`,
        })
      }
      return yield* embedded(choice, options)
    }
    yield* output.addSecret(key.apiKey)
    const providersOwnUrl = choice.provider.baseUrl.replace(/\/+$/, "")
    const baseUrl = (baseUrlSetting?.url ?? providersOwnUrl).replace(/\/+$/, "")
    if (!isHttpUrl(baseUrl)) {
      return yield* new CliFailure({
        exitCode: ExitCode.Usage,
        what: `${baseUrlSetting?.from ?? "--base-url"} ${baseUrl} is not an http(s) URL`,
        todo: `pass a URL such as ${providersOwnUrl}`,
      })
    }
    const client = yield* Effect.acquireRelease(makeClient(choice, { apiKey: key.apiKey, baseUrl }), close)
    // The provider's public endpoints, the documented alternates (api-stable.capsolver.com) included.
    const charged = [providersOwnUrl, ...choice.provider.alternateBaseUrls]
      .map((url) => url.replace(/\/+$/, ""))
      .includes(baseUrl)
    // CapSolver's banner stays as it always was; another provider is named, since its protocol differs.
    const speaking = choice.provider === CapSolver ? "" : ` (${choice.provider.name}'s API)`
    return {
      client,
      baseUrl,
      provider: choice,
      charged,
      embedded: false,
      endpointLabel: new URL(baseUrl).host,
      keyVariable: choice.apiKeyVariable,
      protocolName: choice.provider.name,
      banner: `Solving on ${baseUrl}${speaking} with the key from ${key.from}${charged ? " (solved tasks are charged)" : ""}.`,
    }
  })
