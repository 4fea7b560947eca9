// tsc's rewriteRelativeImportExtensions turns `./X.ts` into `./X.js` in emitted JavaScript but not in
// emitted declarations (microsoft/TypeScript#61037, open). tsc itself reads `./X.ts` in a .d.ts as the
// sibling .d.ts, but Deno resolves specifiers literally: a Deno program type-checking against our npm
// packages (and `deno publish` of @solvekit/deno, which imports @solvekit/core) fails with
// "Cannot find module .../dist/X.ts". This rewrites those specifiers in every .d.ts under the given folders
// (default: ./dist) to the .js the JavaScript uses. Idempotent; run after `tsc -b`.
//
//   node ../../scripts/release/rewrite-dts-extensions.mjs [dist...]
//
// Without arguments: ./dist plus the dist/ of every project ./tsconfig.json references, because `tsc -b`
// in an adapter also (re)builds a stale core and would leave core's declarations unrewritten.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"

// from "./x.ts" | import("./x.ts") | import "./x.ts", relative specifiers only, never "./x.d.ts".
const SPECIFIER = /((?:\bfrom|\bimport)\s*\(?\s*)(["'])(\.{1,2}\/[^"']*?)(?<!\.d)\.(ts|mts|cts|tsx)\2/g
const JS_EXTENSION = { ts: "js", mts: "mjs", cts: "cjs", tsx: "js" }

export function rewriteDeclaration(text) {
  return text.replace(
    SPECIFIER,
    (_, head, quote, path, extension) => `${head}${quote}${path}.${JS_EXTENSION[extension]}${quote}`,
  )
}

function referencedDists() {
  let config
  try {
    config = JSON.parse(readFileSync("tsconfig.json", "utf8"))
  } catch {
    return []
  }
  return (config.references ?? [])
    .map((reference) => join(reference.path, "dist"))
    .filter((dir) => statSync(dir, { throwIfNoEntry: false })?.isDirectory())
}

function* declarationFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* declarationFiles(path)
    else if (/\.d\.[cm]?ts$/.test(entry.name)) yield path
  }
}

if (import.meta.url === `file://${resolve(process.argv[1] ?? "")}`) {
  const dirs = process.argv.length > 2 ? process.argv.slice(2) : ["dist", ...referencedDists()]
  let changed = 0
  for (const dir of dirs) {
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
      console.error(`rewrite-dts-extensions: ${dir} is not a folder`)
      process.exit(1)
    }
    for (const file of declarationFiles(dir)) {
      const before = readFileSync(file, "utf8")
      const after = rewriteDeclaration(before)
      if (after !== before) {
        writeFileSync(file, after)
        changed++
      }
    }
  }
  if (changed > 0)
    console.log(`rewrite-dts-extensions: .ts specifiers -> .js in ${changed} declaration files`)
}
