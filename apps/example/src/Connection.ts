/**
 * Where the app solves. With no API key it starts the emulator in-process (a real HTTP server on a free
 * local port, so the SDK runs exactly as it would against CapSolver) and solves there for free; with a key it
 * talks to CapSolver, or to --base-url. The banner says which, in the output's first line.
 */
import { serve } from "@solvekit/emulator/node"
import { createClient, Policy, type SolveKitClient } from "@solvekit/node"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { CliFailure } from "./CliFailure.ts"
import type { SharedFlags } from "./commands/Root.ts"
import type { DiagnosisContext } from "./Diagnosis.ts"
import { ExitCode } from "./ExitCode.ts"
import { Output } from "./Output.ts"

export const CAPSOLVER_URL = "https://api.capsolver.com"

/** The key the embedded emulator accepts. Not a secret: it only opens the in-process emulator. */
export const EMBEDDED_KEY = "solvekit-example-embedded"

/** Provider seconds per real second in embedded mode: CapSolver's 1-30 s solves take 0.03-1 s. */
export const EMBEDDED_TIME_SCALE = 30

/** The demo runs slower, so its live progress can be watched: its 32-second task takes about 3 seconds. */
export const DEMO_TIME_SCALE = 10

/** CapSolver's polling advice (first query after 1.5 s, then every 3 s), in provider time. */
const FIRST_POLL_MS = 1_500
const POLL_INTERVAL_MS = 3_000

export interface Connection extends DiagnosisContext {
  readonly client: SolveKitClient
  readonly baseUrl: string
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

const makeClient = (options: Parameters<typeof createClient>[0]) =>
  Effect.try({
    try: () => createClient(options),
    catch: (error) =>
      new CliFailure({
        exitCode: ExitCode.Account,
        what: `the client could not be configured (${error instanceof Error ? error.message : String(error)})`,
        todo: "check --api-key / CAPSOLVER_API_KEY and --base-url",
      }),
  })

const embedded = (options: ConnectOptions): Effect.Effect<Connection, CliFailure, Scope.Scope> =>
  Effect.gen(function* () {
    const timeScale = options.embeddedTimeScale ?? EMBEDDED_TIME_SCALE
    const server = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => serve({ keys: [EMBEDDED_KEY], timeScale, seed: options.seed ?? 1 }),
        catch: (error) =>
          new CliFailure({
            exitCode: ExitCode.Provider,
            what: `the embedded emulator could not start (${error instanceof Error ? error.message : String(error)})`,
            todo: "check that this machine allows listening on 127.0.0.1",
          }),
      }),
      (server) => Effect.promise(() => server.close()),
    )
    // Poll at CapSolver's advised cadence in provider time, so query counts look like real ones.
    const policy = Policy.fixed(POLL_INTERVAL_MS / timeScale, FIRST_POLL_MS / timeScale)
    const client = yield* Effect.acquireRelease(
      makeClient({ apiKey: EMBEDDED_KEY, baseUrl: server.url, policy, proxy: false }),
      close,
    )
    return {
      client,
      baseUrl: server.url,
      embedded: true,
      endpointLabel: "the embedded emulator",
      banner: `No CAPSOLVER_API_KEY set: solving on the embedded emulator at ${server.url} (${timeScale}x time, no money spent).`,
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

/** Connects as the shared flags say. The key is registered with `Output` so it can never be printed. */
export const connect = (
  flags: SharedFlags,
  options: ConnectOptions = {},
): Effect.Effect<Connection, CliFailure, Scope.Scope | Output> =>
  Effect.gen(function* () {
    const output = yield* Output
    const key = Option.getOrUndefined(flags.apiKey)
    const baseUrlFlag = Option.getOrUndefined(flags.baseUrl)
    if (key === undefined || Redacted.value(key).trim() === "") {
      if (baseUrlFlag !== undefined) {
        return yield* new CliFailure({
          exitCode: ExitCode.Account,
          what: `--base-url ${baseUrlFlag} was given without an API key`,
          todo: "pass --api-key or set CAPSOLVER_API_KEY (leave both out to use the embedded emulator)",
        })
      }
      return yield* embedded(options)
    }
    const apiKey = Redacted.value(key)
    yield* output.addSecret(apiKey)
    const baseUrl = (baseUrlFlag ?? CAPSOLVER_URL).replace(/\/+$/, "")
    if (!isHttpUrl(baseUrl)) {
      return yield* new CliFailure({
        exitCode: ExitCode.Usage,
        what: `--base-url ${baseUrl} is not an http(s) URL`,
        todo: "pass a URL such as https://api.capsolver.com",
      })
    }
    const client = yield* Effect.acquireRelease(makeClient({ apiKey, baseUrl }), close)
    const source = process.env.CAPSOLVER_API_KEY === apiKey ? "CAPSOLVER_API_KEY" : "--api-key"
    const host = new URL(baseUrl).host
    return {
      client,
      baseUrl,
      embedded: false,
      endpointLabel: host,
      banner: `Solving on ${baseUrl} with the key from ${source}${baseUrl === CAPSOLVER_URL ? " (solved tasks are charged)" : ""}.`,
    }
  })
