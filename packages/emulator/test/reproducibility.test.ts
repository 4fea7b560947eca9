import { describe, expect, it } from "vitest"
import type { EmulatorOptions } from "../src/Options.ts"
import { inProcess, key, manualClock, recaptcha, served } from "./helpers.ts"

/** Runs a fixed script of requests and returns everything observable about it. */
const script = async (options: EmulatorOptions, overHttp = false) => {
  const clock = manualClock()
  const all = { ...options, now: clock.now }
  const { postText, emulator } = overHttp ? await served(all) : inProcess(all)
  const answers: Array<unknown> = []
  const ids: Array<string> = []
  for (let i = 0; i < 40; i++) {
    const reply = await postText("createTask", {
      clientKey: key,
      task: recaptcha({ websiteURL: `https://site/${i}` }),
    })
    answers.push(reply)
    const taskId = /"taskId":"([^"]+)"/.exec(reply.text)?.[1]
    if (taskId !== undefined) ids.push(taskId)
  }
  for (let step = 0; step < 8; step++) {
    clock.advance(4000)
    for (const taskId of ids) answers.push(await postText("getTaskResult", { clientKey: key, taskId }))
  }
  const summary = emulator.audit()
  return {
    answers,
    readyAt: summary.taskRecords.map((task) => task.readyAt),
    faults: summary.requests.byFault,
  }
}

const faulty: EmulatorOptions = {
  unsolvableRate: 0.2,
  faults: { serviceUnavailable: 0.1, rateLimited: 0.05, malformedJson: 0.05 },
}

describe("seeds", () => {
  it("the same seed reproduces ids, solve times, outcomes and fault decisions exactly", async () => {
    const first = await script({ ...faulty, seed: 42 })
    const second = await script({ ...faulty, seed: 42 })
    expect(second).toEqual(first)
    expect(first.faults.serviceUnavailable).toBeGreaterThan(0)
  })

  it("reproduces over real HTTP as it does in-process", async () => {
    expect(await script({ ...faulty, seed: "run-7" }, true)).toEqual(
      await script({ ...faulty, seed: "run-7" }),
    )
  })

  it("different seeds give different runs", async () => {
    const first = await script({ ...faulty, seed: 1 })
    const second = await script({ ...faulty, seed: 2 })
    expect(second.readyAt).not.toEqual(first.readyAt)
    expect(second.answers).not.toEqual(first.answers)
  })

  it("turning faults on does not shift solve times", async () => {
    const calm = await script({ seed: 5 })
    const stormy = await script({ seed: 5, faults: { serverError: 0.3 } })
    expect(stormy.readyAt.filter((ms) => ms !== undefined).slice(0, 5)).toEqual(
      calm.readyAt.filter((ms) => ms !== undefined).slice(0, 5),
    )
  })

  it("reset() replays the same run from the start", async () => {
    const clock = manualClock()
    const { post, emulator } = inProcess({ seed: 9, now: clock.now })
    const run = async () => {
      const ids: Array<unknown> = []
      for (let i = 0; i < 5; i++)
        ids.push((await post("createTask", { clientKey: key, task: recaptcha() })).body.taskId)
      return ids
    }
    const first = await run()
    emulator.reset()
    expect(emulator.audit().tasks.created).toBe(0)
    expect(await run()).toEqual(first)
  })
})
