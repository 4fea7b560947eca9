/**
 * A buffer between producers that cannot wait (event listeners, finished solves) and the fiber that reads
 * them. It is the small part of Effect's `Queue` the client's streams need: `Queue` and the `Stream`
 * constructors built on it weigh about 4 KB gzip in a browser bundle, on every solve path.
 *
 * Internal to core.
 */
import type * as NonEmpty from "effect/Array"
import type * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"

export interface Mailbox<A> {
  /** Adds a value; when the buffer is full, the oldest value is dropped (a slow reader loses old values). */
  readonly offer: (value: A) => void
  /** A producer failed: `take` fails with `cause` once the buffer is drained. */
  readonly fail: (cause: Cause.Cause<never>) => void
  /** Everything buffered (at least one value), waiting while the buffer is empty. */
  readonly take: Effect.Effect<NonEmpty.NonEmptyReadonlyArray<A>>
}

export const make = <A>(capacity: number = Number.POSITIVE_INFINITY): Mailbox<A> => {
  let buffer: Array<A> = []
  let failure: Cause.Cause<never> | undefined
  const waiters = new Set<() => void>()
  const wake = () => {
    // Snapshot first: a woken reader may run at once, find the buffer drained and wait again.
    const woken = [...waiters]
    waiters.clear()
    for (const waiter of woken) waiter()
  }
  const take: Effect.Effect<NonEmpty.NonEmptyReadonlyArray<A>> = Effect.suspend(() => {
    if (buffer.length > 0) {
      const chunk = buffer as unknown as NonEmpty.NonEmptyReadonlyArray<A>
      buffer = []
      return Effect.succeed(chunk)
    }
    if (failure !== undefined) return Effect.failCause(failure)
    return Effect.andThen(
      Effect.callback<void>((resume) => {
        const waiter = () => resume(Effect.void)
        waiters.add(waiter)
        return Effect.sync(() => {
          waiters.delete(waiter)
        })
      }),
      take,
    )
  })
  return {
    offer: (value) => {
      if (failure !== undefined) return
      buffer.push(value)
      if (buffer.length > capacity) buffer.shift()
      wake()
    },
    fail: (cause) => {
      failure ??= cause
      wake()
    },
    take,
  }
}
