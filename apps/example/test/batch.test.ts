import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type ServedEmulator, serve } from "@solvekit/emulator/node"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { lines, run, start } from "./run.ts"

const tmp = mkdtempSync(join(tmpdir(), "solvekit-example-batch-"))
const jsonl = (name: string, rows: ReadonlyArray<unknown>): string => {
  const file = join(tmp, name)
  writeFileSync(
    file,
    `${rows.map((row) => (typeof row === "string" ? row : JSON.stringify(row))).join("\n")}\n`,
  )
  return file
}
const recaptcha = (websiteKey: string) => ({
  type: "ReCaptchaV2TaskProxyLess",
  websiteURL: "https://example.com",
  websiteKey,
})

let slow: ServedEmulator
beforeAll(async () => {
  // 20x: a 40-second solve takes 2 real seconds, long enough to interrupt, short enough to collect later.
  slow = await serve({ timeScale: 20 })
})
afterAll(() => slow.close())

describe("batch", () => {
  it("writes one JSON line per input line, with taskIds on failures and errors for invalid lines", async () => {
    const file = jsonl("mixed.jsonl", [
      recaptcha("site-emulator-instant"),
      "# comments and blank lines are skipped",
      "",
      {
        type: "AntiTurnstileTaskProxyLess",
        websiteURL: "https://example.com",
        websiteKey: "0x-emulator-instant",
      },
      recaptcha("site-emulator-unsolvable"),
      { type: "ReCaptchaV2TaskProxyLess", websiteURL: "https://example.com" },
      "{not json",
    ])
    const result = await run(["batch", file, "--concurrency", "2"])
    expect(result.code).toBe(1)
    const results = lines(result.stdout).map((line) => JSON.parse(line))
    expect(results.map((r) => r.line).sort((a, b) => a - b)).toEqual([1, 4, 5, 6, 7])
    const byLine = new Map(results.map((r) => [r.line, r]))
    expect(byLine.get(1)).toMatchObject({ ok: true, type: "ReCaptchaV2TaskProxyLess" })
    expect(byLine.get(1).solution.gRecaptchaResponse).toEqual(expect.any(String))
    expect(byLine.get(4)).toMatchObject({ ok: true, type: "AntiTurnstileTaskProxyLess" })
    expect(byLine.get(5)).toMatchObject({ ok: false, error: { reason: "Unsolvable" } })
    expect(byLine.get(5).taskId).toEqual(expect.any(String))
    expect(byLine.get(6)).toMatchObject({ ok: false, error: { reason: "InvalidInput" } })
    expect(byLine.get(6).error.message).toMatch(/^line 6: .*websiteKey/)
    expect(byLine.get(7).error.message).toMatch(/^line 7: not valid JSON/)
    expect(result.stderr).toMatch(/^ {2}failed\s+1 \(Unsolvable 1\)$/m)
  })

  it("exits 0 when every task is solved", async () => {
    const file = jsonl("ok.jsonl", [recaptcha("a-emulator-instant"), recaptcha("b-emulator-instant")])
    const result = await run(["batch", file])
    expect(result.code).toBe(0)
    expect(lines(result.stdout).map((line) => JSON.parse(line).ok)).toEqual([true, true])
  })

  it("stops cleanly on Ctrl-C, prints the pending taskIds and exits 130; they can be collected later", async () => {
    const file = jsonl("slow.jsonl", [
      recaptcha("one-emulator-solve-ms-40000"),
      recaptcha("two-emulator-solve-ms-40000"),
      recaptcha("three-emulator-solve-ms-40000"),
    ])
    const batch = start([
      "batch",
      file,
      "--concurrency",
      "2",
      "--base-url",
      slow.url,
      "--api-key",
      "test-key",
    ])
    await batch.waitFor("stderr", /line 1: created taskId=\S+/)
    await batch.waitFor("stderr", /line 2: created taskId=\S+/)
    batch.child.kill("SIGINT")
    const result = await batch.finished
    expect(result.code).toBe(130)
    expect(result.stdout).toBe("")
    const created = [...result.stderr.matchAll(/line (\d): created taskId=(\S+)/g)].map((m) => [m[1], m[2]])
    expect(result.stderr).toMatch(
      /^interrupted: 2 task\(s\) still pending on the provider; collect each with /m,
    )
    for (const [line, taskId] of created)
      expect(result.stderr).toContain(`pending line ${line} taskId=${taskId}`)
    expect(result.stderr).toContain("not started: line 3")

    const taskId = created[0]?.[1] ?? ""
    const collected = await run([
      "solve",
      "--task-id",
      taskId,
      "--json",
      "--base-url",
      slow.url,
      "--api-key",
      "test-key",
    ])
    expect(collected.code).toBe(0)
    expect(JSON.parse(collected.stdout)).toMatchObject({ ok: true, taskId })
  })

  it("exits 2 when the file cannot be read", async () => {
    const result = await run(["batch", join(tmp, "missing.jsonl")])
    expect(result.code).toBe(2)
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(/^error: cannot read .*missing\.jsonl \(ENOENT\) — /),
    ])
  })
})
