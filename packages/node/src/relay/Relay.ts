/**
 * `createRelay`: builds the relay's parts from its options and hands each request to the pipeline.
 *
 * @since 0.1.0
 */
import { CapSolver, kyTransport, makePromiseClient, SolveKit } from "@solvekit/core"
import * as Effect from "effect/Effect"
import type { ConnectionInfo } from "../NodeHandler.ts"
import { taskCheck } from "./AllowLists.ts"
import { identityOf } from "./ClientIdentity.ts"
import { crossSiteCheck } from "./CrossSite.ts"
import { boundedEvent } from "./Echo.ts"
import type { Relay, RelayEvent, RelayOptions } from "./Options.ts"
import { TaskOwnership } from "./Ownership.ts"
import { handleRequest, type RelayParts } from "./Pipeline.ts"
import { MINUTE_MS, RateLimits } from "./RateLimits.ts"
import { DEFAULT_BODY_READ_TIMEOUT_MS, DEFAULT_MAX_BODY_BYTES } from "./Requests.ts"
import { corsPolicy } from "./Responses.ts"
import { connectUpstream } from "./Upstream.ts"

/**
 * Creates a relay. Throws `ConfigurationError` when there is no key (option or the provider's variable, e.g.
 * `CAPSOLVER_API_KEY`, `ANTICAPTCHA_API_KEY`) or a setting is malformed.
 *
 * @example
 * const relay = createRelay({
 *   allowTaskTypes: [ReCaptchaV2TaskProxyLess],
 *   allowWebsiteUrls: ["shop.example.com"],
 *   allowOrigins: ["https://shop.example.com"],
 *   limits: { tasksPerClientPerMinute: 5 },
 * })
 * http.createServer(toNodeHandler(relay.handle)).listen(8080)
 *
 * @example
 * // Anti-Captcha: key from ANTICAPTCHA_API_KEY; browsers use createClient({ relayUrl, provider: AntiCaptcha })
 * const relay = createRelay({ provider: AntiCaptcha, allowTaskTypes: [AntiTurnstileTaskProxyLess] })
 */
export const createRelay = (options: RelayOptions): Relay => {
  const provider = options.provider ?? CapSolver
  // Before the connection pool opens: a contradictory identity setting throws with nothing to close.
  const clientIdOf = identityOf(options)
  // Also before: an allow-list entry or website rule the relay cannot check throws.
  const checkTask = taskCheck(options, provider)
  const upstream = connectUpstream(options, provider)
  const now = options.now ?? Date.now
  const limits = new RateLimits(options.limits ?? {})
  const ownership = new TaskOwnership(provider)
  // The solve endpoint's client: the relay's key, provider and connection pool; built on its first solve.
  const solver = makePromiseClient(
    SolveKit.layerFrom(
      Effect.succeed({
        config: { ...upstream.client, policy: options.solvePolicy ?? upstream.client.policy },
        transport: kyTransport({
          fetch: upstream.fetch,
          maxBodyBytes: options.maxUpstreamBodyBytes,
          headers: { "user-agent": "solvekit-node-relay" },
        }),
      }),
    ),
  )
  const parts: RelayParts = {
    provider,
    upstream,
    solver,
    watching: new Map(),
    secrets: upstream.secrets,
    checkTask,
    limits,
    ownership,
    corsFor: corsPolicy(options.allowOrigins),
    clientIdOf,
    emit: listenerOf(options.onEvent),
    now,
    sweep: sweeper(now(), limits, ownership),
    bodyLimits: {
      maxBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      readTimeoutMs: options.bodyReadTimeoutMs ?? DEFAULT_BODY_READ_TIMEOUT_MS,
    },
    crossSite: crossSiteCheck(options.allowOrigins),
  }
  const handle = (request: Request, info: ConnectionInfo = {}) => handleRequest(parts, request, info)
  const close = async () => {
    // The solves first (their streams end with AbortedError), then the connections they used.
    await solver.dispose()
    await upstream.close()
  }
  return { handle, close, [Symbol.asyncDispose]: close }
}

const listenerOf =
  (onEvent: RelayOptions["onEvent"]) =>
  (event: RelayEvent): void => {
    try {
      // Bounded here, where every event passes: their text can come from the request or the provider.
      onEvent?.(boundedEvent(event))
    } catch {
      // A failing listener must not break the relay.
    }
  }

/** Sweeps the limits and the ownership table at most once a minute: often enough to bound their memory. */
const sweeper = (start: number, limits: RateLimits, ownership: TaskOwnership): ((at: number) => void) => {
  let lastSweep = start
  return (at) => {
    if (at - lastSweep < MINUTE_MS) return
    lastSweep = at
    limits.sweep(at)
    ownership.sweep(at)
  }
}
