import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Readable } from "node:stream"
import { pathToFileURL } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import {
  DEFAULT_MAX_IMAGE_BYTES,
  FileNotFoundError,
  FileReadError,
  FileTooLargeError,
  imageToBase64,
  isFileNotFoundError,
  isFileReadError,
  isFileTooLargeError,
} from "../src/NodeFiles.ts"

// A 1x1 PNG.
const png = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
)
const expected = png.toString("base64")

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "solvekit-files-"))
  await writeFile(join(dir, "captcha.png"), png)
  await writeFile(join(dir, "empty.png"), Buffer.alloc(0))
  await writeFile(join(dir, "big.png"), Buffer.alloc(4096, 1))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** A stream that counts how many chunks were pulled from it. */
const countingStream = (chunkCount: number, chunkSize: number) => {
  const state = { pulled: 0 }
  const stream = Readable.from(
    (function* () {
      for (let i = 0; i < chunkCount; i++) {
        state.pulled++
        yield Buffer.alloc(chunkSize, 7)
      }
    })(),
  )
  return { stream, state }
}

describe("imageToBase64", () => {
  it("reads a file path into plain base64 without a data: prefix", async () => {
    const body = await imageToBase64(join(dir, "captcha.png"))
    expect(body).toBe(expected)
    expect(body.startsWith("data:")).toBe(false)
  })

  it("reads a file: URL", async () => {
    expect(await imageToBase64(pathToFileURL(join(dir, "captcha.png")))).toBe(expected)
  })

  it("encodes a Buffer, a Uint8Array and an ArrayBuffer", async () => {
    expect(await imageToBase64(png)).toBe(expected)
    expect(await imageToBase64(new Uint8Array(png))).toBe(expected)
    const copy = png.buffer.slice(png.byteOffset, png.byteOffset + png.byteLength)
    expect(await imageToBase64(copy)).toBe(expected)
  })

  it("reads a Node stream and a web ReadableStream", async () => {
    expect(await imageToBase64(Readable.from([png.subarray(0, 10), png.subarray(10)]))).toBe(expected)
    expect(await imageToBase64(new Blob([png]).stream())).toBe(expected)
  })

  it("rejects a missing file with FileNotFoundError naming the path", async () => {
    const path = join(dir, "nope.png")
    const error = await imageToBase64(path).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FileNotFoundError)
    expect(isFileNotFoundError(error)).toBe(true)
    expect((error as FileNotFoundError).path).toBe(path)
    expect((error as Error).message).toBe(`image file not found: ${path}`)
  })

  it("rejects an oversized file from its size, with the size and the limit", async () => {
    const error = await imageToBase64(join(dir, "big.png"), { maxBytes: 1000 }).catch((e: unknown) => e)
    expect(isFileTooLargeError(error)).toBe(true)
    expect(error).toMatchObject({ sizeBytes: 4096, maxBytes: 1000 })
    expect((error as Error).message).toContain("raise it with { maxBytes }")
  })

  it("rejects an oversized buffer", async () => {
    const error = await imageToBase64(Buffer.alloc(DEFAULT_MAX_IMAGE_BYTES + 1)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FileTooLargeError)
    expect(error).toMatchObject({ source: "buffer", sizeBytes: DEFAULT_MAX_IMAGE_BYTES + 1 })
  })

  it("stops reading a stream as soon as it passes the limit", async () => {
    const { stream, state } = countingStream(100, 1000)
    const error = await imageToBase64(stream, { maxBytes: 2500 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FileTooLargeError)
    expect(error).toMatchObject({ source: "stream", sizeBytes: 3000, maxBytes: 2500 })
    // Three chunks crossed the cap; the readable may have buffered a few more, never the whole stream.
    expect(state.pulled).toBeLessThan(20)
    expect(stream.destroyed).toBe(true)
  })

  it("rejects an empty file and a directory with FileReadError", async () => {
    const empty = await imageToBase64(join(dir, "empty.png")).catch((e: unknown) => e)
    expect(isFileReadError(empty)).toBe(true)
    expect((empty as FileReadError).reason).toBe("it is empty")
    const directory = await imageToBase64(dir).catch((e: unknown) => e)
    expect(directory).toBeInstanceOf(FileReadError)
    expect((directory as FileReadError).reason).toBe("it is a directory")
  })

  it("reports a failing stream as FileReadError with the cause", async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error("disk on fire"))
      },
    })
    const error = await imageToBase64(failing).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FileReadError)
    expect((error as Error).message).toBe("image stream could not be read: disk on fire")
  })

  it("stops when the signal is aborted", async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(
      imageToBase64(join(dir, "captcha.png"), { signal: controller.signal }),
    ).rejects.toMatchObject({
      name: "AbortError",
    })
  })
})
