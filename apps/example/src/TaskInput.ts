/**
 * Turns what the user typed into a task request: flags (`--type --website-url --website-key --field k=v
 * --image file`) or a JSON file (`--task file.json`), both as a plain CapSolver-style `{ type, ...fields }`
 * object checked by the SDK's catalogue before anything is sent. Problems come back as one-line usage
 * failures naming the field.
 */
import { readFileSync } from "node:fs"
import { type AnyTaskRequest, Catalogue, Task } from "@solvekit/node"
import { CliFailure } from "./CliFailure.ts"
import { ExitCode } from "./ExitCode.ts"

export interface TaskFlags {
  readonly type: string | undefined
  readonly websiteUrl: string | undefined
  readonly websiteKey: string | undefined
  readonly fields: Readonly<Record<string, string>>
  readonly image: string | undefined
}

const usage = (what: string, todo: string) => new CliFailure({ exitCode: ExitCode.Usage, what, todo })

/** `--field minScore=0.7` sends a number, `--field isInvisible=true` a boolean, anything else a string. */
export const fieldValue = (text: string): unknown => {
  if (/^(true|false|null|-?\d+(\.\d+)?([eE][+-]?\d+)?)$/.test(text) || /^[[{"]/.test(text)) {
    try {
      return JSON.parse(text)
    } catch {
      return text
    }
  }
  return text
}

const readText = (path: string, what: string): string => {
  try {
    return readFileSync(path === "-" ? 0 : path, "utf8")
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw usage(
      `cannot read ${what} ${path}${code === undefined ? "" : ` (${code})`}`,
      "check the path and its permissions",
    )
  }
}

/** The plain task object the flags describe. */
export const objectFromFlags = (flags: TaskFlags): Record<string, unknown> => {
  if (flags.type === undefined) {
    throw usage("no task given", "pass --type (with its fields) or --task file.json; see 'solve --help'")
  }
  const task: Record<string, unknown> = { type: flags.type }
  if (flags.websiteUrl !== undefined) task.websiteURL = flags.websiteUrl
  if (flags.websiteKey !== undefined) task.websiteKey = flags.websiteKey
  if (flags.image !== undefined) {
    let bytes: Buffer
    try {
      bytes = readFileSync(flags.image)
    } catch (error) {
      throw usage(
        `cannot read --image ${flags.image} (${(error as NodeJS.ErrnoException).code ?? "error"})`,
        "check the path",
      )
    }
    task.body = bytes.toString("base64")
  }
  for (const [name, value] of Object.entries(flags.fields)) task[name] = fieldValue(value)
  return task
}

/** The plain task object in a JSON file (`-` reads stdin). */
export const objectFromFile = (path: string): unknown => {
  const text = readText(path, "task file")
  try {
    return JSON.parse(text)
  } catch (error) {
    throw usage(
      `${path} is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
      'the file must hold one task object such as {"type":"ReCaptchaV2TaskProxyLess","websiteURL":…}',
    )
  }
}

// The catalogue's issues point SDK users at Task.raw; on the command line the equivalent is --raw.
const TASK_RAW_NOTE = /\s*\((?:Task\.raw)[^)]*\)/

export interface ParseOptions {
  /** Prefix for messages, e.g. "line 3: ". */
  readonly where?: string
  /** Send the object as given (no catalogue checks): for types or fields the catalogue does not know. */
  readonly raw?: boolean
  /** How to send unchecked input from where the task came from ("pass --raw"); omitted when unavailable. */
  readonly rawHint?: string
}

type Parsed =
  | { readonly _tag: "Ok"; readonly task: AnyTaskRequest }
  | { readonly _tag: "Invalid"; readonly failure: CliFailure }

/** Checks a plain object against the catalogue (or wraps it unchecked with `raw`). */
export const parseTask = (object: unknown, options: ParseOptions = {}): Parsed => {
  const where = options.where ?? ""
  if (options.raw === true) {
    const record =
      typeof object === "object" && object !== null && !Array.isArray(object) ? object : undefined
    const type = record === undefined ? undefined : (record as { type?: unknown }).type
    if (record === undefined || typeof type !== "string" || type.trim() === "") {
      return { _tag: "Invalid", failure: usage(`${where}a raw task needs a type`, "give the task's type") }
    }
    const { type: _type, ...payload } = record as Record<string, unknown>
    return { _tag: "Ok", task: Task.raw(type, payload) }
  }
  const parsed = Catalogue.parse(object)
  if (parsed._tag === "Success") return { _tag: "Ok", task: parsed.success }
  const issue = parsed.failure
  const mentionsRaw = TASK_RAW_NOTE.test(issue.message)
  const message = issue.message.replace(TASK_RAW_NOTE, "")
  const subject = issue.field === "" ? "the task" : issue.field
  const type = issue.taskType === "" ? "task" : `${issue.taskType} task`
  const fix = issue.field === "" || issue.field === "type" ? "fix the task" : `fix ${issue.field}`
  const raw =
    mentionsRaw && options.rawHint !== undefined ? ` (or ${options.rawHint} to send it unchecked)` : ""
  return {
    _tag: "Invalid",
    failure: usage(`${where}invalid ${type}: ${subject} ${message}`, `${fix}${raw} and run again`),
  }
}
