/**
 * The Node client: core's lifecycle over core's ky transport, with Node's defaults: settings from the options
 * then the environment (`NodeConfig`), and a keep-alive, proxy-aware fetch (`NodeHttp`) whose connections are
 * closed when the client is disposed.
 *
 * - Promise users: `createClient(options?)` returns core's `SolveKitClient` (no Effect types in its methods).
 * - Effect users: `layer(options?)` provides core's `SolveKit` service.
 *
 * @since 0.1.0
 */
import {
  type ClientOptions,
  type ConfigurationError,
  kyTransport,
  makePromiseClient,
  SolveKit,
  type SolveKitClient,
} from "@solvekit/core"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as NodeConfig from "./NodeConfig.ts"

/**
 * Options of a Node client. Every field is optional: the API key falls back to the provider's variable
 * (`CAPSOLVER_API_KEY` by default, `ANTICAPTCHA_API_KEY` with `provider: AntiCaptcha`, ...), the base URL to
 * the provider's `*_BASE_URL` (then the provider's own), the proxy to `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`.
 */
export interface NodeClientOptions extends ClientOptions, NodeConfig.NodeConnectionOptions {}

const USER_AGENT = "solvekit-node"

/**
 * The HTTP plumbing, loaded when a client is first built rather than with the package: undici is about 110
 * modules, a fifth of a cold start (`import` plus `createClient`), and a process that creates a client it
 * never uses (a CLI's `--help`, a function that exits early) should not pay for it. The first call pays it
 * instead, once per process.
 */
const nodeHttp = Effect.promise(() => import("./NodeHttp.ts"))

/** The client layer for settings that are already resolved; the fetch's sockets live as long as the layer. */
const layerResolved = (resolved: NodeConfig.NodeResolvedConfig): Layer.Layer<SolveKit> =>
  SolveKit.layerFrom(
    Effect.flatMap(nodeHttp, (NodeHttp) =>
      Effect.map(NodeHttp.scopedFetch({ proxy: resolved.proxy }), (fetch) => ({
        config: resolved.client,
        transport: kyTransport({ fetch, headers: { "user-agent": USER_AGENT } }),
      })),
    ),
  )

/**
 * The `SolveKit` service for Effect programs. Settings are read when the layer is built: options first, then
 * the ambient `ConfigProvider` (environment variables by default; provide your own with `ConfigProvider.layer`).
 * Fails with `ConfigurationError` when no key is found. Closing the layer closes the connection pool.
 *
 * @example
 * const program = Effect.gen(function* () {
 *   const solvekit = yield* SolveKit
 *   const { solution } = yield* solvekit.solve(ReCaptchaV2TaskProxyLess({ websiteURL, websiteKey }))
 *   return solution.gRecaptchaResponse
 * })
 * await Effect.runPromise(program.pipe(Effect.provide(NodeClient.layer())))
 */
export const layer = (options: NodeClientOptions = {}): Layer.Layer<SolveKit, ConfigurationError> =>
  Layer.unwrap(Effect.map(NodeConfig.resolveAmbient(options), layerResolved))

/**
 * A Promise client. Reads `process.env` now and throws `ConfigurationError` at once when no key is found
 * (the message names both the `apiKey` option and the provider's variable, e.g. `CAPSOLVER_API_KEY`). Dispose it (`await client.dispose()`
 * or `await using`) to close its connections.
 *
 * @example
 * const client = createClient()
 * const { solution } = await client.solve(ReCaptchaV2TaskProxyLess({ websiteURL, websiteKey }))
 */
export const createClient = (options: NodeClientOptions = {}): SolveKitClient =>
  makePromiseClient(layerResolved(NodeConfig.resolveSync(options)))
