import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { afterEach, describe, expect, it } from "vitest"
import { parseCliArgs } from "../src/CliArgs.ts"

const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url))
const children: Array<ChildProcess> = []

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGTERM")
})

/** Starts the built CLI and resolves with its first stdout line. */
const start = (args: ReadonlyArray<string>) =>
  new Promise<{ child: ChildProcess; firstLine: string; output: () => string }>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"] })
    children.push(child)
    let stdout = ""
    child.stdout!.setEncoding("utf8")
    child.stdout!.on("data", (chunk: string) => {
      stdout += chunk
      const newline = stdout.indexOf("\n")
      if (newline >= 0) resolve({ child, firstLine: stdout.slice(0, newline), output: () => stdout })
    })
    child.once("error", reject)
    child.once("exit", (code) => reject(new Error(`CLI exited with ${code} before printing: ${stdout}`)))
  })

describe("solvekit-emulator CLI", () => {
  it("starts on --port 0, prints its URL, serves requests, and never prints the keys", async () => {
    const { child, firstLine, output } = await start([
      "--port",
      "0",
      "--seed",
      "3",
      "--key",
      "cli-secret-key",
    ])
    const url = /http:\/\/127\.0\.0\.1:\d+/.exec(firstLine)?.[0]
    expect(url).toBeDefined()
    const reply = await fetch(`${url}/getBalance`, {
      method: "POST",
      body: JSON.stringify({ clientKey: "cli-secret-key" }),
    })
    expect(await reply.json()).toMatchObject({ errorId: 0, balance: 1000 })
    const stopped = new Promise<number | null>((resolve) => child.once("exit", resolve))
    child.kill("SIGTERM")
    expect(await stopped).toBe(0)
    expect(output()).not.toContain("cli-secret-key")
  })

  it("applies its flags: time scale, faults and solve time", async () => {
    const { firstLine } = await start([
      "--port",
      "0",
      "--time-scale",
      "1000",
      "--solve-time",
      "fixed:0",
      "--fault",
      "serviceUnavailable=1",
      "--fault-endpoints",
      "getBalance",
      "--quiet",
    ])
    const url = /http:\/\/\S+/.exec(firstLine)?.[0]
    const balance = await fetch(`${url}/getBalance`, {
      method: "POST",
      body: JSON.stringify({ clientKey: "test-key" }),
    })
    expect(await balance.json()).toMatchObject({ errorCode: "ERROR_SERVICE_UNAVALIABLE" })
  })

  it("parses every flag into serve() options", () => {
    const { options, quiet, help } = parseCliArgs([
      "--port=8080",
      "--host=0.0.0.0",
      "--seed=abc",
      "--time-scale=10",
      "--key=a",
      "--key=b",
      "--zero-balance-key=z",
      "--balance=5",
      "--price=0.002",
      "--solve-time=lognormal:8:0.5",
      "--unsolvable-rate=0.1",
      "--fault=serverError=0.01",
      "--fault=dropAfterCreate=0.02",
      "--fault-endpoints=createTask,getTaskResult",
      "--slow-ms=100",
      "--retry-after=3",
      "--key-block=10:30:60",
      "--max-queries=50",
      "--ttl=120",
      "--task-timeout=90",
      "--quiet",
    ])
    expect(quiet).toBe(true)
    expect(help).toBe(false)
    expect(options).toMatchObject({
      port: 8080,
      host: "0.0.0.0",
      seed: "abc",
      timeScale: 10,
      keys: ["a", "b"],
      zeroBalanceKeys: ["z"],
      balance: 5,
      pricePerTask: 0.002,
      solveTime: { kind: "lognormal", medianSeconds: 8, sigma: 0.5 },
      unsolvableRate: 0.1,
      faults: { serverError: 0.01, dropAfterCreate: 0.02, endpoints: ["createTask", "getTaskResult"] },
      slowMs: 100,
      retryAfterSeconds: 3,
      keyBlock: { errors: 10, windowSeconds: 30, blockSeconds: 60 },
      maxQueriesPerTask: 50,
      taskTtlSeconds: 120,
      taskTimeoutSeconds: 90,
    })
    expect(parseCliArgs(["--seed", "12"]).options.seed).toBe(12)
  })

  it("rejects malformed flags with a message naming them", () => {
    expect(() => parseCliArgs(["--port", "abc"])).toThrow("--port")
    expect(() => parseCliArgs(["--solve-time", "gaussian:1"])).toThrow("--solve-time")
    expect(() => parseCliArgs(["--fault", "meteor=1"])).toThrow("meteor")
    expect(() => parseCliArgs(["--fault-endpoints", "nowhere"])).toThrow("nowhere")
    expect(() => parseCliArgs(["--unknown-flag"])).toThrow()
  })

  it("exits with status 2 and the usage on a bad flag", async () => {
    const child = spawn(process.execPath, [cli, "--port", "x"], { stdio: ["ignore", "pipe", "pipe"] })
    let stderr = ""
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk
    })
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve))
    expect(code).toBe(2)
    expect(stderr).toContain("Usage: solvekit-emulator")
  })

  it("speaks the provider named by --provider and says which in its banner", async () => {
    const { firstLine, output } = await start(["--port", "0", "--provider", "capmonster"])
    const url = /http:\/\/\S+/.exec(firstLine)?.[0]
    const reply = await fetch(`${url}/createTask`, {
      method: "POST",
      body: JSON.stringify({ clientKey: "wrong", task: { type: "RecaptchaV2Task" } }),
    })
    expect(reply.status).toBe(200)
    expect(await reply.json()).toMatchObject({ errorId: 1, errorCode: "ERROR_KEY_DOES_NOT_EXIST", taskId: 0 })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(output()).toContain("provider=capmonster")
  })

  it("answers with the code --force-error names", async () => {
    const { firstLine } = await start([
      "--port",
      "0",
      "--provider",
      "2captcha",
      "--force-error",
      "getBalance=ERROR_IP_BLOCKED",
      "--quiet",
    ])
    const url = /http:\/\/\S+/.exec(firstLine)?.[0]
    const reply = await fetch(`${url}/getBalance`, {
      method: "POST",
      body: JSON.stringify({ clientKey: "test-key" }),
    })
    expect(await reply.json()).toMatchObject({ errorId: 21, errorCode: "ERROR_IP_BLOCKED" })
  })

  it("parses --provider and --force-error", () => {
    const { options } = parseCliArgs([
      "--provider=anticaptcha",
      "--force-error=createTask=ERROR_ZERO_BALANCE",
      "--force-error",
      "reportIncorrectRecaptcha=ERROR_NO_SUCH_CAPCHA_ID",
    ])
    expect(options.provider).toBe("anticaptcha")
    expect(options.forceError).toEqual({
      createTask: "ERROR_ZERO_BALANCE",
      reportIncorrectRecaptcha: "ERROR_NO_SUCH_CAPCHA_ID",
    })
    expect(parseCliArgs([]).options.provider).toBeUndefined()
    expect(() => parseCliArgs(["--provider", "deathbycaptcha"])).toThrow("--provider")
    expect(() => parseCliArgs(["--force-error", "createTask"])).toThrow("--force-error")
    expect(() => parseCliArgs(["--force-error", "teleport=ERROR_ZERO_BALANCE"])).toThrow("teleport")
  })

  it("exits with status 2 when --force-error names a code the provider does not document", async () => {
    const child = spawn(
      process.execPath,
      [cli, "--provider", "capmonster", "--force-error", "createTask=ERROR_RATE_LIMIT"],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    )
    let stderr = ""
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk
    })
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve))
    expect(code).toBe(2)
    expect(stderr).toContain("ERROR_RATE_LIMIT")
  })
})
