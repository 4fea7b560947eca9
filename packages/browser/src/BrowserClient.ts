/**
 * The browser client: core's lifecycle over core's ky transport, with the page's `fetch` and no environment
 * access. Two modes, chosen by the options:
 *
 * - **relay mode** `{ relayUrl }`: requests go to your server's relay (`createRelay` from `@solvekit/node`),
 *   which adds the key server-side. The page holds no key and sends no `clientKey`. Use this on any page the
 *   public can open.
 * - **key mode** `{ apiKey, baseUrl? }`: requests go straight to the provider with the key in their bodies.
 *   Anyone who can open the page can read the key (devtools, the network tab, the bundle) and spend your
 *   balance. Only for pages you alone use (an extension you do not publish, an internal tool).
 *
 * - Promise users: `createClient(options)` returns core's `SolveKitClient`; every call takes an `AbortSignal`.
 * - Effect users: `layer(options)` provides core's `SolveKit` service.
 *
 * @since 0.1.0
 */
// Named imports, not the `ClientConfig`/`KyTransport` namespaces: a bundler keeps a whole module behind a
// namespace re-export (ClientConfig's would bring Effect's Config machinery into the page).
import {
  type ClientConfigShape,
  type ClientOptions,
  ConfigurationError,
  kyTransport,
  makeClientConfig,
  makePromiseClient,
  type SolveKit,
  type SolveKitClient,
} from "@solvekit/core"
// `layerFrom` is `SolveKit.layerFrom` without the class: its other layers (`layerKy` and the options resolution
// that reads an environment) stay out of the page.
import { globalFetch, layerFrom, runConfigurationSync } from "@solvekit/core/internal"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"

/** Settings shared by both modes. */
export interface BrowserCommonOptions extends Omit<ClientOptions, "apiKey" | "baseUrl" | "keyless"> {
  /**
   * The fetch to use. Default: the page's `fetch`, looked up at each request and called on `globalThis`
   * (so a fetch wrapped later by instrumentation still applies, and a detached `window.fetch` is never called).
   */
  readonly fetch?: typeof globalThis.fetch | undefined
  /** Largest response body accepted, in bytes (default 1 MiB). */
  readonly maxBodyBytes?: number | undefined
  /**
   * Extra request headers. Any header other than `content-type`/`accept` makes the browser send a CORS
   * preflight, so the server must allow it. Never put the API key here.
   */
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/**
 * Key mode: the page calls the provider with your key. **Anyone who can open the page can read this key**
 * and spend your balance with it. Use relay mode for any page the public can open.
 */
export interface KeyModeOptions extends BrowserCommonOptions {
  readonly apiKey: string | Redacted.Redacted<string>
  /** The provider's API (default CapSolver's). It must answer cross-origin requests from your page. */
  readonly baseUrl?: string | undefined
  readonly relayUrl?: undefined
}

/** Relay mode: the page calls your relay, which holds the key. The page sends no key at all. */
export interface RelayModeOptions extends BrowserCommonOptions {
  /**
   * Where your relay is mounted, e.g. `"https://app.example.com/captcha"` or, on a page, `"/captcha"`
   * (resolved against the page's address). Requests go to `<relayUrl>/createTask`, `<relayUrl>/getTaskResult`.
   */
  readonly relayUrl: string
  readonly apiKey?: undefined
  readonly baseUrl?: undefined
}

export type BrowserClientOptions = KeyModeOptions | RelayModeOptions

const configurationError = (detail: string) => new ConfigurationError({ detail })

/** Resolves a relative relay URL against the page's address, the way `fetch` would. */
const absoluteRelayUrl = (relayUrl: string): Effect.Effect<string, ConfigurationError> =>
  Effect.suspend(() => {
    if (relayUrl.trim() === "") return Effect.fail(configurationError("relayUrl is empty."))
    const base = (globalThis as { readonly location?: { readonly href?: string } }).location?.href
    try {
      return Effect.succeed(new URL(relayUrl, base).href.replace(/\/+$/, ""))
    } catch {
      return Effect.fail(
        configurationError(
          base === undefined
            ? `relayUrl must be an absolute http(s) URL outside a page, got ${JSON.stringify(relayUrl)}.`
            : `relayUrl is not a URL: ${JSON.stringify(relayUrl)}.`,
        ),
      )
    }
  })

/** Validates the options and resolves the client configuration (no request is made). */
const resolve = (options: BrowserClientOptions): Effect.Effect<ClientConfigShape, ConfigurationError> =>
  Effect.gen(function* () {
    const {
      apiKey,
      relayUrl,
      baseUrl,
      fetch: _fetch,
      maxBodyBytes: _max,
      headers: _headers,
      keyless: _keyless,
      ...common
    } = options as BrowserCommonOptions & {
      readonly keyless?: unknown
      readonly apiKey?: string | Redacted.Redacted<string> | undefined
      readonly relayUrl?: string | undefined
      readonly baseUrl?: string | undefined
    }
    if (apiKey !== undefined && relayUrl !== undefined) {
      return yield* configurationError(
        "Pass either { relayUrl } (relay mode) or { apiKey } (key mode), not both: a relay refuses requests that carry a key.",
      )
    }
    if (relayUrl !== undefined) {
      if (baseUrl !== undefined) {
        return yield* configurationError(
          "baseUrl is a key-mode setting; in relay mode the relay chooses the provider.",
        )
      }
      // Keyless: the relay adds the key server-side, so request bodies carry no clientKey at all.
      return yield* makeClientConfig({ ...common, keyless: true, baseUrl: yield* absoluteRelayUrl(relayUrl) })
    }
    if (apiKey === undefined) {
      return yield* configurationError(
        "No relay and no key: pass { relayUrl } (your server's solvekit relay; the page holds no key) or { apiKey } (anyone who opens the page can read it).",
      )
    }
    return yield* makeClientConfig({ ...common, apiKey, baseUrl })
  })

/** The client over a configuration: core's ky transport on the page's fetch. */
const layerResolved = <E>(
  options: BrowserClientOptions,
  config: Effect.Effect<ClientConfigShape, E>,
): Layer.Layer<SolveKit, E> =>
  layerFrom(
    Effect.map(config, (resolved) => ({
      config: resolved,
      transport: kyTransport({
        fetch: options.fetch ?? globalFetch,
        maxBodyBytes: options.maxBodyBytes,
        headers: options.headers,
      }),
    })),
  )

/**
 * The `SolveKit` service for Effect programs. The options are checked when the layer is built (a
 * `ConfigurationError` for a missing, empty or doubled key/relay, or a malformed setting).
 *
 * @example
 * const program = Effect.gen(function* () {
 *   const solvekit = yield* SolveKit
 *   const { solution } = yield* solvekit.solve(ReCaptchaV2TaskProxyLess({ websiteURL, websiteKey }))
 *   return solution.gRecaptchaResponse
 * })
 * await Effect.runPromise(program.pipe(Effect.provide(BrowserClient.layer({ relayUrl: "/captcha" }))))
 */
export const layer = (options: BrowserClientOptions): Layer.Layer<SolveKit, ConfigurationError> =>
  layerResolved(options, resolve(options))

/**
 * A Promise client. The options are checked now: a missing, empty or doubled key/relay, or a malformed
 * setting, throws `ConfigurationError` at once. Every call accepts `{ signal }`; aborting stops its requests
 * and rejects with `AbortedError`.
 *
 * @example
 * const client = createClient({ relayUrl: "/captcha" })
 * const { solution } = await client.solve(AntiTurnstileTaskProxyLess({ websiteURL, websiteKey }), { signal })
 */
export const createClient = (options: BrowserClientOptions): SolveKitClient => {
  const resolved = runConfigurationSync(resolve(options))
  return makePromiseClient(layerResolved(options, Effect.succeed(resolved)))
}
