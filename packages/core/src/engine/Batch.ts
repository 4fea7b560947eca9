/**
 * Batches with bounded concurrency and backpressure, shared by the Effect face (`SolveKit.solveAll`, a
 * `Stream`) and the Promise face (`solveAll`, `solveEach`).
 *
 * The reader drives the batch: each read first tops the batch up (pulls the next tasks and starts their
 * solves while fewer than `concurrency` are running or waiting to be read), then waits for finished entries.
 * So the input is pulled only as slots free up (a huge or endless iterable is never materialised) and a slow
 * reader holds the batch back instead of letting results pile up.
 *
 * Built on fibers and a small mailbox rather than `Stream.mapEffect`: the concurrent stream operators weigh
 * about 4 KB gzip in a browser bundle, on every client, batch or not.
 *
 * Internal to core.
 */
import type * as NonEmpty from "effect/Array"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Pull from "effect/Pull"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Mailbox from "./Mailbox.ts"

/** What a batch can read its tasks from. */
export type BatchInput<R> = Iterable<R> | AsyncIterable<R> | Stream.Stream<R>

/** The next task, or `undefined` once the input is exhausted. */
type NextTask<R> = Effect.Effect<{ readonly task: R } | undefined>

/**
 * Starts a batch whose fibers live in `scope` (closing it interrupts the batch and closes the input) and
 * returns its reader: the entries finished since the last read (at least one, waiting when none is ready),
 * or `undefined` once every task is settled. `solve` must not fail: it turns the outcome of one task into
 * its entry.
 */
export const start = <R, A>(
  scope: Scope.Scope,
  tasks: BatchInput<R>,
  concurrency: number,
  solve: (task: R, index: number) => Effect.Effect<A>,
): Effect.Effect<Effect.Effect<NonEmpty.NonEmptyReadonlyArray<A> | undefined>> =>
  Effect.map(
    Effect.suspend(() => inputOf(scope, tasks)),
    (next) => {
      // At least one slot, whatever was passed (NaN included): a batch always makes progress.
      const limit = Math.max(1, Math.floor(concurrency) || 1)
      const output = Mailbox.make<A>()
      let active = 0 // started and not read yet
      let exhausted = false
      let index = 0
      const launch = (task: R): Effect.Effect<void> => {
        const position = index++
        active += 1
        return Effect.asVoid(
          Effect.forkIn(
            Effect.onExit(solve(task, position), (exit) =>
              Effect.sync(() => {
                if (Exit.isSuccess(exit)) output.offer(exit.value)
                else if (!Cause.hasInterruptsOnly(exit.cause)) output.fail(exit.cause)
              }),
            ),
            scope,
          ),
        )
      }
      const topUp = Effect.whileLoop({
        while: () => !exhausted && active < limit,
        body: () =>
          Effect.flatMap(next, (pulled) => {
            if (pulled !== undefined) return launch(pulled.task)
            exhausted = true
            return Effect.void
          }),
        step: () => undefined,
      })
      return Effect.andThen(
        topUp,
        Effect.suspend(() =>
          exhausted && active === 0
            ? Effect.succeed(undefined)
            : Effect.map(output.take, (entries) => {
                active -= entries.length
                return entries
              }),
        ),
      )
    },
  )

const inputOf = <R>(scope: Scope.Scope, tasks: BatchInput<R>): Effect.Effect<NextTask<R>> => {
  if (Stream.isStream(tasks)) return fromStream(scope, tasks)
  if (Symbol.asyncIterator in tasks) {
    return fromAsyncIterator(scope, (tasks as AsyncIterable<R>)[Symbol.asyncIterator]())
  }
  return fromIterator(scope, (tasks as Iterable<R>)[Symbol.iterator]())
}

/** One task at a time from an iterator; an unfinished iterator is closed (`return()`) with the batch. */
const fromIterator = <R>(scope: Scope.Scope, iterator: Iterator<R>): Effect.Effect<NextTask<R>> => {
  let finished = false
  return Effect.as(
    Scope.addFinalizer(
      scope,
      Effect.sync(() => {
        if (!finished) iterator.return?.()
      }),
    ),
    Effect.sync(() => {
      const result = iterator.next()
      if (result.done !== true) return { task: result.value }
      finished = true
      return undefined
    }),
  )
}

/** Like `fromIterator`; `return()` is awaited only when no `next()` is pending (it would wait for it). */
const fromAsyncIterator = <R>(scope: Scope.Scope, iterator: AsyncIterator<R>): Effect.Effect<NextTask<R>> => {
  let finished = false
  let pulling = false
  return Effect.as(
    Scope.addFinalizer(
      scope,
      Effect.suspend(() => {
        if (finished || iterator.return === undefined) return Effect.void
        if (pulling) return Effect.sync(() => void iterator.return?.().catch(() => undefined))
        return Effect.promise(async () => {
          await iterator.return?.()
        })
      }),
    ),
    Effect.map(
      Effect.promise(() => {
        pulling = true
        return iterator.next().finally(() => {
          pulling = false
        })
      }),
      (result) => {
        if (result.done !== true) return { task: result.value }
        finished = true
        return undefined
      },
    ),
  )
}

/** One task at a time from a stream, pulled chunk by chunk in the batch's scope. */
const fromStream = <R>(scope: Scope.Scope, stream: Stream.Stream<R>): Effect.Effect<NextTask<R>> =>
  Effect.map(Scope.provide(Stream.toPull(stream), scope), (pull) => {
    let buffer: ReadonlyArray<R> = []
    let offset = 0
    const next: NextTask<R> = Effect.suspend(() => {
      if (offset < buffer.length) return Effect.succeed({ task: buffer[offset++] as R })
      return Pull.catchDone(
        Effect.flatMap(pull, (chunk) => {
          buffer = chunk
          offset = 0
          return next
        }),
        () => Effect.succeed(undefined),
      )
    })
    return next
  })
