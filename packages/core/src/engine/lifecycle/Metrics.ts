/**
 * The lifecycle's metrics: queries, requests by endpoint, solves by outcome, errors by tag and code, and
 * the cost providers report. Exported through `../Lifecycle.ts` and the public list.
 */
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import type { ApiError } from "../../domain/Errors.ts"
import type { SolveCost } from "../../domain/Outcome.ts"

export const queriesTotal = /*#__PURE__*/ Metric.counter("solvekit_queries_total", {
  description: "getTaskResult queries sent (retries included)",
  incremental: true,
})
export const requestsTotal = /*#__PURE__*/ Metric.counter("solvekit_requests_total", {
  description: "HTTP requests sent, by endpoint",
  incremental: true,
})
export const solvesTotal = /*#__PURE__*/ Metric.counter("solvekit_solves_total", {
  description: "solves finished, by outcome",
  incremental: true,
})
// The labelled counters are built once: a metric caches its series key, so a fresh `withAttributes` per
// request or per solve recomputes that key every time.
export const countSolved = /*#__PURE__*/ Metric.update(
  /*#__PURE__*/ Metric.withAttributes(solvesTotal, { outcome: "solved" }),
  1,
)
export const countFailed = /*#__PURE__*/ Metric.update(
  /*#__PURE__*/ Metric.withAttributes(solvesTotal, { outcome: "failed" }),
  1,
)
export const countQuery = /*#__PURE__*/ Metric.update(queriesTotal, 1)

const requestCounts = new Map<string, Effect.Effect<void>>()
export const countRequest = (endpoint: string): Effect.Effect<void> => {
  let count = requestCounts.get(endpoint)
  if (count === undefined) {
    count = Metric.update(Metric.withAttributes(requestsTotal, { endpoint }), 1)
    requestCounts.set(endpoint, count)
  }
  return count
}

/**
 * What solves cost, summed as the provider reported it (2Captcha, Anti-Captcha: `Solved.cost`), by currency.
 * Solves whose provider reports no cost add nothing.
 */
export const costTotal = /*#__PURE__*/ Metric.counter("solvekit_cost_total", {
  description: "what solved tasks cost, as reported by the provider, by currency",
  incremental: true,
})
const costInUsd = /*#__PURE__*/ Metric.withAttributes(costTotal, { currency: "USD" })
export const countCost = (cost: SolveCost | undefined): Effect.Effect<void> =>
  cost === undefined || cost.amount <= 0 ? Effect.void : Metric.update(costInUsd, cost.amount)

export const errorsTotal = /*#__PURE__*/ Metric.counter("solvekit_errors_total", {
  description: "failed calls, by error tag and provider code",
  incremental: true,
})

/** The provider's error code of an `ApiError`; undefined for any other failure. */
export const errorCodeOf = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && (error as { _tag?: unknown })._tag === "ApiError"
    ? (error as ApiError).errorCode
    : undefined

export const recordFailure = (error: { readonly _tag: string }) =>
  Metric.update(
    Metric.withAttributes(errorsTotal, { error: error._tag, code: errorCodeOf(error) ?? error._tag }),
    1,
  )
