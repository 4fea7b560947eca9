/**
 * Which environment variables hold a provider's settings, for the adapters that read an environment (Node,
 * Deno). The names come from the provider's `envPrefix`: CapSolver reads `CAPSOLVER_API_KEY`, Anti-Captcha
 * `ANTICAPTCHA_API_KEY`, and so on, so a client for one provider never reads (and never sends) another
 * provider's key, and never sends its key to another provider's `*_BASE_URL`.
 *
 * A provider without an `envPrefix`, or with one that is not capital letters, digits and underscores starting
 * with a letter, reads no variable at all. The prefix is deliberately not derived from the provider's name: a
 * custom provider called "CapSolver mirror" (or "Anti-Captcha") would otherwise pick up a real provider's key.
 *
 * Browser code never imports this module.
 *
 * @since 0.2.0
 */
import * as ConfigProvider from "effect/ConfigProvider"
import { ConfigurationError } from "./Errors.ts"
import type { Provider } from "./Provider.ts"

/** The variables one provider's settings are read from, e.g. `ANTICAPTCHA_API_KEY`. */
export interface EnvironmentVariables {
  /** The provider's `envPrefix`, e.g. `"ANTICAPTCHA"`. */
  readonly prefix: string
  readonly apiKey: string
  readonly baseUrl: string
  readonly appId: string
  readonly maxConcurrentRequests: string
  /** A duration such as `90 seconds`. */
  readonly timeout: string
  /** Every variable above, key first: the list to grant (Deno's `--allow-env=`) or to document. */
  readonly all: ReadonlyArray<string>
}

const PREFIX = /^[A-Z][A-Z0-9_]*$/

/** The provider's environment variables, or `undefined` when it has no (usable) `envPrefix`. */
export const variablesOf = (provider: Provider): EnvironmentVariables | undefined => {
  const prefix = provider.envPrefix
  if (prefix === undefined || !PREFIX.test(prefix)) return undefined
  // The same names `ConfigProvider.constantCase` gives core's setting keys (apiKey → API_KEY) under the prefix.
  const variables = {
    apiKey: `${prefix}_API_KEY`,
    baseUrl: `${prefix}_BASE_URL`,
    appId: `${prefix}_APP_ID`,
    maxConcurrentRequests: `${prefix}_MAX_CONCURRENT_REQUESTS`,
    timeout: `${prefix}_TIMEOUT`,
  }
  return { prefix, ...variables, all: Object.values(variables) }
}

/**
 * The provider's settings inside an environment `ConfigProvider`: `apiKey` is read as `<prefix>_API_KEY`,
 * `baseUrl` as `<prefix>_BASE_URL`, and so on; nothing else in `env` is visible. `undefined` when the provider
 * reads no variable (pass no fallback to `ClientConfig.fromOptions` then).
 */
export const settingsIn = (
  env: ConfigProvider.ConfigProvider,
  provider: Provider,
): ConfigProvider.ConfigProvider | undefined => {
  const variables = variablesOf(provider)
  return variables === undefined
    ? undefined
    : env.pipe(ConfigProvider.nested(variables.prefix), ConfigProvider.constantCase)
}

/**
 * Completes core's missing-key message ("No API key: pass { apiKey } to the client or …") for a provider that
 * reads no variable.
 */
export const noVariablesHint = (provider: Provider): string =>
  `give the provider "${provider.name}" an envPrefix (capital letters, digits, underscores) so its key can come from the environment`

/**
 * Names the environment variable in core's error about a bad base URL, which cites the option only: in Node or
 * Deno the URL may as well come from `<envPrefix>_BASE_URL`. Other errors pass through.
 */
export const nameBaseUrlSource = (
  error: ConfigurationError,
  variables: EnvironmentVariables | undefined,
): ConfigurationError =>
  variables !== undefined && (error.detail.startsWith("baseUrl ") || error.detail.includes("setting baseUrl"))
    ? new ConfigurationError({
        detail: `${error.detail} (set by the baseUrl option or the ${variables.baseUrl} environment variable)`,
      })
    : error
