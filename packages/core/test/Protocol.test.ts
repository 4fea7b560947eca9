import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import * as fc from "fast-check"
import { CapSolver } from "../src/domain/Provider.ts"
import * as Protocol from "../src/wire/Protocol.ts"
import type { TransportResponse } from "../src/wire/Transport.ts"

const ctx = {
  endpoint: "getTaskResult",
  provider: CapSolver,
  taskId: "task-1",
  secrets: ["sk-secret-key"],
} as const
const json = (body: unknown, status = 200): TransportResponse => ({ status, body: JSON.stringify(body) })

const statuses = fc.constantFrom(200, 201, 400, 401, 403, 404, 429, 500, 502, 503)
const typedErrorTags = ["ApiError", "TransportError", "DecodeError"]

/** Fails the property if `result` is not a success or one of the protocol's typed errors with bounded text. */
const assertTyped = (result: Result.Result<unknown, Protocol.ProtocolError>) => {
  if (Result.isSuccess(result)) return
  const error = result.failure
  assert.include(typedErrorTags, error._tag)
  if (error._tag === "DecodeError") assert.isAtMost(error.excerpt.length, 512)
  if (error._tag === "TransportError") assert.isAtMost(error.bodyExcerpt?.length ?? 0, 512)
  assert.isString(error.message)
}

describe("Protocol", () => {
  describe("task answers", () => {
    it("accepts a pending answer with absent, empty or null error fields", () => {
      for (const body of [
        { errorId: 0, taskId: "t", status: "idle" },
        { errorId: 0, errorCode: "", errorDescription: "", status: "processing" },
        {
          errorId: 0,
          errorCode: null,
          errorDescription: null,
          status: "processing",
          extra: { nested: true },
        },
        { errorId: "0", status: "PROCESSING" },
        { taskId: 12345 },
      ]) {
        const result = Protocol.interpretTaskAnswer(ctx, json(body))
        assert.isTrue(Result.isSuccess(result), JSON.stringify(body))
        if (Result.isSuccess(result)) assert.strictEqual(result.success._tag, "Pending")
      }
    })

    it("accepts a ready answer and keeps every solution field", () => {
      const result = Protocol.interpretTaskAnswer(
        ctx,
        json({
          errorId: 0,
          status: "ready",
          solution: { gRecaptchaResponse: "tok", userAgent: "UA", extra: [1] },
        }),
      )
      assert.deepStrictEqual(
        result,
        Result.succeed({
          _tag: "Ready" as const,
          solution: { gRecaptchaResponse: "tok", userAgent: "UA", extra: [1] },
          taskId: undefined,
        }),
      )
    })

    it("normalises a numeric taskId to a string", () => {
      const result = Protocol.interpretTaskAnswer(ctx, json({ errorId: 0, taskId: 987, status: "idle" }))
      assert.isTrue(Result.isSuccess(result) && result.success.taskId === "987")
    })

    it("classifies an error envelope into an ApiError with the raw code, description and HTTP status", () => {
      const result = Protocol.interpretTaskAnswer(
        ctx,
        json({ errorId: 1, errorCode: "ERROR_ZERO_BALANCE", errorDescription: "top up" }, 400),
      )
      assert.isTrue(Result.isFailure(result))
      if (Result.isFailure(result) && result.failure._tag === "ApiError") {
        assert.strictEqual(result.failure.reason, "Balance")
        assert.strictEqual(result.failure.errorCode, "ERROR_ZERO_BALANCE")
        assert.strictEqual(result.failure.errorDescription, "top up")
        assert.strictEqual(result.failure.httpStatus, 400)
        assert.strictEqual(result.failure.taskId, "task-1")
      } else assert.fail("expected an ApiError")
    })

    it("falls back to the HTTP status when an error flag comes without a code", () => {
      const reasons = [401, 429, 503, 400].map((status) => {
        const result = Protocol.interpretTaskAnswer(ctx, json({ errorId: 1 }, status))
        return Result.isFailure(result) && result.failure._tag === "ApiError" ? result.failure.reason : "none"
      })
      assert.deepStrictEqual(reasons, ["Auth", "RateLimited", "ServiceUnavailable", "Unknown"])
    })

    it("turns an HTML gateway page into a TransportError with its status and a bounded excerpt", () => {
      const page = `<html><body><h1>502 Bad Gateway</h1>${"<p>filler</p>".repeat(200)}</body></html>`
      const result = Protocol.interpretTaskAnswer(ctx, { status: 502, body: page, retryAfterMs: 1_000 })
      assert.isTrue(Result.isFailure(result))
      if (Result.isFailure(result) && result.failure._tag === "TransportError") {
        assert.strictEqual(result.failure.kind, "HttpStatus")
        assert.strictEqual(result.failure.httpStatus, 502)
        assert.strictEqual(result.failure.retryAfterMs, 1_000)
        assert.strictEqual(result.failure.requestSent, true)
        assert.isAtMost(result.failure.bodyExcerpt?.length ?? 0, 512)
      } else assert.fail("expected a TransportError")
    })

    it("turns a 200 that is not the protocol into a DecodeError", () => {
      for (const body of [
        "<html>ok</html>",
        "[1,2,3]",
        "42",
        "null",
        '{"status":"pending"}',
        '{"status":"ready"}',
        "",
      ]) {
        const result = Protocol.interpretTaskAnswer(ctx, { status: 200, body })
        assert.isTrue(Result.isFailure(result) && result.failure._tag === "DecodeError", body)
      }
    })

    it("never keeps the API key in an excerpt, even when the server echoes it", () => {
      const result = Protocol.interpretTaskAnswer(ctx, {
        status: 200,
        body: "<html>clientKey=sk-secret-key</html>",
      })
      assert.isTrue(Result.isFailure(result))
      if (Result.isFailure(result) && result.failure._tag === "DecodeError") {
        assert.notInclude(result.failure.excerpt, "sk-secret-key")
        assert.include(result.failure.excerpt, "<redacted>")
      }
    })

    it("decodes arbitrary JSON without throwing: a value or a typed error", () => {
      fc.assert(
        fc.property(fc.jsonValue(), statuses, (value, status) => {
          assertTyped(Protocol.interpretTaskAnswer(ctx, { status, body: JSON.stringify(value) ?? "" }))
        }),
        { numRuns: 500 },
      )
    })

    it("decodes arbitrary envelopes (any field types) without throwing", () => {
      const envelope = fc.record(
        {
          errorId: fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.boolean()),
          errorCode: fc.oneof(fc.string(), fc.constant(null), fc.integer()),
          errorDescription: fc.oneof(fc.string(), fc.constant(null)),
          taskId: fc.oneof(fc.uuid(), fc.integer(), fc.constant(null), fc.constant("")),
          status: fc.oneof(
            fc.constantFrom("idle", "processing", "ready", "failed", "READY", "weird"),
            fc.string(),
          ),
          solution: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.jsonValue()),
        },
        { requiredKeys: [] },
      )
      fc.assert(
        fc.property(envelope, statuses, (value, status) => {
          assertTyped(Protocol.interpretTaskAnswer(ctx, json(value, status)))
          assertTyped(Protocol.interpretBalance({ ...ctx, endpoint: "getBalance" }, json(value, status)))
          assertTyped(Protocol.interpretFeedback({ ...ctx, endpoint: "feedbackTask" }, json(value, status)))
        }),
        { numRuns: 500 },
      )
    })

    it("decodes arbitrary text bodies without throwing", () => {
      fc.assert(
        fc.property(fc.string({ unit: "binary", maxLength: 2_000 }), statuses, (body, status) => {
          assertTyped(Protocol.interpretTaskAnswer(ctx, { status, body }))
        }),
        { numRuns: 500 },
      )
    })

    it("a ready answer with a solution object always decodes as Ready, whatever extra fields come along", () => {
      fc.assert(
        fc.property(
          fc.dictionary(fc.string(), fc.jsonValue()),
          fc.dictionary(fc.string(), fc.jsonValue()),
          (solution, extra) => {
            const body = { ...extra, errorId: 0, status: "ready", solution }
            const result = Protocol.interpretTaskAnswer(ctx, json(body))
            assert.isTrue(Result.isSuccess(result) && result.success._tag === "Ready")
          },
        ),
        { numRuns: 300 },
      )
    })
  })

  describe("balance and feedback", () => {
    it("reads the balance as a number (numeric strings accepted) and keeps packages", () => {
      const ctxBalance = { ...ctx, endpoint: "getBalance" } as const
      assert.deepStrictEqual(
        Protocol.interpretBalance(
          ctxBalance,
          json({ errorId: 0, balance: 3.25, packages: [{ packageId: "p" }] }),
        ),
        Result.succeed({ balance: 3.25, packages: [{ packageId: "p" }] }),
      )
      assert.deepStrictEqual(
        Protocol.interpretBalance(ctxBalance, json({ errorId: 0, balance: "7.5" })),
        Result.succeed({ balance: 7.5, packages: [] }),
      )
      const missing = Protocol.interpretBalance(ctxBalance, json({ errorId: 0 }))
      assert.isTrue(Result.isFailure(missing) && missing.failure._tag === "DecodeError")
    })

    it("reads the feedback message", () => {
      const result = Protocol.interpretFeedback(
        { ...ctx, endpoint: "feedbackTask" },
        json({ errorId: 0, message: "thanks" }),
      )
      assert.deepStrictEqual(result, Result.succeed({ message: "thanks" }))
    })
  })

  describe("requests", () => {
    it("sends taskIds back in the provider's native type", () => {
      assert.strictEqual(Protocol.wireTaskId(CapSolver, "123"), "123")
      const numeric = { ...CapSolver, taskIdType: "number" as const }
      assert.strictEqual(Protocol.wireTaskId(numeric, "123"), 123)
      assert.strictEqual(Protocol.wireTaskId(numeric, "abc"), "abc")
    })
  })
})
