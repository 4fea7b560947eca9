/**
 * The client's poll scheduler. A task waiting between two getTaskResult queries is a record in one min-heap
 * by due time (`DueHeap`), not a suspended fiber: one driver fiber per client sleeps, through `Clock` (so
 * `TestClock` drives it), until the earliest due time, and is woken early when an earlier record arrives.
 * A due record's step (one query, and what follows from its answer) runs as a short-lived fiber that either
 * queues the record again or settles its waiter.
 *
 * The driver runs only while records wait: it ends when the heap is empty and starts again with the next
 * record, so an idle client holds no fiber and no timer.
 */
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { type DueEntry, DueHeap } from "./DueHeap.ts"

/** A record the scheduler can run: its next step, and the step's fiber while it runs. */
export interface ScheduledTask extends DueEntry {
  /** The step to run once due: it queues the record again (`schedule`) or settles its waiter. */
  readonly step: () => Effect.Effect<void>
  /** The running step, interrupted (its request aborted) when the wait is cancelled. */
  running: Fiber.Fiber<void> | undefined
  /** Set once the wait is over (settled or cancelled): a step finishing late changes nothing. */
  done: boolean
}

export class PollScheduler {
  readonly #heap = new DueHeap<ScheduledTask>()
  /** The services steps and the driver run with (the client's Clock, Random, tracer, scheduler). */
  readonly #context: Context.Context<never>
  #driver: Fiber.Fiber<void> | undefined = undefined
  /** The due time the driver sleeps until; Infinity while it is not asleep. */
  #sleepingUntil = Number.POSITIVE_INFINITY
  /** Ends the driver's current sleep early. */
  #wake: (() => void) | undefined = undefined
  #closed = false

  constructor(context: Context.Context<never>) {
    this.#context = context
  }

  /** Queues `task` to run at `due` (epoch ms, Clock time). */
  schedule(task: ScheduledTask, due: number): void {
    if (task.done || this.#closed) return
    task.due = due
    this.#heap.push(task)
    if (this.#driver === undefined) this.#startDriver()
    else if (due < this.#sleepingUntil) this.#wake?.()
  }

  /** Ends `task`'s wait: out of the heap at once, its running step (and request) interrupted. */
  cancel(task: ScheduledTask): Effect.Effect<void> {
    task.done = true
    const queued = task.heapIndex >= 0
    this.#heap.remove(task)
    // The driver may be asleep until this task's due time: it then wakes to sleep until the next one, or
    // ends when nothing waits, so a cancelled wait leaves no timer behind.
    if (queued && task.due <= this.#sleepingUntil) this.#wake?.()
    const running = task.running
    task.running = undefined
    if (running === undefined) return Effect.void
    // Interrupted now (a caller without a fiber cannot wait); the returned effect waits for the abort.
    running.interruptUnsafe()
    return Effect.asVoid(Fiber.await(running))
  }

  /** Stops the driver and every running step (the client is released). */
  close(): Effect.Effect<void> {
    return Effect.suspend(() => {
      this.#closed = true
      const driver = this.#driver
      this.#driver = undefined
      return driver === undefined ? Effect.void : Fiber.interrupt(driver)
    })
  }

  #startDriver(): void {
    const driver = Effect.runForkWith(this.#context)(this.#drive)
    this.#driver = driver
    driver.addObserver(() => {
      if (this.#driver !== driver) return
      this.#driver = undefined
      // A record queued while the driver was ending finds it gone: start another.
      if (this.#heap.size > 0 && !this.#closed) this.#startDriver()
    })
  }

  /** Runs every due record's step, then sleeps until the next due time; ends when nothing waits. */
  readonly #drive: Effect.Effect<void> = Effect.clockWith((clock) =>
    Effect.whileLoop({
      while: () => this.#heap.size > 0 && !this.#closed,
      body: () => {
        const now = clock.currentTimeMillisUnsafe()
        for (let next = this.#heap.peek(); next !== undefined && next.due <= now; next = this.#heap.peek()) {
          this.#heap.pop()
          this.#run(next)
        }
        const next = this.#heap.peek()
        return next === undefined ? Effect.void : this.#sleepUntil(next.due, next.due - now)
      },
      step: () => {},
    }),
  )

  #run(task: ScheduledTask): void {
    const fiber = Effect.runForkWith(this.#context)(task.step())
    task.running = fiber
    fiber.addObserver(() => {
      if (task.running === fiber) task.running = undefined
    })
  }

  /** Sleeps `ms` (Clock time), or less when an earlier record arrives. */
  #sleepUntil(due: number, ms: number): Effect.Effect<void> {
    return Effect.callback<void>((resume) => {
      let awake = false
      const sleeper = Effect.runForkWith(this.#context)(Effect.sleep(ms))
      const wake = () => {
        if (awake) return
        awake = true
        this.#wake = undefined
        this.#sleepingUntil = Number.POSITIVE_INFINITY
        sleeper.interruptUnsafe()
        resume(Effect.void)
      }
      this.#sleepingUntil = due
      this.#wake = wake
      sleeper.addObserver(wake)
      return Effect.sync(() => {
        awake = true
        this.#wake = undefined
        this.#sleepingUntil = Number.POSITIVE_INFINITY
        sleeper.interruptUnsafe()
      })
    })
  }
}
