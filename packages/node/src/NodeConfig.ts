/**
 * Where a Node client's settings come from: the options passed to `createClient` / `layer` first, then the
 * environment, read through Effect's `ConfigProvider` (so Effect users can substitute their own provider).
 * The variables carry the prefix of the client's provider (`Provider.envPrefix`), so a client reads its own
 * provider's key and base URL and never another's:
 *
 * | setting | option | environment (`<P>` = `CAPSOLVER`, `TWOCAPTCHA`, `ANTICAPTCHA`, `CAPMONSTER`) |
 * |---|---|---|
 * | API key | `apiKey` | `<P>_API_KEY` |
 * | base URL | `baseUrl` | `<P>_BASE_URL` |
 * | developer id | `appId` | `<P>_APP_ID` |
 * | concurrency | `maxConcurrentRequests` | `<P>_MAX_CONCURRENT_REQUESTS` |
 * | default timeout | `timeout` | `<P>_TIMEOUT` (e.g. `90 seconds`) |
 * | outbound proxy | `proxy` | `https_proxy` / `HTTPS_PROXY`, `http_proxy` / `HTTP_PROXY`, `no_proxy` / `NO_PROXY` |
 *
 * CapSolver (the default provider) reads `CAPSOLVER_*`. A custom provider without an `envPrefix` reads none of
 * these variables (only the proxy ones): its key must be passed as `apiKey`.
 *
 * A missing key is a `ConfigurationError` naming both ways to set it (the option, and the variable of the
 * client's provider). Messages never quote the key or a proxy URL (proxy URLs often carry a password).
 *
 * @since 0.1.0
 */
import {
  CapSolver,
  ClientConfig,
  type ClientConfigShape,
  type ClientOptions,
  ConfigurationError,
  type EnvironmentVariables,
  type Provider,
  ProviderEnvironment,
} from "@solvekit/core"
import { runConfigurationSync } from "@solvekit/core/internal"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { ProxySettings } from "./NodeHttp.ts"

/**
 * The outbound proxy for the SDK's own requests.
 * - absent: the usual environment variables (`https_proxy`/`HTTPS_PROXY`, `http_proxy`/`HTTP_PROXY`,
 *   `no_proxy`/`NO_PROXY`);
 * - `false`: connect directly, whatever the environment says;
 * - a URL (`http://user:pass@proxy.internal:3128`): every request through it;
 * - `{ url, noProxy }`: through `url`, except the hosts in `noProxy` (same syntax as `NO_PROXY`).
 */
export type ProxyOption =
  | string
  | URL
  | false
  | { readonly url: string | URL; readonly noProxy?: string | ReadonlyArray<string> | undefined }

/** The connection settings the Node adapter adds to core's client options. */
export interface NodeConnectionOptions {
  readonly proxy?: ProxyOption | undefined
}

/** Everything a Node client needs, resolved. */
export interface NodeResolvedConfig {
  readonly client: ClientConfigShape
  readonly proxy: ProxySettings | undefined
}

/**
 * The environment variable read for CapSolver's API key (the default provider). Another provider's is
 * `ProviderEnvironment.variablesOf(provider)?.apiKey`, e.g. `ANTICAPTCHA_API_KEY`.
 */
export const API_KEY_ENV = "CAPSOLVER_API_KEY"
/** The environment variable read for CapSolver's base URL; another provider's is `variablesOf(provider)?.baseUrl`. */
export const BASE_URL_ENV = "CAPSOLVER_BASE_URL"

const missingKeyHint = (provider: Provider.Provider, variables: EnvironmentVariables | undefined) =>
  variables === undefined
    ? ProviderEnvironment.noVariablesHint(provider)
    : `set the ${variables.apiKey} environment variable`

const optionalString = (name: string): Effect.Effect<string | undefined> =>
  Config.option(Config.String(name)).pipe(
    Effect.map(Option.getOrUndefined),
    Effect.orElseSucceed(() => undefined),
  )

/** Reads one env variable, preferring the lower-case spelling as curl and undici do. */
const envVariable = (env: ConfigProvider.ConfigProvider, name: string) =>
  Effect.gen(function* () {
    const lower = yield* Effect.provideService(
      optionalString(name.toLowerCase()),
      ConfigProvider.ConfigProvider,
      env,
    )
    if (lower !== undefined) return lower
    return yield* Effect.provideService(optionalString(name), ConfigProvider.ConfigProvider, env)
  })

const checkProxyUrl = (value: string | URL, source: string): Effect.Effect<string, ConfigurationError> =>
  Effect.suspend(() => {
    const text = String(value).trim()
    let url: URL | undefined
    try {
      url = new URL(text)
    } catch {
      url = undefined
    }
    if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
      // The value is not repeated: proxy URLs usually carry a password.
      return Effect.fail(
        new ConfigurationError({
          detail: `The proxy from ${source} must be an http:// or https:// URL such as http://user:pass@proxy.internal:3128.`,
        }),
      )
    }
    return Effect.succeed(text)
  })

/** Resolves the proxy: the option when given, else the environment. `undefined` = connect directly. */
export const resolveProxy = (
  option: ProxyOption | undefined,
  env: ConfigProvider.ConfigProvider,
): Effect.Effect<ProxySettings | undefined, ConfigurationError> =>
  Effect.gen(function* () {
    if (option === false) return undefined
    if (option !== undefined) {
      const { url, noProxy } =
        typeof option === "string" || option instanceof URL ? { url: option, noProxy: undefined } : option
      const checked = yield* checkProxyUrl(url, "the proxy option")
      return {
        httpsProxy: checked,
        httpProxy: checked,
        noProxy: typeof noProxy === "string" || noProxy === undefined ? noProxy : noProxy.join(","),
      }
    }
    const httpsProxy = yield* envVariable(env, "HTTPS_PROXY")
    const httpProxy = yield* envVariable(env, "HTTP_PROXY")
    const noProxy = yield* envVariable(env, "NO_PROXY")
    if (httpsProxy === undefined && httpProxy === undefined) return undefined
    return {
      httpsProxy: httpsProxy === undefined ? undefined : yield* checkProxyUrl(httpsProxy, "HTTPS_PROXY"),
      httpProxy: httpProxy === undefined ? undefined : yield* checkProxyUrl(httpProxy, "HTTP_PROXY"),
      noProxy,
    }
  })

/**
 * Options first, then the environment provider `env` (a `ConfigProvider` over environment variables).
 * Fails with `ConfigurationError` only.
 */
export const resolve = (
  options: ClientOptions & NodeConnectionOptions,
  env: ConfigProvider.ConfigProvider,
): Effect.Effect<NodeResolvedConfig, ConfigurationError> =>
  Effect.gen(function* () {
    const { proxy: proxyOption, ...clientOptions } = options
    // The same default as core's: the provider decides which variables may be read.
    const provider = clientOptions.provider ?? CapSolver
    const variables = ProviderEnvironment.variablesOf(provider)
    const client = yield* ClientConfig.fromOptions(clientOptions, {
      fallback: ProviderEnvironment.settingsIn(env, provider),
      missingKeyHint: missingKeyHint(provider, variables),
    }).pipe(Effect.mapError((error) => ProviderEnvironment.nameBaseUrlSource(error, variables)))
    const proxy = yield* resolveProxy(proxyOption, env)
    return { client, proxy }
  })

/** `resolve` against the ambient `ConfigProvider` (Effect users can provide their own). */
export const resolveAmbient = (
  options: ClientOptions & NodeConnectionOptions,
): Effect.Effect<NodeResolvedConfig, ConfigurationError> =>
  Effect.gen(function* () {
    return yield* resolve(options, yield* ConfigProvider.ConfigProvider)
  })

/**
 * `resolve` against a fresh snapshot of `process.env`, run now: throws `ConfigurationError` synchronously,
 * which is what a Promise user expects from `createClient()` without a key.
 */
export const resolveSync = (
  options: ClientOptions & NodeConnectionOptions,
  env: ConfigProvider.ConfigProvider = ConfigProvider.fromEnv(),
): NodeResolvedConfig => runConfigurationSync(resolve(options, env))
