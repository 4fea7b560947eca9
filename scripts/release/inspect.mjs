// What a packed tarball must look like before it may be published. Pure: takes the tarball's files
// (scripts/release/tarball.mjs) and returns a list of problems, so it can be tried on hand-made input.
import { posix } from "node:path"
import { isDeepStrictEqual } from "node:util"
import { expectedFields, PUBLISHED } from "./packages.mjs"

/** Every string target of an exports map (conditions flattened), with the subpath it belongs to. */
export function exportTargets(exportsField, subpath = ".") {
  if (typeof exportsField === "string") return [{ subpath, target: exportsField }]
  if (exportsField === null || typeof exportsField !== "object") return []
  const keys = Object.keys(exportsField)
  const isSubpathMap = keys.length > 0 && keys.every((key) => key.startsWith("."))
  return keys.flatMap((key) => exportTargets(exportsField[key], isSubpathMap ? key : subpath))
}

function conditionObjects(exportsField, found = []) {
  if (exportsField === null || typeof exportsField !== "object") return found
  const keys = Object.keys(exportsField)
  if (!keys.every((key) => key.startsWith("."))) found.push(exportsField)
  for (const key of keys) conditionObjects(exportsField[key], found)
  return found
}

export const patternMatches = (pattern, path) => {
  const [head, tail] = pattern.split("*")
  return path.startsWith(head) && path.endsWith(tail) && path.length >= head.length + tail.length
}

export const FORBIDDEN_IN_TARBALL = [
  [/(^|\/)(test|tests|__tests__|__mocks__)\//, "test folder"],
  [/\.(test|spec|bench)\.[cm]?[jt]sx?$/, "test file"],
  [/\.tsbuildinfo$/, "TypeScript build info"],
  [/(^|\/)tsconfig[^/]*\.json$/, "tsconfig"],
  [/(^|\/)vitest\.config\./, "vitest config"],
  [/(^|\/)\.(reports|turbo|scratch|cache)\//, "local work folder"],
  [/(^|\/)node_modules\//, "node_modules"],
  [/\.tgz$/, "nested tarball"],
]

const DEPENDENCY_FIELDS = ["dependencies", "peerDependencies", "optionalDependencies", "devDependencies"]

/** Inspects one packed tarball; returns problems (empty = fine). */
export function inspectTarball(dir, files, versions) {
  const problems = []
  const manifestBytes = files.get("package.json")
  if (!manifestBytes) return ["package.json is missing from the tarball"]
  const manifest = JSON.parse(manifestBytes.toString("utf8"))

  if (manifestBytes.toString("utf8").includes("workspace:")) {
    problems.push("the packed package.json still contains a workspace: range")
  }
  for (const field of DEPENDENCY_FIELDS) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (!(name in versions) || field === "devDependencies") continue
      // One fixed version group: a published package must ask for the sibling version being released.
      if (!new RegExp(`^[\\^~]?${versions[name].replaceAll(".", "\\.")}$`).test(range)) {
        problems.push(`${field}.${name} is "${range}", expected the released version ${versions[name]}`)
      }
    }
  }
  for (const required of ["dist/index.js", "dist/index.d.ts", "README.md", "LICENSE"]) {
    if (!files.has(required)) problems.push(`${required} is missing from the tarball`)
  }
  for (const path of files.keys()) {
    for (const [pattern, what] of FORBIDDEN_IN_TARBALL) {
      if (pattern.test(path)) problems.push(`${path} should not ship (${what})`)
    }
  }

  if (manifest.type !== "module")
    problems.push(`"type" is ${JSON.stringify(manifest.type)}, expected "module"`)
  if (manifest.private === true) problems.push(`"private" is true: it could not be published`)
  const spec = PUBLISHED.find((entry) => entry.dir === dir)
  for (const [field, expected] of Object.entries(expectedFields(dir, spec.keywords))) {
    if (!isDeepStrictEqual(manifest[field], expected)) {
      problems.push(`"${field}" is ${JSON.stringify(manifest[field])}, expected ${JSON.stringify(expected)}`)
    }
  }

  const exportsField = manifest.exports
  if (exportsField === undefined || typeof exportsField !== "object" || !("." in exportsField)) {
    problems.push(`"exports" must be a subpath map with a "." entry`)
  } else {
    for (const key of Object.keys(exportsField)) {
      // `./internal` alone is core's deliberate adapter entry (one file); folders behind it stay closed.
      if (/^\.\/(dist|src)(\/|$)|^\.\/internal\//.test(key) && exportsField[key] !== null) {
        problems.push(`exports["${key}"] makes build output or internals importable`)
      }
    }
    for (const conditions of conditionObjects(exportsField)) {
      const keys = Object.keys(conditions)
      if (keys.includes("types") && keys[0] !== "types") problems.push(`"types" must be the first condition`)
      if (keys.includes("default") && keys.at(-1) !== "default")
        problems.push(`"default" must be the last condition`)
    }
    for (const { subpath, target } of exportTargets(exportsField)) {
      const path = posix.normalize(target)
      const ok = path.includes("*")
        ? [...files.keys()].some((file) => patternMatches(path, file))
        : files.has(path)
      if (!ok) problems.push(`exports["${subpath}"] points at ${target}, which is not in the tarball`)
    }
  }
  for (const [name, target] of Object.entries(
    typeof manifest.bin === "string" ? { [manifest.name]: manifest.bin } : (manifest.bin ?? {}),
  )) {
    const file = files.get(posix.normalize(target))
    if (!file) problems.push(`bin ${name} points at ${target}, which is not in the tarball`)
    else if (!file.toString("utf8", 0, 2).startsWith("#!"))
      problems.push(`bin ${name} (${target}) has no #! line`)
  }
  const importProblems = declarationImportProblems(files)
  problems.push(...importProblems.slice(0, 5))
  if (importProblems.length > 5)
    problems.push(`... and ${importProblems.length - 5} more declaration imports like these`)
  // Sources ship so that source and declaration maps resolve: every map must point at a shipped file.
  for (const [path, bytes] of files) {
    if (!path.endsWith(".map")) continue
    let map
    try {
      map = JSON.parse(bytes.toString("utf8"))
    } catch {
      problems.push(`${path} is not valid JSON`)
      continue
    }
    for (const source of map.sources ?? []) {
      const resolved = posix.normalize(posix.join(posix.dirname(path), map.sourceRoot ?? "", source))
      if (!files.has(resolved)) problems.push(`${path} refers to ${source}, which is not in the tarball`)
    }
  }
  return problems
}

const RELATIVE_SPECIFIER = /(?:\bfrom|\bimport)\s*\(?\s*(["'])(\.{1,2}\/[^"']*)\1/g

/**
 * Relative imports in shipped declarations must name files that resolve without TypeScript's own
 * extension substitution: `./X.js` with a `./X.d.ts` beside it. Deno reads `./X.ts` literally (there is no
 * X.ts in dist/), and node16 resolution needs an extension.
 */
export function declarationImportProblems(files) {
  const problems = []
  for (const [path, bytes] of files) {
    if (!/\.d\.[cm]?ts$/.test(path)) continue
    for (const [, , specifier] of bytes.toString("utf8").matchAll(RELATIVE_SPECIFIER)) {
      const target = posix.normalize(posix.join(posix.dirname(path), specifier))
      const declaration = target.replace(/\.(m|c)?js$/, (_, flavour) => `.d.${flavour ?? ""}ts`)
      const ok = /\.d\.[cm]?ts$/.test(target)
        ? files.has(target)
        : /\.[cm]?js$/.test(target) && files.has(declaration)
      if (!ok) {
        const hint = /\.[cm]?tsx?$/.test(specifier)
          ? " (tsc keeps .ts in declarations: TypeScript#61037)"
          : ""
        problems.push(`${path} imports ${specifier}, which does not resolve in the tarball${hint}`)
      }
    }
  }
  return problems
}
