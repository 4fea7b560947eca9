/**
 * Where a Deno client's settings come from: the options first, then `Deno.env`, but only the variables the
 * program was given `--allow-env` for. A variable without permission is never read (reading it would throw,
 * or stop at an interactive prompt), so a missing key says which flag to pass instead of failing on access.
 *
 * | setting | option | environment |
 * |---|---|---|
 * | API key | `apiKey` | `CAPSOLVER_API_KEY` |
 * | base URL | `baseUrl` | `CAPSOLVER_BASE_URL` |
 * | developer id | `appId` | `CAPSOLVER_APP_ID` |
 * | concurrency | `maxConcurrentRequests` | `CAPSOLVER_MAX_CONCURRENT_REQUESTS` |
 * | default timeout | `timeout` | `CAPSOLVER_TIMEOUT` (e.g. `90 seconds`) |
 *
 * @since 0.1.0
 */
import { ClientConfig, type ClientConfigShape, type ClientOptions, ConfigurationError } from "@solvekit/core"
import * as Cause from "effect/Cause"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import { denoNamespace } from "./internal/DenoRuntime.ts"

/** The environment variable read for the API key. */
export const API_KEY_ENV = "CAPSOLVER_API_KEY"
/** The environment variable read for the base URL. */
export const BASE_URL_ENV = "CAPSOLVER_BASE_URL"

/** Every environment variable a Deno client may read, for `--allow-env=...`. */
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
  /** `"granted"` when `CAPSOLVER_API_KEY` could be read; `"no-permission"`; `"no-deno"` outside Deno. */
  readonly apiKeyAccess: "granted" | "no-permission" | "no-deno"
}

/** Reads the solvekit variables that `--allow-env` grants, without prompting and without throwing. */
export const readEnvironment = (): DenoEnvironment => {
  const deno = denoNamespace()
  if (deno === undefined) return { values: {}, apiKeyAccess: "no-deno" }
  const values: Record<string, string> = {}
  let apiKeyAccess: DenoEnvironment["apiKeyAccess"] = "no-permission"
  for (const variable of ENV_VARIABLES) {
    if (deno.permissions.querySync({ name: "env", variable }).state !== "granted") continue
    if (variable === API_KEY_ENV) apiKeyAccess = "granted"
    const value = deno.env.get(variable)
    if (value !== undefined) values[variable] = value
  }
  return { values, apiKeyAccess }
}

const missingKeyHint = (access: DenoEnvironment["apiKeyAccess"]): string => {
  switch (access) {
    case "granted":
      return `set the ${API_KEY_ENV} environment variable`
    case "no-permission":
      return (
        `run Deno with --allow-env=${API_KEY_ENV} so solvekit can read the ${API_KEY_ENV} environment ` +
        "variable (this program has no permission to read it)"
      )
    case "no-deno":
      return `run under Deno with the ${API_KEY_ENV} environment variable set (Deno.env is not available here)`
  }
}

// core words a bad setting by its option name; in Deno it may just as well come from the environment.
const nameEnvironmentSource = (error: ConfigurationError): ConfigurationError =>
  error.detail.startsWith("baseUrl ") || error.detail.includes("setting baseUrl")
    ? new ConfigurationError({
        detail: `${error.detail} (set by the baseUrl option or the ${BASE_URL_ENV} environment variable)`,
      })
    : error

/** Options first, then `environment`. Fails with `ConfigurationError` only, never quoting the key. */
export const resolve = (
  options: ClientOptions,
  environment: DenoEnvironment = readEnvironment(),
): Effect.Effect<ClientConfigShape, ConfigurationError> =>
  ClientConfig.fromOptions(options, {
    fallback: ConfigProvider.fromEnv({ env: environment.values }).pipe(
      ConfigProvider.nested("CAPSOLVER"),
      ConfigProvider.constantCase,
    ),
    missingKeyHint: missingKeyHint(environment.apiKeyAccess),
  }).pipe(Effect.mapError(nameEnvironmentSource))

/** `resolve`, run now: throws `ConfigurationError` at once, as a Promise user expects from `createClient()`. */
export const resolveSync = (options: ClientOptions, environment?: DenoEnvironment): ClientConfigShape => {
  const exit = Effect.runSyncExit(resolve(options, environment))
  if (Exit.isSuccess(exit)) return exit.value
  throw Option.getOrElse(
    Cause.findErrorOption(exit.cause),
    () => new ConfigurationError({ detail: "The client configuration could not be read." }),
  )
}
