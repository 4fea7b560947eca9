/**
 * Sending: one HTTP request under the client's concurrency permit, bounded in time, in a `solvekit.request`
 * span, and the request body every endpoint shares (key, developer id, fields).
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import type * as Tracer from "effect/Tracer"
import type { TransportError } from "../../domain/Errors.ts"
import { APP_ID_FIELD, developerIdEntry, type ProviderEndpoints } from "../../domain/Provider.ts"
import { requestTimedOut, type TransportResponse } from "../../wire/Transport.ts"
import type { LifecycleEnv } from "./Env.ts"
import { countRequest } from "./Metrics.ts"

/** An endpoint of `ProviderEndpoints` (its path read there), or a path as is (a provider's report endpoints). */
export type EndpointName = keyof ProviderEndpoints | (string & {})

/**
 * Spans without a captured call site: the trace is a `new Error()` per span (CPU and memory on every request),
 * and the span names already say where they come from. Passed as `withSpan`'s third argument: Effect 4.1
 * ignores `captureStackTrace` in the span options of the pipeable form.
 */
export const NO_STACK = { captureStackTrace: false } as const

/** What error messages and excerpts must never show. */
export const secretsOf = (env: LifecycleEnv): ReadonlyArray<string> => [Redacted.value(env.config.apiKey)]

/** One HTTP request: under the client's concurrency permit, bounded in time, in a `solvekit.request` span. */
export const send = (
  env: LifecycleEnv,
  endpoint: EndpointName,
  body: Record<string, unknown>,
  taskId?: string,
  timeoutMs: number = env.config.retry.requestTimeoutMs,
  parent?: Tracer.AnySpan,
): Effect.Effect<TransportResponse, TransportError> => {
  const path = env.config.provider.endpoints[endpoint as keyof ProviderEndpoints] ?? endpoint
  // The timeout starts once the permit is held: waiting for a slot is not a request that may have been sent.
  const bound = Math.max(0, timeoutMs)
  const posted = env.transport.post(path, body, { timeoutMs: bound })
  const request = Effect.andThen(
    countRequest(endpoint),
    // A transport that bounds its own requests (KyTransport: a timer on the fetch) spares each request a
    // race of two fibers against a sleep.
    env.transport.enforcesTimeout === true
      ? posted
      : Effect.timeoutOrElse(posted, {
          duration: Duration.millis(bound),
          orElse: () => Effect.fail(requestTimedOut(endpoint, bound, taskId)),
        }),
  )
  return env.permits.withPermit(request).pipe(
    Effect.withSpan(
      "solvekit.request",
      {
        attributes:
          taskId === undefined
            ? { "solvekit.endpoint": endpoint }
            : { "solvekit.endpoint": endpoint, "solvekit.task.id": taskId },
        ...(parent === undefined ? {} : { parent }),
      },
      NO_STACK,
    ),
  )
}

/**
 * A request body: the key (omitted entirely by a keyless client, whose relay adds it), the developer id under
 * the provider's field (`Provider.developerId`), the fields. CapSolver's `appId` goes with every request, as
 * always; an integer `softId` only with createTask (and getToken), where its providers document it.
 */
export const bodyFor = (
  env: LifecycleEnv,
  extra: Record<string, unknown>,
  creates = false,
): Record<string, unknown> => {
  const { provider, appId } = env.config
  const sendsId = creates || (provider.developerId ?? APP_ID_FIELD).field === "appId"
  return {
    ...(env.config.keyless ? {} : { clientKey: env.config.apiKey }),
    ...(sendsId ? developerIdEntry(provider, appId) : {}),
    ...extra,
  }
}

export const fromResult = <A, E>(result: Result.Result<A, E>): Effect.Effect<A, E> =>
  Result.isSuccess(result) ? Effect.succeed(result.success) : Effect.fail(result.failure)
