/**
 * What a relay is configured with and what it reports: the public shapes `NodeRelay.ts` re-exports.
 *
 * @since 0.1.0
 */
import type { Provider } from "@solvekit/core"
import type * as Redacted from "effect/Redacted"
import type * as NodeConfig from "../NodeConfig.ts"
import type { ConnectionInfo } from "../NodeHandler.ts"

/** The endpoints a relay forwards. `getBalance` is never exposed to browsers. */
export type RelayEndpoint = "createTask" | "getTaskResult" | "feedbackTask" | "getToken"

/** A website rule: a hostname (`example.com`, `*.example.com` for subdomains), a URL prefix (`https://example.com/login`), or a RegExp tested against the whole URL. */
export type WebsiteRule = string | RegExp

export interface RelayLimits {
  /** Tasks (createTask + getToken) one client may start per rolling minute. Default 10. */
  readonly tasksPerClientPerMinute?: number | undefined
  /** Tasks all clients together may start per rolling minute. Default: no global limit. */
  readonly tasksPerMinute?: number | undefined
  /** Tasks one client may have unfinished at once. Default: no limit. */
  readonly pendingTasksPerClient?: number | undefined
  /** Requests of any kind (polls included) one client may make per rolling minute. Default 300. */
  readonly requestsPerClientPerMinute?: number | undefined
}

/** Something that happened in the relay, for your logs and metrics. Never carries the key. */
export type RelayEvent =
  | {
      readonly _tag: "Forwarded"
      readonly endpoint: RelayEndpoint
      readonly clientId: string
      readonly taskType?: string | undefined
      readonly taskId?: string | undefined
      readonly status: number
      readonly errorCode?: string | undefined
    }
  | {
      readonly _tag: "Refused"
      readonly endpoint: string
      readonly clientId: string
      readonly status: number
      readonly errorCode: string
      readonly taskType?: string | undefined
    }

export interface RelayOptions {
  /**
   * The provider the relay forwards to: `CapSolver` (default), `TwoCaptcha`, `AntiCaptcha`, `CapMonsterCloud`
   * or your own. It decides the default base URL, the environment variables read (`<envPrefix>_API_KEY`, ...:
   * never another provider's), the endpoint paths, and which endpoints exist (the others have no `getToken`
   * and no `feedbackTask`: the relay refuses those without contacting the provider). Give the browser client
   * the same `provider`, so it sends this provider's type names, task fields and task ids.
   */
  readonly provider?: Provider.Provider | undefined
  /** The API key. Default: the provider's `<envPrefix>_API_KEY` from the environment (`CAPSOLVER_API_KEY`). */
  readonly apiKey?: string | Redacted.Redacted<string> | undefined
  /** The upstream API. Default: the provider's `<envPrefix>_BASE_URL` from the environment, else its own URL. */
  readonly baseUrl?: string | undefined
  /** Outbound proxy for the relay's upstream requests (same rules as the client's `proxy` option). */
  readonly proxy?: NodeConfig.ProxyOption | undefined
  /** Sent as `appId` with every createTask / getToken. Default: the provider's `<envPrefix>_APP_ID` if set. */
  readonly appId?: string | undefined
  /**
   * Task types browsers may use: type names or task definitions (`[ReCaptchaV2TaskProxyLess, "ImageToTextTask"]`).
   * Compared case-insensitively. Write them as the catalogue names them (CapSolver's names): a task sent under
   * the provider's own name for an allowed type (`provider.taskTypeName`, e.g. Anti-Captcha's
   * `TurnstileTaskProxyless` for `AntiTurnstileTaskProxyLess`) is allowed too, and nothing else is.
   * Required: a relay that forwards anything is a free solver for the internet.
   */
  readonly allowTaskTypes: ReadonlyArray<string | { readonly type: string }>
  /**
   * When set, a task's `websiteURL` must match one of these rules, and a task without `websiteURL` is refused
   * unless its type is listed in `tasksWithoutWebsite` (recognition tasks such as `ImageToTextTask` have no page).
   */
  readonly allowWebsiteUrls?: ReadonlyArray<WebsiteRule> | undefined
  /**
   * Task types exempt from `allowWebsiteUrls` when they carry no `websiteURL`, named like `allowTaskTypes` (the
   * provider's name for a listed type counts too). Default: none.
   */
  readonly tasksWithoutWebsite?: ReadonlyArray<string | { readonly type: string }> | undefined
  readonly limits?: RelayLimits | undefined
  /**
   * Who is asking, for the per-client limits and task ownership. Default: the peer address from
   * `ConnectionInfo` (what `toNodeHandler` passes), else `"anonymous"` (then all callers share one budget).
   * Behind a reverse proxy, derive it from a header *your* proxy sets, or from your session.
   */
  readonly clientId?: ((request: Request, info: ConnectionInfo) => string | Promise<string>) | undefined
  /**
   * Browser origins allowed to call the relay (`Access-Control-Allow-Origin`): `"*"` or exact origins such as
   * `"https://app.example.com"`. When set, requests from other origins are refused (403). When absent, no CORS
   * headers are sent (same-origin use) and origins are not checked.
   */
  readonly allowOrigins?: "*" | ReadonlyArray<string> | undefined
  /** Largest accepted request body. Default 2 MiB (base64 images). */
  readonly maxBodyBytes?: number | undefined
  /**
   * Largest accepted provider answer. Default 1 MiB. A longer answer is cut off and the browser gets a 502 with
   * a plain-text body (for createTask / getToken: the task may exist, see `upstream-outcome-unknown`).
   */
  readonly maxUpstreamBodyBytes?: number | undefined
  /** Upstream request timeout in ms. Default 30 s (getToken: 150 s, it blocks until solved). */
  readonly upstreamTimeoutMs?: number | undefined
  /** Called for every forwarded and refused request. */
  readonly onEvent?: ((event: RelayEvent) => void) | undefined
  /** The clock (ms since epoch). Default `Date.now`. */
  readonly now?: (() => number) | undefined
}

export interface Relay {
  /** The web-standard handler. Mount it under any path: the last path segment names the endpoint. */
  readonly handle: (request: Request, info?: ConnectionInfo) => Promise<Response>
  /** Closes the upstream connection pool. */
  readonly close: () => Promise<void>
  readonly [Symbol.asyncDispose]: () => Promise<void>
}
