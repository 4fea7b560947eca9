import { describe, expect, it } from "vitest"
import { lines, run } from "./run.ts"

describe("--help", () => {
  it("lists every command and the exit codes, and exits 0", async () => {
    const result = await run(["--help"])
    expect(result.code).toBe(0)
    for (const command of ["demo", "solve", "batch", "balance", "emulator"]) {
      expect(result.stdout).toMatch(new RegExp(`^\\s+${command}\\s`, "m"))
    }
    expect(result.stdout).toContain("--api-key")
    expect(result.stdout).toContain("130 interrupted")
  })

  it("describes a subcommand's own flags", async () => {
    const result = await run(["solve", "--help"])
    expect(result.code).toBe(0)
    for (const flag of ["--type", "--website-url", "--website-key", "--task", "--task-id", "--json"]) {
      expect(result.stdout).toContain(flag)
    }
  })

  it("shows --provider and its choices on the commands that talk to a provider", async () => {
    const results = await Promise.all(
      ["solve", "batch", "balance"].map((command) => run([command, "--help"])),
    )
    for (const result of results) {
      expect(result.code).toBe(0)
      expect(result.stdout).toMatch(/--provider .*\(choices: capsolver, 2captcha, anticaptcha, capmonster\)/)
      expect(result.stdout).toContain("SOLVEKIT_PROVIDER")
    }
  })

  it("answers an unknown flag with one error line and exit code 2", async () => {
    const result = await run(["solve", "--bogus"])
    expect(result.code).toBe(2)
    expect(result.stdout).toBe("")
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(/^error: .*--bogus.* — run '.*solve --help' for usage$/),
    ])
  })

  it("answers an unknown command with exit code 2", async () => {
    const result = await run(["sovle"])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^error: .*sovle/)
  })
})
