// Type-checked in the throwaway project with moduleResolution node16 and bundler: the public types of the
// packed packages must resolve and infer solutions without any path mapping.
import { serve } from "@solvekit/emulator"
import { createClient, ReCaptchaV2TaskProxyLess } from "@solvekit/node"

export async function solveOnce(): Promise<string> {
  const server = await serve({ keys: ["release-check-key"], timeScale: 1000 })
  const client = createClient({ apiKey: "release-check-key", baseUrl: server.url })
  try {
    const solved = await client.solve(
      ReCaptchaV2TaskProxyLess({ websiteURL: "https://example.com", websiteKey: "site-key" }),
    )
    const taskId: string = solved.taskId
    // The solution type is inferred from the task definition.
    const token: string = solved.solution.gRecaptchaResponse
    const balance: number = (await client.getBalance()).balance
    return `${taskId} ${token} ${balance}`
  } finally {
    await client.dispose()
    await server.close()
  }
}

// @ts-expect-error internal modules are not part of the exports map
import("@solvekit/core/dist/index.js")
