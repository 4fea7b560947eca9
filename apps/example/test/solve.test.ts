import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { lines, run } from "./run.ts"

const tmp = mkdtempSync(join(tmpdir(), "solvekit-example-solve-"))

describe("solve", () => {
  it("prints one JSON object with the solution with --json", async () => {
    const result = await run([
      "solve",
      "--type",
      "ReCaptchaV2TaskProxyLess",
      "--website-url",
      "https://example.com/login",
      "--website-key",
      "6Le-emulator-instant",
      "--json",
    ])
    expect(result.code).toBe(0)
    const out = lines(result.stdout)
    expect(out).toHaveLength(1)
    const parsed = JSON.parse(out[0] ?? "")
    expect(parsed).toMatchObject({ ok: true, type: "ReCaptchaV2TaskProxyLess" })
    expect(parsed.taskId).toEqual(expect.any(String))
    expect(parsed.solution.gRecaptchaResponse).toEqual(expect.any(String))
    expect(parsed.queries).toBeGreaterThanOrEqual(1)
    expect(lines(result.stderr)[0]).toMatch(/^No CAPSOLVER_API_KEY set: solving on the embedded emulator/)
  })

  it("reads an image for a recognition task and prints the solution's fields", async () => {
    const image = join(tmp, "captcha.png")
    writeFileSync(
      image,
      Buffer.from(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
        "base64",
      ),
    )
    const result = await run(["solve", "--type", "ImageToTextTask", "--image", image])
    expect(result.code).toBe(0)
    expect(lines(result.stdout)).toContainEqual(expect.stringMatching(/^text: \S+/))
    expect(result.stderr).toMatch(/solved ImageToTextTask in \d+\.\ds \(0 queries, taskId \S+\)/)
  })

  it("reads a task from a JSON file", async () => {
    const file = join(tmp, "task.json")
    writeFileSync(
      file,
      JSON.stringify({
        type: "AntiTurnstileTaskProxyLess",
        websiteURL: "https://example.com",
        websiteKey: "0x4AAA-emulator-instant",
      }),
    )
    const result = await run(["solve", "--task", file, "--json"])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout).solution.token).toEqual(expect.any(String))
  })

  it("exits 2 and names the field when a task field is invalid, before sending anything", async () => {
    const result = await run([
      "solve",
      "--type",
      "ReCaptchaV2TaskProxyLess",
      "--website-url",
      "https://example.com",
    ])
    expect(result.code).toBe(2)
    expect(result.stdout).toBe("")
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(/^error: invalid ReCaptchaV2TaskProxyLess task: websiteKey .* — fix websiteKey/),
    ])
  })

  it("exits 2 for an unknown task type and suggests the closest one", async () => {
    const result = await run(["solve", "--type", "RecaptchaV2TaskProxylss", "--website-url", "https://x.y"])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^error: .*did you mean ReCaptchaV2TaskProxyLess/)
  })

  it("exits 1 with the taskId when the captcha cannot be solved", async () => {
    const result = await run([
      "solve",
      "--type",
      "ReCaptchaV2TaskProxyLess",
      "--website-url",
      "https://example.com",
      "--website-key",
      "emulator-unsolvable",
      "--json",
    ])
    expect(result.code).toBe(1)
    const parsed = JSON.parse(result.stdout)
    expect(parsed).toMatchObject({ ok: false, error: { reason: "Unsolvable" } })
    expect(parsed.taskId).toEqual(expect.any(String))
    expect(lines(result.stderr).at(-1)).toMatch(
      /^error: the captcha could not be solved .* — submit it again/,
    )
  })
})
