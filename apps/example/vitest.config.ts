import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each test starts the built app as a process (about a second of start-up on a busy machine).
    testTimeout: 30_000,
    reporters: ["default", "json"],
    outputFile: { json: ".reports/vitest.json" },
  },
})
