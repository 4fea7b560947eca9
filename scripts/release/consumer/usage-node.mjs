// Runs in the throwaway project: Node ESM, packages installed from the packed tarballs.
import assert from "node:assert/strict"
import { serve } from "@solvekit/emulator"
import { createClient, ImageToTextTask, ReCaptchaV2TaskProxyLess } from "@solvekit/node"

// A 1x1 PNG: the recognition task only needs a well-formed base64 image.
const PIXEL_PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="

const server = await serve({ keys: ["release-check-key"], timeScale: 1000 })
try {
  const client = createClient({ apiKey: "release-check-key", baseUrl: server.url })
  try {
    const token = await client.solve(
      ReCaptchaV2TaskProxyLess({
        websiteURL: "https://example.com/emulator-instant",
        websiteKey: "6Le-release-check-emulator-instant",
      }),
    )
    assert.equal(typeof token.taskId, "string")
    assert.ok(token.solution.gRecaptchaResponse.length > 0, "token solution has gRecaptchaResponse")

    const image = await client.solve(ImageToTextTask({ body: PIXEL_PNG }))
    assert.equal(typeof image.taskId, "string")
    assert.equal(typeof image.solution.text, "string")

    const balance = await client.getBalance()
    assert.equal(typeof balance.balance, "number")
    console.log(
      `node: token task ${token.taskId}, recognition "${image.solution.text}", balance ${balance.balance}`,
    )
  } finally {
    await client.dispose()
  }
} finally {
  await server.close()
}
