/**
 * A scripted `fetch` for hostile-input tests: the real ky transport (body cap, Retry-After, Content-Length
 * checks, request encoding) runs against answers the test chooses per endpoint, and every request is counted.
 */
import fc from "fast-check"

export interface Answer {
  readonly status: number
  readonly body: string | null
  readonly headers?: Readonly<Record<string, string>> | undefined
}

export interface ScriptedFetch {
  readonly fetch: typeof globalThis.fetch
  /** Requests received, by endpoint (the last path segment). */
  readonly calls: Array<string>
  /** How each endpoint answers; `n` counts that endpoint's requests since the last `reset`. */
  answer: (endpoint: string, n: number) => Answer
  reset(): void
}

/** Statuses that cannot carry a body in a web `Response`. */
const nullBodyStatus = new Set([204, 205, 304])

export const scriptedFetch = (): ScriptedFetch => {
  const counts = new Map<string, number>()
  const script: ScriptedFetch = {
    calls: [],
    answer: () => ({ status: 500, body: "not scripted" }),
    reset: () => {
      counts.clear()
      script.calls.length = 0
    },
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init)
      const endpoint = new URL(request.url).pathname.split("/").pop() ?? ""
      script.calls.push(endpoint)
      const n = counts.get(endpoint) ?? 0
      counts.set(endpoint, n + 1)
      const answer = script.answer(endpoint, n)
      return new Response(nullBodyStatus.has(answer.status) ? null : answer.body, {
        status: answer.status,
        ...(answer.headers === undefined ? {} : { headers: answer.headers }),
      })
    }) as typeof globalThis.fetch,
  }
  return script
}

// ===== Hostile bodies =====

const nested = (depth: number, open: string, leaf: string, close: string): string =>
  `${open.repeat(depth)}${leaf}${close.repeat(depth)}`

/** Fixed adversarial bodies: deep nesting, prototype keys, wrong shapes, not JSON at all. */
export const adversarialBodies: ReadonlyArray<string> = [
  "",
  " ",
  "null",
  "[]",
  "0",
  '"ready"',
  "{",
  '{"errorId":0,',
  "<html><body>502 Bad Gateway</body></html>",
  "\u0000\u0001\ufffe\ud800",
  nested(10_000, "[", "1", "]"),
  nested(10_000, '{"a":', "1", "}"),
  `{"errorId":0,"taskId":"t-1","status":"ready","solution":${nested(10_000, '{"a":', "1", "}")}}`,
  `{"errorId":1,"errorCode":${nested(10_000, "[", '"X"', "]")}}`,
  `{"errorId":0,"balance":${nested(10_000, "[", "1", "]")}}`,
  `{"errorId":0,"status":${nested(10_000, "[", '"ready"', "]")},"taskId":"t-1"}`,
  nested(200_000, "[", "", "]"),
  '{"__proto__":{"polluted":1}}',
  '{"errorId":0,"taskId":"t-1","status":"ready","solution":{"__proto__":{"polluted":1},"gRecaptchaResponse":"t"}}',
  '{"errorId":0,"taskId":"t-1","status":"ready","solution":{"constructor":{"prototype":{"polluted":1}},"gRecaptchaResponse":"t"}}',
  '{"constructor":{"prototype":{"polluted":1}},"errorId":0,"balance":1}',
  '{"__proto__":{"errorId":1,"errorCode":"ERROR_ZERO_BALANCE"},"balance":"1"}',
  '{"errorId":0,"taskId":{"__proto__":{"toString":1}},"status":"idle"}',
  '{"errorId":"0","taskId":12345678901234567890,"status":"READY","solution":{"gRecaptchaResponse":"t"}}',
  '{"errorId":0,"taskId":"t-1","status":"ready","solution":[]}',
  '{"errorId":0,"taskId":"t-1","status":"ready","solution":"token"}',
  '{"errorId":0,"taskId":"t-1","status":"ready"}',
  '{"errorId":0,"taskId":"","status":"idle"}',
  '{"errorId":0,"status":"idle"}',
  '{"errorId":1e400,"errorCode":"ERROR_X"}',
  '{"errorId":0,"balance":"1e400"}',
  '{"errorId":0,"balance":-0,"packages":{"length":1e9}}',
]

const anyField = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.constantFrom("ready", "READY", "processing", "idle", "failed", "", null, 0, 1, "1", "0"),
)

/** An envelope whose every field may have any type. */
export const wrongTypedEnvelope = fc
  .record(
    {
      errorId: anyField,
      errorCode: anyField,
      errorDescription: anyField,
      taskId: anyField,
      status: anyField,
      solution: anyField,
      balance: anyField,
      packages: anyField,
      message: anyField,
    },
    { requiredKeys: [] },
  )
  .map((value) => JSON.stringify(value))

/** Any body a broken or malicious server might send. */
export const hostileBody: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...adversarialBodies),
  wrongTypedEnvelope,
  fc.json(),
  fc.jsonValue().map((value) => JSON.stringify(value) ?? "null"),
  fc.string({ unit: "binary", maxLength: 512 }),
)

export const hostileStatus: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(200, 201, 204, 304, 400, 401, 403, 404, 409, 429, 500, 502, 503),
  fc.integer({ min: 200, max: 599 }),
)

export const hostileHeaders: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    "retry-after": fc.oneof(
      fc.constantFrom("0", "1", "99999999", "-5", "1.5", "Wed, 21 Oct 2015 07:28:00 GMT", "soon", ""),
      fc.string({ maxLength: 20 }).filter((s) => /^[\t\x20-\x7e]*$/.test(s)),
    ),
    "content-type": fc.constantFrom("application/json", "text/html", "application/octet-stream"),
  },
  { requiredKeys: [] },
)
