// Writes the packaging metadata (scripts/release/packages.mjs) into every published package.json.
// Re-reads each file right before writing and changes only those fields, so concurrent edits to
// dependencies or scripts survive; existing keys keep their place, missing ones are inserted next to
// their neighbours in the conventional order.
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { isDeepStrictEqual } from "node:util"
import { expectedFields, PUBLISHED, packageDir } from "./packages.mjs"

// Where a missing field goes: right after the first of these keys that exists.
const ANCHORS = {
  keywords: ["description", "version", "name"],
  homepage: ["keywords", "description", "name"],
  license: ["homepage", "description", "name"],
  repository: ["license", "homepage", "name"],
  sideEffects: ["private", "type", "repository", "name"],
  engines: ["sideEffects", "type", "name"],
  files: ["exports", "engines", "name"],
  publishConfig: ["files", "exports", "name"],
}

function insertAfter(manifest, key, value) {
  if (key in manifest) {
    manifest[key] = value
    return manifest
  }
  const anchor = (ANCHORS[key] ?? []).find((candidate) => candidate in manifest)
  const result = {}
  for (const [existingKey, existingValue] of Object.entries(manifest)) {
    result[existingKey] = existingValue
    if (existingKey === anchor) result[key] = value
  }
  if (!(key in result)) result[key] = value
  return result
}

for (const { dir, keywords } of PUBLISHED) {
  const file = join(packageDir(dir), "package.json")
  let manifest = JSON.parse(readFileSync(file, "utf8"))
  const stale = Object.entries(expectedFields(dir, keywords)).filter(
    ([key, value]) => !isDeepStrictEqual(manifest[key], value),
  )
  if (stale.length === 0) continue
  for (const [key, value] of stale) manifest = insertAfter(manifest, key, value)
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`)
  console.log(`packages/${dir}/package.json: wrote ${stale.map(([key]) => key).join(", ")}`)
}
