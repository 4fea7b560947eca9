import { describe, expect, it } from "vitest"
import { start } from "./run.ts"

describe("emulator", () => {
  it("serves the emulator until Ctrl-C", async () => {
    const server = start(["emulator", "--port", "0", "--time-scale", "60", "--key", "demo-key"])
    const [, url] = await server.waitFor("stdout", /listening on (http:\/\/127\.0\.0\.1:\d+)/)
    const response = await fetch(`${url}/getBalance`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ clientKey: "demo-key" }),
    })
    expect(await response.json()).toMatchObject({ errorId: 0, balance: expect.any(Number) })
    server.child.kill("SIGINT")
    const result = await server.finished
    expect(result.code).toBe(130)
    expect(result.stdout).toMatch(/^stopped after 1 request/m)
  })
})
