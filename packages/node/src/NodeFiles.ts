/**
 * Turning images into what recognition tasks want: plain base64 (no `data:` prefix, no newlines).
 * A file path, `file:` URL, Buffer / Uint8Array / ArrayBuffer, Node stream, web `ReadableStream` or any async
 * iterable of bytes is accepted. The size cap is checked before anything large is held in memory: a file's
 * size is read from `stat`, and a stream is abandoned as soon as it passes the cap.
 *
 * @since 0.1.0
 */
import type { FileHandle } from "node:fs/promises"
import { fileURLToPath } from "node:url"
import * as Data from "effect/Data"

/** Default cap: 1 MiB of image bytes (CapSolver does not publish a limit; typical captcha images are a few KB). */
export const DEFAULT_MAX_IMAGE_BYTES = 1024 * 1024

/** Anything `imageToBase64` reads. A string is a file path. */
export type ImageSource =
  | string
  | URL
  | Uint8Array
  | ArrayBuffer
  | NodeJS.ReadableStream
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array | string>

export interface ImageToBase64Options {
  /** Largest accepted image in bytes (before base64). Default `DEFAULT_MAX_IMAGE_BYTES` (1 MiB). */
  readonly maxBytes?: number | undefined
  /** Stops reading a file or stream. */
  readonly signal?: AbortSignal | undefined
}

const Brand: unique symbol = Symbol.for("@solvekit/node/FileError") as never

const Base = <Tag extends string>(tag: Tag) => {
  const Class = Data.TaggedError(tag)
  Object.defineProperty(Class.prototype, Brand, { value: true, enumerable: false })
  return Class
}

/** No file at the given path. */
export class FileNotFoundError extends Base("FileNotFoundError")<{ readonly path: string }> {
  override get message(): string {
    return `image file not found: ${this.path}`
  }
}

/**
 * The image is larger than `maxBytes`. `sizeBytes` is the exact size when known (files, buffers); for streams
 * it is the number of bytes read when reading stopped (more than `maxBytes`).
 */
export class FileTooLargeError extends Base("FileTooLargeError")<{
  readonly source: string
  readonly sizeBytes: number
  readonly maxBytes: number
}> {
  override get message(): string {
    return `image ${this.source} is too large: ${this.sizeBytes} bytes${this.source === "stream" ? " or more" : ""}, the limit is ${this.maxBytes} bytes (raise it with { maxBytes })`
  }
}

/** The image could not be read: empty, a directory, no permission, or the stream failed. */
export class FileReadError extends Base("FileReadError")<{
  readonly source: string
  readonly reason: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return `image ${this.source} could not be read: ${this.reason}`
  }
}

export type ImageInputError = FileNotFoundError | FileTooLargeError | FileReadError

const guard =
  <E extends ImageInputError>(tag: E["_tag"]) =>
  (u: unknown): u is E =>
    typeof u === "object" &&
    u !== null &&
    (u as Record<symbol, unknown>)[Brand] === true &&
    (u as { _tag?: unknown })._tag === tag

export const isFileNotFoundError = guard<FileNotFoundError>("FileNotFoundError")
export const isFileTooLargeError = guard<FileTooLargeError>("FileTooLargeError")
export const isFileReadError = guard<FileReadError>("FileReadError")

/**
 * Reads an image and returns its base64, ready for a recognition task's `body` / `image` field.
 * Rejects with `FileNotFoundError`, `FileTooLargeError` or `FileReadError`.
 *
 * @example
 * const body = await imageToBase64("./captcha.png")
 * const { solution } = await client.solve(ImageToTextTask({ body }))
 */
export const imageToBase64 = async (
  source: ImageSource,
  options: ImageToBase64Options = {},
): Promise<string> => Buffer.from(await readImage(source, options)).toString("base64")

/** Reads an image into memory, enforcing the same rules as `imageToBase64`. */
export const readImage = async (
  source: ImageSource,
  options: ImageToBase64Options = {},
): Promise<Uint8Array> => {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_IMAGE_BYTES
  if (!Number.isFinite(maxBytes) || maxBytes <= 0) throw new RangeError("maxBytes must be a positive number")
  options.signal?.throwIfAborted()
  if (typeof source === "string" || source instanceof URL) return readFile(source, maxBytes, options.signal)
  if (source instanceof ArrayBuffer) return checkBytes(new Uint8Array(source), "buffer", maxBytes)
  if (ArrayBuffer.isView(source)) return checkBytes(source, "buffer", maxBytes)
  return readStream(source, maxBytes, options.signal)
}

const checkBytes = (bytes: Uint8Array, label: string, maxBytes: number): Uint8Array => {
  if (bytes.byteLength > maxBytes)
    throw new FileTooLargeError({ source: label, sizeBytes: bytes.byteLength, maxBytes })
  if (bytes.byteLength === 0) throw new FileReadError({ source: label, reason: "it is empty" })
  return bytes
}

const readFile = async (location: string | URL, maxBytes: number, signal: AbortSignal | undefined) => {
  const path = location instanceof URL ? fileURLToPath(location) : location
  let handle: FileHandle
  try {
    // Looked up here rather than imported: a client that never reads a file should not load node:fs/promises
    // at import (part of the ~9 ms and 2 MiB the file and relay helpers' built-ins add to a cold start).
    handle = await process.getBuiltinModule("node:fs/promises").open(path, "r")
  } catch (cause) {
    throw fileError(cause, path)
  }
  try {
    const stats = await handle.stat()
    if (stats.isDirectory()) throw new FileReadError({ source: path, reason: "it is a directory" })
    if (stats.size > maxBytes) throw new FileTooLargeError({ source: path, sizeBytes: stats.size, maxBytes })
    // Read through the stream path as well: a file can grow between stat and read, and /dev-style files report 0.
    return await readStream(handle.createReadStream({ autoClose: false }), maxBytes, signal, path)
  } catch (cause) {
    throw isFileTooLargeError(cause) || isFileReadError(cause) || isAbort(cause)
      ? cause
      : fileError(cause, path)
  } finally {
    await handle.close().catch(() => undefined)
  }
}

const fileError = (cause: unknown, path: string): ImageInputError => {
  const code = (cause as { code?: unknown } | null)?.code
  if (code === "ENOENT" || code === "ENOTDIR") return new FileNotFoundError({ path })
  if (code === "EISDIR") return new FileReadError({ source: path, reason: "it is a directory" })
  if (code === "EACCES" || code === "EPERM")
    return new FileReadError({ source: path, reason: "permission denied", cause })
  const detail = cause instanceof Error ? cause.message : String(cause)
  return new FileReadError({ source: path, reason: detail, cause })
}

const isAbort = (u: unknown): boolean => (u as { name?: unknown } | null)?.name === "AbortError"

const readStream = async (
  stream: NodeJS.ReadableStream | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array | string>,
  maxBytes: number,
  signal: AbortSignal | undefined,
  label = "stream",
): Promise<Uint8Array> => {
  const chunks: Array<Uint8Array> = []
  let total = 0
  const iterable = toAsyncIterable(stream)
  const iterator = iterable[Symbol.asyncIterator]()
  try {
    while (true) {
      signal?.throwIfAborted()
      let step: IteratorResult<Uint8Array | string>
      try {
        step = await iterator.next()
      } catch (cause) {
        throw isAbort(cause) ? cause : new FileReadError({ source: label, reason: describe(cause), cause })
      }
      if (step.done === true) break
      const chunk = typeof step.value === "string" ? Buffer.from(step.value) : step.value
      total += chunk.byteLength
      // Stop at the cap: never hold more than maxBytes plus one chunk.
      if (total > maxBytes) throw new FileTooLargeError({ source: label, sizeBytes: total, maxBytes })
      chunks.push(chunk)
    }
  } catch (error) {
    await iterator.return?.().catch(() => undefined)
    throw error
  }
  if (total === 0) throw new FileReadError({ source: label, reason: "it is empty" })
  return Buffer.concat(chunks, total)
}

const describe = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

const toAsyncIterable = (
  stream: NodeJS.ReadableStream | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array | string>,
): AsyncIterable<Uint8Array | string> => {
  if (Symbol.asyncIterator in stream) return stream as AsyncIterable<Uint8Array | string>
  if (typeof (stream as ReadableStream<Uint8Array>).getReader === "function") {
    const reader = (stream as ReadableStream<Uint8Array>).getReader()
    return {
      [Symbol.asyncIterator]: () => ({
        next: () => reader.read() as Promise<IteratorResult<Uint8Array>>,
        return: async () => {
          await reader.cancel().catch(() => undefined)
          return { done: true, value: undefined }
        },
      }),
    }
  }
  throw new TypeError("imageToBase64 expects a path, URL, bytes, or a readable stream")
}
