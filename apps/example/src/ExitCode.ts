/**
 * The exit codes scripts can rely on. They are part of the CLI's interface: documented in --help and the
 * README, and asserted by the process tests.
 */
export const ExitCode = {
  /** Everything went as expected. */
  Ok: 0,
  /** Some tasks failed (unsolvable, timed out), or the demo did not behave as expected. */
  TasksFailed: 1,
  /** The command line or the task was invalid (unknown flag, missing field, bad JSON). Nothing was sent. */
  Usage: 2,
  /** Authentication, balance or configuration: bad or missing key, zero balance. Retrying will not help. */
  Account: 3,
  /** The provider or the network misbehaved (unreachable, rate limited, unreadable answers). Retry later. */
  Provider: 4,
  /** Interrupted by Ctrl-C (SIGINT). */
  Interrupted: 130,
} as const

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

/** The exit-code table as printed in --help (continuation lines indented like the help text). */
export const exitCodeHelp = [
  "Exit codes: 0 ok · 1 some tasks failed · 2 invalid usage or task (nothing sent)",
  "  · 3 key, balance or configuration · 4 provider or network trouble · 130 interrupted (Ctrl-C)",
].join("\n")
