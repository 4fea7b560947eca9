/** The provider's JSON envelope and the raw responses the handler produces before any runtime wraps them. */

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

export const ok = (fields: Record<string, unknown>): RawResponse =>
  json(200, { errorId: 0, errorCode: "", errorDescription: "", ...fields })

const descriptions: Readonly<Record<string, string>> = {
  ERROR_KEY_DENIED_ACCESS: "The clientKey is wrong or does not exist.",
  ERROR_ZERO_BALANCE: "Your balance is too low for this task.",
  ERROR_TASK_NOT_SUPPORTED: "The task type is wrong or not supported.",
  ERROR_TASKID_INVALID: "The taskId is wrong or the task no longer exists.",
  ERROR_CAPTCHA_UNSOLVABLE: "The captcha could not be solved. You were not charged.",
  ERROR_TASK_TIMEOUT: "The task was not solved within the time limit.",
  ERROR_SETTLEMENT_FAILED: "Charging the task to your balance failed.",
  ERROR_SERVICE_UNAVALIABLE: "Service temporarily unavailable, please retry later.",
  ERROR_RATE_LIMIT: "Request rate exceeds the rate allowed by your package.",
  ERROR_KEY_TEMP_BLOCKED: "Your key is temporarily blocked after too many erroneous requests.",
}

/** An error envelope. HTTP 401 for key errors and 400 for the rest, as the provider's docs table says. */
export const apiError = (
  errorCode: string,
  errorDescription?: string,
  extra?: Record<string, unknown>,
): RawResponse =>
  json(errorCode === "ERROR_KEY_DENIED_ACCESS" ? 401 : 400, {
    errorId: 1,
    errorCode,
    errorDescription: errorDescription ?? descriptions[errorCode] ?? errorCode,
    ...extra,
  })

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
