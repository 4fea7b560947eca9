/**
 * Child process: serves an emulator on loopback so that the client under test has the parent's CPU to itself.
 * Options arrive as JSON in argv[2]; the URL is written to stdout as one JSON line. Exits when stdin closes.
 */
import { type EmulatorOptions, serve } from "@solvekit/emulator/node"

const options = JSON.parse(process.argv[2] ?? "{}") as EmulatorOptions
const served = await serve({ ...options, port: 0 })
process.stdout.write(`${JSON.stringify({ url: served.url })}\n`)
process.stdin.resume()
process.stdin.on("end", () => {
  void served.close().then(() => process.exit(0))
})
