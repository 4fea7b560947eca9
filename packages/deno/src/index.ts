/**
 * @solvekit/deno: solvekit for Deno. A CapSolver client configured from options or the permitted `Deno.env`
 * variables, on Deno's fetch, and an image-file helper on `Deno.readFile`. Everything a Deno user needs is
 * exported here, core's tasks and errors included.
 *
 * @since 0.1.0
 */

// Everything in @solvekit/core's deliberate export list (task constructors, errors and guards, client types,
// policies, the Effect service), so users import from this package alone. The names below shadow core's
// runtime-neutral ones (`createClient`, `layer`) with this runtime's.
export * from "@solvekit/core"

// ===== The Deno client =====
export { createClient, type DenoClientOptions, layer } from "./DenoClient.ts"
export { API_KEY_ENV, BASE_URL_ENV, ENV_VARIABLES } from "./DenoConfig.ts"
// ===== Image files for recognition tasks =====
// `readImageBase64` and `ReadImageOptions` are the deprecated names of `imageToBase64` and its options
// (removed in 0.3).
export {
  DEFAULT_MAX_IMAGE_BYTES,
  FileNotFoundError,
  FilePermissionError,
  FileReadError,
  FileTooLargeError,
  type ImageFileError,
  type ImageToBase64Options,
  imageToBase64,
  isFileNotFoundError,
  isFilePermissionError,
  isFileReadError,
  isFileTooLargeError,
  type ReadImageOptions,
  readImage,
  readImageBase64,
} from "./DenoFiles.ts"
