/**
 * Task definitions: callable constructors that carry the schemas of one CapSolver task type.
 *
 * `ReCaptchaV2TaskProxyLess({ websiteURL, websiteKey })` builds a {@link TaskRequest}; the client validates
 * it with {@link validate} before any request (so a bad field never costs a createTask call) and decodes
 * the provider's solution with {@link decodeSolution}, whose type is inferred from the definition.
 *
 * Both functions are synchronous and return `Result`, with plain issue objects: the lifecycle turns them
 * into `InvalidTaskError` / `DecodeError`.
 */
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"
import * as SchemaIssue from "effect/SchemaIssue"
import {
  type ExtraFieldSpecs,
  type ExtraInput,
  extraFieldNamesOf,
  fieldsOfSpecs,
  markExtraFields,
  markRaw,
} from "./ExtraFields.ts"
import {
  type ProxyFields,
  ProxyString,
  proxyCredentialsCheck,
  proxyFieldNames,
  proxyFields,
} from "./Proxy.ts"

/** `recognition` tasks are answered in the createTask response; `token` tasks are polled. */
export type TaskKind = "token" | "recognition"

/**
 * `required`: the task solves through the caller's proxy (either documented form).
 * `forbidden`: the task takes no proxy (ProxyLess and recognition types); a proxy field is an error.
 * `unchecked`: raw tasks, sent as given.
 */
export type ProxyPolicy = "required" | "forbidden" | "unchecked"

/** One problem with one field. `field` is a path like `metadata.action` or `images[2]`; `""` is the whole object. */
export interface FieldIssue {
  readonly field: string
  readonly message: string
}

/** Why a task cannot be sent. `field`/`message` repeat the first of `issues`. */
export interface TaskIssue extends FieldIssue {
  readonly taskType: string
  readonly issues: ReadonlyArray<FieldIssue>
}

/** Why a solution does not have the shape its task type promises. */
export interface SolutionIssue extends FieldIssue {
  readonly taskType: string
  readonly issues: ReadonlyArray<FieldIssue>
}

/** The `task` object of a createTask request. */
export type WireTask = { readonly type: string; readonly [field: string]: unknown }

export interface TaskDefinition<Type extends string, Input, Solution> {
  (input: Input): TaskRequest<Type, Input, Solution>
  /** The type string sent to the provider, in its documented casing. */
  readonly type: Type
  readonly kind: TaskKind
  readonly proxy: ProxyPolicy
  /** The task fields other than `type` (for a proxy task: a union of the two proxy forms). */
  readonly inputSchema: Schema.Codec<Input, unknown>
  /** Lenient: the known fields are typed, every other field of the provider's solution is kept. */
  readonly solutionSchema: Schema.Codec<Solution, unknown>
  /** Checks untyped input and returns the wire task; {@link validate} is the usual entry point. */
  readonly validateInput: (input: unknown) => Result.Result<WireTask, ReadonlyArray<FieldIssue>>
}

export interface TaskRequest<Type extends string, Input, Solution> {
  readonly type: Type
  readonly input: Input
  readonly definition: TaskDefinition<Type, Input, Solution>
}

// Input is invariant (it is both taken by the constructor and stored on the request), so "any task"
// needs `any` there; SolutionOf still recovers the exact solution type from a concrete request.
export type AnyTaskDefinition = TaskDefinition<string, any, any>
export type AnyTaskRequest = TaskRequest<string, any, any>

/** The solution type of a request or of a definition. */
export type SolutionOf<R> = R extends {
  readonly definition: { readonly solutionSchema: { readonly Type: infer S } }
}
  ? S
  : R extends { readonly solutionSchema: { readonly Type: infer S } }
    ? S
    : never

/** The input type a definition's constructor takes. */
export type InputOf<D> = D extends { readonly inputSchema: { readonly Type: infer I } } ? I : never

type Simplify<A> = { [K in keyof A]: A[K] } & {}

/** A proxy task's input: its own fields plus exactly one of the two proxy forms. */
export type WithProxy<Base> = Simplify<Base & { readonly proxy: string }> | Simplify<Base & ProxyFields>

type InputFor<Policy extends ProxyPolicy, Base> = Policy extends "required" ? WithProxy<Base> : Base

/** A solution type: the known fields plus whatever else the provider returned. */
export type LenientSolution<Fields extends Schema.Struct.Fields> = Simplify<
  Schema.Struct.Type<Fields> & { readonly [field: string]: unknown }
>

const extraFields = [/*#__PURE__*/ Schema.Record(Schema.String, Schema.Unknown)] as const

// ---------------------------------------------------------------------------------------------------------
// Issue formatting: Effect's Standard Schema formatter flattens a schema issue into `{ path, message }`
// entries; the hooks below word the messages in plain words ("is required", "must be a string"). Input values
// are never quoted (they may hold proxy passwords or site tokens): the hooks never read them, and the decoders
// do not ask Effect to report input. A union that accepts no member of the value's shape gets Effect's own
// wording ("Expected ...") unless it carries a `message` annotation, as the catalogue's unions do.
// ---------------------------------------------------------------------------------------------------------

const formatPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>((out, key) => {
    if (typeof key === "number") return `${out}[${key}]`
    const name = String(key)
    return out === "" ? name : `${out}.${name}`
  }, "")

const describeAst = (ast: SchemaAST.AST): string => {
  const expected = ast.annotations?.expected
  if (typeof expected === "string") return expected
  switch (ast._tag) {
    case "String":
      return "a string"
    case "Number":
      return "a number"
    case "Boolean":
      return "true or false"
    case "Arrays":
      return "a list"
    case "Objects":
      return "an object"
    case "Null":
      return "null"
    case "Literal":
      return JSON.stringify(ast.literal) ?? String(ast.literal)
    default:
      return "a valid value"
  }
}

const messageOf = (annotations: { readonly message?: unknown } | undefined): string | undefined =>
  typeof annotations?.message === "string" ? annotations.message : undefined

// An unknown key is worded from its path, which the leaf hook does not see: marked here, worded below.
const UNEXPECTED_KEY = "\u0000"

const leafMessage = (issue: SchemaIssue.Leaf): string => {
  switch (issue._tag) {
    case "MissingKey": {
      const custom = issue.annotations?.messageMissingKey
      return typeof custom === "string" ? custom : "is required"
    }
    case "UnexpectedKey":
      return UNEXPECTED_KEY
    case "InvalidType":
      return `must be ${describeAst(issue.ast)}`
    case "InvalidValue":
      return messageOf(issue.annotations) ?? "is not valid"
    case "OneOf":
      return "matches more than one accepted form"
    case "Forbidden":
      return messageOf(issue.annotations) ?? "cannot be decoded"
  }
}

// A failed check on a value: the check's own message, else what it expects. A check that failed inside a
// structure (undefined here) lets the formatter word each inner issue.
const checkMessage = (issue: SchemaIssue.Filter): string | undefined => {
  const inner = issue.issue
  if (inner._tag !== "InvalidValue" && inner._tag !== "InvalidType") return undefined
  const expected = issue.filter.annotations?.expected
  return (
    (inner._tag === "InvalidValue" ? messageOf(inner.annotations) : undefined) ??
    messageOf(issue.filter.annotations) ??
    `must be ${typeof expected === "string" ? expected : "valid"}`
  )
}

const formatter = /*#__PURE__*/ SchemaIssue.makeFormatterStandardSchemaV1({
  leafHook: leafMessage,
  checkHook: checkMessage,
})

/** Flattens a schema issue: missing and invalid fields first (in schema order), unknown fields last, each once. */
export const fieldIssues = (
  issue: SchemaIssue.Issue,
  unexpectedKey: (field: string) => string = () => "is not a known field",
): ReadonlyArray<FieldIssue> => {
  // Keyed by field and message: each issue once, in the order the formatter found them (the schema's).
  const known = new Map<string, FieldIssue>()
  const unknown = new Map<string, FieldIssue>()
  for (const { path = [], message } of formatter(issue).issues) {
    // Effect's formatter gives plain keys, never Standard Schema's `{ key }` segments.
    const field = formatPath(path as ReadonlyArray<PropertyKey>)
    const [into, text] = message === UNEXPECTED_KEY ? [unknown, unexpectedKey(field)] : [known, message]
    into.set(`${field}\u0000${text}`, { field, message: text })
  }
  return [...known.values(), ...unknown.values()]
}

/** One line for logs and CLIs: `ReCaptchaV2TaskProxyLess: websiteKey is required`. */
export const formatIssue = (issue: FieldIssue & { readonly taskType?: string }): string => {
  const subject = issue.field === "" ? "the task" : issue.field
  const prefix = issue.taskType === undefined || issue.taskType === "" ? "" : `${issue.taskType}: `
  return `${prefix}${subject} ${issue.message}`
}

// ---------------------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------------------

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

// JSON cannot carry `undefined`, and `{ pageAction: undefined }` means "not given": drop such keys.
// (Object.fromEntries keeps a `__proto__` key as an own field, where assignment would set the prototype.)
const definedFields = (input: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined))

const without = (input: Record<string, unknown>, keys: ReadonlyArray<string>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(input).filter(([key]) => !keys.includes(key)))

type Decode = (input: unknown) => Result.Result<unknown, Schema.SchemaError>

/**
 * Compiled decoders, one per schema (a definition's schemas live as long as the definition): compiling
 * is not free, and every validation and every solution needs one.
 */
const inputDecoders = new WeakMap<object, Decode>()
const solutionDecoders = new WeakMap<object, Decode>()

const cachedDecoder = (
  cache: WeakMap<object, Decode>,
  schema: Schema.Top,
  options: { readonly errors: "all"; readonly onExcessProperty?: "error" },
): Decode => {
  let decode = cache.get(schema)
  if (decode === undefined) {
    decode = Schema.decodeUnknownResult(schema as Schema.Decoder<unknown>, options)
    cache.set(schema, decode)
  }
  return decode
}

const inputOptions = { errors: "all", onExcessProperty: "error" } as const
const solutionOptions = { errors: "all" } as const

const decodeFields = (
  schema: Schema.Top,
  input: Record<string, unknown>,
  unexpectedKey: (field: string) => string,
): Result.Result<Record<string, unknown>, ReadonlyArray<FieldIssue>> => {
  const decoded = cachedDecoder(inputDecoders, schema, inputOptions)(input)
  if (Result.isSuccess(decoded)) {
    return isRecord(decoded.success)
      ? Result.succeed(decoded.success)
      : Result.fail([{ field: "", message: "is not valid" }])
  }
  return Result.fail(fieldIssues(decoded.failure.issue, unexpectedKey))
}

const failWith = (issues: ReadonlyArray<FieldIssue>): Result.Result<never, ReadonlyArray<FieldIssue>> =>
  Result.fail(issues.length > 0 ? issues : [{ field: "", message: "is not valid" }])

/** Decodes the fields the proxy handling left, then adds the proxy issues found on the way. */
const finishValidation = (
  type: string,
  schema: Schema.Top,
  fields: Record<string, unknown>,
  proxyIssues: ReadonlyArray<FieldIssue>,
): Result.Result<WireTask, ReadonlyArray<FieldIssue>> => {
  const decoded = decodeFields(schema, fields, unexpectedKeyOf(type))
  if (Result.isFailure(decoded)) return failWith([...decoded.failure, ...proxyIssues])
  if (proxyIssues.length > 0) return failWith(proxyIssues)
  return Result.succeed({ type, ...decoded.success })
}

const unexpectedKeyOf = (type: string) => (field: string) =>
  field === "type"
    ? "belongs to the definition, not to its input: leave it out"
    : `is not a field of ${type} (Task.raw sends fields the catalogue does not list)`

const notAnObject = () => failWith([{ field: "", message: "must be an object of task fields" }])

/** Validation of a task that takes no proxy: a proxy field (either form) is an issue of its own. */
const validatorWithoutProxy = (
  type: string,
  kind: TaskKind,
  schema: Schema.Top,
  proxiedVariant: string | undefined,
) => {
  const forbiddenProxy =
    kind === "recognition"
      ? `is not allowed: ${type} does not use a proxy`
      : `is not allowed: ${type} solves through CapSolver's own proxies${
          proxiedVariant === undefined ? "" : `; use ${proxiedVariant} to solve through yours`
        }`
  const proxyKeys: ReadonlyArray<string> = ["proxy", ...proxyFieldNames]
  return (input: unknown): Result.Result<WireTask, ReadonlyArray<FieldIssue>> => {
    if (!isRecord(input)) return notAnObject()
    const fields = definedFields(input)
    const proxyIssues = proxyKeys
      .filter((key) => Object.hasOwn(fields, key))
      .map((key) => ({ field: key, message: forbiddenProxy }))
    return finishValidation(type, schema, without(fields, proxyKeys), proxyIssues)
  }
}

// ---------------------------------------------------------------------------------------------------------
// Constructors

// ---------------------------------------------------------------------------------------------------------

const missingProxy = (type: string) =>
  `is required: ${type} solves through your proxy (give proxy: "http:host:port:user:pass", or proxyType, proxyAddress and proxyPort)`

const makeDefinition = <Type extends string, Input, Solution>(parts: {
  readonly type: Type
  readonly kind: TaskKind
  readonly proxy: ProxyPolicy
  readonly inputSchema: Schema.Codec<Input, unknown>
  readonly solutionSchema: Schema.Codec<Solution, unknown>
  readonly validateInput: (input: unknown) => Result.Result<WireTask, ReadonlyArray<FieldIssue>>
}): TaskDefinition<Type, Input, Solution> => {
  const definition: TaskDefinition<Type, Input, Solution> = Object.assign(
    (input: Input): TaskRequest<Type, Input, Solution> => ({ type: parts.type, input, definition }),
    parts,
  )
  return definition
}

export interface DefineOptions<
  Type extends string,
  Policy extends Exclude<ProxyPolicy, "unchecked">,
  InputFields extends Schema.Struct.Fields,
  SolutionFields extends Schema.Struct.Fields,
> {
  readonly type: Type
  readonly kind: TaskKind
  readonly proxy: Policy
  /** The task's own fields (not `type`, not the proxy); checks attached with `.check(...)` are kept. */
  readonly input: Schema.Struct<InputFields>
  /** The known solution fields; checks attached with `.check(...)` are kept, unknown fields pass through. */
  readonly solution: Schema.Struct<SolutionFields>
  /** For a ProxyLess type: the type that takes the caller's proxy, named in the "proxy not allowed" issue. */
  readonly proxiedVariant?: string
}

const solutionSchemaOf = <SolutionFields extends Schema.Struct.Fields>(
  solution: Schema.Struct<SolutionFields>,
): Schema.Codec<LenientSolution<SolutionFields>, unknown> => {
  const checks = solution.ast.checks
  const schema = Schema.StructWithRest(Schema.Struct(solution.fields), extraFields)
  // Built from SolutionFields; TypeScript cannot follow the rest record, so the precise type is restated.
  return (checks === undefined ? schema : schema.check(...checks)) as unknown as Schema.Codec<
    LenientSolution<SolutionFields>,
    unknown
  >
}

/**
 * Builds the definition of a task type that takes no proxy (ProxyLess and recognition types): a proxy field
 * in its input is an issue. Unlike {@link define}, it never loads the proxy parser, so an application that
 * only uses such types does not carry it. Annotate module-level calls with `/*#__PURE__*\/`.
 */
export const defineWithoutProxy = <
  const Type extends string,
  InputFields extends Schema.Struct.Fields,
  SolutionFields extends Schema.Struct.Fields,
>(
  options: Omit<DefineOptions<Type, "forbidden", InputFields, SolutionFields>, "proxy"> & {
    readonly proxy?: "forbidden"
  },
): TaskDefinition<Type, Schema.Struct.Type<InputFields>, LenientSolution<SolutionFields>> =>
  makeDefinition({
    type: options.type,
    kind: options.kind,
    proxy: "forbidden",
    inputSchema: options.input as unknown as Schema.Codec<Schema.Struct.Type<InputFields>, unknown>,
    solutionSchema: solutionSchemaOf(options.solution),
    validateInput: validatorWithoutProxy(options.type, options.kind, options.input, options.proxiedVariant),
  })

/**
 * Builds the definition of a task type that solves through the caller's proxy: its input takes exactly one
 * of the two documented proxy forms (see `Proxy.ts`). Annotate module-level calls with `/*#__PURE__*\/`.
 */
export const defineWithProxy = <
  const Type extends string,
  InputFields extends Schema.Struct.Fields,
  SolutionFields extends Schema.Struct.Fields,
>(
  options: Omit<DefineOptions<Type, "required", InputFields, SolutionFields>, "proxy"> & {
    readonly proxy?: "required"
  },
): TaskDefinition<Type, WithProxy<Schema.Struct.Type<InputFields>>, LenientSolution<SolutionFields>> => {
  const type = options.type
  const inputChecks = options.input.ast.checks
  const withInputChecks = <S extends Schema.Top>(schema: S): S["Rebuild"] =>
    inputChecks === undefined ? schema : schema.check(...inputChecks)
  const fields = options.input.fields
  const viaString = withInputChecks(
    Schema.Struct({
      ...fields,
      proxy: ProxyString.pipe(Schema.annotateKey({ messageMissingKey: missingProxy(type) })),
    }),
  )
  const viaFields = withInputChecks(Schema.Struct({ ...fields, ...proxyFields })).check(proxyCredentialsCheck)
  const inputSchema = Schema.Union([viaString, viaFields])
  const proxyKeys: ReadonlyArray<string> = ["proxy", ...proxyFieldNames]
  const validateInput = (input: unknown): Result.Result<WireTask, ReadonlyArray<FieldIssue>> => {
    if (!isRecord(input)) return notAnObject()
    const given = definedFields(input)
    const splitForm = proxyFieldNames.some((key) => Object.hasOwn(given, key))
    if (splitForm && Object.hasOwn(given, "proxy")) {
      // Both forms: report it, and still check the other fields against the task's own schema.
      return finishValidation(type, options.input, without(given, proxyKeys), [
        {
          field: "proxy",
          message: "cannot be combined with proxyType/proxyAddress/proxyPort: give one proxy form, not both",
        },
      ])
    }
    return finishValidation(type, splitForm ? viaFields : viaString, given, [])
  }
  return makeDefinition({
    type: options.type,
    kind: options.kind,
    proxy: "required",
    // Built from InputFields; TypeScript cannot follow the spread through the proxy union.
    inputSchema: inputSchema as unknown as Schema.Codec<WithProxy<Schema.Struct.Type<InputFields>>, unknown>,
    solutionSchema: solutionSchemaOf(options.solution),
    validateInput,
  })
}

/**
 * Builds a task definition: {@link defineWithProxy} when `proxy` is `"required"`, else
 * {@link defineWithoutProxy}. Annotate module-level calls with `/*#__PURE__*\/` so bundlers drop the
 * definitions an application does not import.
 */
export const define = <
  const Type extends string,
  Policy extends Exclude<ProxyPolicy, "unchecked">,
  InputFields extends Schema.Struct.Fields,
  SolutionFields extends Schema.Struct.Fields,
>(
  options: DefineOptions<Type, Policy, InputFields, SolutionFields>,
): TaskDefinition<Type, InputFor<Policy, Schema.Struct.Type<InputFields>>, LenientSolution<SolutionFields>> =>
  (options.proxy === "required"
    ? defineWithProxy(options as DefineOptions<Type, "required", InputFields, SolutionFields>)
    : defineWithoutProxy(
        options as DefineOptions<Type, "forbidden", InputFields, SolutionFields>,
      )) as TaskDefinition<
    Type,
    InputFor<Policy, Schema.Struct.Type<InputFields>>,
    LenientSolution<SolutionFields>
  >

const RawPayload = /*#__PURE__*/ Schema.Record(Schema.String, Schema.Unknown)

const validateRaw =
  (type: string) =>
  (input: unknown): Result.Result<WireTask, ReadonlyArray<FieldIssue>> => {
    if (typeof type !== "string" || type.trim().length === 0) {
      return failWith([{ field: "type", message: "must be a non-empty string" }])
    }
    if (!isRecord(input)) return failWith([{ field: "", message: "must be an object of task fields" }])
    const fields = definedFields(input)
    if (Object.hasOwn(fields, "type") && fields.type !== type) {
      return failWith([
        { field: "type", message: "is given twice with different values: leave it out of the payload" },
      ])
    }
    // Marked, so no provider maps its fields: a raw task is sent as given (issue 15).
    return Result.succeed(markRaw({ type, ...without(fields, ["type"]) }))
  }

/**
 * The escape hatch for a task type the catalogue does not know yet: the payload is sent as given (minus
 * `undefined` values) and the solution comes back as a plain record. Raw tasks are polled unless the
 * createTask response is already ready, which also covers recognition types.
 */
export const raw = (
  type: string,
  payload: Record<string, unknown>,
): TaskRequest<string, Record<string, unknown>, Record<string, unknown>> => {
  const definition = makeDefinition<string, Record<string, unknown>, Record<string, unknown>>({
    type,
    kind: "token",
    proxy: "unchecked",
    inputSchema: RawPayload,
    solutionSchema: RawPayload,
    validateInput: validateRaw(type),
  })
  return definition(payload)
}

// ---------------------------------------------------------------------------------------------------------
// Field names, and extra provider fields (`extend`)
// ---------------------------------------------------------------------------------------------------------

// A definition's schema lives as long as the definition: the names are read from it once.
const fieldNameCache = new WeakMap<object, ReadonlySet<string>>()

/** The property names of a struct, of every member of a union of structs (a proxy task's two forms). */
const propertyNamesOf = (ast: SchemaAST.AST): ReadonlyArray<string> => {
  switch (ast._tag) {
    case "Objects":
      return ast.propertySignatures.flatMap((property) =>
        typeof property.name === "string" ? [property.name] : [],
      )
    case "Union":
      return ast.types.flatMap(propertyNamesOf)
    default:
      return []
  }
}

/**
 * The top-level fields a definition's input accepts, as they are spelled on the wire (the encoded side of its
 * schema), over every form of the input; `type` is not one of them. Offered to adapters as
 * `inputFieldNames` (`TaskFields.ts`).
 */
export const inputFieldNames = (definition: AnyTaskDefinition): ReadonlySet<string> => {
  const schema = definition.inputSchema
  let names = fieldNameCache.get(schema)
  if (names === undefined) {
    names = new Set(propertyNamesOf(SchemaAST.toEncoded(schema.ast)))
    fieldNameCache.set(schema, names)
  }
  return names
}

type KeysOfEach<A> = A extends unknown ? keyof A : never
type SimplifyEach<A> = A extends unknown ? Simplify<A> : never

/** Names an extra field may not take: the definition's own fields, `type`, and the proxy fields. */
type ReservedName<D> = KeysOfEach<InputOf<D>> | "type" | "proxy" | (typeof proxyFieldNames)[number]

/** Extra field specs whose names shadow nothing (a shadowing name is a type error). */
export type ExtraFieldsFor<D, E> = { readonly [K in keyof E]: K extends ReservedName<D> ? never : E[K] }

/** The definition `extend` returns: the base's type, kind and solution, its input plus the extra fields. */
export type ExtendedDefinition<D extends AnyTaskDefinition, E extends ExtraFieldSpecs> = TaskDefinition<
  D["type"],
  SimplifyEach<InputOf<D> & ExtraInput<E>>,
  SolutionOf<D>
>

/** Rebuilds a struct (or each struct of a union) with the extra fields, keeping its checks. */
const widenInput = (schema: Schema.Top, extra: Schema.Struct.Fields): Schema.Top => {
  const parts = schema as unknown as {
    readonly fields?: Schema.Struct.Fields
    readonly members?: ReadonlyArray<Schema.Top>
  }
  if (parts.fields !== undefined) {
    const widened = Schema.Struct({ ...parts.fields, ...extra })
    const checks = schema.ast.checks
    return checks === undefined ? widened : widened.check(...checks)
  }
  if (parts.members !== undefined) {
    return Schema.Union(parts.members.map((member) => widenInput(member, extra)))
  }
  throw new TypeError("Task.extend: the definition's input is not an object of fields")
}

const shadowIssue = (type: string, name: string, reserved: ReadonlySet<string>): string | undefined => {
  const folded = name.toLowerCase()
  if (folded === "type") return `${name} would replace the task's type`
  if (folded === "proxy" || proxyFieldNames.some((field) => field.toLowerCase() === folded)) {
    return `${name} is a proxy field: ${type} takes its proxy through its own fields, or none at all (use the definition with your proxy instead)`
  }
  const shadowed = [...reserved].find((field) => field.toLowerCase() === folded)
  return shadowed === undefined ? undefined : `${name} would shadow ${type}'s own field ${shadowed}`
}

/**
 * A definition that takes extra provider fields on top of a catalogue (or `Task.define`) definition, without
 * losing its validation: its input is the base's fields (checked as before, the proxy rules included) plus the
 * extra ones, checked by their own descriptions, and nothing else. Extra fields are sent as given, in the
 * provider's spelling, after the provider's mapping of the catalogue fields; they may add to an object the
 * mapping produced (`metadata`) but never replace a field it set.
 *
 * ```ts
 * // Plain descriptions (no Schema needed): "string", "number", "boolean", "object", "array", "?" = optional
 * const DataDome = Task.extend(DatadomeSliderTask, { metadata: { datadomeCookie: "string" } })
 * // Or Schemas
 * const V3 = Task.extend(ReCaptchaV3TaskProxyLess, { isEnterprise: Schema.optionalKey(Schema.Boolean) })
 * ```
 *
 * An extra field may not be named `type`, a proxy field, or one of the base's own fields (compared without
 * case): that is a type error, and a `TypeError` when the definition is built. `Task.raw` definitions cannot be
 * extended: they send any field already.
 */
export const extend = <D extends AnyTaskDefinition, const E extends ExtraFieldSpecs>(
  definition: D,
  extra: E & ExtraFieldsFor<D, E>,
): ExtendedDefinition<D, E> => {
  if (definition.proxy === "unchecked") {
    throw new TypeError(
      `Task.extend: ${definition.type} is a Task.raw definition, which sends any field already; extend a catalogue definition`,
    )
  }
  const type = definition.type
  const reserved = inputFieldNames(definition)
  for (const name of Object.keys(extra)) {
    const issue = shadowIssue(type, name, reserved)
    if (issue !== undefined) throw new TypeError(`Task.extend: the extra field ${issue}`)
  }
  const extraFields = fieldsOfSpecs(extra)
  const extraSchema = Schema.Struct(extraFields)
  const names: ReadonlyArray<string> = Object.keys(extraFields)
  const validateInput = (input: unknown): Result.Result<WireTask, ReadonlyArray<FieldIssue>> => {
    if (!isRecord(input)) return notAnObject()
    const given = definedFields(input)
    const base = definition.validateInput(without(given, names))
    const extras = decodeFields(
      extraSchema,
      Object.fromEntries(Object.entries(given).filter(([key]) => names.includes(key))),
      unexpectedKeyOf(type),
    )
    if (Result.isFailure(base) || Result.isFailure(extras)) {
      return failWith([
        ...(Result.isFailure(base) ? base.failure : []),
        ...(Result.isFailure(extras) ? extras.failure : []),
      ])
    }
    const sent = Object.keys(extras.success)
    return Result.succeed(
      markExtraFields({ ...base.success, ...extras.success }, [...extraFieldNamesOf(base.success), ...sent]),
    )
  }
  return makeDefinition({
    type,
    kind: definition.kind,
    proxy: definition.proxy,
    inputSchema: widenInput(definition.inputSchema, extraFields) as Schema.Codec<
      SimplifyEach<InputOf<D> & ExtraInput<E>>,
      unknown
    >,
    solutionSchema: definition.solutionSchema as Schema.Codec<SolutionOf<D>, unknown>,
    validateInput,
  }) as ExtendedDefinition<D, E>
}

/**
 * Reads `read(u)`, or `fallback` when reading throws: a "task" can be a Proxy or carry getters that throw,
 * and such a value is simply not a request.
 */
const guarded = <A>(read: () => A, fallback: A): A => {
  try {
    return read()
  } catch {
    return fallback
  }
}

/** Whether `u` is a request built by a definition or by {@link raw}. Never throws. */
export const isTaskRequest = (u: unknown): u is AnyTaskRequest =>
  guarded(
    () =>
      isRecord(u) &&
      typeof u.type === "string" &&
      typeof u.definition === "function" &&
      typeof (u.definition as Partial<AnyTaskDefinition>).validateInput === "function",
    false,
  )

/** The type a request or a request-like value names, or `fallback`. Never throws. */
export const typeOfRequest = (u: unknown, fallback = ""): string =>
  guarded(() => {
    const type = isRecord(u) ? u.type : undefined
    return typeof type === "string" ? type : fallback
  }, fallback)

const notARequest = (u: unknown): TaskIssue => {
  const message =
    "is not a task request: build one with a definition such as ReCaptchaV2TaskProxyLess({ ... }), or with Task.raw(type, payload)"
  return {
    taskType: typeOfRequest(u),
    field: "",
    message,
    issues: [{ field: "", message }],
  }
}

const toTaskLevel = (taskType: string, issues: ReadonlyArray<FieldIssue>): TaskIssue & SolutionIssue => {
  const first = issues[0] ?? { field: "", message: "is not valid" }
  return { taskType, field: first.field, message: first.message, issues }
}

const unreadable = (error: unknown): ReadonlyArray<FieldIssue> => [
  { field: "", message: `could not be read (${error instanceof Error ? error.name : typeof error})` },
]

/**
 * Checks a request and returns the wire task `{ type, ...fields }` to send, normalised (the proxy in its
 * documented string form, base64 padded, …). Never throws.
 */
export const validate = (request: AnyTaskRequest): Result.Result<WireTask, TaskIssue> => {
  if (!isTaskRequest(request)) return Result.fail(notARequest(request))
  let taskType = ""
  let result: Result.Result<WireTask, ReadonlyArray<FieldIssue>>
  try {
    const definition = request.definition
    taskType = definition.type
    result = definition.validateInput(request.input)
  } catch (error) {
    // getters and proxies on hand-made input objects can throw; that is still an invalid task
    result = Result.fail(unreadable(error))
  }
  return Result.mapError(result, (issues) => toTaskLevel(taskType, issues))
}

/**
 * Decodes a provider solution for a request: known fields are checked and typed, other fields kept.
 * Never throws.
 */
export const decodeSolution = <R extends AnyTaskRequest>(
  request: R,
  solution: unknown,
): Result.Result<SolutionOf<R>, SolutionIssue> => {
  if (!isTaskRequest(request)) return Result.fail(notARequest(request))
  let taskType = ""
  let issues: ReadonlyArray<FieldIssue>
  try {
    const definition = request.definition
    taskType = definition.type
    const decoded = cachedDecoder(solutionDecoders, definition.solutionSchema, solutionOptions)(solution)
    if (Result.isSuccess(decoded)) return Result.succeed(decoded.success as SolutionOf<R>)
    issues = fieldIssues(decoded.failure.issue)
  } catch (error) {
    issues = unreadable(error)
  }
  return Result.fail(
    toTaskLevel(taskType, issues.length > 0 ? issues : [{ field: "", message: "is not valid" }]),
  )
}
