/**
 * Error classification: which failures a retry may fix, when createTask may be re-sent (only when the
 * server certainly created nothing), and what a failure asks of the next wait (Retry-After, a busy pause).
 */
import type { DecodeError, RequestError, TransportError } from "../../domain/Errors.ts"
import type { LifecycleEnv } from "./Env.ts"

/** Transient for an idempotent call: a retry with backoff can fix it. */
export const isTransient = (env: LifecycleEnv, error: unknown): error is RequestError => {
  if (typeof error !== "object" || error === null) return false
  const e = error as RequestError
  switch (e._tag) {
    case "TransportError":
      return (
        e.kind === "Network" ||
        (e.kind === "HttpStatus" && (e.httpStatus === 429 || (e.httpStatus ?? 0) >= 500))
      )
    case "ApiError":
      return (
        env.config.provider.isTransient(e.errorCode) ||
        (e.errorCode === "" && (e.reason === "RateLimited" || e.reason === "ServiceUnavailable"))
      )
    default:
      return false
  }
}

/** createTask may be re-sent only when the server certainly created nothing. */
export const createTaskMayRetry = (env: LifecycleEnv, error: RequestError): boolean => {
  switch (error._tag) {
    case "ApiError":
      return isTransient(env, error)
    case "TransportError":
      return (
        error.requestSent === false ||
        (error.kind === "HttpStatus" && (error.httpStatus === 429 || error.httpStatus === 503))
      )
    case "DecodeError":
      return false
  }
}

/** createTask was sent and its answer lost or unreadable: the task may exist. */
export const createTaskOutcomeUnknown = (error: RequestError): error is TransportError | DecodeError => {
  switch (error._tag) {
    case "ApiError":
      return false
    case "DecodeError":
      return true
    case "TransportError":
      if (error.requestSent === false) return false
      return error.kind !== "HttpStatus" || (error.httpStatus ?? 0) >= 500
  }
}

/** The server's Retry-After (ms), when it sent one. */
export const retryAfterOf = (error: RequestError): number | undefined =>
  error._tag === "DecodeError" ? undefined : error.retryAfterMs

/** The provider's advised minimum wait after this error's code; 0 when it advises none. */
export const busyBackoffOf = (env: LifecycleEnv, error: RequestError): number => {
  const advice = env.config.provider.busyBackoffMs
  if (advice === undefined || error._tag !== "ApiError") return 0
  return advice[error.errorCode.trim().toUpperCase()] ?? 0
}
