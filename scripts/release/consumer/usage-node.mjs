// Runs in the throwaway project: Node ESM, packages installed from the packed tarballs.
import assert from "node:assert/strict"
import { serve } from "@solvekit/emulator/node"
import { createClient, ImageToTextTask, isApiError, Policy, ReCaptchaV2TaskProxyLess } from "@solvekit/node"

// A 1x1 PNG: the recognition task only needs a well-formed base64 image.
const PIXEL_PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
const KEY = "release-check-key"

const server = await serve({ keys: [KEY] })
try {
  // Polls every 20 ms instead of CapSolver's seconds: the emulator answers as fast as we ask.
  const client = createClient({ apiKey: KEY, baseUrl: server.url, policy: Policy.fixed("20 millis") })
  try {
    const token = await client.solve(
      ReCaptchaV2TaskProxyLess({ websiteURL: "https://example.com/login", websiteKey: "emulator-instant" }),
    )
    assert.equal(typeof token.taskId, "string")
    assert.ok(token.solution.gRecaptchaResponse.length > 0, "the token task returns gRecaptchaResponse")

    // Recognition tasks are answered by createTask itself: no polling.
    const image = await client.solve(ImageToTextTask({ body: PIXEL_PNG }))
    assert.equal(typeof image.solution.text, "string")
    assert.equal(image.queries, 0)

    const balance = await client.getBalance()
    assert.equal(typeof balance.balance, "number")

    // Errors keep their class and guards across the package boundary.
    const wrongKey = createClient({ apiKey: "not-a-key", baseUrl: server.url })
    const failure = await wrongKey.getBalance().then(
      () => assert.fail("a wrong key must be refused"),
      (error) => error,
    )
    await wrongKey.dispose()
    assert.ok(isApiError(failure) && failure.reason === "Auth", `expected an Auth ApiError, got ${failure}`)
    assert.ok(!String(failure.message).includes("not-a-key"), "the key never appears in an error message")

    console.log(
      `token task ${token.taskId} solved, image read as "${image.solution.text}", balance ${balance.balance}`,
    )
  } finally {
    await client.dispose()
  }
} finally {
  await server.close()
}
