/**
 * A scripted, in-memory `Transport` for lifecycle tests: each endpoint answers from a script, every call is
 * recorded with its (Test)Clock time, and calls that "hang" record whether they were interrupted (the
 * equivalent of an aborted HTTP request).
 */
import { Clock, Effect, Layer, Redacted } from "effect"
import { TransportError } from "../src/domain/Errors.ts"
import * as ClientConfig from "../src/engine/ClientConfig.ts"
import * as Policy from "../src/engine/Policy.ts"
import { SolveKit } from "../src/faces/SolveKit.ts"
import { Transport, type TransportResponse } from "../src/wire/Transport.ts"

export const API_KEY = "sk-TEST-SECRET-0123456789"

/** One scripted answer. */
export type Reply =
  /** A JSON body (status 200 unless given). */
  | { readonly json: unknown; readonly status?: number; readonly retryAfterMs?: number }
  /** A raw text body (e.g. an HTML 502 page). */
  | { readonly text: string; readonly status: number; readonly retryAfterMs?: number }
  /** A network failure. */
  | { readonly network: boolean | "unknown" }
  /** Never answers (until interrupted). */
  | { readonly hang: true }
  /** Answers after a delay on the (Test)Clock. */
  | { readonly delayMs: number; readonly reply: Reply }

export interface Call {
  readonly endpoint: string
  readonly body: Record<string, unknown>
  readonly at: number
  interrupted: boolean
  finished: boolean
}

type Script = Reply | ReadonlyArray<Reply> | ((n: number, call: Call) => Reply)

export interface ScriptedTransport {
  readonly layer: Layer.Layer<Transport>
  readonly calls: Array<Call>
  readonly callsTo: (endpoint: string) => Array<Call>
  /** Highest number of calls in flight at once. */
  readonly maxInFlight: () => number
}

const pick = (script: Script | undefined, n: number, call: Call): Reply => {
  if (script === undefined) return { json: { errorId: 1, errorCode: "ERROR_NOT_SCRIPTED" }, status: 400 }
  if (typeof script === "function") return script(n, call)
  if (Array.isArray(script)) {
    const list = script as ReadonlyArray<Reply>
    return list[Math.min(n, list.length - 1)] as Reply
  }
  return script as Reply
}

const answer = (endpoint: string, reply: Reply): Effect.Effect<TransportResponse, TransportError> => {
  if ("delayMs" in reply) return Effect.andThen(Effect.sleep(reply.delayMs), answer(endpoint, reply.reply))
  if ("hang" in reply) return Effect.never
  if ("network" in reply) {
    return Effect.fail(
      new TransportError({
        endpoint,
        kind: "Network",
        requestSent: reply.network,
        cause: new Error(reply.network === false ? "connect ECONNREFUSED" : "socket hang up"),
      }),
    )
  }
  if ("text" in reply)
    return Effect.succeed({ status: reply.status, body: reply.text, retryAfterMs: reply.retryAfterMs })
  return Effect.succeed({
    status: reply.status ?? 200,
    body: JSON.stringify(reply.json),
    retryAfterMs: reply.retryAfterMs,
  })
}

export const make = (scripts: Partial<Record<string, Script>>): ScriptedTransport => {
  const calls: Array<Call> = []
  const counts = new Map<string, number>()
  let inFlight = 0
  let maxInFlight = 0
  const post = (endpoint: string, body: unknown) =>
    Effect.gen(function* () {
      const at = yield* Clock.currentTimeMillis
      const call: Call = {
        endpoint,
        body: body as Record<string, unknown>,
        at,
        interrupted: false,
        finished: false,
      }
      calls.push(call)
      const n = counts.get(endpoint) ?? 0
      counts.set(endpoint, n + 1)
      inFlight += 1
      maxInFlight = Math.max(maxInFlight, inFlight)
      return yield* answer(endpoint, pick(scripts[endpoint], n, call)).pipe(
        Effect.onInterrupt(() =>
          Effect.sync(() => {
            call.interrupted = true
          }),
        ),
        Effect.ensuring(
          Effect.sync(() => {
            inFlight -= 1
            call.finished = true
          }),
        ),
      )
    })
  return {
    layer: Layer.succeed(Transport, Transport.of({ post })),
    calls,
    callsTo: (endpoint) => calls.filter((c) => c.endpoint === endpoint),
    maxInFlight: () => maxInFlight,
  }
}

/** A client layer over a scripted transport (API key `API_KEY` unless keyless, default policy unless given). */
export const clientLayer = (
  transport: ScriptedTransport,
  options: Omit<ClientConfig.ClientOptions, "apiKey"> = {},
): Layer.Layer<SolveKit, never> =>
  SolveKit.layer.pipe(
    Layer.provide(transport.layer),
    Layer.provide(
      ClientConfig.layer(
        options.keyless === true ? { ...options, keyless: true } : { apiKey: API_KEY, ...options },
      ).pipe(Layer.orDie),
    ),
  )

// ===== Canned answers =====

export const created = (taskId = "task-1", status: string | undefined = "idle"): Reply => ({
  json: {
    errorId: 0,
    errorCode: "",
    errorDescription: "",
    taskId,
    ...(status === undefined ? {} : { status }),
  },
})
export const processing: Reply = { json: { errorId: 0, taskId: "task-1", status: "processing" } }
export const idle: Reply = { json: { errorId: 0, status: "idle" } }
export const ready = (solution: Record<string, unknown> = { gRecaptchaResponse: "token-abc" }): Reply => ({
  json: { errorId: 0, errorCode: "", taskId: "task-1", status: "ready", solution },
})
export const apiError = (errorCode: string, status = 400, description = "scripted"): Reply => ({
  json: { errorId: 1, errorCode, errorDescription: description },
  status,
})
export const htmlPage = (status: number): Reply => ({
  text: `<html><head><title>${status} Bad Gateway</title></head><body><center><h1>${status}</h1></center>${"<!-- padding -->".repeat(100)}</body></html>`,
  status,
})

export const fastPolicy = Policy.fixed("1 millis", "1 millis")

export const isRedactedKey = (u: unknown) => Redacted.isRedacted(u) && Redacted.value(u) === API_KEY
