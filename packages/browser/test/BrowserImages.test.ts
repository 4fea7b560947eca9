import { describe, expect, inject, it } from "vitest"
import {
  type ImageToBase64Options,
  imageToBase64,
  isImageInputError,
  isImageTooLargeError,
  isTaintedCanvasError,
  isUnsupportedImageError,
  type ToBase64Options,
  toBase64,
} from "../src/index.ts"
import { PIXEL_PNG_BASE64 } from "./support/fixtures.ts"

const bytesOf = (base64: string): Uint8Array => Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))

const pngBytes = bytesOf(PIXEL_PNG_BASE64)

/** The fixture's pixels, row by row: red, green / blue, white. */
const FIXTURE_PIXELS = [
  [255, 0, 0, 255],
  [0, 255, 0, 255],
  [0, 0, 255, 255],
  [255, 255, 255, 255],
]

const loadedImage = async (src: string, crossOrigin?: string): Promise<HTMLImageElement> => {
  const image = new Image()
  if (crossOrigin !== undefined) image.crossOrigin = crossOrigin
  image.src = src
  await image.decode()
  return image
}

/** Decodes base64 PNG/JPEG the way a browser would and returns its RGBA pixels. */
const pixelsOf = async (base64: string, type = "image/png"): Promise<Array<Array<number>>> => {
  const image = await loadedImage(`data:${type};base64,${base64}`)
  const canvas = document.createElement("canvas")
  canvas.width = image.naturalWidth
  canvas.height = image.naturalHeight
  const context = canvas.getContext("2d")!
  context.drawImage(image, 0, 0)
  const data = context.getImageData(0, 0, canvas.width, canvas.height).data
  return Array.from({ length: data.length / 4 }, (_, i) => Array.from(data.slice(i * 4, i * 4 + 4)))
}

const fixtureCanvas = async (): Promise<HTMLCanvasElement> => {
  const canvas = document.createElement("canvas")
  canvas.width = 2
  canvas.height = 2
  canvas.getContext("2d")!.drawImage(await loadedImage(`data:image/png;base64,${PIXEL_PNG_BASE64}`), 0, 0)
  return canvas
}

const rejectionOf = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error("expected imageToBase64 to reject")
    },
    (error: unknown) => error,
  )

describe("imageToBase64", () => {
  describe("Blob and File", () => {
    it("returns a Blob's bytes as base64, unchanged", async () => {
      expect(await imageToBase64(new Blob([pngBytes as BlobPart], { type: "image/png" }))).toBe(
        PIXEL_PNG_BASE64,
      )
    })

    it("reads a File like a Blob", async () => {
      const file = new File([pngBytes as BlobPart], "captcha.png", { type: "image/png" })
      expect(await imageToBase64(file)).toBe(PIXEL_PNG_BASE64)
    })

    it("encodes large blobs without overflowing the call stack", async () => {
      const bytes = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 31) % 256)
      const base64 = await imageToBase64(new Blob([bytes as BlobPart]))
      expect(bytesOf(base64)).toEqual(bytes)
    })

    it("refuses a blob over maxBytes with its exact size", async () => {
      const error = await rejectionOf(imageToBase64(new Blob([pngBytes as BlobPart]), { maxBytes: 10 }))
      expect(isImageTooLargeError(error)).toBe(true)
      expect(error).toMatchObject({ source: "blob", sizeBytes: pngBytes.length, maxBytes: 10 })
    })

    it("refuses an empty file", async () => {
      const error = await rejectionOf(imageToBase64(new File([], "empty.png")))
      expect(isUnsupportedImageError(error) && error.source).toBe("file")
    })
  })

  describe("data URLs", () => {
    it("strips the prefix of a base64 data URL", async () => {
      expect(await imageToBase64(`data:image/png;base64,${PIXEL_PNG_BASE64}`)).toBe(PIXEL_PNG_BASE64)
    })

    it("accepts line-wrapped base64 and returns it without whitespace", async () => {
      const wrapped = PIXEL_PNG_BASE64.replace(/(.{20})/g, "$1\n")
      expect(await imageToBase64(`data:image/png;base64,${wrapped}`)).toBe(PIXEL_PNG_BASE64)
    })

    it("encodes a percent-encoded data URL (an inline SVG) as base64 of its bytes", async () => {
      const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><text>é</text></svg>'
      const base64 = await imageToBase64(`data:image/svg+xml,${encodeURIComponent(svg)}`)
      expect(new TextDecoder().decode(bytesOf(base64))).toBe(svg)
    })

    it("refuses a data URL whose payload is not base64", async () => {
      const error = await rejectionOf(imageToBase64("data:image/png;base64,not*base64"))
      expect(isUnsupportedImageError(error) && error.source).toBe("data URL")
    })

    it("refuses a data URL over maxBytes, counting decoded bytes", async () => {
      const error = await rejectionOf(
        imageToBase64(`data:image/png;base64,${PIXEL_PNG_BASE64}`, { maxBytes: pngBytes.length - 1 }),
      )
      expect(error).toMatchObject({ _tag: "ImageTooLargeError", sizeBytes: pngBytes.length })
    })

    it("refuses a string that is not a data URL, saying what to pass instead", async () => {
      const error = await rejectionOf(imageToBase64("https://example.com/captcha.png"))
      expect(isUnsupportedImageError(error) && error.message).toContain("fetch it and pass the Blob")
    })
  })

  describe("canvas", () => {
    it("encodes a canvas as PNG that decodes to the same pixels", async () => {
      const base64 = await imageToBase64(await fixtureCanvas())
      expect(Array.from(bytesOf(base64).slice(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47])
      expect(await pixelsOf(base64)).toEqual(FIXTURE_PIXELS)
    })

    it("encodes a canvas as JPEG when asked", async () => {
      const base64 = await imageToBase64(await fixtureCanvas(), { type: "image/jpeg", quality: 0.9 })
      expect(Array.from(bytesOf(base64).slice(0, 3))).toEqual([0xff, 0xd8, 0xff])
    })

    it("refuses a canvas with no pixels", async () => {
      const canvas = document.createElement("canvas")
      canvas.width = 0
      const error = await rejectionOf(imageToBase64(canvas))
      expect(isUnsupportedImageError(error) && error.source).toBe("canvas")
    })

    it("refuses a canvas tainted by a cross-origin image with TaintedCanvasError", async () => {
      const canvas = document.createElement("canvas")
      canvas.width = 2
      canvas.height = 2
      canvas.getContext("2d")!.drawImage(await loadedImage(inject("foreignPixelUrl")), 0, 0)
      const error = await rejectionOf(imageToBase64(canvas))
      expect(isTaintedCanvasError(error) && error.source).toBe("canvas")
      expect(isImageInputError(error)).toBe(true)
    })
  })

  describe("<img>", () => {
    it("waits for an image that is still loading, then returns its pixels", async () => {
      const image = new Image()
      image.src = `data:image/png;base64,${PIXEL_PNG_BASE64}`
      const base64 = await imageToBase64(image)
      expect(await pixelsOf(base64)).toEqual(FIXTURE_PIXELS)
    })

    it("refuses an image that cannot be decoded", async () => {
      const image = new Image()
      image.src = "data:image/png;base64,AAAA"
      const error = await rejectionOf(imageToBase64(image))
      expect(isUnsupportedImageError(error) && error.source).toBe("image")
    })

    it("refuses a cross-origin image loaded without CORS, explaining the fix", async () => {
      const error = await rejectionOf(imageToBase64(await loadedImage(inject("foreignPixelUrl"))))
      expect(isTaintedCanvasError(error) && error.source).toBe("image")
      expect(String(error)).toContain('crossOrigin="anonymous"')
    })
  })

  it("refuses values that are not images, naming what it got", async () => {
    const error = await rejectionOf(imageToBase64(new ArrayBuffer(4) as never))
    expect(isUnsupportedImageError(error) && error.message).toContain("ArrayBuffer")
  })
})

describe("toBase64, the deprecated name", () => {
  it("is imageToBase64 itself, with the same options type", () => {
    expect(toBase64).toBe(imageToBase64)
    const options: ToBase64Options = { maxBytes: 1 } satisfies ImageToBase64Options
    expect(options.maxBytes).toBe(1)
  })
})
