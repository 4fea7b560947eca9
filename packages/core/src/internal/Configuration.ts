/**
 * Configuration steps every adapter takes the same way.
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import { ConfigurationError } from "../domain/Errors.ts"

/**
 * Runs a configuration step now and returns its value, or throws its `ConfigurationError`: what a Promise
 * user expects from `createClient()` (a bad option fails at once, not at the first call).
 */
export const runConfigurationSync = <A>(resolve: Effect.Effect<A, ConfigurationError>): A => {
  const exit = Effect.runSyncExit(resolve)
  if (Exit.isSuccess(exit)) return exit.value
  throw Option.getOrElse(
    Cause.findErrorOption(exit.cause),
    () => new ConfigurationError({ detail: "The client configuration could not be read." }),
  )
}

/**
 * The runtime's global `fetch`, looked up at each request and called on `globalThis`: a fetch replaced
 * later (instrumentation, a test double) still applies, and a detached `window.fetch` is never called.
 */
export const globalFetch: typeof globalThis.fetch = (input, init) => globalThis.fetch(input, init)
