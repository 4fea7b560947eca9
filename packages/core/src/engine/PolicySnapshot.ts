/**
 * What a learning polling policy knows, as plain JSON: saved by one process, restored by the next (or by a new
 * worker), so that it polls warm from its first task instead of relearning each task type.
 *
 * ```json
 * {
 *   "version": 1,
 *   "types": {
 *     "ReCaptchaV2TaskProxyLess": {
 *       "intervalMs": 3000,
 *       "completions": [[6000, 9000, 3], [9000, 12000, 4]],
 *       "plan": { "firstMs": 5200, "gapMs": 2250, "tailFromMs": 19400, "expectedQueries": 3.7,
 *                 "expectedDelayMs": 1050, "referenceQueries": 3.9, "basedOn": 200 }
 *     }
 *   }
 * }
 * ```
 *
 * Per task type: the provider's advised interval the history was seen under, the recent completions as
 * `[readyAfterMs, foundAtMs, queries]` (the task became ready after the first time and was found by the query
 * at the second, both in milliseconds since its creation; oldest first), and the plan in force, if any. Types
 * are listed least recently completed first. Nothing else: no task ids, keys, URLs or clock times, so a
 * snapshot can be stored and shared like any cache.
 *
 * `decode` checks untrusted JSON against this shape (Effect Schema): anything else is a `ConfigurationError`
 * naming what is wrong, and nothing is restored.
 *
 * @since 0.2.0
 */
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { ConfigurationError, excerptOf } from "../domain/Errors.ts"

/** Bounds on what `decode` accepts, far above what a policy keeps, so a hostile snapshot cannot exhaust memory. */
export const MAX_TASK_TYPES = 1_000
export const MAX_COMPLETIONS_PER_TYPE = 10_000
export const MAX_TASK_TYPE_LENGTH = 200
/** Times beyond any result window (an hour) are not times a policy saw. */
const MAX_MS = 3_600_000

// The bounds are filters with the messages and JSON Schema of Effect's `isBetween`, `isMaxLength` and
// `isMaxProperties`, not those checks themselves: every client carries this decoder (`restorePolicy`), and
// those checks bring Effect's `Order` and the code that prints them back as source, about 0.5 KB gzip of a
// browser page for what three comparisons do. Comparisons as `isBetween` makes them (through `Order.Number`).
const isBetween = (minimum: number, maximum: number) =>
  Schema.makeFilter<number>((n) => !(n < minimum) && !(n > maximum), {
    expected: `a value between ${minimum} and ${maximum}`,
    toJsonSchema: () => ({ minimum, maximum }),
  })
const isMaxItems = (maxItems: number) =>
  Schema.makeFilter<ReadonlyArray<unknown>>((items) => items.length <= maxItems, {
    expected: `a value with a length of at most ${maxItems}`,
    toJsonSchema: () => ({ maxItems }),
  })
const isMaxProperties = (maxProperties: number) =>
  Schema.makeFilter<object>((record) => Reflect.ownKeys(record).length <= maxProperties, {
    expected: `a value with at most ${maxProperties} entries`,
    toJsonSchema: () => ({ maxProperties }),
  })

const Millis = Schema.Number.check(Schema.isFinite(), isBetween(0, MAX_MS))
const PositiveMillis = Schema.Number.check(Schema.isFinite(), isBetween(1, MAX_MS))
const Count = Schema.Number.check(Schema.isInt(), isBetween(1, 65_535))

/** One completion: ready after `[0]` ms, found by the query at `[1]` ms, which was query number `[2]`. */
const CompletionSnapshot = Schema.Tuple([Millis, Millis, Count]).check(
  Schema.makeFilter(
    ([readyAfterMs, foundAtMs]) => readyAfterMs <= foundAtMs || "readyAfterMs above foundAtMs",
  ),
)

const PlanSnapshot = Schema.Struct({
  firstMs: Millis,
  gapMs: PositiveMillis,
  tailFromMs: Millis,
  expectedQueries: Schema.Number.check(Schema.isFinite(), isBetween(0, 65_535)),
  expectedDelayMs: Millis,
  referenceQueries: Schema.Number.check(Schema.isFinite(), isBetween(0, 65_535)),
  basedOn: Schema.Number.check(Schema.isInt(), isBetween(0, MAX_COMPLETIONS_PER_TYPE)),
})

const TaskTypeSnapshot = Schema.Struct({
  intervalMs: PositiveMillis,
  completions: Schema.Array(CompletionSnapshot).check(isMaxItems(MAX_COMPLETIONS_PER_TYPE)),
  plan: Schema.optionalKey(PlanSnapshot),
})

/** The snapshot's schema (version 1). */
export const PolicySnapshotSchema = Schema.Struct({
  version: Schema.Literal(1),
  // Names are checked on the whole record: a record's key schema would drop the keys it refuses, and a
  // snapshot is restored whole or not at all.
  types: Schema.Record(Schema.String, TaskTypeSnapshot).check(
    isMaxProperties(MAX_TASK_TYPES),
    Schema.makeFilter(
      (types) =>
        Object.keys(types).every((name) => name.length >= 1 && name.length <= MAX_TASK_TYPE_LENGTH) ||
        `task type names are 1 to ${MAX_TASK_TYPE_LENGTH} characters`,
    ),
  ),
})

/** A policy's learned state as plain JSON (see the module comment). */
export type PolicySnapshot = typeof PolicySnapshotSchema.Type

/** What one task type's entry holds. */
export type TaskTypeSnapshot = typeof TaskTypeSnapshot.Type

/** The snapshot of a policy that has learned nothing (or does not learn). */
export const empty = (): PolicySnapshot => ({ version: 1, types: {} })

const decodeSnapshot = /*#__PURE__*/ Schema.decodeUnknownResult(PolicySnapshotSchema)

/**
 * Checks untrusted input (parsed JSON, or a JSON string) against the snapshot's shape. Never throws: anything
 * else, a foreign document or a later version included, is a `ConfigurationError` saying what is wrong.
 */
export const decode = (input: unknown): Result.Result<PolicySnapshot, ConfigurationError> => {
  let json = input
  if (typeof input === "string") {
    try {
      json = JSON.parse(input)
    } catch {
      return Result.fail(new ConfigurationError({ detail: "The policy snapshot is not JSON." }))
    }
  }
  const decoded = decodeSnapshot(json)
  if (Result.isSuccess(decoded)) return Result.succeed(decoded.success)
  return Result.fail(
    new ConfigurationError({
      detail: `The policy snapshot is not one solvekit wrote (version 1): ${excerptOf(
        decoded.failure.message || "unexpected shape",
        300,
      )}`,
    }),
  )
}

/** The learning half of a polling policy, as far as snapshots go (see `PollPolicy`). */
export interface Learner {
  readonly snapshot?: (() => PolicySnapshot) | undefined
  readonly restore?: ((snapshot: PolicySnapshot) => void) | undefined
}

/** What `policy` has learned; the empty snapshot when it does not learn. */
export const of = (policy: Learner): PolicySnapshot => policy.snapshot?.() ?? empty()

/**
 * Decodes untrusted input, then restores it into `policy`: all of it or, when anything in it is wrong, none
 * of it (a `ConfigurationError`). A policy that does not learn takes a valid snapshot as a no-op.
 */
export const restoreInto = (policy: Learner, input: unknown): Result.Result<void, ConfigurationError> => {
  const decoded = decode(input)
  if (Result.isFailure(decoded)) return Result.fail(decoded.failure)
  policy.restore?.(decoded.success)
  return Result.succeed(undefined)
}
