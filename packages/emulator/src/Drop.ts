/**
 * Dropped connections in web-standard terms. A Request → Response handler cannot close a socket, so a drop
 * is a Response carrying a marker (found with `isDroppedResponse`) whose body stream fails before any
 * byte. The Node listener sees the marker and destroys the socket without answering; the in-process
 * `fetch` rejects like a network failure; a runtime that knows nothing of the marker (Deno.serve) sends
 * the headers and then aborts the body, so the client still never reads an answer.
 */

const droppedMarker = Symbol.for("@solvekit/emulator/droppedResponse")

/** The cause of the in-process fetch's rejection when the emulator drops a connection. */
export class EmulatorConnectionDropped extends Error {
  override readonly name = "EmulatorConnectionDropped"
  constructor() {
    super("The emulator dropped the connection without answering (fault injection).")
  }
}

export const makeDroppedResponse = (): Response => {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.error(new EmulatorConnectionDropped())
    },
  })
  const response = new Response(body, { status: 200, headers: { "content-type": "application/json" } })
  Object.defineProperty(response, droppedMarker, { value: true })
  return response
}

/** True for the Response `emulator.handle` returns when a fault says "drop the connection". */
export const isDroppedResponse = (response: Response): boolean =>
  Reflect.get(response, droppedMarker) === true

/** The rejection of the in-process fetch for a drop: the same shape as undici's `fetch failed`. */
export const droppedFetchError = (): TypeError =>
  new TypeError("fetch failed", { cause: new EmulatorConnectionDropped() })
