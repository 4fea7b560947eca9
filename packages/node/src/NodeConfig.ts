/**
 * Where a Node client's settings come from: the options passed to `createClient` / `layer` first, then the
 * environment, read through Effect's `ConfigProvider` (so Effect users can substitute their own provider):
 *
 * | setting | option | environment |
 * |---|---|---|
 * | API key | `apiKey` | `CAPSOLVER_API_KEY` |
 * | base URL | `baseUrl` | `CAPSOLVER_BASE_URL` |
 * | developer id | `appId` | `CAPSOLVER_APP_ID` |
 * | concurrency | `maxConcurrentRequests` | `CAPSOLVER_MAX_CONCURRENT_REQUESTS` |
 * | default timeout | `timeout` | `CAPSOLVER_TIMEOUT` (e.g. `90 seconds`) |
 * | outbound proxy | `proxy` | `https_proxy` / `HTTPS_PROXY`, `http_proxy` / `HTTP_PROXY`, `no_proxy` / `NO_PROXY` |
 *
 * A missing key is a `ConfigurationError` naming both ways to set it. Messages never quote the key or a proxy
 * URL (proxy URLs often carry a password).
 *
 * @since 0.1.0
 */
import { ClientConfig, type ClientConfigShape, type ClientOptions, ConfigurationError } from "@solvekit/core"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
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

/** The environment variable read for the API key. */
export const API_KEY_ENV = "CAPSOLVER_API_KEY"
/** The environment variable read for the base URL. */
export const BASE_URL_ENV = "CAPSOLVER_BASE_URL"

const missingKeyHint = `set the ${API_KEY_ENV} environment variable`

/**
 * The solvekit settings inside an environment provider: `apiKey` is read as `CAPSOLVER_API_KEY`, `baseUrl` as
 * `CAPSOLVER_BASE_URL`, and so on.
 */
export const capsolverSettings = (env: ConfigProvider.ConfigProvider): ConfigProvider.ConfigProvider =>
  env.pipe(ConfigProvider.nested("CAPSOLVER"), ConfigProvider.constantCase)

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
    const client = yield* ClientConfig.fromOptions(clientOptions, {
      fallback: capsolverSettings(env),
      missingKeyHint,
    }).pipe(Effect.mapError(renameBaseUrlError))
    const proxy = yield* resolveProxy(proxyOption, env)
    return { client, proxy }
  })

// core words a bad base URL with the option name only; a Node user may have set it in the environment.
const renameBaseUrlError = (error: ConfigurationError): ConfigurationError =>
  error.detail.startsWith("baseUrl ") || error.detail.includes("setting baseUrl")
    ? new ConfigurationError({
        detail: `${error.detail} (set by the baseUrl option or the ${BASE_URL_ENV} environment variable)`,
      })
    : error

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
): NodeResolvedConfig => {
  const exit = Effect.runSyncExit(resolve(options, env))
  if (Exit.isSuccess(exit)) return exit.value
  throw Option.getOrElse(
    Cause.findErrorOption(exit.cause),
    () => new ConfigurationError({ detail: "The client configuration could not be read." }),
  )
}
