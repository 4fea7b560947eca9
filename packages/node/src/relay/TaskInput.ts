/**
 * The task a relay forwards is built from what it checked, never passed through. The browser's task is decoded
 * with the definition of its allowed type (core's strict input schema: an unknown key is an error, values are
 * checked and normalised), then encoded again, so the provider receives exactly the fields that were checked,
 * in the form that was checked, under the provider's own type name and in its own wire form (`adaptTask`).
 * Keys a lenient decoder might read as a known one (`Type`, `WebsiteURL`, `webſiteURL`: Go binds the last
 * case-insensitive match, Java's `equalsIgnoreCase` folds `ſ` to `s`) are refused, never forwarded.
 *
 * @since 0.2.0
 */
import { type AnyTaskDefinition, Catalogue, ConfigurationError, type Provider, Task } from "@solvekit/core"
import { inputFieldNames } from "@solvekit/core/internal"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { echoed } from "./Echo.ts"
import { InvalidTaskRefusal, type Refusal } from "./Responses.ts"

/** An allow-list entry: a type name, or a task definition (the catalogue's, or one of the owner's own). */
export type TypeEntry = string | { readonly type: string }

/** A definition the relay decodes with, and the encoder of its input. */
export interface TaskInput {
  readonly definition: AnyTaskDefinition
  readonly encode: (input: unknown) => Result.Result<unknown, unknown>
}

/** The definitions one wire name admits, in the order they are tried: never none. */
export type Candidates = readonly [TaskInput, ...ReadonlyArray<TaskInput>]

/** The types a browser may send, by lower-cased wire name; where two allowed types share one, both. */
export type TypeTable = ReadonlyMap<string, Candidates>

/** A decoded task: its definition, and its encoded, validated fields (without `type`). */
export interface DecodedTask {
  readonly definition: AnyTaskDefinition
  readonly fields: Readonly<Record<string, unknown>>
}

const isDefinition = (entry: TypeEntry): entry is AnyTaskDefinition =>
  typeof entry === "function" &&
  typeof (entry as Partial<AnyTaskDefinition>).validateInput === "function" &&
  (entry as Partial<AnyTaskDefinition>).inputSchema !== undefined

const entryName = (entry: TypeEntry): string => (typeof entry === "string" ? entry : entry.type)

/** The catalogue definitions a name means: the type it names, else the types the provider calls that name. */
const catalogueDefinitions = (
  name: string,
  provider: Provider.Provider,
): ReadonlyArray<AnyTaskDefinition> => {
  const wanted = name.trim().toLowerCase()
  const byName = Catalogue.all.filter((definition) => definition.type.toLowerCase() === wanted)
  if (byName.length > 0) return byName
  return Catalogue.all.filter((definition) => provider.taskTypeName(definition.type).toLowerCase() === wanted)
}

/**
 * The definitions an `allowTaskTypes` entry admits. A type the relay cannot check is refused at start rather
 * than forwarded with keys nobody checked: a name the catalogue does not know, and `Task.raw`'s definitions,
 * which accept anything. A type the catalogue lacks is allowed through a definition of the owner's own.
 */
const allowedDefinitions = (
  entry: TypeEntry,
  provider: Provider.Provider,
): ReadonlyArray<AnyTaskDefinition> => {
  if (isDefinition(entry)) {
    if (entry.proxy !== "unchecked") return [entry]
    throw new ConfigurationError({
      detail: `allowTaskTypes: ${entry.type} is a Task.raw definition, which checks no field; the relay forwards only what it checks. Build a definition for it with Task.define.`,
    })
  }
  const definitions = catalogueDefinitions(entryName(entry), provider)
  if (definitions.length > 0) return definitions
  throw new ConfigurationError({
    detail: `allowTaskTypes: ${JSON.stringify(entryName(entry))} is not a task type of the catalogue (nor ${provider.name}'s name for one); the relay forwards only tasks it can check. For a type the catalogue lacks, pass a definition built with Task.define.`,
  })
}

// Encoders compiled once per schema (a definition's schema lives as long as the definition).
const encoders = new WeakMap<object, TaskInput["encode"]>()

const inputOf = (definition: AnyTaskDefinition): TaskInput => {
  const schema = definition.inputSchema
  let encode = encoders.get(schema)
  if (encode === undefined) {
    encode = Schema.encodeUnknownResult(schema as Schema.Codec<unknown, unknown>)
    encoders.set(schema, encode)
  }
  return { definition, encode }
}

/**
 * The wire names browsers may send, lower-cased: each allowed type's catalogue name, then the provider's name
 * for it. A task named as a type's catalogue name is tried with that type first.
 */
export const typeTable = (entries: ReadonlyArray<TypeEntry>, provider: Provider.Provider): TypeTable => {
  const definitions = entries.flatMap((entry) => allowedDefinitions(entry, provider))
  const table = new Map<string, Candidates>()
  const add = (name: string, definition: AnyTaskDefinition) => {
    const inputs = table.get(name.toLowerCase())
    if (inputs?.some((input) => input.definition === definition)) return
    table.set(
      name.toLowerCase(),
      inputs === undefined ? [inputOf(definition)] : [...inputs, inputOf(definition)],
    )
  }
  for (const definition of definitions) add(definition.type, definition)
  for (const definition of definitions) add(provider.taskTypeName(definition.type), definition)
  return table
}

/**
 * The lower-cased catalogue names a `tasksWithoutWebsite` list names (a name the catalogue does not know
 * stands for itself: it can only ever exempt a type of that name).
 */
export const typeNames = (
  entries: ReadonlyArray<TypeEntry>,
  provider: Provider.Provider,
): ReadonlySet<string> =>
  new Set(
    entries.flatMap((entry) => {
      if (isDefinition(entry)) return [entry.type.toLowerCase()]
      const definitions = catalogueDefinitions(entryName(entry), provider)
      const names =
        definitions.length > 0 ? definitions.map((definition) => definition.type) : [entryName(entry)]
      return names.map((name) => name.toLowerCase())
    }),
  )

// ---------------------------------------------------------------------------------------------------------
// Decoding

const MAX_SHOWN_NAME = 64
const MAX_SHOWN_ISSUES = 5

/**
 * A field name as a refusal shows it. It is the browser's text, so it is cut short, and everything outside
 * printable ASCII is escaped: a look-alike shows as `web\u017fiteURL`, not as a `websiteURL` it is not.
 */
const shown = (name: string): string => {
  const cut = name.length > MAX_SHOWN_NAME ? `${name.slice(0, MAX_SHOWN_NAME)}...` : name
  const escaped = cut.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
  return `"${escaped.replace(/"/g, '\\"')}"`
}

interface FieldProblem {
  readonly field: string
  readonly message: string
}

/**
 * A 400 naming the fields, never their values (core's messages never quote a value either). The first problem
 * is kept apart too, for the solve endpoint's `InvalidTaskError` (its field name bounded like any echo).
 */
const invalidTask = (type: string, problems: ReadonlyArray<FieldProblem>): Refusal => {
  const listed = problems.slice(0, MAX_SHOWN_ISSUES).map((p) => `${shown(p.field)} ${p.message}`)
  const more = problems.length > MAX_SHOWN_ISSUES ? `; and ${problems.length - MAX_SHOWN_ISSUES} more` : ""
  const first = problems[0] ?? { field: "", message: "is not valid" }
  return new InvalidTaskRefusal(
    "ERROR_RELAY_INVALID_TASK",
    `The ${type} task cannot be forwarded: ${listed.join("; ")}${more}.`,
    type,
    echoed(first.field),
    first.message,
  )
}

/** What a case-insensitive or Unicode-folding key matcher would make of a key. */
const folded = (key: string): string => key.normalize("NFKC").toUpperCase().toLowerCase()

/**
 * The keys no candidate's schema knows. A key that folds to a known one gets its own words: it is the shape
 * of a smuggling attempt, and naming the field it imitates tells an honest sender what to fix.
 */
const unknownKeys = (inputs: Candidates, given: ReadonlyArray<string>): Array<FieldProblem> => {
  const known = new Set(["type", ...inputs.flatMap((input) => [...inputFieldNames(input.definition)])])
  const byFolding = new Map([...known].map((name) => [folded(name), name]))
  const type = inputs[0].definition.type
  return given.flatMap((key) => {
    if (known.has(key)) return []
    const imitated = byFolding.get(folded(key))
    const message =
      imitated === undefined
        ? `is not a field of ${type}`
        : `differs from the field ${imitated} only by case or Unicode folding; send ${imitated}`
    return [{ field: key, message }]
  })
}

/** One candidate's decoding: the encoded, validated fields, or the field issues. */
const decodeWith = (
  input: TaskInput,
  given: Record<string, unknown>,
): Result.Result<Record<string, unknown>, ReadonlyArray<FieldProblem>> => {
  const validated = Task.validate(input.definition(given))
  if (Result.isFailure(validated)) return Result.fail(validated.failure.issues)
  const { type: _type, ...decoded } = validated.success
  const encoded = input.encode(decoded)
  if (Result.isFailure(encoded) || typeof encoded.success !== "object" || encoded.success === null) {
    return Result.fail([{ field: "", message: "could not be encoded" }])
  }
  return Result.succeed(encoded.success as Record<string, unknown>)
}

/**
 * Decodes a browser's task with the definitions its type name admits, in order; the first that accepts it
 * wins. Unknown keys are refused before any decoding; when no definition accepts the task, the first one's
 * issues are the answer.
 */
export const decodeTask = (
  inputs: Candidates,
  task: Readonly<Record<string, unknown>>,
): DecodedTask | Refusal => {
  const first = inputs[0]
  const { type: _type, ...given } = task
  const unknown = unknownKeys(inputs, Object.keys(given))
  if (unknown.length > 0) return invalidTask(first.definition.type, unknown)
  let firstIssues: ReadonlyArray<FieldProblem> = []
  for (const input of inputs) {
    const decoded = decodeWith(input, given)
    if (Result.isSuccess(decoded)) return { definition: input.definition, fields: decoded.success }
    if (input === first) firstIssues = decoded.failure
  }
  return invalidTask(first.definition.type, firstIssues)
}

/**
 * The provider's form of a checked task: its name for the type, then its own wire form (`adaptTask`: the split
 * proxy fields, for example), as core's client sends it to that provider.
 */
export const providerTask = (
  provider: Provider.Provider,
  decoded: DecodedTask,
): Provider.WireTask | Refusal => {
  const named: Provider.WireTask = { type: provider.taskTypeName(decoded.definition.type), ...decoded.fields }
  if (provider.adaptTask === undefined) return named
  const adapted = provider.adaptTask(named)
  return Result.isSuccess(adapted) ? adapted.success : invalidTask(decoded.definition.type, [adapted.failure])
}
