/**
 * Bundle size of the browser adapter for a realistic page: create a client, solve one token task. Bundled by
 * esbuild (`--bundle --minify --format=esm --platform=browser`) from the built packages, gzipped at level 9.
 * Deterministic: the same sources give the same bytes, so the budget is checked in CI (test/bundle-size.test.ts).
 */
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"
import { Catalogue } from "@solvekit/core"
import * as esbuild from "esbuild"

/** Issue 7's target for the realistic entry, gzip bytes: reported in BENCHMARKS.md, not reached yet. */
export const TARGET_GZIP_BYTES = 40 * 1024

/**
 * The CI budget, gzip bytes: a regression guard at today's size plus a little room (59.8 KB on 2026-11-29,
 * after aborted batches started reporting their entries; it was 60 KB at 59.2 KB). Raised from 62 to 63 KB on
 * 2026-12-04 at 62.1 KB: issue 15 gave every provider, CapSolver included, its task form (field rules, extra
 * fields), its report table and the solve-cost reader, which any page carries (about 1.5 KB gzip). Issue 16's
 * lighter engine is where this comes down (its key-mode target: 48 KB). The fixed stack alone
 * (Effect runtime + Effect Schema + ky, `STACK_FLOOR_SOURCE`) weighs about 37.7 KB of the 40 KB target before
 * any SDK code (BENCHMARKS.md, section 4), so lowering this needs a design change, not a trim.
 */
export const BUDGET_GZIP_BYTES = 63 * 1024

/** The task type the entry uses. */
export const USED_TASK_TYPE = "ReCaptchaV2TaskProxyLess"

export const ENTRY_SOURCE = `import { createClient, ReCaptchaV2TaskProxyLess } from "@solvekit/browser"

const client = createClient({ relayUrl: "/captcha" })
const { solution } = await client.solve(
  ReCaptchaV2TaskProxyLess({ websiteURL: location.href, websiteKey: "6Le-wvkSAAAAAPBMRTvw0Q4Muexq9bi0DJwx_mJ-" }),
)
document.querySelector("#g-recaptcha-response")?.setAttribute("value", solution.gRecaptchaResponse)
`

/**
 * The smallest client the project's fixed stack allows: a `ManagedRuntime` Promise face, one Effect Schema
 * struct decoded per answer, ky for HTTP, a sleep and a timeout; no task catalogue, limits, retries, policy or
 * typed errors. Its size is the floor under any solvekit browser bundle.
 */
export const STACK_FLOOR_SOURCE = `import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Schema from "effect/Schema"
import ky from "ky"

class Http extends Context.Service()("Http") {}
const Answer = Schema.Struct({
  errorId: Schema.Number,
  taskId: Schema.optional(Schema.String),
  solution: Schema.optional(Schema.Struct({ gRecaptchaResponse: Schema.String })),
})
const decode = Schema.decodeUnknownEffect(Answer)
const runtime = ManagedRuntime.make(
  Layer.succeed(Http, { post: (url, json) => Effect.tryPromise((signal) => ky.post(url, { json, signal }).json()) }),
)
const solve = (task) =>
  Effect.gen(function* () {
    const http = yield* Http
    const created = yield* decode(yield* http.post("/captcha/createTask", { task }))
    for (;;) {
      yield* Effect.sleep("3 seconds")
      const answer = yield* decode(yield* http.post("/captcha/getTaskResult", { taskId: created.taskId }))
      if (answer.solution) return answer.solution
    }
  }).pipe(Effect.timeout("2 minutes"))
const solution = await runtime.runPromise(
  solve({ type: "ReCaptchaV2TaskProxyLess", websiteURL: location.href, websiteKey: "6Le-wvkSAAAAAPBMRTvw0Q4Muexq9bi0DJwx_mJ-" }),
)
document.querySelector("#g-recaptcha-response")?.setAttribute("value", solution.gRecaptchaResponse)
`

export interface BundleFigures {
  readonly rawBytes: number
  readonly minifiedBytes: number
  readonly gzipBytes: number
  /** The same measure of `STACK_FLOOR_SOURCE`: Effect runtime + Schema + ky, without solvekit. */
  readonly stackFloorGzipBytes: number
  /** Catalogue task types whose exact name appears in the minified bundle. */
  readonly taskTypesInBundle: ReadonlyArray<string>
  /** Catalogue task types defined in other modules than the used one that made it into the bundle. */
  readonly foreignTaskTypes: ReadonlyArray<string>
  readonly catalogueSize: number
}

// Resolve @solvekit/browser from this package (the source and the built file sit at the same depth).
const resolveDir = fileURLToPath(new URL("..", import.meta.url))

// The floor entry imports effect and ky as core does: resolved from core's package.
const coreDir = fileURLToPath(new URL("../../../packages/core/", import.meta.url))

const bundle = async (minify: boolean, contents = ENTRY_SOURCE, dir = resolveDir): Promise<Uint8Array> => {
  const result = await esbuild.build({
    stdin: { contents, resolveDir: dir, sourcefile: "entry.js", loader: "js" },
    bundle: true,
    minify,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
  })
  const output = result.outputFiles[0]
  if (output === undefined) throw new Error("esbuild produced no output")
  return output.contents
}

const containsLiteral = (code: string, name: string): boolean => new RegExp(`["'\`]${name}["'\`]`).test(code)

/** The reCAPTCHA v2 module defines these siblings of the used type (the used type names its proxied variant). */
const sameModule = (type: string): boolean =>
  type.startsWith("ReCaptchaV2") && !type.includes("Classification")

export const measureBundle = async (): Promise<BundleFigures> => {
  const raw = await bundle(false)
  const minified = await bundle(true)
  const code = new TextDecoder().decode(minified)
  const types = Catalogue.all.map((definition) => definition.type)
  const taskTypesInBundle = types.filter((type) => containsLiteral(code, type))
  const floor = await bundle(true, STACK_FLOOR_SOURCE, coreDir)
  return {
    rawBytes: raw.byteLength,
    minifiedBytes: minified.byteLength,
    gzipBytes: gzipSync(minified, { level: 9 }).byteLength,
    stackFloorGzipBytes: gzipSync(floor, { level: 9 }).byteLength,
    taskTypesInBundle,
    foreignTaskTypes: taskTypesInBundle.filter((type) => !sameModule(type)),
    catalogueSize: types.length,
  }
}
