/**
 * Core's layer order (domain → wire → engine → faces, no cycles), checked by dependency-cruiser with the
 * rules in `.dependency-cruiser.cjs`. The same rules are run against a copy of `src` with an edge added, so
 * the check is known to fail, and to name the edge, when someone breaks the order.
 */
import { execFile } from "node:child_process"
import { appendFile, cp, mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { afterEach, describe, expect, it } from "vitest"

const core = fileURLToPath(new URL("..", import.meta.url))
const depcruise = join(core, "node_modules", ".bin", "depcruise")

interface Violation {
  readonly rule: string
  readonly edge: string
}

/** Runs dependency-cruiser over `root/src` with core's rules; each violation as its rule and its edge. */
const cruise = async (
  root: string,
): Promise<{ readonly violations: ReadonlyArray<Violation>; readonly text: string }> => {
  const run = promisify(execFile)
  const args = ["src", "--config", join(core, ".dependency-cruiser.cjs"), "--output-type", "json"]
  const { stdout } = await run(depcruise, args, { cwd: root, maxBuffer: 64 * 1024 * 1024 }).catch(
    (error: { readonly stdout?: string }) => ({ stdout: error.stdout ?? "" }),
  )
  const result = JSON.parse(stdout) as {
    readonly summary: {
      readonly violations: ReadonlyArray<{
        readonly rule: { readonly name: string }
        readonly from: string
        readonly to: string
      }>
    }
  }
  const violations = result.summary.violations.map((v) => ({
    rule: v.rule.name,
    edge: `${v.from} → ${v.to}`,
  }))
  const errText = await run(depcruise, ["src", "--config", join(core, ".dependency-cruiser.cjs")], {
    cwd: root,
  }).then(
    ({ stdout: text }) => text,
    (error: { readonly stdout?: string }) => error.stdout ?? "",
  )
  return { violations, text: errText }
}

const copies: Array<string> = []
afterEach(async () => {
  await Promise.all(copies.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})

/** A copy of core's `src` to break on purpose. */
const copyOfSrc = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), "solvekit-layers-"))
  copies.push(dir)
  await cp(join(core, "src"), join(dir, "src"), { recursive: true })
  return dir
}

describe("core's layer order", () => {
  it("has no import cycle and no upward import today", async () => {
    const { violations } = await cruise(core)
    expect(violations).toEqual([])
  }, 60_000)

  it("fails on a type-only import from a lower layer into an upper one, naming the edge", async () => {
    const dir = await copyOfSrc()
    await appendFile(
      join(dir, "src/wire/Transport.ts"),
      '\nimport type { PollPolicy } from "../engine/Policy.ts"\nexport type Upward = PollPolicy\n',
    )
    const { violations, text } = await cruise(dir)
    expect(violations).toContainEqual({
      rule: "no-upward-import-from-wire",
      edge: "src/wire/Transport.ts → src/engine/Policy.ts",
    })
    expect(text).toContain("no-upward-import-from-wire: src/wire/Transport.ts → src/engine/Policy.ts")
  }, 60_000)

  it("fails on an import cycle inside one layer, naming its modules", async () => {
    const dir = await copyOfSrc()
    await writeFile(
      join(dir, "src/domain/CycleA.ts"),
      'import { b } from "./CycleB.ts"\nexport const a = () => b\n',
    )
    await writeFile(
      join(dir, "src/domain/CycleB.ts"),
      'import { a } from "./CycleA.ts"\nexport const b = () => a\n',
    )
    const { violations } = await cruise(dir)
    expect(violations.filter((v) => v.rule === "no-circular").map((v) => v.edge)).toContain(
      "src/domain/CycleA.ts → src/domain/CycleB.ts",
    )
  }, 60_000)

  it("fails when a layer imports an entry point, which would hide an upward edge", async () => {
    const dir = await copyOfSrc()
    await appendFile(
      join(dir, "src/engine/Mailbox.ts"),
      '\nexport type { SolveKitClient } from "../index.ts"\n',
    )
    const { violations } = await cruise(dir)
    expect(violations).toContainEqual({
      rule: "no-entry-import-from-layers",
      edge: "src/engine/Mailbox.ts → src/index.ts",
    })
  }, 60_000)
})
