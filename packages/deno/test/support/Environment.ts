/** Test helpers around `Deno.env` and synchronous throws, shared by the configuration tests. */
import * as assert from "node:assert/strict"

/** The error `run` throws; fails the test when it does not throw. */
export const thrown = (run: () => unknown): unknown => {
  try {
    run()
  } catch (error) {
    return error
  }
  throw new assert.AssertionError({ message: "expected a throw" })
}

/** Sets the variables for the duration of `body`, then restores what was there. */
export const withEnv = async (values: Record<string, string | undefined>, body: () => Promise<void>) => {
  const previous = Object.fromEntries(Object.keys(values).map((name) => [name, Deno.env.get(name)]))
  const apply = (entries: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(entries)) {
      if (value === undefined) Deno.env.delete(name)
      else Deno.env.set(name, value)
    }
  }
  apply(values)
  try {
    await body()
  } finally {
    apply(previous)
  }
}
