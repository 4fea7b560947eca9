import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Liveness bounds, not speed checks: CI shares 2 cores between every package's suite.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    setupFiles: ["test/support/setup.ts"],
    reporters: ["default", "json"],
    outputFile: { json: ".reports/vitest.json" },
  },
})
