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

  it("serves the dialect --provider names: CapMonster Cloud's error codes, not CapSolver's", async () => {
    const server = start(["emulator", "--provider", "capmonster", "--port", "0", "--key", "demo-key"])
    const [, url] = await server.waitFor(
      "stdout",
      /CapMonster Cloud emulator listening on (http:\/\/127\.0\.0\.1:\d+)/,
    )
    const post = async (path: string, body: unknown) =>
      (await fetch(`${url}/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }).then((response) => response.json())) as Record<string, unknown>
    expect(await post("getBalance", { clientKey: "wrong-key" })).toMatchObject({
      errorId: 1,
      errorCode: "ERROR_KEY_DOES_NOT_EXIST",
    })
    expect(await post("getTaskResult", { clientKey: "demo-key", taskId: 7 })).toMatchObject({
      errorCode: "ERROR_NO_SUCH_CAPCHA_ID",
    })
    expect(server.stdout()).toContain("--provider capmonster --base-url")
    server.child.kill("SIGINT")
    expect((await server.finished).code).toBe(130)
  })
})
