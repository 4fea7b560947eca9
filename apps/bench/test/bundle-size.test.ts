import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"
import * as esbuild from "esbuild"
import { describe, expect, it } from "vitest"
import {
  BUDGET_GZIP_BYTES,
  measureBundle,
  RELAY_ENTRY_SOURCE,
  RELAY_TARGET_GZIP_BYTES,
  USED_TASK_TYPE,
} from "../src/BundleSize.ts"

// The one benchmark that is a CI check: the bytes are deterministic (same sources, same esbuild), unlike speed.
describe("browser bundle for a page that solves one token task", () => {
  it(`stays within the ${BUDGET_GZIP_BYTES / 1024} KB gzip regression budget`, async () => {
    const { gzipBytes } = await measureBundle()
    expect(gzipBytes, `${(gzipBytes / 1024).toFixed(1)} KB gzip`).toBeLessThanOrEqual(BUDGET_GZIP_BYTES)
  })

  it("contains the used task type and no type from the rest of the catalogue", async () => {
    const { taskTypesInBundle, foreignTaskTypes, catalogueSize } = await measureBundle()
    expect(taskTypesInBundle).toContain(USED_TASK_TYPE)
    expect(foreignTaskTypes).toEqual([])
    expect(taskTypesInBundle.length).toBeLessThan(catalogueSize)
  })
})

// Relay mode with the light client (issue 16): the page sends the task to the relay's solve endpoint through ky
// and reads the stream; the relay runs the lifecycle. Measured here on its own, as the test above measures key
// mode: esbuild over the built browser adapter, minified, gzip level 9.

describe("browser bundle for a page that solves one token task through the relay's solve endpoint", () => {
  it(`stays within ${RELAY_TARGET_GZIP_BYTES / 1024} KB gzip, with no Effect and no core in it`, async () => {
    const result = await esbuild.build({
      stdin: {
        contents: RELAY_ENTRY_SOURCE,
        resolveDir: fileURLToPath(new URL("..", import.meta.url)),
        loader: "js",
      },
      bundle: true,
      minify: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      write: false,
      metafile: true,
      logLevel: "silent",
    })
    const inputs = Object.keys(result.metafile.inputs)
    const engine = /node_modules[\\/]effect[\\/]|packages[\\/]core[\\/]|@solvekit[\\/]core[\\/]/
    expect(inputs.filter((path) => engine.test(path))).toEqual([])
    expect(inputs.some((path) => path.includes("relay"))).toBe(true)
    const gzipBytes = gzipSync(result.outputFiles[0]?.contents ?? new Uint8Array(), { level: 9 }).byteLength
    expect(gzipBytes, `${(gzipBytes / 1024).toFixed(1)} KB gzip`).toBeLessThanOrEqual(RELAY_TARGET_GZIP_BYTES)
  })
})
