import { describe, expect, it } from "vitest"
import { BUDGET_GZIP_BYTES, measureBundle, USED_TASK_TYPE } from "../src/BundleSize.ts"

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
