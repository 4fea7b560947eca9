/** Child process: the overhead benchmark (see Overhead.ts). argv: <solves> <concurrency> <warmup>. */
import { runOverhead } from "../Overhead.ts"

const [solves = 10_000, concurrency = 32, warmup = 1_000] = process.argv.slice(2).map(Number)
const result = await runOverhead({ solves, concurrency, warmup })
process.stdout.write(`${JSON.stringify(result)}\n`)
