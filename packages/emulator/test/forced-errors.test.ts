import { describe, expect, it } from "vitest"
import { dialectNames } from "../src/DialectName.ts"
import { dialectOf, errorCodesOf } from "../src/dialects/index.ts"
import { createEmulator } from "../src/Emulator.ts"
import { inProcess, key, tasksFor } from "./helpers.ts"

/** The HTTP status each dialect sends an error with: CapSolver 401 for a bad key and 400 otherwise. */
const statusOf = (provider: (typeof dialectNames)[number], code: string): number =>
  provider !== "capsolver" ? 200 : code === "ERROR_KEY_DENIED_ACCESS" ? 401 : 400

describe.each(dialectNames)("forced errors in the %s dialect", (provider) => {
  const codes = errorCodesOf(provider)

  it("documents each code once, with an errorId above zero", () => {
    expect(codes.length).toBeGreaterThan(10)
    expect(new Set(codes.map((row) => row.code)).size).toBe(codes.length)
    for (const row of codes) expect(row.errorId).toBeGreaterThan(0)
  })

  it("sends, of its own accord, only codes it documents", () => {
    const documented = new Set(codes.map((row) => row.code))
    const dialect = dialectOf(provider)
    for (const [condition, code] of Object.entries(dialect.codes)) {
      expect({ condition, documented: documented.has(code) }).toEqual({ condition, documented: true })
    }
    expect(documented.has(dialect.reports.refusedCode)).toBe(true)
  })

  it("answers createTask with every documented code in the dialect's envelope, creating nothing", async () => {
    for (const { code, errorId, description } of codes) {
      const { post, emulator } = inProcess({ provider, forceError: { createTask: code } })
      const reply = await post("createTask", { clientKey: key, task: tasksFor[provider].token })
      expect({ code, status: reply.status }).toEqual({ code, status: statusOf(provider, code) })
      expect(reply.body).toEqual({
        errorId,
        errorCode: code,
        errorDescription: description,
        ...(provider === "capmonster" ? { taskId: 0 } : {}),
      })
      expect(emulator.audit().tasks.created).toBe(0)
      expect(emulator.audit().requests.byErrorCode[code]).toBe(1)
    }
  })

  it("answers getTaskResult with every documented code while the other endpoints work", async () => {
    for (const { code, errorId } of codes) {
      const { post } = inProcess({ provider, forceError: { getTaskResult: code } })
      const created = await post("createTask", { clientKey: key, task: tasksFor[provider].token })
      expect(created.body.errorId).toBe(0)
      const reply = await post("getTaskResult", { clientKey: key, taskId: created.body.taskId })
      expect(reply.body).toMatchObject({ errorId, errorCode: code })
      expect(reply.body.taskId).toBeUndefined()
    }
  })

  it("refuses a code the provider does not document, naming it", () => {
    expect(() => createEmulator({ provider, forceError: { getBalance: "ERROR_MADE_UP" } })).toThrow(
      "ERROR_MADE_UP",
    )
  })
})

describe("forced errors and endpoints", () => {
  it("refuses an endpoint the provider does not have", () => {
    expect(() =>
      createEmulator({ provider: "capmonster", forceError: { getToken: "ERROR_ZERO_BALANCE" } }),
    ).toThrow("getToken")
  })

  it("applies to the endpoint named only", async () => {
    const { post } = inProcess({ provider: "2captcha", forceError: { getBalance: "ERROR_IP_BLOCKED" } })
    expect((await post("getBalance", { clientKey: key })).body).toMatchObject({
      errorId: 21,
      errorCode: "ERROR_IP_BLOCKED",
    })
    expect(
      (await post("createTask", { clientKey: key, task: tasksFor["2captcha"].token })).body.errorId,
    ).toBe(0)
  })

  it("numbers 2Captcha's and Anti-Captcha's codes as their tables do", () => {
    const idOf = (provider: "2captcha" | "anticaptcha", code: string) =>
      errorCodesOf(provider).find((row) => row.code === code)?.errorId
    expect(idOf("2captcha", "ERROR_BAD_PARAMETERS")).toBe(110)
    expect(idOf("2captcha", "ERROR_BAD_PROXY")).toBe(130)
    expect(idOf("2captcha", "ERROR_ACCOUNT_SUSPENDED")).toBe(55)
    expect(idOf("anticaptcha", "ERROR_INCORRECT_SESSION_DATA")).toBe(24)
    expect(idOf("anticaptcha", "ERROR_PROXY_NOT_AUTHORISED")).toBe(49)
    expect(idOf("anticaptcha", "ERROR_FAILED_LOADING_WIDGET")).toBe(52)
    for (const row of errorCodesOf("capmonster")) expect(row.errorId).toBe(1)
  })
})
