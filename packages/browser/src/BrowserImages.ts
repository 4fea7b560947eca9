/**
 * Turning what a page has (a `Blob` or `File`, a `<canvas>`, an `<img>`, a `data:` URL) into what recognition
 * tasks want: plain base64, without the `data:` prefix and without whitespace.
 *
 * - Blobs and files are sent as they are (their bytes, base64-encoded); their size is checked before reading.
 * - Canvases and images are encoded by the browser (PNG unless `type` says otherwise). An image is decoded
 *   first, so an `<img>` that is still loading is waited for.
 * - A canvas that holds pixels from another origin (drawn without CORS permission) cannot be read: that is a
 *   `TaintedCanvasError`, with the fix in its message.
 *
 * Sources are recognised by their `Symbol.toStringTag`, not `instanceof`, so elements of other frames work too.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"

/** Default cap: 1 MiB of image bytes (typical captcha images are a few KB). */
export const DEFAULT_MAX_IMAGE_BYTES = 1024 * 1024

/** What `imageToBase64` reads. A string must be a `data:` URL. */
export type ImageSource = Blob | HTMLCanvasElement | HTMLImageElement | string

/** What kind of source an error is about. */
export type ImageSourceKind = "blob" | "file" | "canvas" | "image" | "data URL" | "string" | "value"

export interface ImageToBase64Options {
  /** Largest accepted image in bytes (before base64). Default `DEFAULT_MAX_IMAGE_BYTES` (1 MiB). */
  readonly maxBytes?: number | undefined
  /** Encoding for canvases and images, e.g. `"image/jpeg"`. Default `"image/png"` (lossless). */
  readonly type?: string | undefined
  /** Quality from 0 to 1 for lossy `type`s (the browser's default otherwise). */
  readonly quality?: number | undefined
}

/** @deprecated Use ImageToBase64Options; removed in 0.3. */
export type ToBase64Options = ImageToBase64Options

const Brand: unique symbol = Symbol.for("@solvekit/browser/ImageInputError") as never

const Base = <Tag extends string>(tag: Tag) => {
  const Class = Data.TaggedError(tag)
  Object.defineProperty(Class.prototype, Brand, { value: true, enumerable: false })
  return Class
}

/** The source is not something `imageToBase64` reads, or holds no usable image. `reason` says which. */
export class UnsupportedImageError extends Base("UnsupportedImageError")<{
  readonly source: ImageSourceKind
  readonly reason: string
}> {
  override get message(): string {
    return `cannot read the ${this.source} as an image: ${this.reason}`
  }
}

/** The image is larger than `maxBytes`; `sizeBytes` is its exact size in bytes. */
export class ImageTooLargeError extends Base("ImageTooLargeError")<{
  readonly source: ImageSourceKind
  readonly sizeBytes: number
  readonly maxBytes: number
}> {
  override get message(): string {
    return `the ${this.source} is too large: ${this.sizeBytes} bytes, the limit is ${this.maxBytes} bytes (raise it with { maxBytes })`
  }
}

/** The canvas (or the canvas an image was drawn on) holds pixels from another origin, so it cannot be read. */
export class TaintedCanvasError extends Base("TaintedCanvasError")<{
  readonly source: "canvas" | "image"
}> {
  override get message(): string {
    return this.source === "image"
      ? 'the image comes from another origin without CORS permission, so its pixels cannot be read: serve it with Access-Control-Allow-Origin and set crossOrigin="anonymous" on the <img>, or fetch it yourself and pass the Blob'
      : 'the canvas holds pixels from another origin drawn without CORS permission, so it cannot be read: load those images with CORS (crossOrigin="anonymous"), or pass the original image as a Blob'
  }
}

export type ImageInputError = UnsupportedImageError | ImageTooLargeError | TaintedCanvasError

const hasTag = (u: unknown, tag: string): boolean =>
  typeof u === "object" && u !== null && Brand in u && (u as { readonly _tag?: unknown })._tag === tag

/** Any error `imageToBase64` raises (works across package copies). */
export const isImageInputError = (u: unknown): u is ImageInputError =>
  hasTag(u, "UnsupportedImageError") || hasTag(u, "ImageTooLargeError") || hasTag(u, "TaintedCanvasError")
export const isUnsupportedImageError = (u: unknown): u is UnsupportedImageError =>
  hasTag(u, "UnsupportedImageError")
export const isImageTooLargeError = (u: unknown): u is ImageTooLargeError => hasTag(u, "ImageTooLargeError")
export const isTaintedCanvasError = (u: unknown): u is TaintedCanvasError => hasTag(u, "TaintedCanvasError")

const toStringTag = (u: unknown): string => Object.prototype.toString.call(u).slice(8, -1)

/** Base64 of bytes: the native encoder where there is one, else `btoa` over bounded chunks. */
const bytesToBase64 = (bytes: Uint8Array): string => {
  const native = (bytes as Uint8Array & { readonly toBase64?: () => string }).toBase64
  if (typeof native === "function") return native.call(bytes)
  let binary = ""
  // Bounded chunks: spreading a large array into fromCharCode overflows the call stack.
  for (let offset = 0; offset < bytes.length; offset += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + 0x8000))
  }
  return btoa(binary)
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/** Decoded size of a (whitespace-free, valid) base64 string. */
const base64Bytes = (base64: string): number => {
  const padding = base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0
  return (base64.length / 4) * 3 - padding
}

const checkSize = (source: ImageSourceKind, sizeBytes: number, maxBytes: number): void => {
  if (sizeBytes > maxBytes) throw new ImageTooLargeError({ source, sizeBytes, maxBytes })
}

const fromDataUrl = (dataUrl: string, source: ImageSourceKind, maxBytes: number): string => {
  const comma = dataUrl.indexOf(",")
  if (!/^data:/i.test(dataUrl) || comma < 0) {
    throw new UnsupportedImageError({
      source: "string",
      reason:
        "a string must be a data: URL (to send an image URL, fetch it and pass the Blob; to send base64, pass it to the task directly)",
    })
  }
  const meta = dataUrl.slice(5, comma)
  const payload = dataUrl.slice(comma + 1)
  if (/;\s*base64\s*$/i.test(meta)) {
    const base64 = payload
      .replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
      .replace(/\s+/g, "")
    if (base64.length % 4 !== 0 || !BASE64.test(base64)) {
      throw new UnsupportedImageError({ source, reason: "its payload is not valid base64" })
    }
    if (base64 === "") throw new UnsupportedImageError({ source, reason: "it holds no bytes" })
    checkSize(source, base64Bytes(base64), maxBytes)
    return base64
  }
  // Not base64: the payload is percent-encoded bytes (SVG images are often written this way).
  let text: string
  try {
    text = decodeURIComponent(payload)
  } catch {
    throw new UnsupportedImageError({ source, reason: "its payload is not valid percent-encoding" })
  }
  const bytes = new TextEncoder().encode(text)
  if (bytes.length === 0) throw new UnsupportedImageError({ source, reason: "it holds no bytes" })
  checkSize(source, bytes.length, maxBytes)
  return bytesToBase64(bytes)
}

const fromBlob = async (blob: Blob, source: "blob" | "file", maxBytes: number): Promise<string> => {
  // Checked before reading: a huge file is refused without being loaded into memory.
  checkSize(source, blob.size, maxBytes)
  if (blob.size === 0) throw new UnsupportedImageError({ source, reason: "it is empty" })
  return bytesToBase64(new Uint8Array(await blob.arrayBuffer()))
}

const isSecurityError = (error: unknown): boolean =>
  typeof error === "object" &&
  error !== null &&
  (error as { readonly name?: unknown }).name === "SecurityError"

const fromCanvas = (
  canvas: HTMLCanvasElement,
  source: "canvas" | "image",
  options: ImageToBase64Options,
  maxBytes: number,
): string => {
  if (canvas.width === 0 || canvas.height === 0) {
    throw new UnsupportedImageError({ source, reason: "it has no pixels (width or height is 0)" })
  }
  let dataUrl: string
  try {
    dataUrl = canvas.toDataURL(options.type ?? "image/png", options.quality)
  } catch (error) {
    if (isSecurityError(error)) throw new TaintedCanvasError({ source })
    throw error
  }
  return fromDataUrl(dataUrl, source, maxBytes)
}

const fromImage = async (image: HTMLImageElement, options: ImageToBase64Options, maxBytes: number) => {
  try {
    // Waits for an image that is still loading; fails for a broken or missing src.
    await image.decode()
  } catch {
    throw new UnsupportedImageError({ source: "image", reason: "it could not be loaded or decoded" })
  }
  if (image.naturalWidth === 0 || image.naturalHeight === 0) {
    throw new UnsupportedImageError({ source: "image", reason: "it has no intrinsic size" })
  }
  const canvas = image.ownerDocument.createElement("canvas")
  canvas.width = image.naturalWidth
  canvas.height = image.naturalHeight
  const context = canvas.getContext("2d")
  if (context === null) {
    throw new UnsupportedImageError({
      source: "image",
      reason: "this browser gave no 2D canvas to draw it on",
    })
  }
  context.drawImage(image, 0, 0)
  return fromCanvas(canvas, "image", options, maxBytes)
}

/**
 * The base64 a recognition task wants (no `data:` prefix), from a `Blob`/`File`, a `<canvas>`, an `<img>` or a
 * `data:` URL. Rejects with `ImageTooLargeError` above `maxBytes`, `TaintedCanvasError` for cross-origin pixels,
 * and `UnsupportedImageError` for anything else it cannot read.
 *
 * @example
 * const body = await imageToBase64(document.querySelector("img#captcha")!)
 * const { solution } = await client.solve(ImageToTextTask({ body }))
 */
export const imageToBase64 = async (
  source: ImageSource,
  options: ImageToBase64Options = {},
): Promise<string> => {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_IMAGE_BYTES
  if (typeof source === "string") return fromDataUrl(source.trim(), "data URL", maxBytes)
  switch (toStringTag(source)) {
    case "Blob":
      return fromBlob(source as Blob, "blob", maxBytes)
    case "File":
      return fromBlob(source as Blob, "file", maxBytes)
    case "HTMLCanvasElement":
      return fromCanvas(source as HTMLCanvasElement, "canvas", options, maxBytes)
    case "HTMLImageElement":
      return fromImage(source as HTMLImageElement, options, maxBytes)
    default:
      throw new UnsupportedImageError({
        source: "value",
        reason: `expected a Blob, File, HTMLCanvasElement, HTMLImageElement or data: URL, got ${toStringTag(source)}`,
      })
  }
}

/** @deprecated Use imageToBase64; removed in 0.3. */
export const toBase64 = imageToBase64
