/**
 * `@solvekit/core/internal`: what only the adapters (`@solvekit/node`, `@solvekit/browser`, `@solvekit/deno`)
 * share, in one place instead of one copy per adapter. Not part of the public API: names here may change in
 * any release. Users import the adapter for their runtime.
 *
 * @internal
 */

export { scrubSecrets } from "./domain/Errors.ts"
export { inputFieldNames } from "./domain/TaskFields.ts"
export { layerFrom } from "./faces/SolveKit.ts"
export { globalFetch, runConfigurationSync } from "./internal/Configuration.ts"
export { type BodyMessage, BodyTooLarge, readBodyCapped } from "./wire/Body.ts"
