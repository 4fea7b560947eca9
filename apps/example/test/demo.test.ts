import { beforeAll, describe, expect, it } from "vitest"
import { type Finished, lines, run } from "./run.ts"

describe("demo", () => {
  // One run serves the assertions on its output; 40x time keeps it around a second.
  let result: Finished
  beforeAll(async () => {
    result = await run(["demo", "--time-scale", "40"])
  })

  it("runs on the embedded emulator, says so first, and exits 0 with a summary", () => {
    expect(result.stderr).toBe("")
    expect(result.code).toBe(0)
    const out = lines(result.stdout)
    expect(out[0]).toMatch(/^No CAPSOLVER_API_KEY set: solving on the embedded emulator .*no money spent/)
    expect(result.stdout).toMatch(/^ {2}solved\s+5 of 6$/m)
    expect(result.stdout).toMatch(/^ {2}failed\s+1 \(Unsolvable 1\)$/m)
    expect(result.stdout).toMatch(/^ {2}queries\s+\d+ getTaskResult calls$/m)
    expect(result.stdout).toContain("Everything behaved as expected")
  })

  it("is the default command", async () => {
    const byDefault = await run([])
    expect(byDefault.code).toBe(0)
    expect(lines(byDefault.stdout)[0]).toMatch(/^No CAPSOLVER_API_KEY set/)
    expect(byDefault.stdout).toContain("Everything behaved as expected")
  })

  it("prints plain lines, one per change, when stdout is not a terminal", () => {
    expect(result.stdout).not.toContain("\u001b[")
    expect(result.stdout).not.toContain("\r")
    const progress = lines(result.stdout).filter((line) => /^\[\s*\d+\.\ds\] /.test(line))
    // The recognition task is answered by createTask: ready with no getTaskResult query.
    expect(progress).toContainEqual(expect.stringMatching(/ImageToTextTask ready 0 queries taskId=\S+ in /))
    // A token task goes through processing before it is ready, with queries counted.
    expect(progress).toContainEqual(
      expect.stringMatching(/^\[.*\] AntiTurnstileTaskProxyLess processing [1-9]\d* quer/),
    )
    expect(progress).toContainEqual(
      expect.stringMatching(/^\[.*\] AntiTurnstileTaskProxyLess ready [1-9]\d* quer.* in /),
    )
    expect(progress).toContainEqual(
      expect.stringMatching(/ReCaptchaV2TaskProxyLess \(unsolvable\) failed .*taskId=\S+ .*Unsolvable$/),
    )
  })

  it("refuses to send its made-up tasks to CapSolver with a real key, without printing the key", async () => {
    const key = "CAP-0123456789abcdef0123456789abcdef"
    const result = await run(["demo"], { env: { CAPSOLVER_API_KEY: key } })
    expect(result.code).toBe(3)
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(/^error: .*charge.* — unset CAPSOLVER_API_KEY/),
    ])
    expect(result.stdout + result.stderr).not.toContain(key)
  })
})
