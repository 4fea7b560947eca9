/**
 * Reading an HTTP body with a byte cap: the one implementation, shared by the transport (the provider's
 * answers) and the Node relay (browsers' requests and the provider's answers), so a body too large to hold is
 * refused the same way everywhere, without being read whole.
 *
 * @since 0.1.0
 */

/** Thrown by `readBodyCapped` when a body is longer than its cap. */
export class BodyTooLarge {
  readonly _tag = "BodyTooLarge"
}

/** A message with a body to read: a `Response` or a `Request`. */
export interface BodyMessage {
  readonly headers: Headers
  readonly body: ReadableStream<Uint8Array> | null
}

/** Shared: a non-streaming `decode` call keeps no state between calls. */
const utf8 = new TextDecoder()

/**
 * Reads a body as UTF-8 text; throws `BodyTooLarge` (cancelling the stream) once it passes `maxBytes`, or up
 * front when its `Content-Length` says it will, and cancels it when `signal` aborts. No body reads as `""`.
 */
export const readBodyCapped = async (
  message: BodyMessage,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<string> => {
  const declared = Number(message.headers.get("content-length") ?? Number.NaN)
  if (Number.isFinite(declared) && declared > maxBytes) {
    await message.body?.cancel().catch(() => undefined)
    throw new BodyTooLarge()
  }
  if (message.body === null) return ""
  return decode(await readChunks(message.body.getReader(), maxBytes, signal))
}

const readChunks = async (
  reader: ReadableStreamDefaultReader<Uint8Array>,
  maxBytes: number,
  signal: AbortSignal | undefined,
): Promise<ReadonlyArray<Uint8Array>> => {
  // The reader holds the stream's lock, so only it can cancel the body (which closes the connection) when a
  // timeout or an abort interrupts the read: `body.cancel()` would fail on the locked stream.
  const onAbort = () => void reader.cancel().catch(() => undefined)
  signal?.addEventListener("abort", onAbort, { once: true })
  if (signal?.aborted === true) onAbort()
  const chunks: Array<Uint8Array> = []
  let total = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (signal?.aborted === true) throw signal.reason
      if (done) return chunks
      total += value.byteLength
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined)
        throw new BodyTooLarge()
      }
      chunks.push(value)
    }
  } finally {
    signal?.removeEventListener("abort", onAbort)
  }
}

const decode = (chunks: ReadonlyArray<Uint8Array>): string => {
  // A small answer arrives in one chunk: decoded as it is, without a copy.
  if (chunks.length === 1) return utf8.decode(chunks[0])
  if (chunks.length === 0) return ""
  const bytes = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.byteLength, 0))
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return utf8.decode(bytes)
}
