// Run by the npm `deno` binary in the throwaway project; @solvekit/deno resolves from node_modules
// (deno.json: nodeModulesDir "manual"). The release check starts the emulator and passes its URL.
import { createClient, ReCaptchaV2TaskProxyLess } from "@solvekit/deno"

const baseUrl = Deno.env.get("SOLVEKIT_EMULATOR_URL")
if (baseUrl === undefined) throw new Error("SOLVEKIT_EMULATOR_URL is not set")

const client = createClient({ apiKey: "release-check-key", baseUrl })
try {
  const solved = await client.solve(
    ReCaptchaV2TaskProxyLess({
      websiteURL: "https://example.com/emulator-instant",
      websiteKey: "6Le-release-check-emulator-instant",
    }),
  )
  const token: string = solved.solution.gRecaptchaResponse
  if (token.length === 0) throw new Error("empty token")
  console.log(`deno: token task ${solved.taskId}`)
} finally {
  await client.dispose()
}
