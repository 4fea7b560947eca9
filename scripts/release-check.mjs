#!/usr/bin/env node
// The release check: proves the packages we would publish actually work once published.
//
//   node scripts/release-check.mjs [--build] [--keep] [--junit <file>]
//
// 1. packs every published package with `pnpm pack` (as `changeset publish` does) and inspects the tarball
//    (scripts/release/inspect.mjs): no `workspace:` range left, dist/index.js + dist/index.d.ts present, no
//    tests or build caches, every exports target, declaration import and source-map source shipped, and the
//    packaging fields of scripts/release/packages.mjs;
// 2. runs publint and @arethetypeswrong/cli on each tarball;
// 3. npm-installs the tarballs into a throwaway project OUTSIDE the repository and uses them like a user
//    (fixtures in scripts/release/consumer/): Node ESM against a real emulator server, TypeScript
//    (moduleResolution node16 and bundler, and the browser package with DOM types only), Deno from
//    node_modules, deep imports of internal modules (which must be refused), and the CLI bins;
// 4. validates @solvekit/deno's JSR manifest and runs `deno publish --dry-run` on the packed package.
//
// Assumes the packages are built (`pnpm build`, or pass --build). Prints one PASS/FAIL line per check and
// exits non-zero on any failure. The throwaway project is deleted unless a check failed or --keep is given;
// --junit writes the results as a JUnit XML report too.
import { spawn } from "node:child_process"
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { delimiter, dirname, join, posix, relative, resolve, sep } from "node:path"
import { pathToFileURL } from "node:url"
import { parseArgs } from "node:util"
import { publint } from "publint"
import { formatMessage } from "publint/utils"
import { inspectTarball, patternMatches } from "./release/inspect.mjs"
import { checkJsrManifest } from "./release/jsr.mjs"
import { PUBLISHED, packageDir, ROOT } from "./release/packages.mjs"
import { readTarball } from "./release/tarball.mjs"

const { values: options } = parseArgs({
  options: {
    build: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    junit: { type: "string" },
  },
})

// ---------------------------------------------------------------------------------------------------------
// Reporting

const started = performance.now()
const results = []

function report(status, check, subject, { note, details = [] } = {}) {
  results.push({ status, check, subject, details })
  const label = status === "pass" ? "PASS" : "FAIL"
  console.log(`${label}  ${check.padEnd(11)} ${subject}${note ? `  (${note})` : ""}`)
  for (const line of details) console.log(`      ${line}`)
}

/** Runs one check; it returns a short note (PASS) or throws a CheckFailure / Error (FAIL). */
async function check(name, subject, body) {
  const t0 = performance.now()
  const took = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`
  try {
    const note = await body()
    report("pass", name, subject, { note: `${note ? `${note}, ` : ""}${took()}` })
    return true
  } catch (error) {
    const lines = error instanceof CheckFailure ? error.lines : String(error?.stack ?? error).split("\n")
    report("fail", name, subject, { note: took(), details: lines.slice(0, 40) })
    return false
  }
}

class CheckFailure extends Error {
  constructor(lines) {
    const list = Array.isArray(lines) ? lines : [lines]
    super(list.join("\n"))
    this.lines = list
  }
}

const failUnless = (problems) => {
  if (problems.length > 0) throw new CheckFailure(problems)
}

// ---------------------------------------------------------------------------------------------------------
// Processes: the repo's Node 22 and pinned tools first on PATH, no npm_* variables from an outer `npm test`.

const TOOLS_PATH = [
  join(ROOT, ".tools/node/bin"),
  join(ROOT, ".tools/pnpm/bin"),
  join(ROOT, "node_modules/.bin"),
]
const childEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)))
delete childEnv.NODE
childEnv.PATH = [...TOOLS_PATH, process.env.PATH ?? ""].join(delimiter)
Object.assign(childEnv, {
  TURBO_TELEMETRY_DISABLED: "1",
  DENO_NO_UPDATE_CHECK: "1",
  DENO_NO_PROMPT: "1",
  NO_COLOR: "1",
  FORCE_COLOR: "0",
})

// The repo's pinned Node (22) runs everything the consumer does, whichever node started this script.
const NODE = existsSync(join(ROOT, ".tools/node/bin/node"))
  ? join(ROOT, ".tools/node/bin/node")
  : process.execPath
const TSC = join(ROOT, "node_modules/typescript/bin/tsc")
const ATTW = join(ROOT, "node_modules/@arethetypeswrong/cli/dist/index.js")
const DENO = existsSync(join(ROOT, "packages/deno/node_modules/deno/deno"))
  ? join(ROOT, "packages/deno/node_modules/deno/deno")
  : join(ROOT, "packages/deno/node_modules/.bin/deno")

const running = new Set()
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    for (const child of running) killGroup(child)
    process.exit(130)
  })
}

function killGroup(child) {
  try {
    process.kill(-child.pid, "SIGKILL")
  } catch {
    // already gone
  }
}

/** Spawns in its own process group (so a timeout kills the whole tree); never rejects. */
function run(command, args, { cwd = ROOT, env = childEnv, timeoutMs = 120_000 } = {}) {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] })
    running.add(child)
    let stdout = ""
    let stderr = ""
    let timedOut = false
    child.stdout.setEncoding("utf8").on("data", (chunk) => {
      stdout += chunk
    })
    child.stderr.setEncoding("utf8").on("data", (chunk) => {
      stderr += chunk
    })
    const timer = setTimeout(() => {
      timedOut = true
      killGroup(child)
    }, timeoutMs)
    const finish = (code) => {
      clearTimeout(timer)
      running.delete(child)
      resolvePromise({ code, stdout, stderr, timedOut })
    }
    child.on("error", (error) => {
      stderr += error.message
      finish(-1)
    })
    child.on("close", (code) => finish(timedOut ? -1 : (code ?? 1)))
  })
}

/** Last lines of a failed command's output, for the FAIL report. */
function outputTail(result, count = 25) {
  const lines = `${result.stdout}\n${result.stderr}`
    .split("\n")
    .map((line) => line.trimEnd())
    .filter(Boolean)
  const tail = lines.slice(-count)
  if (result.timedOut) tail.push("(timed out)")
  return tail
}

async function runOrFail(command, args, runOptions) {
  const result = await run(command, args, runOptions)
  if (result.code !== 0)
    throw new CheckFailure([`${posix.basename(command)} ${args.join(" ")}`, ...outputTail(result)])
  return result
}

// The machine's global npmrc carries the TLS proxy's CA. npm running under .tools/node looks for it next to
// that node instead, so ask an npm running under the machine's own node where it is.
async function machineNpmGlobalConfig() {
  const systemPath = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((entry) => entry && !resolve(entry).startsWith(ROOT + sep))
    .join(delimiter)
  const result = await run("npm", ["config", "get", "globalconfig"], {
    env: { ...childEnv, PATH: systemPath },
    timeoutMs: 20_000,
  })
  const file = result.stdout.trim()
  return result.code === 0 && file && existsSync(file) ? file : undefined
}

// ---------------------------------------------------------------------------------------------------------
// Package facts

const manifestOf = (dir) => JSON.parse(readFileSync(join(packageDir(dir), "package.json"), "utf8"))

/** Source modules of a package, relative to its src/ (declaration files excluded). */
function sourceModules(dir, prefix = "") {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return sourceModules(join(dir, entry.name), `${prefix}${entry.name}/`)
    return /\.[cm]?tsx?$/.test(entry.name) && !/\.d\.[cm]?ts$/.test(entry.name)
      ? [`${prefix}${entry.name}`]
      : []
  })
}

// ---------------------------------------------------------------------------------------------------------
// Checks

const packages = PUBLISHED.map(({ dir }) => ({ dir, manifest: manifestOf(dir) }))
const versions = Object.fromEntries(packages.map(({ manifest }) => [manifest.name, manifest.version]))

const base = resolve(tmpdir()).startsWith(ROOT + sep) ? "/tmp" : resolve(tmpdir())
const work = mkdtempSync(join(base, "solvekit-release-"))
const tarballDir = join(work, "tarballs")
const consumerDir = join(work, "consumer")
mkdirSync(tarballDir)
console.log(`release-check: working in ${work}`)

if (options.build) {
  await check("build", "turbo run build (packages)", async () => {
    await runOrFail("turbo", ["run", "build", "--filter=./packages/*", "--output-logs=errors-only"], {
      timeoutMs: 300_000,
    })
  })
}

// Missing output is caught here; content staleness is not (turbo's cache hits leave dist/ timestamps alone,
// so timestamps cannot tell): run after a build, as `npm test` and `pnpm release` do, or pass --build.
const built = await check("built", `dist/ of ${packages.length} packages`, async () => {
  const problems = []
  for (const { dir } of packages) {
    const src = join(packageDir(dir), "src")
    const missing = sourceModules(src)
      .map((module) => module.replace(/\.(m|c)?tsx?$/, (_, flavour) => `.${flavour ?? ""}js`))
      .filter((module) => !existsSync(join(packageDir(dir), "dist", module)))
    if (missing.length > 0) {
      problems.push(
        `packages/${dir}/dist lacks ${missing.slice(0, 3).join(", ")}${missing.length > 3 ? ", ..." : ""}: run \`pnpm build\` (or pass --build)`,
      )
    }
  }
  failUnless(problems)
  return "every source module has its output"
})

// pnpm pack, one package at a time (pnpm reads the shared lockfile and workspace state).
const tarballs = new Map()
if (built) {
  for (const { dir, manifest } of packages) {
    await check("pack", manifest.name, async () => {
      const result = await runOrFail("pnpm", ["pack", "--pack-destination", tarballDir, "--json"], {
        cwd: packageDir(dir),
        timeoutMs: 60_000,
      })
      const file = JSON.parse(result.stdout.slice(result.stdout.indexOf("{"))).filename
      const files = readTarball(file)
      // Later checks still run on a tarball with problems: one run reports everything.
      tarballs.set(dir, { file, files })
      failUnless(inspectTarball(dir, files, versions))
      const bytes = [...files.values()].reduce((sum, content) => sum + content.length, 0)
      return `${files.size} files, ${(bytes / 1024).toFixed(1)} kB unpacked`
    })
  }
}

async function lintTarballs() {
  for (const { dir, manifest } of packages) {
    const packed = tarballs.get(dir)
    if (!packed) continue
    await check("publint", manifest.name, async () => {
      const bytes = readFileSync(packed.file)
      const tarball = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
      const { messages, pkg } = await publint({ pack: { tarball }, level: "suggestion" })
      const describe = (message) => `${message.type}: ${formatMessage(message, pkg, { color: false })}`
      // Errors and warnings fail the release; suggestions are printed but do not.
      failUnless(messages.filter((message) => message.type !== "suggestion").map(describe))
      const suggestions = messages.filter((message) => message.type === "suggestion")
      return suggestions.length === 0 ? "no issues" : suggestions.map(describe).join("; ")
    })
    await check("attw", manifest.name, async () => {
      // Profile esm-only: the packages are ESM-only on purpose ("type": "module", no "require" condition),
      // as their dependencies effect 4 and ky 2 are; CommonJS resolutions (node10, node16-cjs) are out of
      // scope. --no-definitely-typed keeps attw from querying the registry for @types packages.
      const result = await run(
        NODE,
        [
          ATTW,
          packed.file,
          "--profile",
          "esm-only",
          "--no-definitely-typed",
          "--format",
          "ascii",
          "--no-color",
        ],
        { cwd: work, timeoutMs: 60_000 },
      )
      if (result.code !== 0) throw new CheckFailure(outputTail(result, 40))
      return "no problems (profile esm-only)"
    })
  }
}

async function installConsumer() {
  mkdirSync(consumerDir)
  const fixtures = join(ROOT, "scripts/release/consumer")
  for (const file of readdirSync(fixtures)) copyFileSync(join(fixtures, file), join(consumerDir, file))
  const rootManifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"))
  const dependencies = { "@types/node": rootManifest.devDependencies["@types/node"] }
  const overrides = {}
  for (const { dir, manifest } of packages) {
    dependencies[manifest.name] = `file:${relative(consumerDir, tarballs.get(dir).file)}`
    // Sibling ranges inside the tarballs must resolve to these tarballs, never to the public registry.
    overrides[manifest.name] = `$${manifest.name}`
  }
  const consumerManifest = {
    name: "solvekit-release-consumer",
    private: true,
    type: "module",
    dependencies,
    overrides,
  }
  writeFileSync(join(consumerDir, "package.json"), `${JSON.stringify(consumerManifest, null, 2)}\n`)

  const globalConfig = await machineNpmGlobalConfig()
  const args = [
    "install",
    "--no-audit",
    "--no-fund",
    "--prefer-offline",
    "--loglevel=error",
    "--no-update-notifier",
  ]
  if (globalConfig) args.push("--globalconfig", globalConfig)
  return check("install", "npm install of the tarballs outside the workspace", async () => {
    await runOrFail("npm", args, { cwd: consumerDir, timeoutMs: 300_000 })
    const problems = []
    for (const { manifest } of packages) {
      const installed = join(consumerDir, "node_modules", manifest.name, "package.json")
      if (!existsSync(installed)) problems.push(`${manifest.name} is not installed`)
      else if (JSON.parse(readFileSync(installed, "utf8")).version !== manifest.version) {
        problems.push(`${manifest.name} installed at the wrong version`)
      }
    }
    // A nested copy would mean a sibling range was not satisfied by the tarballs (or came from the registry).
    for (const { manifest } of packages) {
      for (const { manifest: other } of packages) {
        if (existsSync(join(consumerDir, "node_modules", manifest.name, "node_modules", other.name))) {
          problems.push(`${manifest.name} got its own copy of ${other.name}`)
        }
      }
    }
    failUnless(problems)
  })
}

function deepImportSpecifiers() {
  const refused = []
  const allowed = []
  for (const { dir, manifest } of packages) {
    const { files } = tarballs.get(dir)
    const packed = JSON.parse(files.get("package.json").toString("utf8"))
    const keys = Object.keys(packed.exports ?? {})
    const exported = (subpath) =>
      keys.some((key) => key === subpath || (key.includes("*") && patternMatches(key, subpath)))
    for (const key of keys) {
      if (key === "./package.json" || key.includes("*") || packed.exports[key] === null) continue
      allowed.push(key === "." ? manifest.name : `${manifest.name}/${key.slice(2)}`)
    }
    refused.push(`${manifest.name}/src/index.ts`, `${manifest.name}/internal/Anything`)
    for (const path of files.keys()) {
      if (!/^dist\/.*\.js$/.test(path)) continue
      refused.push(`${manifest.name}/${path}`)
      const subpath = `./${path.slice("dist/".length).replace(/\.js$/, "")}`
      if (subpath !== "./index" && !exported(subpath) && !exported(`${subpath}.js`)) {
        refused.push(`${manifest.name}/${subpath.slice(2)}`)
      }
    }
  }
  return { refused, allowed }
}

async function useFromConsumer() {
  const inConsumer = { cwd: consumerDir, timeoutMs: 90_000 }
  const node = check(
    "node",
    "ESM: @solvekit/node solves a token and a recognition task on the emulator",
    async () => {
      const result = await runOrFail(NODE, ["usage-node.mjs"], inConsumer)
      return result.stdout.trim().split("\n").at(-1)
    },
  )
  const typesNode16 = check("types", "TypeScript, moduleResolution node16", async () => {
    await runOrFail(NODE, [TSC, "-p", "tsconfig.node16.json"], inConsumer)
  })
  const typesBundler = check("types", "TypeScript, moduleResolution bundler", async () => {
    await runOrFail(NODE, [TSC, "-p", "tsconfig.bundler.json"], inConsumer)
  })
  const typesBrowser = check("types", "TypeScript, bundler + DOM only: @solvekit/browser", async () => {
    await runOrFail(NODE, [TSC, "-p", "tsconfig.browser.json"], inConsumer)
  })
  const deep = check("exports", "deep imports of internal modules are refused", async () => {
    const { refused, allowed } = deepImportSpecifiers()
    const result = await runOrFail(
      NODE,
      ["deep-imports.mjs", JSON.stringify(refused), JSON.stringify(allowed)],
      inConsumer,
    )
    return result.stdout.trim().split("\n").at(-1)
  })
  const deno = check("deno", "@solvekit/deno from node_modules solves a task on the emulator", async () => {
    const emulatorEntry = createRequire(join(consumerDir, "package.json")).resolve("@solvekit/emulator/node")
    const { serve } = await import(pathToFileURL(emulatorEntry).href)
    if (typeof serve !== "function") throw new CheckFailure("@solvekit/emulator/node does not export serve()")
    const server = await serve({ keys: ["release-check-key"] })
    try {
      const result = await runOrFail(
        DENO,
        ["run", "--check", "--allow-net", "--allow-env", "--allow-read", "usage-deno.ts"],
        { ...inConsumer, env: { ...childEnv, SOLVEKIT_EMULATOR_URL: server.url } },
      )
      return result.stdout.trim().split("\n").at(-1)
    } finally {
      await server.close()
    }
  })
  const bins = check("bin", "installed command-line tools answer --help", async () => {
    const names = packages.flatMap(({ dir }) => {
      const packed = JSON.parse(tarballs.get(dir).files.get("package.json").toString("utf8"))
      return typeof packed.bin === "string" ? [packed.name.split("/").pop()] : Object.keys(packed.bin ?? {})
    })
    for (const name of names) {
      const result = await runOrFail(join(consumerDir, "node_modules/.bin", name), ["--help"], inConsumer)
      if (result.stdout.trim() === "") throw new CheckFailure(`${name} --help printed nothing`)
    }
    return names.join(", ") || "none"
  })
  await Promise.all([node, typesNode16, typesBundler, typesBrowser, deep, deno, bins])
}

async function checkJsr() {
  await check("jsr", "@solvekit/deno: deno.json + deno publish --dry-run on the packed package", async () => {
    const denoDir = packageDir("deno")
    failUnless(checkJsrManifest(denoDir))
    // Dry-run what JSR would receive, outside the workspace: the packed package (sources, README, LICENSE,
    // rewritten package.json) plus deno.json, with @solvekit/core and effect from the throwaway project's
    // node_modules, i.e. as published. In the workspace, node_modules/@solvekit/core is a symlink to
    // packages/core, which Deno treats as local files rather than an npm package.
    const jsrDir = join(work, "jsr")
    for (const [path, bytes] of tarballs.get("deno").files) {
      mkdirSync(dirname(join(jsrDir, path)), { recursive: true })
      writeFileSync(join(jsrDir, path), bytes)
    }
    copyFileSync(join(denoDir, "deno.json"), join(jsrDir, "deno.json"))
    symlinkSync(join(consumerDir, "node_modules"), join(jsrDir, "node_modules"), "dir")
    const result = await run(DENO, ["publish", "--dry-run", "--allow-dirty"], {
      cwd: jsrDir,
      timeoutMs: 120_000,
    })
    if (result.code === 0) {
      // The real publish runs in packages/deno, where pnpm's symlink makes @solvekit/core look like local
      // JavaScript to Deno, so it publishes with --no-check (the type check above is the real one). Dry-run
      // that exact command too: it proves the slow-types check and the file list of what JSR would receive.
      const inPlace = await runOrFail(DENO, ["publish", "--dry-run", "--allow-dirty", "--no-check"], {
        cwd: denoDir,
        timeoutMs: 120_000,
      })
      const listed = [...`${inPlace.stdout}\n${inPlace.stderr}`.matchAll(/^\s+file:\/\/(\S+)/gm)].map((m) =>
        relative(denoDir, m[1]),
      )
      const unexpected = listed.filter(
        (file) => !/^(src\/.*\.ts|README\.md|LICENSE|CHANGELOG\.md|deno\.json)$/.test(file),
      )
      failUnless(unexpected.map((file) => `deno publish would upload ${file}`))
      return `dry runs accepted: packed package type-checked, ${listed.length} files from packages/deno`
    }
    const output = `${result.stdout}\n${result.stderr}`
    // jsr.io is unreachable on these machines; if only the network is missing, the manifest checks above and
    // a type check of every export (what the dry run itself does first) stand in for it.
    if (
      /error sending request|dns error|tcp connect error|Connection refused|jsr\.io\/.*(fail|error)/i.test(
        output,
      )
    ) {
      const manifest = JSON.parse(readFileSync(join(jsrDir, "deno.json"), "utf8"))
      const entries =
        typeof manifest.exports === "string" ? [manifest.exports] : Object.values(manifest.exports)
      await runOrFail(DENO, ["check", ...entries], { cwd: jsrDir, timeoutMs: 120_000 })
      return "the dry run needs jsr.io (unreachable): manifest checked and `deno check` passed on every export"
    }
    throw new CheckFailure(outputTail(result, 40))
  })
}

if (tarballs.size === packages.length) {
  const installed = installConsumer()
  // Linting runs while npm installs: it does not need the throwaway project.
  await Promise.all([
    lintTarballs(),
    installed.then((ok) => (ok ? Promise.all([useFromConsumer(), checkJsr()]) : undefined)),
  ])
} else if (built) {
  report("fail", "install", "skipped: not every package packed")
}

// ---------------------------------------------------------------------------------------------------------
// Summary

const failed = results.filter((result) => result.status === "fail")
const seconds = ((performance.now() - started) / 1000).toFixed(1)
if (options.junit) writeJunit(options.junit)
if (failed.length > 0 || options.keep) console.log(`release-check: throwaway project kept in ${work}`)
else rmSync(work, { recursive: true, force: true })
console.log(`release-check: ${results.length - failed.length} passed, ${failed.length} failed (${seconds} s)`)
process.exit(failed.length === 0 ? 0 : 1)

function writeJunit(file) {
  const escapeXml = (text) =>
    text.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c])
  const cases = results.map(({ status, check: name, subject, details }) => {
    const open = `  <testcase classname="release-check.${escapeXml(name)}" name="${escapeXml(subject)}"`
    if (status === "pass") return `${open}/>`
    return `${open}>\n    <failure message="${escapeXml(details[0] ?? "failed")}">${escapeXml(details.join("\n"))}</failure>\n  </testcase>`
  })
  mkdirSync(dirname(resolve(file)), { recursive: true })
  writeFileSync(
    file,
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="release-check" tests="${results.length}" failures="${failed.length}">\n${cases.join("\n")}\n</testsuite>\n`,
  )
}
