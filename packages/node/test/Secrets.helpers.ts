/**
 * A hostile gateway for the secrets tests: a node:http server that records every request it receives
 * (method, URL, headers, body) and either forwards it to an emulator or answers it itself with an answer that
 * echoes the whole request back, API key included, in every place an answer can carry text: an HTML error page,
 * an error description, a truncated JSON body, a task status, a solution, a 2 MB body. A client that keeps a
 * server's words in its errors would leak the key; the tests check it never does.
 *
 * Behaviours are chosen by a marker in the task (`gw-create-<kind>` in `websiteKey` for createTask answers,
 * `gw-poll-<kind>` for getTaskResult answers of a task the gateway creates itself). Everything else goes to the
 * emulator mounted under the path prefix.
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { type Emulator, isDroppedResponse } from "@solvekit/emulator"

export interface RecordedRequest {
  readonly method: string
  readonly url: string
  readonly headers: http.IncomingHttpHeaders
  readonly rawHeaders: ReadonlyArray<string>
  readonly body: string
}

export interface Gateway {
  /** `http://127.0.0.1:<port>`; emulators are mounted under their prefix, e.g. `${url}/capsolver`. */
  readonly url: string
  readonly requests: Array<RecordedRequest>
  close(): Promise<void>
}

/** Answers a gateway can give instead of the provider's. */
export const createKinds = [
  "html-echo",
  "json-echo",
  "truncated-echo",
  "huge-echo",
  "drop",
  "status-echo",
  "status-echo-offset",
  "code-echo",
] as const
export const pollKinds = [
  "html-echo",
  "json-echo",
  "truncated-echo",
  "solution-echo",
  "status-echo",
  "status-echo-offset",
  "huge-echo",
  "hang",
] as const
export type CreateKind = (typeof createKinds)[number]
export type PollKind = (typeof pollKinds)[number]

interface Answer {
  readonly status: number
  readonly body: string
  readonly contentType?: string
}

const json = (value: unknown, status = 200): Answer => ({ status, body: JSON.stringify(value) })

/** The answer of `kind` to a request whose raw body was `echo`, or "drop" / "hang". */
const hostileAnswer = (kind: string, echo: string, taskId: string | undefined): Answer | "drop" | "hang" => {
  switch (kind) {
    case "html-echo":
      return {
        status: 502,
        contentType: "text/html",
        body: `<html><body><h1>502 Bad Gateway</h1><pre>request was: ${echo}</pre></body></html>`,
      }
    case "json-echo":
      return json(
        {
          errorId: 1,
          errorCode: taskId === undefined ? "ERROR_INVALID_TASK_DATA" : "ERROR_CAPTCHA_UNSOLVABLE",
          errorDescription: `cannot process ${echo}`,
        },
        400,
      )
    case "truncated-echo": {
      const whole = JSON.stringify({ errorId: 0, taskId, status: "processing", echo })
      return { status: 200, body: whole.slice(0, Math.floor(whole.length * 0.8)) }
    }
    case "huge-echo":
      return { status: 200, body: JSON.stringify({ errorId: 0, taskId, echo: echo.repeat(8_000) }) }
    case "status-echo":
      return json({ errorId: 0, taskId: taskId ?? "gw-status", status: echo })
    case "status-echo-offset":
      // Placed so that a 64-character excerpt of the status ends inside the key.
      return json({ errorId: 0, taskId: taskId ?? "gw-status", status: `${"p".repeat(34)}${echo}` })
    case "code-echo":
      return json({ errorId: 1, errorCode: { echo }, errorDescription: [echo] }, 400)
    case "solution-echo":
      return json({ errorId: 0, taskId, status: "ready", solution: { gRecaptchaResponse: 42, echo } })
    case "drop":
      return "drop"
    case "hang":
      return "hang"
    default:
      return json({ errorId: 1, errorCode: "ERROR_GATEWAY_UNKNOWN_KIND", errorDescription: kind }, 400)
  }
}

const readBody = async (request: http.IncomingMessage): Promise<string> => {
  const chunks: Array<Buffer> = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString("utf8")
}

/** Starts the gateway; `mounts` maps a path prefix (`/capsolver`) to the emulator behind it. */
export const startGateway = async (mounts: Readonly<Record<string, Emulator>>): Promise<Gateway> => {
  const requests: Array<RecordedRequest> = []
  let created = 0
  const server = http.createServer(async (req, res) => {
    const body = await readBody(req)
    requests.push({
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      body,
    })
    const send = (answer: Answer) => {
      res.writeHead(answer.status, { "content-type": answer.contentType ?? "application/json" })
      res.end(answer.body)
    }
    const act = (answer: Answer | "drop" | "hang") => {
      if (answer === "drop") req.socket.destroy()
      else if (answer !== "hang") send(answer)
    }
    const path = (req.url ?? "/").split("?")[0] ?? "/"
    const endpoint = path.split("/").pop() ?? ""
    const createMarker = /gw-create-([a-z-]+)/.exec(body)?.[1]
    const pollMarker = /gw-poll-([a-z-]+?)(?:-\d+)?"/.exec(body)?.[1]
    if (endpoint === "createTask" && createMarker !== undefined)
      return act(hostileAnswer(createMarker, body, undefined))
    if (endpoint === "createTask" && pollMarker !== undefined) {
      return send(json({ errorId: 0, taskId: `gw-poll-${pollMarker}-${++created}`, status: "idle" }))
    }
    if (endpoint === "getTaskResult" && pollMarker !== undefined) {
      const taskId = /"taskId":"([^"]+)"/.exec(body)?.[1]
      return act(hostileAnswer(pollMarker, body, taskId))
    }
    const prefix = Object.keys(mounts).find((mount) => path.startsWith(`${mount}/`))
    const emulator = prefix === undefined ? undefined : mounts[prefix]
    if (prefix === undefined || emulator === undefined) return send(json({ error: "no such mount" }, 404))
    const answer = await emulator.handle(
      new Request(`http://emulator${path.slice(prefix.length)}`, {
        method: req.method ?? "POST",
        headers: { "content-type": "application/json" },
        ...(req.method === "POST" ? { body } : {}),
      }),
    )
    if (isDroppedResponse(answer)) {
      req.socket.destroy()
      return
    }
    const headers: Record<string, string> = {}
    answer.headers.forEach((value, name) => {
      headers[name] = value
    })
    res.writeHead(answer.status, headers)
    res.end(await answer.text())
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
