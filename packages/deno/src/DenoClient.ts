/**
 * The Deno client: core's lifecycle over core's ky transport, with Deno's defaults: settings from the options
 * then the permitted `Deno.env` variables (`DenoConfig`), and Deno's own `fetch` (which already honours
 * `HTTPS_PROXY` / `NO_PROXY` and `--cert`).
 *
 * - Promise users: `createClient(options?)` returns core's `SolveKitClient` (no Effect types in its methods).
 * - Effect users: `layer(options?)` provides core's `SolveKit` service.
 *
 * @since 0.1.0
 */
import {
  type ClientConfigShape,
  type ClientOptions,
  type ConfigurationError,
  kyTransport,
  makePromiseClient,
  SolveKit,
  type SolveKitClient,
} from "@solvekit/core"
import { globalFetch } from "@solvekit/core/internal"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as DenoConfig from "./DenoConfig.ts"

/**
 * Options of a Deno client. Every field is optional: the API key falls back to the provider's variable
 * (`CAPSOLVER_API_KEY` by default, `ANTICAPTCHA_API_KEY` with `provider: AntiCaptcha`, ...) and the base URL
 * to the provider's `*_BASE_URL` (then the provider's own) when `--allow-env` grants them.
 */
export interface DenoClientOptions extends ClientOptions {
  /** The fetch to send requests with (default: Deno's global `fetch`, looked up per request). */
  readonly fetch?: typeof globalThis.fetch | undefined
  /** Largest response body accepted, in bytes (default 1 MiB). */
  readonly maxBodyBytes?: number | undefined
  /** Extra request headers. Never put the API key here: it travels in the request body. */
  readonly headers?: Readonly<Record<string, string>> | undefined
}

const USER_AGENT = "solvekit-deno/0.1"

const layerResolved = (config: ClientConfigShape, options: DenoClientOptions): Layer.Layer<SolveKit> =>
  SolveKit.layerFrom(
    Effect.succeed({
      config,
      transport: kyTransport({
        fetch: options.fetch ?? globalFetch,
        maxBodyBytes: options.maxBodyBytes,
        headers: { "user-agent": USER_AGENT, ...options.headers },
      }),
    }),
  )

/**
 * The `SolveKit` service for Effect programs. Settings are read when the layer is built: options first, then
 * the `Deno.env` variables the program may read. Fails with `ConfigurationError` when no key is found (saying
 * which `--allow-env` flag to pass when the permission is missing).
 *
 * @example
 * const program = Effect.gen(function* () {
 *   const solvekit = yield* SolveKit
 *   const { solution } = yield* solvekit.solve(ReCaptchaV2TaskProxyLess({ websiteURL, websiteKey }))
 *   return solution.gRecaptchaResponse
 * })
 * await Effect.runPromise(program.pipe(Effect.provide(layer())))
 */
export const layer = (options: DenoClientOptions = {}): Layer.Layer<SolveKit, ConfigurationError> =>
  Layer.unwrap(
    Effect.map(
      Effect.suspend(() => DenoConfig.resolve(options)),
      (config) => layerResolved(config, options),
    ),
  )

/**
 * A Promise client. Reads the permitted `Deno.env` variables now and throws `ConfigurationError` at once when
 * no key is found. Dispose it (`await client.dispose()` or `await using`) when done.
 *
 * @example
 * await using client = createClient()
 * const { solution } = await client.solve(ReCaptchaV2TaskProxyLess({ websiteURL, websiteKey }))
 */
export const createClient = (options: DenoClientOptions = {}): SolveKitClient =>
  makePromiseClient(layerResolved(DenoConfig.resolveSync(options), options))
