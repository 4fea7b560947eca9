/**
 * The wire protocol of the createTask / getTaskResult family, as Effect Schemas, and the single place that
 * turns a raw HTTP answer into either a typed outcome or a typed error.
 *
 * Lenient in what it accepts (absent or empty `errorCode`, `null`s, extra fields, `taskId` as string or
 * number, status in any case, `errorId` as number or numeric string), strict in what it sends. Anything that is
 * not the protocol (an HTML 502 page, a JSON array, an unknown status) becomes a `DecodeError` or a
 * `TransportError` with a bounded excerpt of the body; nothing here throws.
 *
 * @since 0.1.0
 */
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import {
  ApiError,
  type ApiErrorReason,
  DecodeError,
  detached,
  type Endpoint,
  excerptOf,
  scrubSecrets,
  TransportError,
} from "../domain/Errors.ts"
import type { SolveCost } from "../domain/Outcome.ts"
import type { Provider } from "../domain/Provider.ts"

// What solvekit sends is built by the lifecycle from validated tasks; the task object's shape is the
// provider's `WireTask` (domain), re-exported here for the protocol's readers.
export type { WireTask } from "../domain/Provider.ts"

import type { TransportResponse } from "./Transport.ts"

// ===== Responses (what solvekit accepts) =====

const Envelope = {
  errorId: /*#__PURE__*/ Schema.optionalKey(
    /*#__PURE__*/ Schema.NullOr(/*#__PURE__*/ Schema.Union([Schema.Number, Schema.String])),
  ),
  errorCode: /*#__PURE__*/ Schema.optionalKey(/*#__PURE__*/ Schema.NullOr(Schema.String)),
  errorDescription: /*#__PURE__*/ Schema.optionalKey(/*#__PURE__*/ Schema.NullOr(Schema.String)),
}

const TaskIdField = /*#__PURE__*/ Schema.optionalKey(
  /*#__PURE__*/ Schema.NullOr(/*#__PURE__*/ Schema.Union([Schema.String, Schema.Number])),
)
// Status is checked after the error envelope: an error answer may carry any status text.
const StatusField = /*#__PURE__*/ Schema.optionalKey(/*#__PURE__*/ Schema.NullOr(Schema.String))
const SolutionField = /*#__PURE__*/ Schema.optionalKey(/*#__PURE__*/ Schema.NullOr(Schema.Unknown))
// What a solve cost and when it ran (2Captcha, Anti-Captcha): kept as sent and read leniently (`costOf`), so a
// malformed extra never fails the answer that carries a paid solution.
const ExtraField = /*#__PURE__*/ Schema.optionalKey(Schema.Unknown)

export const CreateTaskResponse = /*#__PURE__*/ Schema.Struct({
  ...Envelope,
  taskId: TaskIdField,
  status: StatusField,
  solution: SolutionField,
  cost: ExtraField,
  ip: ExtraField,
  createTime: ExtraField,
  endTime: ExtraField,
  solveCount: ExtraField,
})
export type CreateTaskResponse = typeof CreateTaskResponse.Type

export const GetTaskResultResponse = CreateTaskResponse
export type GetTaskResultResponse = CreateTaskResponse

export const GetTokenResponse = CreateTaskResponse
export type GetTokenResponse = CreateTaskResponse

export const GetBalanceResponse = /*#__PURE__*/ Schema.Struct({
  ...Envelope,
  balance: /*#__PURE__*/ Schema.optionalKey(
    /*#__PURE__*/ Schema.NullOr(/*#__PURE__*/ Schema.Union([Schema.Number, Schema.String])),
  ),
  packages: /*#__PURE__*/ Schema.optionalKey(
    /*#__PURE__*/ Schema.NullOr(/*#__PURE__*/ Schema.Array(Schema.Unknown)),
  ),
})
export type GetBalanceResponse = typeof GetBalanceResponse.Type

export const FeedbackTaskResponse = /*#__PURE__*/ Schema.Struct({
  ...Envelope,
  message: /*#__PURE__*/ Schema.optionalKey(/*#__PURE__*/ Schema.NullOr(Schema.String)),
  // The report endpoints of 2Captcha, Anti-Captcha and CapMonster Cloud answer `status: "success"`.
  status: StatusField,
})
export type FeedbackTaskResponse = typeof FeedbackTaskResponse.Type

// ===== Outcomes =====

/** The documented task statuses (CapSolver adds `idle`; `failed` is observed in official clients). */
export type TaskStatus = "idle" | "processing" | "ready" | "failed"

/** A task answer that is not an error: still pending, or ready with its raw solution. */
export type TaskState =
  | { readonly _tag: "Pending"; readonly status: "idle" | "processing"; readonly taskId: string | undefined }
  | {
      readonly _tag: "Ready"
      readonly solution: Record<string, unknown>
      readonly taskId: string | undefined
      /** What the solve cost, when the answer says so and it can be read. */
      readonly cost?: SolveCost | undefined
    }

export interface Balance {
  readonly balance: number
  /** Subscription packages, as sent (CapSolver: `packages`). */
  readonly packages: ReadonlyArray<unknown>
}

export interface FeedbackResult {
  /** CapSolver's `message` ("" when the provider sends none). */
  readonly message: string
  /** The report endpoints' `status` (`"success"` when the report was accepted), when the provider sends one. */
  readonly status?: string | undefined
}

export type ProtocolError = ApiError | TransportError | DecodeError

// ===== Interpretation =====

interface Context {
  readonly endpoint: Endpoint
  readonly provider: Provider
  readonly taskId?: string | undefined
  /** Strings that must never reach an error (the API key), replaced in excerpts. */
  readonly secrets?: ReadonlyArray<string> | undefined
}

const isOk = (status: number) => status >= 200 && status < 300

const safeExcerpt = (body: string, ctx: Context) =>
  excerptOf(scrubSecrets(excerptOf(body, 4096), ctx.secrets))

const decodeError = (ctx: Context, response: TransportResponse, issue: string) =>
  new DecodeError({
    endpoint: ctx.endpoint,
    httpStatus: response.status,
    excerpt: safeExcerpt(response.body, ctx),
    issue: excerptOf(scrubSecrets(issue, ctx.secrets)),
    taskId: ctx.taskId,
  })

const httpStatusError = (ctx: Context, response: TransportResponse) =>
  new TransportError({
    endpoint: ctx.endpoint,
    kind: "HttpStatus",
    requestSent: true,
    httpStatus: response.status,
    retryAfterMs: response.retryAfterMs,
    bodyExcerpt: safeExcerpt(response.body, ctx),
    taskId: ctx.taskId,
  })

type Decode = (input: unknown) => Result.Result<unknown, Schema.SchemaError>

/** One compiled decoder per response schema: building it is not free, and every response needs one. */
const decoders = new WeakMap<object, Decode>()

const decoderOf = (schema: Schema.Codec<unknown, unknown>): Decode => {
  let decode = decoders.get(schema)
  if (decode === undefined) {
    decode = Schema.decodeUnknownResult(schema as Schema.Decoder<unknown>)
    decoders.set(schema, decode)
  }
  return decode
}

/** Parses the raw body as JSON and decodes it with `schema`, or explains why it is not the protocol. */
const decodeBody = <S extends Schema.Codec<unknown, unknown>>(
  schema: S,
  ctx: Context,
  response: TransportResponse,
): Result.Result<S["Type"], ProtocolError> => {
  let json: unknown
  try {
    json = JSON.parse(response.body)
  } catch {
    return Result.fail(
      isOk(response.status) ? decodeError(ctx, response, "body is not JSON") : httpStatusError(ctx, response),
    )
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return Result.fail(
      isOk(response.status)
        ? decodeError(ctx, response, "body is not a JSON object")
        : httpStatusError(ctx, response),
    )
  }
  const decoded = decoderOf(schema)(json)
  if (Result.isSuccess(decoded)) return Result.succeed(decoded.success as S["Type"])
  if (!isOk(response.status)) return Result.fail(httpStatusError(ctx, response))
  const issue = decoded.failure.message
  return Result.fail(decodeError(ctx, response, issue || "unexpected shape"))
}

const errorIdIsSet = (errorId: number | string | null | undefined): boolean => {
  if (errorId === undefined || errorId === null) return false
  if (typeof errorId === "number") return errorId !== 0
  const trimmed = errorId.trim()
  return trimmed !== "" && trimmed !== "0"
}

/** When the provider sent an error flag without a code, the HTTP status is the best hint. */
const reasonFromStatus = (status: number, fallback: ApiErrorReason): ApiErrorReason =>
  status === 401 || status === 403
    ? "Auth"
    : status === 429
      ? "RateLimited"
      : status === 503
        ? "ServiceUnavailable"
        : fallback

const apiError = (
  ctx: Context,
  response: TransportResponse,
  errorCode: string,
  errorDescription: string,
  fallback: ApiErrorReason,
) =>
  new ApiError({
    reason: errorCode === "" ? reasonFromStatus(response.status, fallback) : ctx.provider.classify(errorCode),
    // Classified whole, kept bounded: a hostile server can put megabytes (or the echoed key) in the code.
    errorCode: excerptOf(scrubSecrets(errorCode, ctx.secrets), 128),
    errorDescription: excerptOf(scrubSecrets(errorDescription, ctx.secrets)),
    httpStatus: response.status,
    endpoint: ctx.endpoint,
    retryAfterMs: response.retryAfterMs,
    taskId: ctx.taskId,
  })

/** The error carried by an envelope, if any. */
const envelopeError = (
  ctx: Context,
  response: TransportResponse,
  envelope: {
    readonly errorId?: number | string | null
    readonly errorCode?: string | null
    readonly errorDescription?: string | null
  },
): ApiError | undefined => {
  const code = (envelope.errorCode ?? "").trim()
  if (errorIdIsSet(envelope.errorId) || code !== "") {
    return apiError(ctx, response, code, envelope.errorDescription ?? "", "Unknown")
  }
  return undefined
}

/**
 * The task an answer names, if any. Providers with integer ids number tasks from 1, and CapMonster Cloud
 * answers a failed createTask with `"taskId": 0` (the error example of its createTask page,
 * https://docs.capmonster.cloud/docs/api/methods/create-task; ZennoLab/capmonstercloud-docs
 * `api/methods/create-task.mdx`): 0 names no task, so no error promises a task to resume that does not exist.
 */
const normaliseTaskId = (
  taskId: string | number | null | undefined,
  provider: Provider,
): string | undefined => {
  if (taskId === undefined || taskId === null) return undefined
  const text = String(taskId).trim()
  if (text === "" || (provider.taskIdType === "number" && /^0+$/.test(text))) return undefined
  return text
}

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

// ===== What a solve cost =====

/** A finite number from a number or a numeric string (Anti-Captcha's example sends `"0.000700"`); else none. */
const lenientNumber = (u: unknown): number | undefined => {
  const n =
    typeof u === "number" ? u : typeof u === "string" && u.trim() !== "" ? Number(u.trim()) : Number.NaN
  return Number.isFinite(n) ? n : undefined
}

/** UNIX seconds as epoch ms, when they name a plausible instant (after 2000, representable as a Date). */
const unixSecondsAsMs = (u: unknown): number | undefined => {
  const seconds = lenientNumber(u)
  return seconds !== undefined && seconds >= 946_684_800 && seconds <= 8_640_000_000_000
    ? Math.round(seconds * 1000)
    : undefined
}

const IPV4 = /^(?:\d{1,3}\.){3}\d{1,3}$/
const IPV6 = /^[0-9a-f:.]{2,45}$/i

/** An IP address as sent, when it looks like one and carries no secret; a fresh copy, not a view of the body. */
const ipOf = (u: unknown, secrets: ReadonlyArray<string> | undefined): string | undefined => {
  if (typeof u !== "string") return undefined
  const ip = u.trim()
  const shaped = IPV4.test(ip) || (ip.includes(":") && IPV6.test(ip))
  return shaped && scrubSecrets(ip, secrets) === ip ? detached(ip) : undefined
}

/**
 * What a ready answer says the solve cost (2captcha.com/api-docs/get-task-result: `cost` String, `ip`,
 * `createTime` and `endTime` Integer timestamps, `solveCount` Integer; anti-captcha.com/apidoc/methods/getTaskResult:
 * `cost` Double in USD, `ip`, `createTime`/`endTime` UNIX timestamps, `solveCount` Integer, its example sending
 * cost and solveCount as strings). Lenient: each field a number or a numeric string; a field that cannot be read
 * is left out, and without a readable `cost` there is nothing (CapSolver and CapMonster Cloud document none).
 */
export const costOf = (
  answer: {
    readonly cost?: unknown
    readonly ip?: unknown
    readonly createTime?: unknown
    readonly endTime?: unknown
    readonly solveCount?: unknown
  },
  secrets?: ReadonlyArray<string>,
): SolveCost | undefined => {
  const amount = lenientNumber(answer.cost)
  if (amount === undefined || amount < 0) return undefined
  const createdAt = unixSecondsAsMs(answer.createTime)
  const completedAt = unixSecondsAsMs(answer.endTime)
  const count = lenientNumber(answer.solveCount)
  const solveCount = count !== undefined && Number.isSafeInteger(count) && count >= 0 ? count : undefined
  const ip = ipOf(answer.ip, secrets)
  return {
    amount,
    currency: "USD",
    ...(createdAt === undefined ? {} : { createdAt }),
    ...(completedAt === undefined ? {} : { completedAt }),
    ...(solveCount === undefined ? {} : { solveCount }),
    ...(ip === undefined ? {} : { ip }),
  }
}

const KNOWN_PENDING = new Set(["", "idle", "processing"])

/**
 * Interprets a createTask / getTaskResult / getToken answer: pending, ready with a solution, or a typed error.
 * A `failed` status without an error code is reported as `Unsolvable`.
 */
export const interpretTaskAnswer = (
  ctx: Context,
  response: TransportResponse,
): Result.Result<TaskState, ProtocolError> =>
  Result.flatMap(
    decodeBody(CreateTaskResponse, ctx, response),
    (answer): Result.Result<TaskState, ProtocolError> => {
      const taskId = normaliseTaskId(answer.taskId, ctx.provider)
      const status = (answer.status ?? "").trim().toLowerCase()
      // A ready answer with a solution wins over a stray error code (errorId must still be clear).
      if (!errorIdIsSet(answer.errorId) && status === "ready" && isRecord(answer.solution)) {
        const cost = costOf(answer, ctx.secrets)
        return Result.succeed(
          cost === undefined
            ? { _tag: "Ready", solution: answer.solution, taskId }
            : { _tag: "Ready", solution: answer.solution, taskId, cost },
        )
      }
      // An error about a task the answer names (createTask answering "failed") carries that taskId.
      const named = ctx.taskId === undefined && taskId !== undefined ? { ...ctx, taskId } : ctx
      const error = envelopeError(named, response, answer)
      if (error !== undefined) return Result.fail(error)
      if (!isOk(response.status)) return Result.fail(httpStatusError(named, response))
      // Lenient in what we accept: a createTask that names its task was accepted, whatever else its status
      // says ("queued", "ready" without a solution); dropping the taskId would lose a paid task, so poll it.
      const creating = ctx.endpoint === "createTask" || ctx.endpoint === "getToken"
      if (creating && taskId !== undefined && status !== "failed" && !KNOWN_PENDING.has(status)) {
        return Result.succeed({ _tag: "Pending", status: "idle", taskId })
      }
      switch (status) {
        case "":
        case "idle":
          return Result.succeed({ _tag: "Pending", status: "idle", taskId })
        case "processing":
          return Result.succeed({ _tag: "Pending", status: "processing", taskId })
        case "failed":
          return Result.fail(
            apiError(named, response, "", answer.errorDescription ?? "task failed", "Unsolvable"),
          )
        case "ready":
          return Result.fail(
            decodeError(ctx, response, "status is ready but the solution is missing or not an object"),
          )
        default:
          return Result.fail(
            decodeError(
              ctx,
              response,
              `unknown task status ${JSON.stringify(excerptOf(scrubSecrets(status, ctx.secrets), 64))}`,
            ),
          )
      }
    },
  )

/** Interprets a getBalance answer. */
export const interpretBalance = (
  ctx: Context,
  response: TransportResponse,
): Result.Result<Balance, ProtocolError> =>
  Result.flatMap(
    decodeBody(GetBalanceResponse, ctx, response),
    (answer): Result.Result<Balance, ProtocolError> => {
      const error = envelopeError(ctx, response, answer)
      if (error !== undefined) return Result.fail(error)
      if (!isOk(response.status)) return Result.fail(httpStatusError(ctx, response))
      const balance = typeof answer.balance === "string" ? Number(answer.balance) : answer.balance
      if (typeof balance !== "number" || !Number.isFinite(balance)) {
        return Result.fail(decodeError(ctx, response, "balance is missing or not a number"))
      }
      return Result.succeed({ balance, packages: answer.packages ?? [] })
    },
  )

/** Interprets a feedbackTask answer. */
export const interpretFeedback = (
  ctx: Context,
  response: TransportResponse,
): Result.Result<FeedbackResult, ProtocolError> =>
  Result.flatMap(
    decodeBody(FeedbackTaskResponse, ctx, response),
    (answer): Result.Result<FeedbackResult, ProtocolError> => {
      const error = envelopeError(ctx, response, answer)
      if (error !== undefined) return Result.fail(error)
      if (!isOk(response.status)) return Result.fail(httpStatusError(ctx, response))
      const status = (answer.status ?? "").trim()
      const message = answer.message ?? ""
      return Result.succeed(
        status === "" ? { message } : { message, status: excerptOf(scrubSecrets(status, ctx.secrets), 64) },
      )
    },
  )

/** The taskId as the provider wants it back (CapSolver: string; 2Captcha-style providers: integer). */
export const wireTaskId = (provider: Provider, taskId: string): string | number => {
  if (provider.taskIdType === "number" && /^\d+$/.test(taskId)) {
    const n = Number(taskId)
    if (Number.isSafeInteger(n)) return n
  }
  return taskId
}
