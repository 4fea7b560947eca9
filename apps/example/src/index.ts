/**
 * The example app as a library, for embedding its commands elsewhere; `main.ts` is the executable.
 */
export { cli } from "./Cli.ts"
export { ExitCode } from "./ExitCode.ts"
