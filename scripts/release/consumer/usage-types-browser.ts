// Type-checked with moduleResolution bundler and the DOM library only (no Node types): what a web app's
// build sees of @solvekit/browser.
import { createClient, ReCaptchaV2TaskProxyLess, type SolveKitClient } from "@solvekit/browser"

export async function solveThroughRelay(signal: AbortSignal): Promise<string> {
  const client: SolveKitClient = createClient({ relayUrl: "/captcha" })
  const { solution } = await client.solve(
    ReCaptchaV2TaskProxyLess({ websiteURL: location.href, websiteKey: "site-key" }),
    { signal },
  )
  return solution.gRecaptchaResponse
}

// @ts-expect-error relay mode sends no key: apiKey and relayUrl exclude each other
createClient({ relayUrl: "/captcha", apiKey: "key" })
