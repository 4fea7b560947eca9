// Type-checked in the throwaway project with moduleResolution node16 and bundler: the public types of the
// packed packages must resolve and infer solutions without any path mapping.
import { type Emulator, supportedTaskTypes } from "@solvekit/emulator"
import { serve } from "@solvekit/emulator/node"
import {
  createClient,
  ImageToTextTask,
  isApiError,
  Policy,
  ReCaptchaV2TaskProxyLess,
  type SolveKitClient,
} from "@solvekit/node"

export async function solveOnce(): Promise<string> {
  const server = await serve({ keys: ["release-check-key"] })
  const emulator: Emulator = server.emulator
  const client: SolveKitClient = createClient({
    apiKey: "release-check-key",
    baseUrl: server.url,
    policy: Policy.fixed("20 millis"),
  })
  try {
    const solved = await client.solve(
      ReCaptchaV2TaskProxyLess({ websiteURL: "https://example.com", websiteKey: "site-key" }),
    )
    const taskId: string = solved.taskId
    // Solution types are inferred from the task definition.
    const token: string = solved.solution.gRecaptchaResponse
    const text: string | undefined = (await client.solve(ImageToTextTask({ body: "aGVsbG8=" }))).solution.text
    const balance: number = (await client.getBalance()).balance
    return `${taskId} ${token} ${text} ${balance} ${emulator.audit().taskRecords.length} ${supportedTaskTypes.length}`
  } catch (error) {
    if (isApiError(error)) return `${error.reason} ${error.errorCode}`
    throw error
  } finally {
    await client.dispose()
    await server.close()
  }
}

// @ts-expect-error a task input is checked: websiteKey is required
ReCaptchaV2TaskProxyLess({ websiteURL: "https://example.com" })

// @ts-expect-error internal modules are not part of the exports map
import("@solvekit/core/dist/index.js")
