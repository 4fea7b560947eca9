/**
 * A polling policy that learns, per task type, when tasks become ready, from the client's own recent
 * completions, and spends the query budget of the provider's advised cadence where tasks actually finish.
 *
 * The advised cadence (CapSolver: every 3 s) wastes its first queries on tasks that cannot be ready yet and
 * then finds a ready task 1.5 s late on average. Once a task type has enough history, this policy instead
 * plans, per type:
 *
 * - a **first query** late enough to skip the queries that are almost always wasted,
 * - a tighter **gap** across the bulk of the learned solve times, paid for by the skipped queries,
 * - the advised interval again in the **tail** (past the 95th percentile), so slow tasks cost no more.
 *
 * The plan is the one that minimises the *poll cost* (mean detection delay × mean queries per task) on the
 * recent history, under two constraints checked on the same history: no more queries per task on average than
 * the advised interval would make, and no more than 5 % of tasks found later than that interval after they
 * became ready (tail latency no worse than the advised cadence). Until a type has 20 completions it follows the
 * provider's advice.
 *
 * What the policy learns from is censored: a completion says the task was ready at the query that saw it, so
 * its ready time lies between the previous query (`Completion.lastPendingMs`, or one planned gap earlier when
 * absent) and that one. Each completion is kept as that interval and plans are scored assuming ready times
 * spread evenly inside it. Tasks found by the first query have no
 * previous query; their interval is stretched back so that the density just before the first query matches
 * the density just after it, which lets the first query move earlier when tasks get faster.
 *
 * Guarantees: never a delay below `floor` (default 1 s); when the queries left could no longer poll at the
 * advised interval until the end of the result window, they are spread evenly over what is left of it (the
 * lifecycle enforces the hard limits anyway); memory is bounded (a fixed ring of `window` completions per type, at most
 * `maxTaskTypes` types, least recently completed dropped first); deterministic given the same completions.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type { Completion, PollContext, PollPolicy } from "./Policy.ts"

export interface AdaptiveOptions {
  /** Completions remembered per task type (default 200). */
  readonly window?: number | undefined
  /** Completions of a type needed before its plan is learned (default 20); below it, the provider's advice. */
  readonly minSamples?: number | undefined
  /** Task types tracked at once (default 64); the least recently completed type is forgotten first. */
  readonly maxTaskTypes?: number | undefined
  /** Completions between two re-plans of a type (default 20). */
  readonly refitEvery?: number | undefined
  /** No delay is ever shorter than this (default 1 s). */
  readonly floor?: Duration.Input | undefined
  /** Largest share of tasks allowed to be found later than the advised interval after ready (default 0.05). */
  readonly maxLateShare?: number | undefined
}

/** A learned polling plan for one task type (milliseconds since the task was created). */
export interface Plan {
  /** Delay before the first query. */
  readonly firstMs: number
  /** Gap between queries while the elapsed time is below `tailFromMs`. */
  readonly gapMs: number
  /** From here on, the advised interval. */
  readonly tailFromMs: number
  /** Scores on the history the plan was fitted on: mean queries per task, mean detection delay. */
  readonly expectedQueries: number
  readonly expectedDelayMs: number
  /** Mean queries per task the advised interval would have made on the same history. */
  readonly referenceQueries: number
  /** Completions the plan was fitted on. */
  readonly basedOn: number
}

export interface AdaptivePolicy extends PollPolicy {
  /** The current plan of a task type; undefined while it follows the provider's advice. */
  readonly planFor: (taskType: string) => Plan | undefined
  /** Completions remembered for a task type. */
  readonly samplesFor: (taskType: string) => number
  /** The task types currently tracked, least recently completed first. */
  readonly taskTypes: () => ReadonlyArray<string>
}

interface Schedule {
  readonly firstMs: number
  readonly gapMs: number
  readonly tailFromMs: number
  readonly intervalMs: number
}

interface Score {
  readonly queries: number
  readonly delayMs: number
  readonly lateShare: number
}

/** The cadence as a sequence of query times: `first`, then `gap` while below `tailFrom`, then `interval`. */
class PollTimes {
  readonly bulkCount: number
  readonly tailStart: number
  readonly schedule: Schedule
  constructor(schedule: Schedule) {
    this.schedule = schedule
    const { firstMs, gapMs, tailFromMs } = schedule
    this.bulkCount = firstMs < tailFromMs ? Math.ceil((tailFromMs - firstMs) / gapMs) : 0
    this.tailStart = firstMs + this.bulkCount * gapMs
  }
  /** Time of query number `index` (1-based). */
  at(index: number): number {
    const { firstMs, gapMs, intervalMs } = this.schedule
    return index <= this.bulkCount + 1
      ? firstMs + (index - 1) * gapMs
      : this.tailStart + (index - this.bulkCount - 1) * intervalMs
  }
  /** Index of the first query strictly after `time`. */
  firstAfter(time: number): number {
    const { firstMs, gapMs, intervalMs } = this.schedule
    if (time < firstMs) return 1
    if (time < this.tailStart) return 2 + Math.floor((time - firstMs) / gapMs)
    return this.bulkCount + 2 + Math.floor((time - this.tailStart) / intervalMs)
  }
}

/** Per-type history: a ring of censoring intervals (ready time in (lower, upper]) and query counts. */
class History {
  readonly lower: Float64Array
  readonly upper: Float64Array
  readonly queries: Uint16Array
  size = 0
  cursor = 0
  sinceFit = 0
  plan: Plan | undefined = undefined
  /** The provider's advised interval, as last seen by `nextDelay`. */
  intervalMs: number
  constructor(window: number, intervalMs: number) {
    this.intervalMs = intervalMs
    this.lower = new Float64Array(window)
    this.upper = new Float64Array(window)
    this.queries = new Uint16Array(window)
  }
  push(lower: number, upper: number, queries: number): void {
    this.lower[this.cursor] = lower
    this.upper[this.cursor] = upper
    this.queries[this.cursor] = Math.min(queries, 65_535)
    this.cursor = (this.cursor + 1) % this.lower.length
    if (this.size < this.lower.length) this.size++
    this.sinceFit++
  }
}

/** The gap before the query after one at `elapsedMs`, following a plan. */
const gapAfter = (plan: Plan, elapsedMs: number, intervalMs: number): number =>
  elapsedMs < plan.tailFromMs ? plan.gapMs : intervalMs

/**
 * Scores a schedule on censoring intervals, with ready times spread evenly inside each interval: mean queries
 * per task, mean detection delay, and the share of tasks found more than `lateAfterMs` after ready.
 */
const score = (
  schedule: Schedule,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  count: number,
  lateAfterMs: number,
): Score => {
  const times = new PollTimes(schedule)
  let queries = 0
  let delay = 0
  let late = 0
  for (let i = 0; i < count; i++) {
    const a = lower[i]!
    const b = upper[i]!
    let index = times.firstAfter(a)
    let poll = times.at(index)
    const width = b - a
    if (width <= 0) {
      queries += index
      delay += poll - b
      if (poll - b > lateAfterMs) late++
      continue
    }
    let left = a
    for (;;) {
      const right = Math.min(poll, b)
      const weight = (right - left) / width
      queries += weight * index
      delay += weight * (poll - (left + right) / 2)
      const lateRight = Math.min(right, poll - lateAfterMs)
      if (lateRight > left) late += (lateRight - left) / width
      if (poll >= b) break
      left = poll
      index++
      poll = times.at(index)
    }
  }
  return { queries: queries / count, delayMs: delay / count, lateShare: late / count }
}

const quantileOfSorted = (sorted: ArrayLike<number>, count: number, q: number): number =>
  sorted[Math.min(count - 1, Math.max(0, Math.floor(q * count)))]!

const roundTo = (value: number, step: number): number => Math.round(value / step) * step

/** Fits a plan on a history (at least one completion). Pure: the same history gives the same plan. */
export const fitPlan = (
  history: {
    readonly lower: ArrayLike<number>
    readonly upper: ArrayLike<number>
    readonly queries: ArrayLike<number>
    readonly size: number
  },
  settings: {
    readonly intervalMs: number
    readonly floorMs: number
    readonly maxLateShare: number
    /** The gap of the plan in force (stretches the intervals of tasks found by the first query). */
    readonly currentGapMs: number
  },
): Plan => {
  const n = history.size
  const { intervalMs, floorMs, maxLateShare } = settings
  // Tasks found by the first query: ready somewhere before it. Assume the density just before the first query
  // matches the density just after it (tasks found by the second query), so the interval reaches back as far as
  // that density needs; with nobody found by the second query, all the way to creation.
  let foundFirst = 0
  let foundSecond = 0
  for (let i = 0; i < n; i++) {
    if (history.queries[i] === 1) foundFirst++
    else if (history.queries[i] === 2) foundSecond++
  }
  const reach =
    foundSecond === 0 ? Number.POSITIVE_INFINITY : (foundFirst * settings.currentGapMs) / foundSecond
  const lower = new Float64Array(n)
  const middle = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const upper = history.upper[i]!
    lower[i] = history.queries[i] === 1 ? Math.max(0, upper - reach) : Math.min(history.lower[i]!, upper)
    middle[i] = history.queries[i] === 1 ? upper : (lower[i]! + upper) / 2
  }
  middle.sort()
  const tailFromMs = quantileOfSorted(middle, n, 0.95)
  const reference = score(
    { firstMs: intervalMs, gapMs: intervalMs, tailFromMs: 0, intervalMs },
    lower,
    history.upper,
    n,
    intervalMs,
  )
  const median = Math.max(floorMs, quantileOfSorted(middle, n, 0.5))
  const firstStep = Math.max(50, (median - floorMs) / 20)
  let best: { schedule: Schedule; score: Score } | undefined
  for (let first = floorMs; first <= median + 1e-9; first += firstStep) {
    const firstMs = roundTo(first, 50)
    for (let gapMs = floorMs; gapMs <= intervalMs + 1e-9; gapMs += 250) {
      const schedule = { firstMs, gapMs, tailFromMs: Math.max(firstMs, tailFromMs), intervalMs }
      const s = score(schedule, lower, history.upper, n, intervalMs)
      if (s.lateShare > maxLateShare) break // a longer gap only finds more tasks late
      if (s.queries > reference.queries) continue // a longer gap makes fewer queries: try it
      if (best === undefined || s.delayMs * s.queries < best.score.delayMs * best.score.queries) {
        best = { schedule, score: s }
      }
    }
  }
  const chosen = best ?? {
    schedule: { firstMs: intervalMs, gapMs: intervalMs, tailFromMs: 0, intervalMs },
    score: reference,
  }
  return {
    firstMs: chosen.schedule.firstMs,
    gapMs: chosen.schedule.gapMs,
    tailFromMs: chosen.schedule.tailFromMs,
    expectedQueries: chosen.score.queries,
    expectedDelayMs: chosen.score.delayMs,
    referenceQueries: reference.queries,
    basedOn: n,
  }
}

/** Creates an adaptive policy. State lives in the returned value: one per client (or shared to pool history). */
export const make = (options: AdaptiveOptions = {}): AdaptivePolicy => {
  const window = Math.max(1, Math.floor(options.window ?? 200))
  const minSamples = Math.max(1, Math.min(window, Math.floor(options.minSamples ?? 20)))
  const maxTaskTypes = Math.max(1, Math.floor(options.maxTaskTypes ?? 64))
  const refitEvery = Math.max(1, Math.floor(options.refitEvery ?? 20))
  const floorMs = Math.max(0, Duration.toMillis(Duration.fromInputUnsafe(options.floor ?? "1 second")))
  const maxLateShare = options.maxLateShare ?? 0.05
  const histories = new Map<string, History>()
  let lastIntervalMs = 3_000

  const historyOf = (taskType: string): History => {
    const found = histories.get(taskType)
    if (found !== undefined) return found
    if (histories.size >= maxTaskTypes) {
      const oldest = histories.keys().next()
      if (!oldest.done) histories.delete(oldest.value)
    }
    const created = new History(window, lastIntervalMs)
    histories.set(taskType, created)
    return created
  }

  const delayFor = (context: PollContext): number => {
    const history = histories.get(context.taskType)
    const { firstDelayMs, intervalMs } = context.advice
    lastIntervalMs = intervalMs
    if (history !== undefined) history.intervalMs = intervalMs
    const plan = history?.plan
    const planned =
      plan === undefined
        ? context.attempt === 0
          ? firstDelayMs
          : intervalMs
        : context.attempt === 0
          ? plan.firstMs
          : gapAfter(plan, context.elapsedMs, intervalMs)
    // Keep enough queries to go on polling at the advised interval until the end of the result window; when
    // they no longer suffice, spread the ones left evenly over what is left of it.
    const { maxQueriesPerTask, resultWindowMs, safetyMarginMs } = context.limits
    const remaining = maxQueriesPerTask - context.attempt
    const windowLeft = resultWindowMs - safetyMarginMs - context.elapsedMs
    const delay = Math.max(floorMs, planned)
    if (remaining <= 0 || (remaining - 1) * intervalMs >= windowLeft - delay) return delay
    return Math.max(delay, windowLeft / (remaining + 1))
  }

  const record = (completion: Completion): void => {
    if (completion.outcome !== "ready" || completion.queries < 1) return
    // Re-inserting moves the type to the end: the least recently completed type is evicted first.
    const history = historyOf(completion.taskType)
    histories.delete(completion.taskType)
    histories.set(completion.taskType, history)
    const upper = Math.max(0, completion.solveMs)
    let lower: number
    if (completion.lastPendingMs !== undefined) {
      lower = Math.min(Math.max(0, completion.lastPendingMs), upper)
    } else if (completion.queries <= 1) {
      lower = 0
    } else {
      // Reconstructed: the query before this one was one planned gap earlier.
      const plan = history.plan
      const gap =
        plan === undefined ? history.intervalMs : gapAfter(plan, upper - plan.gapMs, history.intervalMs)
      lower = Math.max(0, upper - gap)
    }
    history.push(lower, upper, completion.queries)
    if (history.size >= minSamples && (history.plan === undefined || history.sinceFit >= refitEvery)) {
      history.plan = fitPlan(history, {
        intervalMs: history.intervalMs,
        floorMs,
        maxLateShare,
        currentGapMs: history.plan?.gapMs ?? history.intervalMs,
      })
      history.sinceFit = 0
    }
  }

  return {
    name: `adaptive(window ${window}, min ${minSamples})`,
    nextDelay: (context) => Effect.sync(() => Duration.millis(delayFor(context))),
    observe: (completion) => Effect.sync(() => record(completion)),
    planFor: (taskType) => histories.get(taskType)?.plan,
    samplesFor: (taskType) => histories.get(taskType)?.size ?? 0,
    taskTypes: () => [...histories.keys()],
  }
}
