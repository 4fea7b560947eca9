import { playwright } from "@vitest/browser-playwright"
import { defineConfig } from "vitest/config"

// Real headless Chromium (Debian's /usr/bin/chromium); never a downloaded browser build.
const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
]

export default defineConfig({
  // Served as the ESM files they ship: pre-bundling them is discovered mid-run (through the linked
  // @solvekit/core) and reloads the page under the tests.
  optimizeDeps: { exclude: ["effect", "ky"] },
  test: {
    include: ["test/**/*.test.ts"],
    // Liveness bounds, not speed checks: CI shares 2 cores between every package's suite.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Node side: the emulator (with CORS) and a relay in front of it; their URLs reach the page via `inject`.
    globalSetup: ["test/support/globalSetup.ts"],
    reporters: ["default", "json"],
    outputFile: { json: ".reports/vitest.json" },
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
          args: chromiumArgs,
        },
      }),
      instances: [{ browser: "chromium" }],
    },
  },
})
