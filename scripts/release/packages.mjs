// The publishable packages and the packaging metadata every one of them must carry. The release check
// verifies these fields; `node scripts/release/apply-manifest-fields.mjs` writes them (it touches only the
// fields listed here, so the packages' own dependencies and scripts are left alone).
import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..")
export const REPOSITORY_URL = "git+https://github.com/solvekit/solvekit.git"
export const HOMEPAGE = "https://github.com/solvekit/solvekit"

const sharedKeywords = ["captcha", "capsolver", "captcha-solver", "recaptcha", "turnstile"]

/** dir: folder under packages/, keywords: what npm search should find it by. */
export const PUBLISHED = [
  { dir: "core", keywords: [...sharedKeywords, "effect", "sdk"] },
  { dir: "emulator", keywords: ["captcha", "capsolver", "emulator", "mock-server", "testing"] },
  { dir: "node", keywords: [...sharedKeywords, "sdk", "node"] },
  { dir: "browser", keywords: [...sharedKeywords, "sdk", "browser"] },
  { dir: "deno", keywords: [...sharedKeywords, "sdk", "deno"] },
]

export const packageDir = (dir) => join(ROOT, "packages", dir)
export const readManifest = (dir) => JSON.parse(readFileSync(join(packageDir(dir), "package.json"), "utf8"))

/** The packaging fields as they must be; `exports` is checked by shape, not by value (see release-check). */
export function expectedFields(dir, keywords) {
  return {
    license: "MIT",
    sideEffects: false,
    engines: { node: ">=22.19" },
    repository: { type: "git", url: REPOSITORY_URL, directory: `packages/${dir}` },
    homepage: `${HOMEPAGE}/tree/main/packages/${dir}#readme`,
    keywords,
    // Sources ship beside dist so the declaration and source maps resolve to real files.
    files: ["dist", "!dist/.tsbuildinfo", "src", "README.md", "CHANGELOG.md", "LICENSE"],
    publishConfig: { access: "public" },
  }
}
