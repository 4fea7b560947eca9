/**
 * The SDK calls the commands make, as Effects: the Promise client's methods wrapped so that interrupting the
 * fiber (Ctrl-C, a failing sibling in a batch) aborts the call through its AbortSignal, and the client's
 * lifecycle events reach a callback.
 */
import type { AnyTaskRequest, LifecycleEvent, Solved, SolveKitClient } from "@solvekit/node"
import * as Effect from "effect/Effect"

export interface SolveCallOptions {
  readonly timeoutMs?: number | undefined
  readonly onEvent?: ((event: LifecycleEvent) => void) | undefined
}

/** `client.solve`, aborted on interruption. Fails with the SDK's error as raised. */
export const solve = (
  client: SolveKitClient,
  task: AnyTaskRequest,
  options: SolveCallOptions = {},
): Effect.Effect<Solved<Record<string, unknown>>, unknown> =>
  Effect.tryPromise({
    try: (signal) =>
      client.solve(task, {
        signal,
        ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
        ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
      }) as Promise<Solved<Record<string, unknown>>>,
    catch: (error) => error,
  })

/** `client.waitForResult` for a task created earlier (a resumed solve). */
export const waitForResult = (
  client: SolveKitClient,
  taskId: string,
  options: SolveCallOptions = {},
): Effect.Effect<Solved<Record<string, unknown>>, unknown> =>
  Effect.tryPromise({
    try: (signal) =>
      client.waitForResult(taskId, {
        signal,
        ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
        ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
      }) as Promise<Solved<Record<string, unknown>>>,
    catch: (error) => error,
  })

/** `client.getBalance`. */
export const getBalance = (client: SolveKitClient) =>
  Effect.tryPromise({ try: (signal) => client.getBalance({ signal }), catch: (error) => error })

/** The taskId an SDK error refers to, when the task had been created. */
export const taskIdOf = (error: unknown): string | undefined => {
  const taskId =
    typeof error === "object" && error !== null ? (error as { taskId?: unknown }).taskId : undefined
  return typeof taskId === "string" ? taskId : undefined
}

/** A short, single-line preview of a solution for progress lines ("gRecaptchaResponse 03AGdBq2…"). */
export const preview = (solution: Record<string, unknown>): string => {
  for (const [key, value] of Object.entries(solution)) {
    if (typeof value === "string" && value !== "" && key !== "userAgent") {
      const short = value.length > 24 ? `${value.slice(0, 24)}…` : value
      return `${key} ${JSON.stringify(short)}`
    }
  }
  return JSON.stringify(solution).slice(0, 40)
}
