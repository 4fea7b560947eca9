import { spawnSync } from "node:child_process"
import { describe, expect, it } from "vitest"
import { cleanEnv, MAIN } from "./run.ts"

// `script` (util-linux, in every Debian base system) gives the app a pseudo-terminal for stdout.
describe("demo in a terminal", () => {
  it("redraws one line per task in place, then prints the summary", () => {
    const result = spawnSync(
      "script",
      [
        "-qfec",
        `${JSON.stringify(process.execPath)} ${JSON.stringify(MAIN)} demo --time-scale 40`,
        "/dev/null",
      ],
      { env: cleanEnv(), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    )
    expect(result.status).toBe(0)
    const screen = result.stdout
    // Six task rows, redrawn by moving the cursor back up six lines and clearing each line.
    expect(screen).toContain("\u001b[6F\u001b[2K")
    expect(screen).not.toMatch(/^\[\s*\d+\.\ds\] /m)
    expect(screen).toMatch(/✓ ImageToTextTask +ready +0 queries/)
    expect(screen).toMatch(/✗ ReCaptchaV2TaskProxyLess \(unsolvable\) +failed/)
    expect(screen).toMatch(/solved +5 of 6/)
    // The cursor is hidden while drawing and shown again at the end.
    expect(screen.indexOf("\u001b[?25l")).toBeLessThan(screen.lastIndexOf("\u001b[?25h"))
  })
})
