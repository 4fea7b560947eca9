/**
 * @solvekit/node: solvekit for Node.js. A CapSolver client configured from options or the environment, an
 * outbound proxy with keep-alive connections, image helpers, and a relay that lets browsers solve without
 * seeing the API key. Everything a Node user needs is exported here, core's tasks and errors included.
 *
 * @since 0.1.0
 */

// Everything in @solvekit/core's deliberate export list (task constructors, errors and guards, client types,
// policies, the Effect service), so users import from this package alone. The names below shadow core's
// runtime-neutral ones (`createClient`, `layer`) with this runtime's.
export * from "@solvekit/core"

export { createClient, layer, type NodeClientOptions } from "./NodeClient.ts"
export { API_KEY_ENV, BASE_URL_ENV, type ProxyOption } from "./NodeConfig.ts"

export {
  DEFAULT_MAX_IMAGE_BYTES,
  FileNotFoundError,
  FileReadError,
  FileTooLargeError,
  type ImageInputError,
  type ImageSource,
  type ImageToBase64Options,
  imageToBase64,
  isFileNotFoundError,
  isFileReadError,
  isFileTooLargeError,
  readImage,
} from "./NodeFiles.ts"
export { type ConnectionInfo, toNodeHandler, type WebHandler } from "./NodeHandler.ts"
export {
  addressIdentity,
  type ClientIdentity,
  createRelay,
  type Relay,
  type RelayEndpoint,
  type RelayEvent,
  type RelayLimits,
  type RelayOptions,
  trustedProxyHeader,
  type WebsiteRule,
} from "./NodeRelay.ts"
