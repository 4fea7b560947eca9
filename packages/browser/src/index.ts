/**
 * @solvekit/browser: solvekit for web pages. A CapSolver client that calls your relay (the page holds no
 * key) or, for private pages, the provider with a key; image helpers for recognition tasks. No environment
 * access and no Node built-ins. Everything a page needs is exported here, core's tasks and errors included.
 *
 * @since 0.1.0
 */

// Everything in @solvekit/core's deliberate export list (task constructors, errors and guards, client types,
// policies, the Effect service), so users import from this package alone. The names below shadow core's
// runtime-neutral ones (`createClient`, `layer`) with this runtime's.
export * from "@solvekit/core"

// ===== The browser client =====
export {
  type BrowserClientOptions,
  type BrowserCommonOptions,
  createClient,
  type KeyModeOptions,
  layer,
  type RelayModeOptions,
} from "./BrowserClient.ts"

// ===== Images for recognition tasks =====
// `toBase64` and `ToBase64Options` are the deprecated names of `imageToBase64` and its options (removed in 0.3).
export {
  DEFAULT_MAX_IMAGE_BYTES,
  type ImageInputError,
  type ImageSource,
  type ImageSourceKind,
  type ImageToBase64Options,
  ImageTooLargeError,
  imageToBase64,
  isImageInputError,
  isImageTooLargeError,
  isTaintedCanvasError,
  isUnsupportedImageError,
  TaintedCanvasError,
  type ToBase64Options,
  toBase64,
  UnsupportedImageError,
} from "./BrowserImages.ts"
