// `changeset version` bumps package.json only: copy @solvekit/deno's new version into its JSR manifest
// (deno.json), leaving every other field as it is. Run right after `changeset version`.
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { packageDir } from "./packages.mjs"

const dir = packageDir("deno")
const { version } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))
const file = join(dir, "deno.json")
const manifest = JSON.parse(readFileSync(file, "utf8"))
if (manifest.version === version) {
  console.log(`packages/deno/deno.json already at ${version}`)
} else {
  const previous = manifest.version
  manifest.version = version
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`)
  console.log(`packages/deno/deno.json: version ${previous} -> ${version}`)
}
