import { readFileSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { createEmulator } from "../src/Emulator.ts"

const srcDir = fileURLToPath(new URL("../src/", import.meta.url))

/** Every module reachable from a source file through relative imports, by path relative to src/. */
const reachable = (entry: string): Map<string, string> => {
  const seen = new Map<string, string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    const text = readFileSync(join(srcDir, file), "utf8")
    seen.set(file, text)
    for (const match of text.matchAll(/from "(\.{1,2}\/[^"]+)"/g)) {
      visit(relative(srcDir, join(srcDir, dirname(file), match[1]!)))
    }
  }
  visit(entry)
  return seen
}

describe("runtime neutrality", () => {
  it("the main entry reaches no node: modules and no Node-only globals", () => {
    const modules = reachable("index.ts")
    expect(modules.has("dialects/capMonster.ts")).toBe(true)
    expect(modules.has("node.ts")).toBe(false)
    expect(modules.has("cli.ts")).toBe(false)
    for (const [file, text] of modules) {
      const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "")
      expect({ file, nodeImport: /from "node:|require\(/.test(code) }).toEqual({ file, nodeImport: false })
      expect({ file, nodeGlobal: /\b(Buffer|process|__dirname)\b/.test(code) }).toEqual({
        file,
        nodeGlobal: false,
      })
    }
  })

  it("the package exports the neutral handler at '.' and the Node listener at './node'", () => {
    const manifest = JSON.parse(
      readFileSync(fileURLToPath(new URL("../package.json", import.meta.url)), "utf8"),
    )
    expect(manifest.exports["."].default).toBe("./dist/index.js")
    expect(manifest.exports["./node"].default).toBe("./dist/node.js")
    expect(manifest.bin["solvekit-emulator"]).toBe("./dist/cli.js")
    expect(manifest.dependencies).toEqual({})
  })
})

describe("options", () => {
  it("refuses out-of-range options with a message naming them", () => {
    expect(() => createEmulator({ timeScale: 0 })).toThrow("timeScale")
    expect(() => createEmulator({ unsolvableRate: 1.5 })).toThrow("unsolvableRate")
    expect(() => createEmulator({ faults: { serverError: -1 } })).toThrow("faults.serverError")
    expect(() => createEmulator({ solveTime: { kind: "uniform", minSeconds: 5, maxSeconds: 1 } })).toThrow(
      "solveTime.maxSeconds",
    )
    expect(() => createEmulator({ maxQueriesPerTask: 0 })).toThrow("maxQueriesPerTask")
    expect(() => createEmulator({ keys: [""] })).toThrow("keys")
  })
})
