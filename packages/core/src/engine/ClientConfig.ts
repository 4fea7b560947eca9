/**
 * The client's configuration as a service: API key (always `Redacted`) or keyless mode, provider, base URL,
 * polling policy, retry policy, request concurrency, default timeout and event listener.
 *
 * `layerFromOptions` takes the options first, then reads the serialisable settings they lack from an optional
 * fallback `ConfigProvider`, so adapters get "constructor options first, then environment" by passing
 * e.g. `ConfigProvider.fromEnv().pipe(ConfigProvider.nested("SOLVEKIT"), ConfigProvider.constantCase)`.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import { ConfigurationError, excerptOf } from "../domain/Errors.ts"
import * as Provider from "../domain/Provider.ts"
import * as AdaptivePolicy from "./AdaptivePolicy.ts"
import type { EventListener } from "./Events.ts"
import * as Policy from "./Policy.ts"

export interface ClientConfigShape {
  /** The provider key; an empty `Redacted` when `keyless`. Sent only as the body's `clientKey`. */
  readonly apiKey: Redacted.Redacted<string>
  /**
   * True when requests carry no `clientKey` at all: the client talks to a relay that adds the key on the
   * server side (and refuses any key a browser sends).
   */
  readonly keyless: boolean
  readonly provider: Provider.Provider
  /** Base URL without trailing slash (defaults to the provider's). */
  readonly baseUrl: string
  /**
   * Developer / partner id, sent under the provider's field (`Provider.developerId`): CapSolver's `appId`
   * string, or the integer `softId` of 2Captcha, Anti-Captcha and CapMonster Cloud (checked to be one).
   */
  readonly appId: string | undefined
  readonly policy: Policy.PollPolicy
  readonly retry: Policy.RetryPolicy
  /** Client-wide cap on HTTP requests in flight. */
  readonly maxConcurrentRequests: number
  /** Default overall timeout of a solve; undefined = bounded only by the provider's result window. */
  readonly timeout: Duration.Duration | undefined
  readonly onEvent: EventListener | undefined
}

export class ClientConfig extends Context.Service<ClientConfig, ClientConfigShape>()(
  "@solvekit/core/ClientConfig",
) {}

/** Options accepted by every client constructor (adapters extend them). */
export interface ClientOptions {
  /** The provider API key. Adapters may fall back to the environment when it is absent. */
  readonly apiKey?: string | Redacted.Redacted<string> | undefined
  /**
   * Send no key at all: request bodies omit `clientKey`, for a client behind a relay that injects the key
   * server-side (`@solvekit/browser`'s relay mode). A keyless client takes no `apiKey` and reads none from
   * the environment. Default false.
   */
  readonly keyless?: boolean | undefined
  readonly provider?: Provider.Provider | undefined
  readonly baseUrl?: string | undefined
  /**
   * Developer / partner id: CapSolver's `appId`; sent as the integer `softId` to 2Captcha, Anti-Captcha and
   * CapMonster Cloud, so there it must be a whole number ("1234"), else a `ConfigurationError`.
   */
  readonly appId?: string | undefined
  /** Polling cadence. Default: a fresh `AdaptivePolicy.make()` per client, learning from its own solves. */
  readonly policy?: Policy.PollPolicy | undefined
  readonly retry?: Partial<Policy.RetryPolicy> | undefined
  /** Default 32. */
  readonly maxConcurrentRequests?: number | undefined
  readonly timeout?: Duration.Input | undefined
  readonly onEvent?: EventListener | undefined
}

export const DEFAULT_MAX_CONCURRENT_REQUESTS = 32

/** How `layerFromOptions` finds missing settings and words the missing-key error. */
export interface ResolveOptions {
  /** Consulted for settings absent from the options (e.g. environment variables). */
  readonly fallback?: ConfigProvider.ConfigProvider | undefined
  /** Completes "pass { apiKey } to the client or …", e.g. "set the SOLVEKIT_API_KEY environment variable". */
  readonly missingKeyHint?: string | undefined
}

const validate = (shape: ClientConfigShape): Effect.Effect<ClientConfigShape, ConfigurationError> =>
  Effect.gen(function* () {
    if (!shape.keyless && Redacted.value(shape.apiKey).trim() === "") {
      return yield* new ConfigurationError({ detail: "The API key is empty." })
    }
    if (!Number.isInteger(shape.maxConcurrentRequests) || shape.maxConcurrentRequests < 1) {
      return yield* new ConfigurationError({
        detail: `maxConcurrentRequests must be a positive integer, got ${shape.maxConcurrentRequests}.`,
      })
    }
    if (!/^https?:\/\/[^\s]+$/i.test(shape.baseUrl)) {
      return yield* new ConfigurationError({
        detail: `baseUrl must be an http(s) URL, got ${JSON.stringify(shape.baseUrl)}.`,
      })
    }
    // 2Captcha, Anti-Captcha and CapMonster Cloud take the developer id as an integer `softId`: a value that is
    // not one would be sent as NaN or a fraction and silently credit no one, so it is refused before any request.
    if (
      shape.appId !== undefined &&
      shape.provider.developerId?.kind === "integer" &&
      !(/^\d{1,15}$/.test(shape.appId.trim()) && Number(shape.appId.trim()) > 0)
    ) {
      return yield* new ConfigurationError({
        detail: `${shape.provider.name} takes the developer id (appId) as an integer ${
          shape.provider.developerId.field
        }: pass a positive whole number such as "1234".`,
      })
    }
    if (shape.timeout !== undefined && !(Duration.toMillis(shape.timeout) > 0)) {
      return yield* new ConfigurationError({
        detail: `timeout must be a positive duration, got ${Duration.toMillis(shape.timeout)} ms.`,
      })
    }
    return shape
  })

/**
 * A timeout option (the client's, or one call's) as a positive duration, or a `ConfigurationError` naming the
 * option: a typo ("2 minuts"), an object, a negative or NaN timeout is the caller's mistake, refused rather
 * than thrown or turned into an instant `TaskTimeoutError`. The one parser of both.
 */
export const parseTimeout = (
  input: Duration.Input | undefined,
): Result.Result<Duration.Duration | undefined, ConfigurationError> => {
  if (input === undefined) return Result.succeed(undefined)
  let parsed: Option.Option<Duration.Duration>
  try {
    parsed = Duration.fromInput(input)
  } catch {
    parsed = Option.none()
  }
  if (Option.isSome(parsed) && Duration.toMillis(parsed.value) > 0) return Result.succeed(parsed.value)
  const shown =
    typeof input === "string"
      ? JSON.stringify(input)
      : typeof input === "number"
        ? String(input)
        : typeof input
  return Result.fail(
    new ConfigurationError({
      detail: `timeout must be a positive duration such as "2 minutes" or 120000 (ms), got ${excerptOf(shown, 64)}.`,
    }),
  )
}

const toRedacted = (key: string | Redacted.Redacted<string>): Redacted.Redacted<string> =>
  Redacted.isRedacted(key) ? key : Redacted.make(key, { label: "apiKey" })

/** Complete options: a key, or keyless mode (which takes none; both at once is a `ConfigurationError`). */
export type CompleteClientOptions = ClientOptions &
  ({ readonly apiKey: string | Redacted.Redacted<string> } | { readonly keyless: true })

const keyGivenToKeyless = () =>
  new ConfigurationError({
    detail:
      "A keyless client sends no key: remove apiKey (or keyless). The relay it talks to adds the key and refuses requests that carry one.",
  })

/** Builds a configuration from complete options (an API key, or `keyless: true`). */
export const make = (
  options: CompleteClientOptions,
): Effect.Effect<ClientConfigShape, ConfigurationError> => {
  const provider = options.provider ?? Provider.CapSolver
  return Effect.suspend(() => {
    const keyless = options.keyless === true
    // Checked at run time too: a plain-JS caller can pass both.
    if (keyless && options.apiKey !== undefined) return Effect.fail(keyGivenToKeyless())
    const parsed = parseTimeout(options.timeout)
    if (Result.isFailure(parsed)) return Effect.fail(parsed.failure)
    const timeout = parsed.success
    return validate({
      apiKey: keyless ? Redacted.make("", { label: "apiKey" }) : toRedacted(options.apiKey ?? ""),
      keyless,
      provider,
      baseUrl: (options.baseUrl ?? provider.baseUrl).replace(/\/+$/, ""),
      appId: options.appId,
      // A fresh learned policy per client: it holds this client's own solve history.
      policy: options.policy ?? AdaptivePolicy.make(),
      retry: { ...Policy.defaultRetry, ...options.retry },
      maxConcurrentRequests: options.maxConcurrentRequests ?? DEFAULT_MAX_CONCURRENT_REQUESTS,
      timeout,
      onEvent: options.onEvent,
    })
  })
}

/** A layer from complete options. */
export const layer = (options: CompleteClientOptions): Layer.Layer<ClientConfig, ConfigurationError> =>
  Layer.effect(ClientConfig, make(options))

/** The serialisable settings, read from the ambient `ConfigProvider` (keys: apiKey, baseUrl, appId, ...). */
export const config = /*#__PURE__*/ Config.all({
  apiKey: /*#__PURE__*/ Config.Redacted("apiKey"),
  baseUrl: /*#__PURE__*/ Config.option(/*#__PURE__*/ Config.String("baseUrl")),
  appId: /*#__PURE__*/ Config.option(/*#__PURE__*/ Config.String("appId")),
  maxConcurrentRequests: /*#__PURE__*/ Config.option(/*#__PURE__*/ Config.Int("maxConcurrentRequests")),
  timeout: /*#__PURE__*/ Config.option(/*#__PURE__*/ Config.Duration("timeout")),
})

const missingKey = (hint: string | undefined) =>
  new ConfigurationError({
    detail: `No API key: pass { apiKey } to the client${hint === undefined ? "" : ` or ${hint}`}.`,
  })

const malformed = (name: string) => new ConfigurationError({ detail: `The setting ${name} is malformed.` })

/**
 * Reads one setting from the providers in order: the first that has it wins (like `ConfigProvider.orElse`).
 * Providers are read through their own `load`, so resolving plain options never loads the `Config` machinery
 * (which weighs on browser bundles); the key-to-variable mapping (`nested`, `constantCase`) stays the provider's.
 */
const readSetting = (
  providers: ReadonlyArray<ConfigProvider.ConfigProvider>,
  name: string,
): Effect.Effect<string | undefined, ConfigurationError> =>
  Effect.gen(function* () {
    for (const provider of providers) {
      const node = yield* Effect.mapError(provider.load([name]), () => malformed(name))
      if (node === undefined) continue
      if (typeof node.value !== "string") return yield* malformed(name)
      return node.value
    }
    return undefined
  })

const parseInteger = (
  name: string,
  text: string | undefined,
): Effect.Effect<number | undefined, ConfigurationError> => {
  if (text === undefined) return Effect.succeed(undefined)
  const value = Number(text)
  return text.trim() !== "" && Number.isSafeInteger(value)
    ? Effect.succeed(value)
    : Effect.fail(malformed(name))
}

const parseDuration = (
  name: string,
  text: string | undefined,
): Effect.Effect<Duration.Duration | undefined, ConfigurationError> => {
  if (text === undefined) return Effect.succeed(undefined)
  const value = Duration.fromInput(text as Duration.Input)
  return Option.isSome(value) ? Effect.succeed(value.value) : Effect.fail(malformed(name))
}

const nonEmpty = (text: string | undefined): string | undefined => (text === "" ? undefined : text)

const resolveWith = (
  options: ClientOptions,
  providers: ReadonlyArray<ConfigProvider.ConfigProvider>,
  missingKeyHint: string | undefined,
): Effect.Effect<ClientConfigShape, ConfigurationError> =>
  Effect.gen(function* () {
    // Options first: a setting given in the options is never looked up in the providers. An empty string
    // counts as not given, as it does for a `ConfigProvider`.
    const keyOption = Redacted.isRedacted(options.apiKey) ? Redacted.value(options.apiKey) : options.apiKey
    const keyless = options.keyless === true
    if (keyless && nonEmpty(keyOption) !== undefined) return yield* keyGivenToKeyless()
    // A keyless client never looks for a key: the environment's key is not its to send.
    const apiKey = keyless
      ? undefined
      : (nonEmpty(keyOption) ??
        (yield* Effect.mapError(readSetting(providers, "apiKey"), () => missingKey(missingKeyHint))))
    if (!keyless && (apiKey === undefined || apiKey.trim() === "")) return yield* missingKey(missingKeyHint)
    const baseUrl = nonEmpty(options.baseUrl) ?? (yield* readSetting(providers, "baseUrl"))
    const appId = nonEmpty(options.appId) ?? (yield* readSetting(providers, "appId"))
    const maxConcurrentRequests =
      options.maxConcurrentRequests ??
      (yield* parseInteger("maxConcurrentRequests", yield* readSetting(providers, "maxConcurrentRequests")))
    const timeout =
      options.timeout !== undefined
        ? options.timeout
        : yield* parseDuration("timeout", yield* readSetting(providers, "timeout"))
    const settings = { ...options, baseUrl, appId, maxConcurrentRequests, timeout }
    return yield* make(
      apiKey === undefined
        ? { ...settings, apiKey: undefined, keyless: true }
        : { ...settings, apiKey: Redacted.make(apiKey, { label: "apiKey" }), keyless: false },
    )
  })

/**
 * Resolves options first, then the fallback provider. A missing key fails with a `ConfigurationError` saying
 * how to set it; a malformed setting names the setting (never its value).
 */
export const fromOptions = (
  options: ClientOptions,
  resolve: ResolveOptions = {},
): Effect.Effect<ClientConfigShape, ConfigurationError> =>
  resolveWith(options, resolve.fallback === undefined ? [] : [resolve.fallback], resolve.missingKeyHint)

/** `fromOptions` as a layer: the adapters' "options first, then environment" entry point. */
export const layerFromOptions = (
  options: ClientOptions,
  resolve: ResolveOptions = {},
): Layer.Layer<ClientConfig, ConfigurationError> => Layer.effect(ClientConfig, fromOptions(options, resolve))

/**
 * Reads the serialisable settings from the ambient `ConfigProvider` (e.g. provided with `ConfigProvider.layer`),
 * then `options.fallback`, the rest from `options`.
 */
export const layerConfig = (
  options: Omit<ClientOptions, "apiKey"> & ResolveOptions = {},
): Layer.Layer<ClientConfig, ConfigurationError> =>
  Layer.effect(
    ClientConfig,
    Effect.gen(function* () {
      const ambient = yield* ConfigProvider.ConfigProvider
      const providers = options.fallback === undefined ? [ambient] : [ambient, options.fallback]
      return yield* resolveWith(options, providers, options.missingKeyHint)
    }),
  )
