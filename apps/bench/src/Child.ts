/**
 * Runs a benchmark step in a fresh Node process: its heap starts empty (so earlier steps do not skew it), and
 * a crash (say, out of memory) fails that step instead of the whole run. The step writes its result as the
 * last line of stdout, in JSON.
 */
import { execFile } from "node:child_process"

export const runChild = <A>(
  script: string,
  args: ReadonlyArray<string>,
  options: { readonly nodeFlags?: ReadonlyArray<string>; readonly timeoutMs?: number } = {},
): Promise<A> =>
  new Promise((resolve, reject) => {
    const path = new URL(`./children/${script}`, import.meta.url).pathname
    execFile(
      process.execPath,
      [...(options.nodeFlags ?? []), path, ...args],
      { maxBuffer: 16 * 1024 * 1024, timeout: options.timeoutMs ?? 10 * 60_000 },
      (error, stdout, stderr) => {
        if (error !== null) {
          const tail = stderr.trim().split("\n").slice(-3).join(" / ")
          reject(
            new Error(
              `${script} failed (${error.code ?? error.signal ?? "error"}): ${tail || error.message}`,
            ),
          )
          return
        }
        try {
          resolve(JSON.parse(stdout.trim().split("\n").pop() ?? "") as A)
        } catch {
          reject(new Error(`${script} printed no result`))
        }
      },
    )
  })
