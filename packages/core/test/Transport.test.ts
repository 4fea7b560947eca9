import { Redacted } from "effect"
import { describe, expect, it } from "vitest"
import { encodeBody, encodeIssue, MAX_BODY_DEPTH } from "../src/wire/Transport.ts"

const nested = (depth: number): unknown => {
  let value: unknown = "leaf"
  for (let i = 1; i < depth; i++) value = { value }
  return value
}

describe("encodeBody", () => {
  it("unwraps Redacted values only in the encoded text", () => {
    const body = { clientKey: Redacted.make("sk-edge"), task: { type: "T", list: [1, "a", null] } }
    expect(JSON.parse(encodeBody(body))).toEqual({
      clientKey: "sk-edge",
      task: { type: "T", list: [1, "a", null] },
    })
  })
})

describe("encodeIssue", () => {
  it("accepts what JSON can carry, up to the nesting limit", () => {
    expect(
      encodeIssue({ type: "T", websiteURL: "https://x", n: 1, ok: true, none: null, list: [[1], { a: 2 }] }),
    ).toBe(undefined)
    expect(encodeIssue({ deep: nested(MAX_BODY_DEPTH - 1) })).toBe(undefined)
  })

  it("names what JSON cannot carry: BigInt, cycles, throwing toJSON or getters, deep nesting", () => {
    const cyclic: Record<string, unknown> = { type: "T" }
    cyclic.self = cyclic
    expect(encodeIssue({ type: "T", websiteKey: 1n })).toMatch(/BigInt at "websiteKey"/)
    expect(encodeIssue(cyclic)).toMatch(/cycle/)
    expect(
      encodeIssue({
        toJSON: () => {
          throw new Error("hostile")
        },
      }),
    ).toMatch(/toJSON method or a getter threw/)
    expect(
      encodeIssue(
        Object.defineProperty({}, "secret", {
          enumerable: true,
          get: () => {
            throw new Error("sk-never-quoted")
          },
        }),
      ),
    ).not.toMatch(/sk-never-quoted/)
    expect(encodeIssue({ deep: nested(MAX_BODY_DEPTH + 1) })).toMatch(
      `nests deeper than ${MAX_BODY_DEPTH} levels`,
    )
    expect(encodeIssue({ deep: nested(10_000) })).toMatch(/nests deeper/)
  })
})
