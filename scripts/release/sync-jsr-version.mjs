// `changeset version` bumps package.json files only: copy @solvekit/deno's new version into its JSR manifest
// (deno.json), and point its `imports` of sibling packages (`npm:@solvekit/core@^X`) at the versions being
// released, leaving every other field as it is. Run right after `changeset version`.
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { PUBLISHED, packageDir } from "./packages.mjs"

const versions = Object.fromEntries(
  PUBLISHED.map(({ dir }) => {
    const { name, version } = JSON.parse(readFileSync(join(packageDir(dir), "package.json"), "utf8"))
    return [name, version]
  }),
)
const dir = packageDir("deno")
const file = join(dir, "deno.json")
const manifest = JSON.parse(readFileSync(file, "utf8"))
const changes = []

const version = versions[manifest.name]
if (manifest.version !== version) {
  changes.push(`version ${manifest.version} -> ${version}`)
  manifest.version = version
}
for (const [specifier, target] of Object.entries(manifest.imports ?? {})) {
  const match = /^npm:(@solvekit\/[^@/]+)@([\^~]?)([^/]+)(\/.*)?$/.exec(target)
  if (!match || !(match[1] in versions) || match[3] === versions[match[1]]) continue
  const updated = `npm:${match[1]}@${match[2]}${versions[match[1]]}${match[4] ?? ""}`
  changes.push(`imports["${specifier}"] ${target} -> ${updated}`)
  manifest.imports[specifier] = updated
}

if (changes.length === 0) {
  console.log(`packages/deno/deno.json already matches ${version}`)
} else {
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`)
  for (const change of changes) console.log(`packages/deno/deno.json: ${change}`)
}
