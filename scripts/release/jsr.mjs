// The JSR manifest (packages/deno/deno.json) must describe the same package as its package.json: JSR
// publishes the TypeScript sources, npm the built dist/. `changeset version` only bumps package.json, so
// sync-jsr-version.mjs copies the version across and this check catches any drift.
import { existsSync, readFileSync } from "node:fs"
import { join, posix } from "node:path"

const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/

/** @returns {string[]} problems with `<dir>/deno.json` (empty = fine) */
export function checkJsrManifest(dir) {
  const file = join(dir, "deno.json")
  if (!existsSync(file)) return [`${file} is missing`]
  let manifest
  try {
    manifest = JSON.parse(readFileSync(file, "utf8"))
  } catch (error) {
    return [`deno.json is not valid JSON: ${error.message}`]
  }
  const npmManifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))
  const problems = []
  if (manifest.name !== npmManifest.name) {
    problems.push(`deno.json name is ${JSON.stringify(manifest.name)}, package.json says ${npmManifest.name}`)
  }
  if (typeof manifest.version !== "string" || !SEMVER.test(manifest.version)) {
    problems.push(`deno.json version ${JSON.stringify(manifest.version)} is not a semver version`)
  } else if (manifest.version !== npmManifest.version) {
    problems.push(
      `deno.json version ${manifest.version} differs from package.json ${npmManifest.version}: run node scripts/release/sync-jsr-version.mjs`,
    )
  }
  if (manifest.license !== npmManifest.license) {
    problems.push(`deno.json license ${JSON.stringify(manifest.license)} differs from package.json`)
  }
  for (const [specifier, target] of Object.entries(manifest.imports ?? {})) {
    const match = /^npm:(@solvekit\/[^@/]+)@[\^~]?([^/]+)/.exec(String(target))
    if (!match) continue
    const sibling = siblingVersion(dir, match[1])
    if (sibling !== undefined && match[2] !== sibling) {
      problems.push(
        `deno.json imports["${specifier}"] asks for ${match[1]}@${match[2]}, the workspace has ${sibling}: run node scripts/release/sync-jsr-version.mjs`,
      )
    }
  }
  if (manifest.nodeModulesDir !== "manual") problems.push(`deno.json nodeModulesDir must be "manual"`)
  if (manifest.compilerOptions?.strict !== true)
    problems.push(`deno.json compilerOptions.strict must be true`)

  const exportsField = manifest.exports
  const targets =
    typeof exportsField === "string"
      ? { ".": exportsField }
      : exportsField && typeof exportsField === "object"
        ? exportsField
        : {}
  if (!("." in targets)) problems.push(`deno.json exports needs a "." entry`)
  const includes = manifest.publish?.include
  for (const [key, target] of Object.entries(targets)) {
    if (typeof target !== "string" || !existsSync(join(dir, target))) {
      problems.push(`deno.json exports["${key}"] = ${JSON.stringify(target)} does not exist`)
      continue
    }
    if (!/\.(ts|mts|tsx)$/.test(target))
      problems.push(`deno.json exports["${key}"] should point at TypeScript source`)
    const path = posix.normalize(target)
    if (Array.isArray(includes) && !includes.some((pattern) => matchesInclude(pattern, path))) {
      problems.push(`deno.json exports["${key}"] (${target}) is not covered by publish.include`)
    }
  }
  return problems
}

// publish.include entries are paths or globs ("src/**/*.ts"); enough of glob for our patterns.
function matchesInclude(pattern, path) {
  const normalized = posix.normalize(pattern)
  if (!normalized.includes("*"))
    return path === normalized || path.startsWith(`${normalized.replace(/\/$/, "")}/`)
  const regex = normalized
    .split(/(\*\*\/|\*\*|\*)/)
    .map((part) =>
      part === "**/"
        ? "(?:.*/)?"
        : part === "**"
          ? ".*"
          : part === "*"
            ? "[^/]*"
            : part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"),
    )
    .join("")
  return new RegExp(`^${regex}$`).test(path)
}

function siblingVersion(dir, name) {
  const siblingDir = join(dir, "..", name.slice("@solvekit/".length), "package.json")
  return existsSync(siblingDir) ? JSON.parse(readFileSync(siblingDir, "utf8")).version : undefined
}
