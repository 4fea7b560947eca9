// Run by the npm `deno` binary in the throwaway project; @solvekit/deno resolves from node_modules
// (deno.json: nodeModulesDir "manual"). The release check starts the emulator and passes its URL.
import { createClient, ImageToTextTask, Policy, ReCaptchaV2TaskProxyLess } from "@solvekit/deno"

const baseUrl = Deno.env.get("SOLVEKIT_EMULATOR_URL")
if (baseUrl === undefined) throw new Error("SOLVEKIT_EMULATOR_URL is not set")

await using client = createClient({ apiKey: "release-check-key", baseUrl, policy: Policy.fixed("20 millis") })
const token = await client.solve(
  ReCaptchaV2TaskProxyLess({ websiteURL: "https://example.com/login", websiteKey: "emulator-instant" }),
)
const gRecaptchaResponse: string = token.solution.gRecaptchaResponse
if (gRecaptchaResponse.length === 0) throw new Error("empty token")
const image = await client.solve(ImageToTextTask({ body: "aGVsbG8=" }))
const { balance } = await client.getBalance()
if (typeof balance !== "number") throw new Error("balance is not a number")
console.log(`token task ${token.taskId} solved, image read as "${image.solution.text}", balance ${balance}`)
