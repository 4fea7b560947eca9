/**
 * The relay's calls to the provider: the key added server-side, a timeout per call, the answer read with
 * core's capped reader, and a failure turned into the refusal that tells the browser what it may do next.
 *
 * @since 0.1.0
 */
import { type ClientOptions, KyTransport, type Provider } from "@solvekit/core"
import { BodyTooLarge, readBodyCapped } from "@solvekit/core/internal"
import * as Redacted from "effect/Redacted"
import * as NodeConfig from "../NodeConfig.ts"
import * as NodeHttp from "../NodeHttp.ts"
import type { RelayEndpoint, RelayOptions } from "./Options.ts"
import { RELAY_ERROR_HEADER, type Refusal, refusal } from "./Responses.ts"

const DEFAULT_MAX_UPSTREAM_BODY_BYTES = 1024 * 1024
const DEFAULT_UPSTREAM_TIMEOUT_MS = 30_000
// getToken blocks until the task is solved.
const GET_TOKEN_TIMEOUT_MS = 150_000

/** The provider's answer, read whole: passed through to the browser once scrubbed. */
export interface UpstreamAnswer {
  readonly status: number
  readonly text: string
  readonly retryAfter: string | null
}

export interface Upstream {
  /** Sends one request with the key added; the answer, or the refusal that describes the failure. */
  readonly forward: (
    endpoint: RelayEndpoint,
    path: string,
    payload: Record<string, unknown>,
    signal: AbortSignal,
  ) => Promise<UpstreamAnswer | Refusal>
  /** Sent as `appId` with every task, when configured. */
  readonly appId: string | undefined
  /** What must never reach a browser or an event: the key. */
  readonly secrets: ReadonlyArray<string>
  /** Closes the connection pool. */
  readonly close: () => Promise<void>
}

/**
 * Resolves the key, base URL, app id and proxy as a Node client would (options first, then the provider's
 * environment variables), and opens the connection pool. Throws `ConfigurationError` when there is no key or
 * a setting is malformed.
 */
export const connectUpstream = (options: RelayOptions, provider: Provider.Provider): Upstream => {
  const clientOptions: ClientOptions & NodeConfig.NodeConnectionOptions = {
    provider,
    apiKey: options.apiKey,
    baseUrl: options.baseUrl,
    appId: options.appId,
    proxy: options.proxy,
  }
  const resolved = NodeConfig.resolveSync(clientOptions)
  const key = Redacted.value(resolved.client.apiKey)
  const baseUrl = resolved.client.baseUrl
  const dispatcher = NodeHttp.makeDispatcher({ proxy: resolved.proxy })
  const upstreamFetch = NodeHttp.makeFetch(dispatcher)
  const maxBodyBytes = options.maxUpstreamBodyBytes ?? DEFAULT_MAX_UPSTREAM_BODY_BYTES
  const timeoutMs = options.upstreamTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS

  const forward: Upstream["forward"] = async (endpoint, path, payload, signal) => {
    const timeout = endpoint === "getToken" ? Math.max(timeoutMs, GET_TOKEN_TIMEOUT_MS) : timeoutMs
    const bounded = AbortSignal.any([signal, AbortSignal.timeout(timeout)])
    try {
      const response = await upstreamFetch(`${baseUrl}/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ clientKey: key, ...payload }),
        signal: bounded,
      })
      const text = await readBodyCapped(response, maxBodyBytes, bounded)
      return { status: response.status, text, retryAfter: response.headers.get("retry-after") }
    } catch (cause) {
      return upstreamFailure(endpoint, cause)
    }
  }
  const close = () => NodeHttp.closeDispatcher(dispatcher)
  return { forward, appId: resolved.client.appId, secrets: [key], close }
}

/** What the browser is told when the provider's answer did not arrive whole. */
const upstreamFailure = (endpoint: RelayEndpoint, cause: unknown): Refusal => {
  const tooLarge = cause instanceof BodyTooLarge
  const neverSent = !tooLarge && KyTransport.requestNeverSent(cause)
  // Only a task request that may have reached the provider is "outcome unknown": retrying it could pay twice.
  // The answer is plain text, not a JSON error, so the client reads it as outcome-unknown and never re-sends.
  if (!neverSent && (endpoint === "createTask" || endpoint === "getToken")) {
    return refusal(
      502,
      "ERROR_RELAY_UPSTREAM_FAILED",
      "The provider's answer was lost; the task may have been created. Do not resend it blindly.",
      { [RELAY_ERROR_HEADER]: "upstream-outcome-unknown" },
      true,
    )
  }
  if (tooLarge) {
    return refusal(
      502,
      "ERROR_RELAY_UPSTREAM_FAILED",
      "The provider's answer was larger than this relay accepts.",
      { [RELAY_ERROR_HEADER]: "upstream-body-too-large" },
      true,
    )
  }
  return refusal(503, "ERROR_SERVICE_UNAVALIABLE", "The relay could not reach the provider; retry later.", {
    "retry-after": "2",
  })
}
