#!/usr/bin/env node
// Adds a changeset without prompts (`changeset add` is interactive and CI has no TTY):
//
//   pnpm changeset:add --minor @solvekit/core "Add the FunCaptcha task type."
//   pnpm changeset:add --patch @solvekit/node,@solvekit/deno "Read the key from SOLVEKIT_API_KEY too."
//   pnpm changeset:add --patch --all "Smaller bundles."
//
// Writes .changeset/<three-random-words>.md in the format `changeset version` reads. All @solvekit/*
// packages form one `fixed` group, so naming one package bumps them all; name the ones the change is about,
// so their CHANGELOGs carry the note.
import { randomInt } from "node:crypto"
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..")
const BUMPS = ["major", "minor", "patch"]
const USAGE = `usage: pnpm changeset:add (--major|--minor|--patch) (<package>[,<package>...]... | --all) "<message>"
       pnpm changeset:add --patch @solvekit/core -m "<message>"`

function fail(message) {
  console.error(`changeset-add: ${message}\n${USAGE}`)
  process.exit(2)
}

/** Workspace packages changesets may release: not private, not in the config's ignore list. */
function releasablePackages() {
  const config = JSON.parse(readFileSync(join(ROOT, ".changeset", "config.json"), "utf8"))
  const ignored = new Set(config.ignore ?? [])
  const names = []
  for (const group of ["packages", "apps"]) {
    const base = join(ROOT, group)
    if (!existsSync(base)) continue
    for (const entry of readdirSync(base, { withFileTypes: true })) {
      const manifestPath = join(base, entry.name, "package.json")
      if (!entry.isDirectory() || !existsSync(manifestPath)) continue
      const manifest = JSON.parse(readFileSync(manifestPath, "utf8"))
      if (manifest.private !== true && !ignored.has(manifest.name)) names.push(manifest.name)
    }
  }
  return names.sort()
}

function parseArguments(argv) {
  let bump
  let all = false
  let message
  const positionals = []
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]
    if (argument === "--") continue
    if (argument === "-h" || argument === "--help") {
      console.log(USAGE)
      process.exit(0)
    }
    const flag = argument.replace(/^--/, "")
    if (argument.startsWith("--") && BUMPS.includes(flag)) {
      if (bump !== undefined && bump !== flag) fail(`choose one bump, not --${bump} and --${flag}`)
      bump = flag
    } else if (argument === "--all") {
      all = true
    } else if (argument === "-m" || argument === "--message") {
      message = argv[++index]
      if (message === undefined) fail(`${argument} needs a value`)
    } else if (argument.startsWith("-")) {
      fail(`unknown option ${argument}`)
    } else {
      positionals.push(argument)
    }
  }
  // Without -m the message is the last positional argument.
  if (message === undefined) message = positionals.pop()
  const packages = positionals.flatMap((names) => names.split(",").filter(Boolean))
  return { bump, all, message, packages }
}

// Three words, like the names `changeset add` picks, so files sort and read the same way.
const ADJECTIVES = [
  "brave",
  "calm",
  "clever",
  "eager",
  "fair",
  "gentle",
  "happy",
  "keen",
  "lucky",
  "merry",
  "neat",
  "proud",
  "quick",
  "quiet",
  "shy",
  "silly",
  "smart",
  "tidy",
  "warm",
  "witty",
]
const NOUNS = [
  "ants",
  "bees",
  "cats",
  "crabs",
  "deer",
  "doves",
  "eels",
  "foxes",
  "geese",
  "hawks",
  "lions",
  "moles",
  "newts",
  "owls",
  "pumas",
  "seals",
  "swans",
  "toads",
  "wolves",
  "yaks",
]
const VERBS = [
  "bake",
  "dance",
  "dream",
  "fly",
  "glow",
  "hum",
  "jump",
  "knit",
  "laugh",
  "nap",
  "play",
  "read",
  "rest",
  "sing",
  "skip",
  "swim",
  "talk",
  "walk",
  "wave",
  "wink",
]
const pick = (words) => words[randomInt(words.length)]

function freshChangesetPath() {
  for (let attempt = 0; attempt < 100; attempt++) {
    const path = join(ROOT, ".changeset", `${pick(ADJECTIVES)}-${pick(NOUNS)}-${pick(VERBS)}.md`)
    if (!existsSync(path)) return path
  }
  fail("could not find an unused changeset file name")
}

const { bump, all, message, packages } = parseArguments(process.argv.slice(2))
const releasable = releasablePackages()
if (bump === undefined) fail("say which bump: --major, --minor or --patch")
if (message === undefined || message.trim() === "") fail("give a message describing the change for users")
if (all && packages.length > 0) fail("give package names or --all, not both")
const chosen = all ? releasable : [...new Set(packages)]
if (chosen.length === 0) fail(`name at least one package (${releasable.join(", ")}) or --all`)
const unknown = chosen.filter((name) => !releasable.includes(name))
if (unknown.length > 0)
  fail(`not a releasable package: ${unknown.join(", ")} (releasable: ${releasable.join(", ")})`)

const frontMatter = chosen.map((name) => `"${name}": ${bump}`).join("\n")
const path = freshChangesetPath()
writeFileSync(path, `---\n${frontMatter}\n---\n\n${message.trim()}\n`)
console.log(`wrote ${relative(ROOT, path)} (${bump}: ${chosen.join(", ")})`)
