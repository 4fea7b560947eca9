#!/usr/bin/env node
/** `solvekit-emulator`: starts the emulator on a port and prints its URL (never the keys). */
import process from "node:process"
import { parseCliArgs, usage } from "./CliArgs.ts"
import { serve } from "./node.ts"

const main = async (): Promise<void> => {
  let args: ReturnType<typeof parseCliArgs>
  try {
    args = parseCliArgs(process.argv.slice(2))
  } catch (error) {
    process.stderr.write(`solvekit-emulator: ${(error as Error).message}\n\n${usage}\n`)
    process.exitCode = 2
    return
  }
  if (args.help) {
    process.stdout.write(`${usage}\n`)
    return
  }
  let served: Awaited<ReturnType<typeof serve>>
  try {
    served = await serve(args.options)
  } catch (error) {
    // An option the emulator refuses (a code the provider does not document, ...) is a usage error too.
    if (!(error instanceof RangeError)) throw error
    process.stderr.write(`solvekit-emulator: ${error.message}\n\n${usage}\n`)
    process.exitCode = 2
    return
  }
  const { options } = args
  process.stdout.write(`solvekit-emulator listening on ${served.url}\n`)
  if (!args.quiet) {
    const keyCount = (options.keys?.length ?? 1) + (options.zeroBalanceKeys?.length ?? 0)
    process.stdout.write(
      `  provider=${options.provider ?? "capsolver"} seed=${String(options.seed ?? 1)}` +
        ` timeScale=${options.timeScale ?? 1} keys=${keyCount}` +
        ` audit=${served.url}/__emulator/audit\n`,
    )
  }
  const stop = (): void => {
    const summary = served.emulator.audit({ records: false })
    void served.close().then(() => {
      if (!args.quiet) {
        process.stderr.write(
          `solvekit-emulator stopped: ${summary.requests.total} requests, ${summary.tasks.created} tasks ` +
            `(${summary.tasks.ready} ready, ${summary.tasks.failed} failed, ${summary.tasks.neverCollected} never collected)\n`,
        )
      }
      process.exit(0)
    })
  }
  process.once("SIGINT", stop)
  process.once("SIGTERM", stop)
}

main().catch((error: unknown) => {
  process.stderr.write(`solvekit-emulator: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})
