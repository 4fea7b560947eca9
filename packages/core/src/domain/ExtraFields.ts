/**
 * Extra provider fields on a catalogue task (`Task.extend`, issue 15): providers add fields faster than
 * solvekit releases, so a definition can take more fields, validated like its own, and send them in the
 * provider's spelling after the provider's mapping of the catalogue fields.
 *
 * This module holds what both sides need without importing either: how a field is described (a Schema, or a
 * plain name such as `"string"` or `"number?"` for users who do not write Schemas), how the wire task remembers
 * which of its fields are extra (a symbol key, which JSON never sends), and how the extra fields join the
 * provider's form of the task: added, never replacing a field the mapping produced.
 *
 * @since 0.4.0
 */
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"

// ---------------------------------------------------------------------------------------------------------
// Describing extra fields
// ---------------------------------------------------------------------------------------------------------

/** The plain names a field can be given with, instead of a Schema; a trailing `?` makes the field optional. */
export type ExtraFieldTypeName = "string" | "number" | "boolean" | "object" | "array"

/**
 * One extra field: a Schema (`Schema.String`, `Schema.optionalKey(Schema.Number)`, any codec), a plain name
 * (`"string"`, `"boolean?"`), or an object of further fields (`{ datadomeCookie: "string" }`).
 */
export type ExtraFieldSpec =
  | Schema.Top
  | ExtraFieldTypeName
  | `${ExtraFieldTypeName}?`
  | { readonly [field: string]: ExtraFieldSpec }

/** Extra fields by name. */
export type ExtraFieldSpecs = { readonly [field: string]: ExtraFieldSpec }

interface NamedSchemas {
  readonly string: Schema.String
  readonly number: Schema.Number
  readonly boolean: Schema.Boolean
  readonly object: Schema.$Record<Schema.String, Schema.Unknown>
  readonly array: Schema.$Array<Schema.Unknown>
}

/** The Schema a spec stands for (type level). */
export type SchemaOfSpec<S> = S extends Schema.Top
  ? S
  : S extends `${infer Name extends keyof NamedSchemas}?`
    ? Schema.optionalKey<NamedSchemas[Name]>
    : S extends keyof NamedSchemas
      ? NamedSchemas[S]
      : S extends ExtraFieldSpecs
        ? Schema.Struct<{ readonly [K in keyof S]: SchemaOfSpec<S[K]> }>
        : never

/** The struct fields a set of specs stands for (type level). */
export type FieldsOfSpecs<E extends ExtraFieldSpecs> = { readonly [K in keyof E]: SchemaOfSpec<E[K]> }

/** The input type of the extra fields. */
export type ExtraInput<E extends ExtraFieldSpecs> = Schema.Struct.Type<FieldsOfSpecs<E>>

// Pure: only `Task.extend` reads these, and a page that extends no task drops them.
const namedSchemas: Readonly<Record<ExtraFieldTypeName, Schema.Top>> = {
  string: Schema.String,
  number: /*#__PURE__*/ Schema.Number.check(
    /*#__PURE__*/ Schema.makeFilter((n: number) => Number.isFinite(n), {
      message: "must be a finite number",
    }),
  ),
  boolean: Schema.Boolean,
  object: /*#__PURE__*/ Schema.Record(Schema.String, Schema.Unknown),
  array: /*#__PURE__*/ Schema.Array(Schema.Unknown),
}

/** The Schema of one spec; a name the list does not hold is a `TypeError` (a programming error). */
const schemaOfSpec = (spec: ExtraFieldSpec, path: string): Schema.Top => {
  if (Schema.isSchema(spec)) return spec
  if (typeof spec === "string") {
    const optional = spec.endsWith("?")
    const name = (optional ? spec.slice(0, -1) : spec) as ExtraFieldTypeName
    const schema = Object.hasOwn(namedSchemas, name) ? namedSchemas[name] : undefined
    if (schema === undefined) {
      throw new TypeError(
        `Task.extend: ${path} is described as ${JSON.stringify(spec)}; use a Schema or one of "string", "number", "boolean", "object", "array" (with "?" for an optional field)`,
      )
    }
    return optional ? Schema.optionalKey(schema) : schema
  }
  if (typeof spec === "object" && spec !== null && !Array.isArray(spec)) {
    return Schema.Struct(fieldsOfSpecs(spec, `${path}.`))
  }
  throw new TypeError(
    `Task.extend: ${path} must be described by a Schema, a type name or an object of fields`,
  )
}

/** The struct fields of a set of specs (runtime). */
export const fieldsOfSpecs = (specs: ExtraFieldSpecs, prefix = ""): Schema.Struct.Fields =>
  Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [name, schemaOfSpec(spec, `${prefix}${name}`)]),
  )

// ---------------------------------------------------------------------------------------------------------
// The wire task's markers
// ---------------------------------------------------------------------------------------------------------

/**
 * Which fields of a validated wire task came through `Task.extend`. A symbol key: spreads keep it, JSON never
 * sends it. `Symbol.for`, so two copies of the package agree on it.
 */
export const EXTRA_FIELDS: unique symbol = Symbol.for("@solvekit/core/ExtraFields")

/**
 * Marks a wire task built by `Task.raw`: sent as given, so no provider maps its fields (only the proxy form a
 * provider needs is applied).
 */
export const RAW_TASK: unique symbol = Symbol.for("@solvekit/core/RawTask")

type Wire = { readonly type: string; readonly [field: string]: unknown }

/** Why the extra fields cannot join the provider's form: the field and a reason (never its value). */
export interface ExtraFieldIssue {
  readonly field: string
  readonly message: string
}

const isPlainObject = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/** Whether a wire task was built by `Task.raw`. */
export const isRawTask = (task: object): boolean =>
  (task as { readonly [RAW_TASK]?: unknown })[RAW_TASK] === true

/** The wire task without the markers (its string keys only), as it goes on the wire. */
export const withoutMarkers = <T extends Wire>(task: T): T => Object.fromEntries(Object.entries(task)) as T

/** Marks a wire task as built by `Task.raw`. */
export const markRaw = <T extends Wire>(task: T): T => ({ ...task, [RAW_TASK]: true })

/** Marks which fields of a wire task are extra. */
export const markExtraFields = <T extends Wire>(task: T, names: ReadonlyArray<string>): T =>
  names.length === 0 ? task : { ...task, [EXTRA_FIELDS]: [...names] }

/** The names of a wire task's extra fields. */
export const extraFieldNamesOf = (task: object): ReadonlyArray<string> => {
  const names = (task as { readonly [EXTRA_FIELDS]?: unknown })[EXTRA_FIELDS]
  return Array.isArray(names) ? names.filter((name): name is string => typeof name === "string") : []
}

/** The wire task without its extra fields (and without either marker), and the extra fields apart. */
export const splitExtraFields = <T extends Wire>(
  task: T,
): { readonly base: T; readonly extras: Readonly<Record<string, unknown>> } => {
  const names = extraFieldNamesOf(task)
  const base: Record<string, unknown> = {}
  const extras: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(task)) {
    if (names.includes(key)) extras[key] = value
    else base[key] = value
  }
  return { base: base as T, extras }
}

const replaces = (provider: string, field: string): ExtraFieldIssue => ({
  field,
  message: `is an extra field, but ${provider}'s form of this task already sets it from the catalogue's fields: extra fields add fields, they never replace one`,
})

/**
 * The provider's form of the task with the extra fields added as given. An extra field the form already has is
 * refused, except that two objects join (an extra `metadata: { datadomeCookie }` beside the mapped
 * `metadata: { captchaUrl }`), each of their keys once.
 */
export const mergeExtraFields = <T extends Wire>(
  provider: string,
  mapped: T,
  extras: Readonly<Record<string, unknown>>,
): Result.Result<T, ExtraFieldIssue> => {
  const out: Record<string, unknown> = { ...mapped }
  for (const [key, value] of Object.entries(extras)) {
    if (!Object.hasOwn(out, key)) {
      out[key] = value
      continue
    }
    const present = out[key]
    if (!isPlainObject(present) || !isPlainObject(value)) return Result.fail(replaces(provider, key))
    const inner = Object.keys(value).find((name) => Object.hasOwn(present, name))
    if (inner !== undefined) return Result.fail(replaces(provider, `${key}.${inner}`))
    out[key] = { ...present, ...value }
  }
  return Result.succeed(out as T)
}
