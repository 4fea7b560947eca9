import * as assert from "node:assert/strict"
import {
  FilePermissionError,
  type ImageToBase64Options,
  imageToBase64,
  isFileNotFoundError,
  isFilePermissionError,
  isFileReadError,
  isFileTooLargeError,
  type ReadImageOptions,
  readImage,
  readImageBase64,
} from "../src/index.ts"

const rejection = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new assert.AssertionError({ message: "expected the promise to reject" })
}

/** A temporary file with `bytes`, removed when disposed. */
const tempFile = async (bytes: Uint8Array): Promise<AsyncDisposable & { readonly path: string }> => {
  const path = await Deno.makeTempFile({ prefix: "solvekit-deno-", suffix: ".png" })
  await Deno.writeFile(path, bytes)
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path) }
}

// The 8-byte PNG signature followed by every byte value, so the base64 covers the whole alphabet.
const imageBytes = new Uint8Array([
  0x89,
  0x50,
  0x4e,
  0x47,
  0x0d,
  0x0a,
  0x1a,
  0x0a,
  ...Array.from({ length: 256 }, (_, i) => i),
])
const expectedBase64 = btoa(String.fromCharCode(...imageBytes))

Deno.test("imageToBase64 returns the file's plain base64 (no data: prefix, no newlines)", async () => {
  await using file = await tempFile(imageBytes)
  const base64 = await imageToBase64(file.path)
  assert.equal(base64, expectedBase64)
  assert.doesNotMatch(base64, /^data:|\n/)
})

Deno.test("imageToBase64 accepts a file: URL", async () => {
  await using file = await tempFile(imageBytes)
  const url = new URL(`file://${file.path}`)
  assert.equal(await imageToBase64(url), expectedBase64)
})

Deno.test("a file larger than maxBytes is refused with FileTooLargeError giving both sizes", async () => {
  await using file = await tempFile(imageBytes)
  const error = await rejection(imageToBase64(file.path, { maxBytes: 100 }))
  assert.ok(isFileTooLargeError(error), `expected a FileTooLargeError, got ${String(error)}`)
  assert.equal(error.sizeBytes, imageBytes.byteLength)
  assert.equal(error.maxBytes, 100)
  assert.match(error.message, /maxBytes/)
})

Deno.test("a file of exactly maxBytes is accepted", async () => {
  await using file = await tempFile(imageBytes)
  const bytes = await readImage(file.path, { maxBytes: imageBytes.byteLength })
  assert.deepEqual(bytes, imageBytes)
})

Deno.test("a missing file rejects with FileNotFoundError naming the path", async () => {
  const path = `${Deno.makeTempDirSync()}/no-such-captcha.png`
  const error = await rejection(imageToBase64(path))
  assert.ok(isFileNotFoundError(error), `expected a FileNotFoundError, got ${String(error)}`)
  assert.equal(error.path, path)
  assert.equal(error._tag, "FileNotFoundError")
  Deno.removeSync(path.replace(/\/no-such-captcha\.png$/, ""))
})

Deno.test("a directory or an empty file rejects with FileReadError saying why", async () => {
  const directory = await Deno.makeTempDir()
  try {
    const fromDirectory = await rejection(imageToBase64(directory))
    assert.ok(isFileReadError(fromDirectory), `expected a FileReadError, got ${String(fromDirectory)}`)
    assert.equal(fromDirectory.reason, "it is a directory")
  } finally {
    await Deno.remove(directory)
  }
  await using empty = await tempFile(new Uint8Array())
  const fromEmpty = await rejection(imageToBase64(empty.path))
  assert.ok(isFileReadError(fromEmpty), `expected a FileReadError, got ${String(fromEmpty)}`)
  assert.equal(fromEmpty.reason, "it is empty")
})

Deno.test({
  name: "without --allow-read, reading rejects with FilePermissionError naming the flag",
  // Creating and removing the file needs write permission only.
  permissions: { read: false, write: true },
  async fn() {
    await using file = await tempFile(imageBytes)
    const error = await rejection(imageToBase64(file.path))
    assert.ok(isFilePermissionError(error), `expected a FilePermissionError, got ${String(error)}`)
    assert.ok(error instanceof FilePermissionError)
    assert.equal(error.deniedBy, "deno")
    assert.match(error.message, /--allow-read/)
  },
})

Deno.test("an aborted signal stops the read with the signal's reason", async () => {
  await using file = await tempFile(imageBytes)
  const reason = new Error("no longer needed")
  const error = await rejection(imageToBase64(file.path, { signal: AbortSignal.abort(reason) }))
  assert.equal(error, reason)
})

Deno.test("readImageBase64, the deprecated name, is imageToBase64 itself", () => {
  assert.equal(readImageBase64, imageToBase64)
  const options: ReadImageOptions = { maxBytes: 1 } satisfies ImageToBase64Options
  assert.equal(options.maxBytes, 1)
})
