import { describe, expect, it } from "vitest"
import { BodyTooLarge, readBodyCapped } from "../src/wire/Body.ts"

const encoder = new TextEncoder()

/** A stream of the given chunks that records whether it was cancelled and how many chunks were pulled. */
const chunked = (chunks: ReadonlyArray<Uint8Array>) => {
  const seen = { pulled: 0, cancelled: false }
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[seen.pulled]
      seen.pulled++
      if (chunk === undefined) controller.close()
      else controller.enqueue(chunk)
    },
    cancel() {
      seen.cancelled = true
    },
  })
  return { stream, seen }
}

describe("readBodyCapped", () => {
  it("reads a body in several chunks as UTF-8, a character split between chunks included", async () => {
    const bytes = encoder.encode('{"note":"été"}')
    const { stream } = chunked([bytes.slice(0, 10), bytes.slice(10)])
    expect(await readBodyCapped(new Response(stream), 1024)).toBe('{"note":"été"}')
  })

  it("reads a request's body the same way as a response's", async () => {
    const request = new Request("https://relay.test/createTask", { method: "POST", body: '{"a":1}' })
    expect(await readBodyCapped(request, 1024)).toBe('{"a":1}')
  })

  it("reads no body as empty text", async () => {
    expect(await readBodyCapped(new Response(null, { status: 204 }), 1024)).toBe("")
  })

  it("refuses a body past the cap without reading the rest, and cancels the stream", async () => {
    const { stream, seen } = chunked(Array.from({ length: 100 }, () => new Uint8Array(600)))
    await expect(readBodyCapped(new Response(stream), 1000)).rejects.toBeInstanceOf(BodyTooLarge)
    expect(seen.cancelled).toBe(true)
    expect(seen.pulled).toBeLessThan(5)
  })

  it("refuses a declared Content-Length above the cap before reading anything", async () => {
    const { stream, seen } = chunked([encoder.encode("small")])
    const response = new Response(stream, { headers: { "content-length": "5000" } })
    await expect(readBodyCapped(response, 1000)).rejects.toBeInstanceOf(BodyTooLarge)
    expect(seen.cancelled).toBe(true)
  })

  it("accepts a body of exactly the cap", async () => {
    expect(await readBodyCapped(new Response("x".repeat(1000)), 1000)).toBe("x".repeat(1000))
  })

  it("stops with the signal's reason when it aborts, cancelling the stream", async () => {
    const { stream, seen } = chunked([encoder.encode("a")])
    const controller = new AbortController()
    const reason = new Error("stop")
    controller.abort(reason)
    await expect(readBodyCapped(new Response(stream), 1000, controller.signal)).rejects.toBe(reason)
    expect(seen.cancelled).toBe(true)
  })
})
