import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import { makeOutput, REDACTED, redact } from "../src/Output.ts"

describe("Output", () => {
  it("replaces every occurrence of a registered secret in everything it writes", () => {
    const stdout: Array<string> = []
    const stderr: Array<string> = []
    const output = makeOutput({
      stdout: { write: (text) => stdout.push(text) },
      stderr: { write: (text) => stderr.push(text) },
      stdoutIsTTY: false,
      color: false,
      columns: () => 80,
    })
    Effect.runSync(
      Effect.gen(function* () {
        yield* output.addSecret("sk-123456")
        yield* output.out("key sk-123456 and again sk-123456")
        yield* output.err("error: bad key sk-123456")
        yield* output.raw("\u001b[2Ksk-123456")
      }),
    )
    expect(stdout).toEqual([`key ${REDACTED} and again ${REDACTED}\n`, `\u001b[2K${REDACTED}`])
    expect(stderr).toEqual([`error: bad key ${REDACTED}\n`])
  })

  it("leaves text without secrets unchanged", () => {
    expect(redact("nothing to hide", ["sk-1"])).toBe("nothing to hide")
  })
})
