/**
 * Where a Deno client's settings come from: the options first, then `Deno.env`, but only the variables the
 * program was given `--allow-env` for. A variable without permission is never read (reading it would throw,
 * or stop at an interactive prompt), so a missing key says which flag to pass instead of failing on access.
 * The variables carry the prefix of the client's provider (`Provider.envPrefix`): a client reads (and asks
 * permission for) its own provider's variables only, never another provider's key or base URL.
 *
 * | setting | option | environment (`<P>` = `CAPSOLVER`, `TWOCAPTCHA`, `ANTICAPTCHA`, `CAPMONSTER`) |
 * |---|---|---|
 * | API key | `apiKey` | `<P>_API_KEY` |
 * | base URL | `baseUrl` | `<P>_BASE_URL` |
 * | developer id | `appId` | `<P>_APP_ID` |
 * | concurrency | `maxConcurrentRequests` | `<P>_MAX_CONCURRENT_REQUESTS` |
 * | default timeout | `timeout` | `<P>_TIMEOUT` (e.g. `90 seconds`) |
 *
 * CapSolver (the default provider) reads `CAPSOLVER_*`. A custom provider without an `envPrefix` reads no
 * variable: its key must be passed as `apiKey`.
 *
 * @since 0.1.0
 */
import {
  CapSolver,
  ClientConfig,
  type ClientConfigShape,
  type ClientOptions,
  type ConfigurationError,
  type EnvironmentVariables,
  type Provider,
  ProviderEnvironment,
} from "@solvekit/core"
import { runConfigurationSync } from "@solvekit/core/internal"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import { denoNamespace } from "./internal/DenoRuntime.ts"

/**
 * The environment variable read for CapSolver's API key (the default provider). Another provider's is
 * `ProviderEnvironment.variablesOf(provider)?.apiKey`, e.g. `ANTICAPTCHA_API_KEY`.
 */
export const API_KEY_ENV = "CAPSOLVER_API_KEY"
/** The environment variable read for CapSolver's base URL; another provider's is `variablesOf(provider)?.baseUrl`. */
export const BASE_URL_ENV = "CAPSOLVER_BASE_URL"

/**
 * Every environment variable a CapSolver client may read, for `--allow-env=...`. Another provider's list is
 * `ProviderEnvironment.variablesOf(provider)?.all`.
 */
export const ENV_VARIABLES = [
  API_KEY_ENV,
  BASE_URL_ENV,
  "CAPSOLVER_APP_ID",
  "CAPSOLVER_MAX_CONCURRENT_REQUESTS",
  "CAPSOLVER_TIMEOUT",
] as const

/** What the environment offered: the readable variables, and whether the key's variable was readable. */
export interface DenoEnvironment {
  readonly values: Readonly<Record<string, string>>
  /**
   * `"granted"` when the provider's key variable (`CAPSOLVER_API_KEY` for CapSolver) could be read;
   * `"no-permission"` (also when the provider has no variables); `"no-deno"` outside Deno.
   */
  readonly apiKeyAccess: "granted" | "no-permission" | "no-deno"
}

/**
 * Reads the variables of `provider` (default CapSolver) that `--allow-env` grants, without prompting and
 * without throwing. No other variable is queried or read.
 */
export const readEnvironment = (provider: Provider.Provider = CapSolver): DenoEnvironment => {
  const deno = denoNamespace()
  if (deno === undefined) return { values: {}, apiKeyAccess: "no-deno" }
  const variables = ProviderEnvironment.variablesOf(provider)
  const values: Record<string, string> = {}
  let apiKeyAccess: DenoEnvironment["apiKeyAccess"] = "no-permission"
  for (const variable of variables?.all ?? []) {
    if (deno.permissions.querySync({ name: "env", variable }).state !== "granted") continue
    if (variable === variables?.apiKey) apiKeyAccess = "granted"
    const value = deno.env.get(variable)
    if (value !== undefined) values[variable] = value
  }
  return { values, apiKeyAccess }
}

const missingKeyHint = (
  provider: Provider.Provider,
  variables: EnvironmentVariables | undefined,
  access: DenoEnvironment["apiKeyAccess"],
): string => {
  if (variables === undefined) return ProviderEnvironment.noVariablesHint(provider)
  const name = variables.apiKey
  switch (access) {
    case "granted":
      return `set the ${name} environment variable`
    case "no-permission":
      return (
        `run Deno with --allow-env=${name} so solvekit can read the ${name} environment ` +
        "variable (this program has no permission to read it)"
      )
    case "no-deno":
      return `run under Deno with the ${name} environment variable set (Deno.env is not available here)`
  }
}

/**
 * Options first, then `environment` (read for the options' provider by default). Only the provider's own
 * variables are looked up in it, whatever else it holds. Fails with `ConfigurationError` only, never quoting
 * the key.
 */
export const resolve = (
  options: ClientOptions,
  environment?: DenoEnvironment,
): Effect.Effect<ClientConfigShape, ConfigurationError> => {
  // The same default as core's: the provider decides which variables may be read.
  const provider = options.provider ?? CapSolver
  const variables = ProviderEnvironment.variablesOf(provider)
  const offered = environment ?? readEnvironment(provider)
  return ClientConfig.fromOptions(options, {
    fallback: ProviderEnvironment.settingsIn(ConfigProvider.fromEnv({ env: offered.values }), provider),
    missingKeyHint: missingKeyHint(provider, variables, offered.apiKeyAccess),
  }).pipe(Effect.mapError((error) => ProviderEnvironment.nameBaseUrlSource(error, variables)))
}

/** `resolve`, run now: throws `ConfigurationError` at once, as a Promise user expects from `createClient()`. */
export const resolveSync = (options: ClientOptions, environment?: DenoEnvironment): ClientConfigShape =>
  runConfigurationSync(resolve(options, environment))
