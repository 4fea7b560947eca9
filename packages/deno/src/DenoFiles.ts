/**
 * Image files for recognition tasks, on `Deno.readFile`: plain base64 (no `data:` prefix, no newlines), ready
 * for an `ImageToTextTask`'s `body`. The size is checked with `Deno.stat` before anything is read, so an
 * oversized file is refused without being loaded. Needs `--allow-read` (for the file, at least).
 *
 * @since 0.1.0
 */
import { type DenoNamespace, denoNamespace, isDenoError } from "./internal/DenoRuntime.ts"

/** Default cap: 1 MiB of image bytes (CapSolver does not publish a limit; captcha images are a few KB). */
export const DEFAULT_MAX_IMAGE_BYTES = 1024 * 1024

export interface ImageToBase64Options {
  /** Largest accepted file in bytes (before base64). Default `DEFAULT_MAX_IMAGE_BYTES` (1 MiB). */
  readonly maxBytes?: number | undefined
  /** Stops the read; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

/** @deprecated Use ImageToBase64Options; removed in 0.3. */
export type ReadImageOptions = ImageToBase64Options

const Brand: unique symbol = Symbol.for("@solvekit/deno/FileError") as never

/**
 * What every image-file error shares: a `_tag` (for `Effect.catchTag` and switch statements) and a brand, so
 * the `is...` guards recognise errors from another copy of this package too.
 */
abstract class ImageFileErrorBase extends Error {
  abstract readonly _tag: string
  constructor(cause?: unknown) {
    super(undefined, cause === undefined ? undefined : { cause })
  }
  override get name(): string {
    return this._tag
  }
}
Object.defineProperty(ImageFileErrorBase.prototype, Brand, { value: true, enumerable: false })

/** No file at the given path. */
export class FileNotFoundError extends ImageFileErrorBase {
  readonly _tag = "FileNotFoundError" as const
  readonly path: string
  constructor(fields: { readonly path: string }) {
    super()
    this.path = fields.path
  }
  override get message(): string {
    return `image file not found: ${this.path}`
  }
}

/** The file is larger than `maxBytes`. */
export class FileTooLargeError extends ImageFileErrorBase {
  readonly _tag = "FileTooLargeError" as const
  readonly path: string
  readonly sizeBytes: number
  readonly maxBytes: number
  constructor(fields: { readonly path: string; readonly sizeBytes: number; readonly maxBytes: number }) {
    super()
    this.path = fields.path
    this.sizeBytes = fields.sizeBytes
    this.maxBytes = fields.maxBytes
  }
  override get message(): string {
    return `image ${this.path} is too large: ${this.sizeBytes} bytes, the limit is ${this.maxBytes} bytes (raise it with { maxBytes })`
  }
}

/**
 * Reading was refused. `deniedBy: "deno"`: the program lacks `--allow-read` for the path;
 * `"system"`: the operating system refused (file mode, ownership).
 */
export class FilePermissionError extends ImageFileErrorBase {
  readonly _tag = "FilePermissionError" as const
  readonly path: string
  readonly deniedBy: "deno" | "system"
  constructor(fields: {
    readonly path: string
    readonly deniedBy: "deno" | "system"
    readonly cause?: unknown
  }) {
    super(fields.cause)
    this.path = fields.path
    this.deniedBy = fields.deniedBy
  }
  override get message(): string {
    return this.deniedBy === "deno"
      ? `reading image ${this.path} needs read permission: run Deno with --allow-read (or --allow-read=${this.path})`
      : `image ${this.path} could not be read: the operating system denied access`
  }
}

/** The file could not be used: a directory or other non-regular file, empty, or an I/O failure. */
export class FileReadError extends ImageFileErrorBase {
  readonly _tag = "FileReadError" as const
  readonly path: string
  readonly reason: string
  constructor(fields: { readonly path: string; readonly reason: string; readonly cause?: unknown }) {
    super(fields.cause)
    this.path = fields.path
    this.reason = fields.reason
  }
  override get message(): string {
    return `image ${this.path} could not be read: ${this.reason}`
  }
}

export type ImageFileError = FileNotFoundError | FileTooLargeError | FilePermissionError | FileReadError

const isBranded = (u: unknown, tag: ImageFileError["_tag"]): boolean =>
  typeof u === "object" &&
  u !== null &&
  (u as Record<symbol, unknown>)[Brand] === true &&
  (u as { _tag?: unknown })._tag === tag

export const isFileNotFoundError = (u: unknown): u is FileNotFoundError => isBranded(u, "FileNotFoundError")
export const isFileTooLargeError = (u: unknown): u is FileTooLargeError => isBranded(u, "FileTooLargeError")
export const isFilePermissionError = (u: unknown): u is FilePermissionError =>
  isBranded(u, "FilePermissionError")
export const isFileReadError = (u: unknown): u is FileReadError => isBranded(u, "FileReadError")

/**
 * Reads an image file and returns its base64. Rejects with `FileNotFoundError`, `FileTooLargeError`,
 * `FilePermissionError` or `FileReadError`; with the signal's reason when aborted.
 *
 * @example
 * const body = await imageToBase64("./captcha.png")
 * const { solution } = await client.solve(ImageToTextTask({ body }))
 */
export const imageToBase64 = async (
  path: string | URL,
  options: ImageToBase64Options = {},
): Promise<string> => bytesToBase64(await readImage(path, options))

/** @deprecated Use imageToBase64; removed in 0.3. */
export const readImageBase64 = imageToBase64

/** Reads an image file into memory, under the same rules as `imageToBase64`. */
export const readImage = async (
  path: string | URL,
  options: ImageToBase64Options = {},
): Promise<Uint8Array> => {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_IMAGE_BYTES
  if (!Number.isFinite(maxBytes) || maxBytes <= 0) throw new RangeError("maxBytes must be a positive number")
  options.signal?.throwIfAborted()
  const deno = denoNamespace()
  if (deno === undefined) throw new TypeError("readImage reads files with Deno.readFile: run it under Deno")
  const label = path instanceof URL ? path.href : path
  let size: number
  try {
    const info = await deno.stat(path)
    if (info.isDirectory) throw new FileReadError({ path: label, reason: "it is a directory" })
    // Devices and pipes have no meaningful size: the cap could not be checked before reading.
    if (!info.isFile) throw new FileReadError({ path: label, reason: "it is not a regular file" })
    size = info.size
  } catch (cause) {
    throw isFileReadError(cause) ? cause : fileError(deno, cause, label)
  }
  if (size > maxBytes) throw new FileTooLargeError({ path: label, sizeBytes: size, maxBytes })
  let bytes: Uint8Array
  try {
    bytes = await deno.readFile(path, { signal: options.signal })
  } catch (cause) {
    if (options.signal?.aborted) throw options.signal.reason
    throw fileError(deno, cause, label)
  }
  // The file may have grown between stat and read.
  if (bytes.byteLength > maxBytes)
    throw new FileTooLargeError({ path: label, sizeBytes: bytes.byteLength, maxBytes })
  if (bytes.byteLength === 0) throw new FileReadError({ path: label, reason: "it is empty" })
  return bytes
}

const fileError = (deno: DenoNamespace, cause: unknown, path: string): ImageFileError => {
  if (isDenoError(deno, cause, "NotFound")) return new FileNotFoundError({ path })
  if (isDenoError(deno, cause, "NotCapable"))
    return new FilePermissionError({ path, deniedBy: "deno", cause })
  if (isDenoError(deno, cause, "PermissionDenied")) {
    // Deno 1 reported a missing --allow-read as PermissionDenied too; its message names the flag.
    const byDeno = cause instanceof Error && /--allow-read|Requires read access/i.test(cause.message)
    return new FilePermissionError({ path, deniedBy: byDeno ? "deno" : "system", cause })
  }
  if (isDenoError(deno, cause, "IsADirectory"))
    return new FileReadError({ path, reason: "it is a directory" })
  return new FileReadError({ path, reason: cause instanceof Error ? cause.message : String(cause), cause })
}

/** Base64 without a `Buffer`: `btoa` over a binary string built in chunks (spread arguments are capped). */
const bytesToBase64 = (bytes: Uint8Array): string => {
  const chunk = 0x8000
  let binary = ""
  for (let offset = 0; offset < bytes.byteLength; offset += chunk) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + chunk))
  }
  return btoa(binary)
}
