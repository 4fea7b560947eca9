/** The providers' JSON envelopes and the raw responses the handler produces before any runtime wraps them. */
import type { Dialect } from "./dialects/Dialect.ts"
import { documentedError } from "./dialects/index.ts"

export interface RawResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** The handler's way of saying "close the connection without answering". */
export const dropConnection: unique symbol = Symbol("@solvekit/emulator/dropConnection")
export type HandlerOutcome = RawResponse | typeof dropConnection

/**
 * Browsers call the emulator from another origin (a test page, a demo app), so every answer allows any
 * origin and exposes Retry-After. The provider's own CORS policy is not documented; this is a test server.
 */
const corsHeaders = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "retry-after",
} as const

const jsonHeaders = { "content-type": "application/json; charset=utf-8", ...corsHeaders } as const

/** The answer to a CORS preflight (OPTIONS), on any path. */
export const preflight: RawResponse = {
  status: 204,
  headers: {
    ...corsHeaders,
    "access-control-allow-methods": "GET, POST, OPTIONS",
    "access-control-allow-headers": "content-type, authorization",
    "access-control-max-age": "86400",
  },
  body: "",
}

export const json = (status: number, body: unknown): RawResponse => ({
  status,
  headers: jsonHeaders,
  body: JSON.stringify(body),
})

/** What an endpoint answers, before the dialect's envelope is put around it. */
export type Answer =
  | { readonly ok: true; readonly fields: Readonly<Record<string, unknown>> }
  | {
      readonly ok: false
      readonly code: string
      /** Defaults to the dialect's documented description of the code. */
      readonly description?: string | undefined
      readonly extra?: Readonly<Record<string, unknown>> | undefined
    }

export const success = (fields: Readonly<Record<string, unknown>>): Answer => ({ ok: true, fields })

export const failure = (
  code: string,
  description?: string,
  extra?: Readonly<Record<string, unknown>>,
): Answer => ({ ok: false, code, description, extra })

/**
 * The answer in the dialect's envelope: its success fields, or its errorId numbering, HTTP status and
 * description for the code. `createTask` failures carry the dialect's extra fields (CapMonster's taskId 0).
 */
export const render = (dialect: Dialect, answer: Answer, endpoint: "createTask" | "other"): RawResponse => {
  if (answer.ok) return json(200, { errorId: 0, ...dialect.successFields, ...answer.fields })
  const row = documentedError(dialect, answer.code)
  return json(dialect.httpStatus(answer.code), {
    errorId: row?.errorId ?? 1,
    errorCode: answer.code,
    errorDescription: answer.description ?? row?.description ?? answer.code,
    ...(endpoint === "createTask" ? dialect.failedCreateTaskFields : {}),
    ...answer.extra,
  })
}

export const serverErrorPage: RawResponse = {
  status: 502,
  headers: { "content-type": "text/html; charset=utf-8", ...corsHeaders },
  body:
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n" +
    "<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n",
}

export const notFound: RawResponse = json(404, {
  errorId: 1,
  errorCode: "ERROR_BAD_REQUEST",
  errorDescription: "Unknown endpoint.",
})

export const methodNotAllowed: RawResponse = {
  status: 405,
  headers: { ...jsonHeaders, allow: "POST" },
  body: JSON.stringify({ errorId: 1, errorCode: "ERROR_BAD_REQUEST", errorDescription: "Use POST." }),
}

/** A JSON body cut in half: what a truncating proxy or a crashed worker leaves behind. */
export const truncate = (response: RawResponse): RawResponse => ({
  status: 200,
  headers: response.headers,
  body: response.body.slice(0, Math.max(1, Math.floor(response.body.length / 2))),
})
