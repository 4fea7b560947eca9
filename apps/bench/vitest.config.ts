import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The bundle-size check runs esbuild over the built browser adapter (a second or two on a busy machine).
    testTimeout: 60_000,
    reporters: ["default", "json"],
    outputFile: { json: ".reports/vitest.json" },
  },
})
