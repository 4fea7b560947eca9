// `changeset version` bumps package.json files only: copy @solvekit/deno's new version into its JSR manifest
// (deno.json), and point its `imports` of sibling packages (`npm:@solvekit/core@^X`) at the versions being
// released. Edits the text in place, so every other field and the file's formatting stay as they are.
// Run right after `changeset version` (the root `version-packages` script does).
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { isDeepStrictEqual } from "node:util"
import { PUBLISHED, packageDir } from "./packages.mjs"

const versions = Object.fromEntries(
  PUBLISHED.map(({ dir }) => {
    const { name, version } = JSON.parse(readFileSync(join(packageDir(dir), "package.json"), "utf8"))
    return [name, version]
  }),
)
const file = join(packageDir("deno"), "deno.json")
const original = readFileSync(file, "utf8")
const manifest = JSON.parse(original)
const expected = structuredClone(manifest)
let text = original
const changes = []

const version = versions[manifest.name]
if (manifest.version !== version) {
  changes.push(`version ${manifest.version} -> ${version}`)
  expected.version = version
  // The top-level "version" is the first one in the file (nested objects here carry no "version" key).
  text = text.replace(/("version"\s*:\s*")[^"]*(")/, `$1${version}$2`)
}
for (const [specifier, target] of Object.entries(manifest.imports ?? {})) {
  const match = /^npm:(@solvekit\/[^@/]+)@([\^~]?)([^/]+)(\/.*)?$/.exec(target)
  if (!match || !(match[1] in versions) || match[3] === versions[match[1]]) continue
  const updated = `npm:${match[1]}@${match[2]}${versions[match[1]]}${match[4] ?? ""}`
  changes.push(`imports["${specifier}"] ${target} -> ${updated}`)
  expected.imports[specifier] = updated
  text = text.replaceAll(JSON.stringify(target), JSON.stringify(updated))
}

if (changes.length === 0) {
  console.log(`packages/deno/deno.json already matches ${version}`)
} else {
  // Belt and braces: the text edit must produce exactly the intended manifest, or we rewrite it whole.
  if (!isDeepStrictEqual(JSON.parse(text), expected)) text = `${JSON.stringify(expected, null, 2)}\n`
  writeFileSync(file, text)
  for (const change of changes) console.log(`packages/deno/deno.json: ${change}`)
}
