/**
 * Virtual time for the polling benchmark: a discrete-event clock shared by the client (as Effect's `Clock`)
 * and the emulator (as its `now`). Time only moves when no fiber has work queued (the client runs on this
 * clock's `scheduler`, which counts what it has queued) and no request is in flight; then it jumps to the
 * earliest wake-up. Requests therefore take no provider time, and a run of many provider minutes takes a
 * fraction of a real second, with figures that do not depend on the machine's load. Counting queued work rather
 * than sleeping tasks lets it drive any client, whether its waiting tasks are fibers or records in a scheduler.
 *
 * This is accelerated time taken to its limit: the emulator's audit still measures every delay server-side,
 * in provider milliseconds.
 */
import type * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as DurationModule from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Scheduler from "effect/Scheduler"

interface Timer {
  readonly at: number
  readonly seq: number
  wake: (() => void) | undefined
}

/** A binary heap of timers ordered by wake-up time, then by creation (FIFO for equal times). */
class TimerHeap {
  readonly #items: Array<Timer> = []
  get size(): number {
    return this.#items.length
  }
  peek(): Timer | undefined {
    return this.#items[0]
  }
  push(timer: Timer): void {
    const items = this.#items
    items.push(timer)
    let i = items.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(items[i]!, items[parent]!)) break
      ;[items[i], items[parent]] = [items[parent]!, items[i]!]
      i = parent
    }
  }
  pop(): Timer | undefined {
    const items = this.#items
    const top = items[0]
    const last = items.pop()
    if (top === undefined || last === undefined || items.length === 0) return top
    items[0] = last
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      const right = left + 1
      let smallest = i
      if (left < items.length && before(items[left]!, items[smallest]!)) smallest = left
      if (right < items.length && before(items[right]!, items[smallest]!)) smallest = right
      if (smallest === i) break
      ;[items[i], items[smallest]] = [items[smallest]!, items[i]!]
      i = smallest
    }
    return top
  }
}

const before = (a: Timer, b: Timer): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq)

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

export class VirtualTime {
  /** Virtual milliseconds since the start of the run. */
  now = 0
  /** Requests in flight through `fetch`. */
  inFlight = 0
  readonly #timers = new TimerHeap()
  /** Fiber work queued on `scheduler` and not run yet. */
  #queued = 0
  #seq = 0
  /** Wall-clock epoch of virtual time 0, for `currentTimeMillis`. */
  readonly #epochMs: number

  constructor(epochMs = Date.UTC(2026, 0, 1)) {
    this.#epochMs = epochMs
  }

  /** Effect's scheduler for the client: the default one, counting the work it has queued. */
  readonly scheduler: Scheduler.Scheduler = new Scheduler.MixedScheduler("async", (run) => {
    this.#queued++
    let pending = true
    const handle = setImmediate(() => {
      pending = false
      this.#queued--
      run()
    })
    return () => {
      if (!pending) return
      pending = false
      this.#queued--
      clearImmediate(handle)
    }
  })

  /** The emulator's clock (provider ms). */
  readonly emulatorNow = (): number => this.now

  /** Effect's Clock over virtual time. */
  readonly clock: Clock.Clock = {
    currentTimeMillisUnsafe: () => this.#epochMs + this.now,
    currentTimeMillis: Effect.sync(() => this.#epochMs + this.now),
    currentTimeNanosUnsafe: () => BigInt(Math.round((this.#epochMs + this.now) * 1e6)),
    currentTimeNanos: Effect.sync(() => BigInt(Math.round((this.#epochMs + this.now) * 1e6))),
    monotonicTimeNanosUnsafe: () => BigInt(Math.round(this.now * 1e6)),
    monotonicTimeNanos: Effect.sync(() => BigInt(Math.round(this.now * 1e6))),
    sleep: (duration: Duration.Duration) => this.sleep(DurationModule.toMillis(duration)),
  }

  sleep(ms: number): Effect.Effect<void> {
    return Effect.callback<void>((resume) => {
      const timer: Timer = {
        at: this.now + Math.max(0, ms),
        seq: this.#seq++,
        wake: () => resume(Effect.void),
      }
      this.#timers.push(timer)
      // Interrupted while asleep: forget the wake-up (left in the heap, skipped when it comes up).
      return Effect.sync(() => {
        timer.wake = undefined
      })
    })
  }

  /** A fetch that counts requests in flight, so time never moves while one is pending. */
  countingFetch(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
    return async (input, init) => {
      this.inFlight++
      try {
        const response = await fetch(input, init)
        // Read the body here, still counted: the caller's read then needs no further I/O.
        const body = await response.arrayBuffer()
        return new Response(body, { status: response.status, headers: response.headers })
      } finally {
        this.inFlight--
      }
    }
  }

  /**
   * Moves time forward until `done` settles: waits until no fiber work is queued and nothing is in flight,
   * then wakes the earliest sleepers.
   */
  async drive(done: Promise<unknown>): Promise<void> {
    let finished = false
    void done.then(
      () => {
        finished = true
      },
      () => {
        finished = true
      },
    )
    // Quiet turns required before time moves: promise callbacks between two steps may take a turn to queue work.
    const quietTurns = 3
    let quiet = 0
    while (!finished) {
      await nextTurn()
      if (this.inFlight > 0 || this.#queued > 0) {
        quiet = 0
        continue
      }
      if (++quiet < quietTurns) continue
      quiet = 0
      this.#wakeEarliest()
    }
  }

  #wakeEarliest(): void {
    let timer = this.#timers.pop()
    while (timer !== undefined && timer.wake === undefined) timer = this.#timers.pop()
    if (timer === undefined) return
    this.now = Math.max(this.now, timer.at)
    const due: Array<() => void> = []
    const take = (t: Timer) => {
      if (t.wake === undefined) return
      due.push(t.wake)
      t.wake = undefined
    }
    take(timer)
    for (
      let next = this.#timers.peek();
      next !== undefined && next.at <= this.now;
      next = this.#timers.peek()
    ) {
      take(this.#timers.pop()!)
    }
    for (const wake of due) wake()
  }
}
