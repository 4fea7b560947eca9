/**
 * How `Provider.make` puts a provider's task rules together into its `adaptTask` (issue 15), in this order:
 *
 * 1. `unsupportedTypes`: a catalogue type the provider does not document is refused before any request, naming
 *    the provider (also when it comes through `Task.raw`, where the catalogue's name is a promise it cannot keep);
 * 2. `mapTask`: the catalogue's fields become the provider's (renamed, joined, refused when the provider lacks
 *    them). A `Task.raw` task skips it: it is sent as given. Extra fields (`Task.extend`) are set apart first;
 * 3. `adaptTask`: the provider's wire form for every task, such as its proxy fields;
 * 4. the extra fields join the result as given, never replacing a field the mapping set;
 * 5. `checkSent`: what the provider requires of the task as sent, extra fields included.
 *
 * Kept apart from `Provider.ts` so the provider modules' building blocks can use it without an import cycle.
 *
 * @since 0.4.0
 */
import * as Result from "effect/Result"
import { isRawTask, mergeExtraFields, splitExtraFields, withoutMarkers } from "./ExtraFields.ts"

type Wire = { readonly type: string; readonly [field: string]: unknown }
type Issue = { readonly field: string; readonly message: string }

/** One rule of a provider's task form: the task rewritten, or the field it cannot send. */
export type TaskStep = (task: Wire) => Result.Result<Wire, Issue>

export interface TaskFormParts {
  readonly unsupportedTypes?: Readonly<Record<string, string>> | undefined
  readonly mapTask?: TaskStep | undefined
  readonly adaptTask?: TaskStep | undefined
  readonly checkSent?: TaskStep | undefined
}

const run = (step: TaskStep | undefined, task: Wire): Result.Result<Wire, Issue> =>
  step === undefined ? Result.succeed(task) : step(task)

/** The provider's `adaptTask`, or undefined when it has no rule at all (the catalogue's form is its form). */
export const composeTaskForm = (provider: string, parts: TaskFormParts): TaskStep | undefined => {
  const { unsupportedTypes, mapTask, adaptTask, checkSent } = parts
  if (
    unsupportedTypes === undefined &&
    mapTask === undefined &&
    adaptTask === undefined &&
    checkSent === undefined
  ) {
    return undefined
  }
  return (task) => {
    const reason =
      unsupportedTypes !== undefined && Object.hasOwn(unsupportedTypes, task.type)
        ? unsupportedTypes[task.type]
        : undefined
    if (reason !== undefined) {
      return Result.fail({ field: "type", message: `is not supported by ${provider}: ${reason}` })
    }
    if (isRawTask(task)) return run(adaptTask, withoutMarkers(task))
    const { base, extras } = splitExtraFields(task)
    const mapped = run(mapTask, base)
    if (Result.isFailure(mapped)) return mapped
    const adapted = run(adaptTask, mapped.success)
    if (Result.isFailure(adapted)) return adapted
    const merged = mergeExtraFields(provider, adapted.success, extras)
    if (Result.isFailure(merged)) return merged
    return run(checkSent, merged.success)
  }
}
