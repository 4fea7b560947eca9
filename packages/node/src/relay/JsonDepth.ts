/**
 * How deeply a JSON body nests, measured while it arrives, before anything parses it. `JSON.parse` of
 * `[[[[…]]]]` a million levels deep takes most of a second of the one thread every client shares (and
 * `JSON.stringify` of 10,000 levels overflows the stack), so a body nested deeper than any real task is
 * refused as soon as its bytes say so: after its first chunk, not after 2 MB were read and parsed.
 *
 * @since 0.1.0
 */

/**
 * The deepest nesting a request body may have. Real tasks nest a few levels (`{ task: { cookies: [{ … }] } }`
 * is 4); 32 leaves room for any provider's fields and is far below where parsing gets costly.
 */
export const MAX_JSON_DEPTH = 32

/** Raised through the body stream when the body nests deeper than its limit. */
export class NestedTooDeep {
  readonly _tag = "NestedTooDeep"
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d

/**
 * Counts the objects and arrays open at each byte of a JSON text fed in pieces. Brackets inside strings are
 * text and do not count. Works on UTF-8 bytes as they arrive: the bytes it looks at are ASCII, which never
 * occur inside a multi-byte character. It does not validate the JSON (`JSON.parse` does, on a body now known
 * to be shallow).
 */
export class NestingGauge {
  readonly #limit: number
  #depth = 0
  #inString = false
  #escaped = false

  constructor(limit: number) {
    this.#limit = limit
  }

  /** Reads the next bytes; `false` as soon as the nesting goes deeper than the limit. */
  feed(bytes: Uint8Array): boolean {
    let depth = this.#depth
    let inString = this.#inString
    let escaped = this.#escaped
    for (let at = 0; at < bytes.length; at++) {
      const byte = bytes[at]
      if (inString) {
        if (escaped) escaped = false
        else if (byte === BACKSLASH) escaped = true
        else if (byte === QUOTE) inString = false
      } else if (byte === QUOTE) {
        inString = true
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        if (++depth > this.#limit) return false
      } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        depth--
      }
    }
    this.#depth = depth
    this.#inString = inString
    this.#escaped = escaped
    return true
  }
}

/**
 * A body stream that errors with `NestedTooDeep` at the first chunk that nests deeper than `limit`; the
 * source is then cancelled, so the rest of the body is never read.
 */
export const depthGuard = (limit: number): TransformStream<Uint8Array, Uint8Array> => {
  const gauge = new NestingGauge(limit)
  return new TransformStream({
    transform(chunk, controller) {
      if (gauge.feed(chunk)) controller.enqueue(chunk)
      else controller.error(new NestedTooDeep())
    },
  })
}
