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
 * became ready (tail latency no worse than the advised cadence). See `PlanFit.ts`.
 *
 * **Cold start.** Until a type has 20 completions it follows the **prior**: the advised interval, first query
 * one interval after creation (CapSolver documents "retry after 3 seconds" and results within 1–30 s; on ready
 * times spread over that range no plan beats the advised cadence, and a query before 3 s finds about 2 % of
 * tasks). Three rules keep the move from prior to plan from costing more than the prior:
 *
 * - *No survivor bias.* Early completions are the fast tasks: the slow ones created at the same time are still
 *   running. Until its history first fills, a type's completions are weighted by how many tasks started early
 *   enough for a task that slow to have been seen (inverse probability weighting over the tasks seen starting),
 *   and the tasks not ready yet are kept as mass past what has been seen, polled at the advised interval there.
 * - *A task keeps the cadence it started with.* A plan pays for its tighter gap with the queries it skips at
 *   the start; a task created under the prior has made those queries already, so it finishes on the prior.
 * - *Query times are planned from creation*: query k happens at the plan's k-th time, never more queries by
 *   then than the plan would have made, never more than the advised interval apart; request latency does not
 *   accumulate.
 *
 * **Warm start.** `snapshot()` returns what the policy has learned as plain JSON (`PolicySnapshot.ts`) and
 * `restore(snapshot)` puts it back, in this process or another: a restored type polls on its plan from its
 * first task.
 *
 * What the policy learns from is censored: a completion says the task was ready at the query that saw it, so
 * its ready time lies between the previous query (`Completion.lastPendingMs`, or one planned gap earlier when
 * absent) and that one. Each completion is kept as that interval (see `PlanFit.ts`).
 *
 * Guarantees: never a delay below `floor` (default 1 s); when the queries left could no longer poll at the
 * advised interval until the end of the result window, they are spread evenly over what is left of it (the
 * lifecycle enforces the hard limits anyway); memory is bounded (a fixed ring of `window` completions per type,
 * at most `maxTaskTypes` types, least recently completed dropped first, and while a type's history first fills,
 * the start times of at most `8 × window` of its tasks); deterministic given the same completions and clock.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { fitPlan, type Observations, type Plan, PollTimes } from "./PlanFit.ts"
import type { Completion, PollContext, PollPolicy } from "./Policy.ts"
import type { PolicySnapshot, TaskTypeSnapshot } from "./PolicySnapshot.ts"

export { fitPlan, type Plan } from "./PlanFit.ts"

export interface AdaptiveOptions {
  /**
   * Completions remembered per task type (default 400). Plans fitted on 200 completions vary by a few percent
   * from one fit to the next; 400 halves that variance and still follows a change of solve times within 400.
   */
  readonly window?: number | undefined
  /** Completions of a type needed before its plan is learned (default 20); below it, the prior. */
  readonly minSamples?: number | undefined
  /** Task types tracked at once (default 64); the least recently completed type is forgotten first. */
  readonly maxTaskTypes?: number | undefined
  /** Completions between two re-plans of a type (default 20). */
  readonly refitEvery?: number | undefined
  /** No delay is ever shorter than this (default 1 s). */
  readonly floor?: Duration.Input | undefined
  /** Largest share of tasks allowed to be found later than the advised interval after ready (default 0.05). */
  readonly maxLateShare?: number | undefined
  /**
   * The solve times to expect before a type has any history: the prior plan is the one fitted on ready times
   * spread evenly over this range (default 1 s to 30 s, CapSolver's documented "1 s – 30 s").
   */
  readonly priorSolveTimes?: readonly [Duration.Input, Duration.Input] | undefined
}

/** Ready times the prior spreads its range into (100 ms apart over the default range). */
const PRIOR_POINTS = 290

/** The query count of an assumed ready time: no query found it (so it is neither stretched nor counted). */
const SYNTHETIC = 0

/** Ready times spread evenly over `[minMs, maxMs]`, as `PRIOR_POINTS` intervals. */
const spread = (
  minMs: number,
  maxMs: number,
): { readonly lower: Float64Array; readonly upper: Float64Array } => {
  const width = (maxMs - minMs) / PRIOR_POINTS
  const lower = new Float64Array(PRIOR_POINTS)
  const upper = new Float64Array(PRIOR_POINTS)
  for (let i = 0; i < PRIOR_POINTS; i++) {
    lower[i] = minMs + i * width
    upper[i] = lower[i]! + width
  }
  return { lower, upper }
}

/**
 * The prior: the plan `fitPlan` chooses for ready times spread evenly over `[minMs, maxMs]`, the range the
 * provider documents. On CapSolver's 3 s interval and 1–30 s range it waits about 5.4 s for the first query (a
 * query at 3 s finds 7 % of such tasks) and then polls every 2.75 s, which costs 0.93× the advised cadence on
 * that range; a task type that solves faster or slower than the range says pays for it until it has history.
 */
export const priorPlan = (
  intervalMs: number,
  options: {
    readonly floorMs?: number | undefined
    readonly maxLateShare?: number | undefined
    readonly minMs?: number | undefined
    readonly maxMs?: number | undefined
  } = {},
): Plan => {
  const minMs = Math.max(0, options.minMs ?? 1_000)
  const { lower, upper } = spread(minMs, Math.max(minMs + 1, options.maxMs ?? 30_000))
  return {
    ...fitPlan(
      { lower, upper, queries: new Uint16Array(PRIOR_POINTS).fill(SYNTHETIC), size: PRIOR_POINTS },
      {
        intervalMs,
        floorMs: options.floorMs ?? 1_000,
        maxLateShare: options.maxLateShare ?? 0.05,
        currentGapMs: intervalMs,
      },
    ),
    basedOn: 0,
  }
}

export interface AdaptivePolicy extends PollPolicy {
  /** The current plan of a task type; undefined while it follows the prior. */
  readonly planFor: (taskType: string) => Plan | undefined
  /** Completions remembered for a task type. */
  readonly samplesFor: (taskType: string) => number
  /** The task types currently tracked, least recently completed first. */
  readonly taskTypes: () => ReadonlyArray<string>
  /** What the policy has learned, as plain JSON (no task ids, keys or clock times). */
  readonly snapshot: () => PolicySnapshot
  /**
   * Puts back what a snapshot holds (decode untrusted JSON with `PolicySnapshot.decode` first): each task type
   * in it replaces what the policy knew of that type, with its plan in force from the next task; other types
   * are kept. Keeps at most `window` completions per type (the most recent) and `maxTaskTypes` types.
   */
  readonly restore: (snapshot: PolicySnapshot) => void
}

/** Start times kept per type while its history first fills, as a multiple of `window`. */
const ARRIVALS_PER_WINDOW = 8

/** A plan, its query times, and the instant it came into force. */
interface Version {
  readonly since: number
  readonly plan: Plan
  readonly times: PollTimes
}

/** Plans kept per type for the tasks still following them. */
const MAX_VERSIONS = 32
/** How long a replaced plan is kept: longer than any provider's result window. */
const VERSION_LIFETIME_MS = 15 * 60_000

const timesOf = (plan: Plan, intervalMs: number): PollTimes =>
  new PollTimes({ firstMs: plan.firstMs, gapMs: plan.gapMs, tailFromMs: plan.tailFromMs, intervalMs })

/** Per-type history: a ring of censoring intervals (ready time in (lower, upper]) and query counts. */
class History {
  readonly lower: Float64Array
  readonly upper: Float64Array
  readonly queries: Uint16Array
  /** Creation time of each completion's task (clock ms), for the start-up weighting. */
  readonly created: Float64Array
  size = 0
  cursor = 0
  sinceFit = 0
  /**
   * The plans made, each with the instant it came into force, oldest first: a task follows the plan in force
   * when it was created, since that is the plan it was scored under (it skipped that plan's first queries).
   */
  versions: Array<Version> = []
  /** Tasks created before this instant follow the prior (set when the first plan is made). */
  firstPlanAt = Number.POSITIVE_INFINITY
  /**
   * Creation times (sorted) of the tasks seen starting, until the ring first wraps: what the start-up weighting
   * needs. Undefined once the ring is full (the history is then a fair sample) or too many tasks started.
   */
  arrivals: Array<number> | undefined = []
  /** The provider's advised interval, as last seen by `nextDelay`. */
  intervalMs: number
  constructor(window: number, intervalMs: number) {
    this.intervalMs = intervalMs
    this.lower = new Float64Array(window)
    this.upper = new Float64Array(window)
    this.queries = new Uint16Array(window)
    this.created = new Float64Array(window)
  }
  push(lower: number, upper: number, queries: number, created: number): void {
    if (this.size === this.lower.length) this.arrivals = undefined
    this.lower[this.cursor] = lower
    this.upper[this.cursor] = upper
    this.queries[this.cursor] = Math.min(queries, 65_535)
    this.created[this.cursor] = created
    this.cursor = (this.cursor + 1) % this.lower.length
    if (this.size < this.lower.length) this.size++
    this.sinceFit++
  }
  /** The plan in force for new tasks; undefined while they follow the prior. */
  get plan(): Plan | undefined {
    return this.versions[this.versions.length - 1]?.plan
  }
  /** Puts `plan` in force for the tasks created from `since` on. */
  setPlan(plan: Plan, since: number): void {
    if (this.versions.length === 0) this.firstPlanAt = since
    this.versions.push({ since, plan, times: timesOf(plan, this.intervalMs) })
    // No task outlives its result window: plans replaced longer ago than any window serve no one.
    while (
      this.versions.length > MAX_VERSIONS ||
      (this.versions.length > 1 && this.versions[1]!.since < since - VERSION_LIFETIME_MS)
    ) {
      this.versions.shift()
    }
  }
  /** The advised interval changed: every plan's tail follows the new one. */
  setInterval(intervalMs: number): void {
    this.intervalMs = intervalMs
    this.versions = this.versions.map((v) => ({ ...v, times: timesOf(v.plan, intervalMs) }))
  }
  /** The query times of a task created at `createdAt`; undefined when it follows the prior. */
  timesFor(createdAt: number): PollTimes | undefined {
    const versions = this.versions
    for (let i = versions.length - 1; i >= 0; i--)
      if (versions[i]!.since <= createdAt) return versions[i]!.times
    // Created before every plan kept: on the prior if before the first plan, else on the oldest one kept.
    return createdAt < this.firstPlanAt ? undefined : versions[0]?.times
  }
  /** Completions oldest first, as ring indices. */
  *indices(): Generator<number> {
    const start = this.size < this.lower.length ? 0 : this.cursor
    for (let k = 0; k < this.size; k++) yield (start + k) % this.lower.length
  }
}

/** Index of the first element of a sorted array above `value`: how many are at or below it. */
const countAtOrBelow = (sorted: ReadonlyArray<number>, value: number): number => {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! <= value) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** The prior's plan and query times, and the ready times it assumes (the documented range, evenly spread). */
interface Prior {
  readonly plan: Plan
  readonly times: PollTimes
  readonly lower: Float64Array
  readonly upper: Float64Array
}

/**
 * The history as observations to fit on, with the prior where the history knows little:
 *
 * - While its ring first fills, a completion that took `s` ms could only be seen from the tasks created at
 *   least `s` ms ago, so it stands for (tasks seen starting) / (those started `s` ago or earlier) tasks.
 *   Completions slower than the age of the median started task (where that ratio passes 2) are left to the
 *   remainder: the tasks not ready by that age, whose ready times are taken from the prior's range past it.
 *   Completions of tasks created before the first one seen starting (restored, resumed) count once.
 * - The prior's range also counts as `priorWeight` tasks spread over it: as much as `minSamples` completions
 *   at first, nothing once the ring is full.
 */
const observationsOf = (history: History, now: number, prior: Prior, priorWeight: number): Observations => {
  const n = history.size
  const points = prior.lower.length
  const capacity = n + 2 * points
  const lower = new Float64Array(capacity)
  const upper = new Float64Array(capacity)
  const queries = new Uint16Array(capacity)
  const weight = new Float64Array(capacity)
  let k = 0
  const add = (a: number, b: number, q: number, w: number) => {
    lower[k] = a
    upper[k] = b
    queries[k] = q
    weight[k] = w
    k++
  }
  const arrivals = history.arrivals
  if (arrivals === undefined || arrivals.length === 0) {
    for (const i of history.indices()) add(history.lower[i]!, history.upper[i]!, history.queries[i]!, 1)
  } else {
    const started = arrivals.length
    const firstStart = arrivals[0]!
    const horizon = now - arrivals[(started - 1) >>> 1]!
    let represented = 0
    for (const i of history.indices()) {
      const found = history.upper[i]!
      let w = 0
      if (history.created[i]! < firstStart) w = 1
      else if (found <= horizon) {
        w = started / Math.max(1, countAtOrBelow(arrivals, now - found))
        represented += w
      }
      add(history.lower[i]!, found, history.queries[i]!, w)
    }
    const remainder = started - represented
    if (remainder > 0) {
      let beyond = 0
      for (let j = 0; j < points; j++) if (prior.lower[j]! >= horizon) beyond++
      if (beyond === 0) add(horizon, horizon + history.intervalMs, SYNTHETIC, remainder)
      for (let j = 0; j < points; j++) {
        if (prior.lower[j]! >= horizon) add(prior.lower[j]!, prior.upper[j]!, SYNTHETIC, remainder / beyond)
      }
    }
  }
  if (priorWeight > 0) {
    for (let j = 0; j < points; j++) add(prior.lower[j]!, prior.upper[j]!, SYNTHETIC, priorWeight / points)
  }
  return { lower, upper, queries, weight, size: k }
}

/** Creates an adaptive policy. State lives in the returned value: one per client (or shared to pool history). */
export const make = (options: AdaptiveOptions = {}): AdaptivePolicy => {
  const window = Math.max(1, Math.floor(options.window ?? 400))
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

  /** Remembers a task's start, for the start-up weighting, until the type's ring first fills. */
  const started = (history: History, createdAt: number): void => {
    const arrivals = history.arrivals
    if (arrivals === undefined) return
    if (arrivals.length >= ARRIVALS_PER_WINDOW * window) {
      history.arrivals = undefined
      return
    }
    // Tasks are seen in creation order, give or take a createTask round trip: insert from the end.
    let i = arrivals.length
    arrivals.push(createdAt)
    while (i > 0 && arrivals[i - 1]! > createdAt) {
      arrivals[i] = arrivals[i - 1]!
      i--
    }
    arrivals[i] = createdAt
  }

  /** A task that failed never becomes ready: it no longer counts among the tasks seen starting. */
  const forget = (history: History, createdAt: number): void => {
    const arrivals = history.arrivals
    if (arrivals === undefined || arrivals.length === 0) return
    const i = Math.min(arrivals.length - 1, countAtOrBelow(arrivals, createdAt))
    const nearest = i > 0 && createdAt - arrivals[i - 1]! < arrivals[i]! - createdAt ? i - 1 : i
    if (Math.abs(arrivals[nearest]! - createdAt) <= 1_000) arrivals.splice(nearest, 1)
  }

  const [priorMin, priorMax] = options.priorSolveTimes ?? ["1 second", "30 seconds"]
  const priorRange = {
    floorMs,
    maxLateShare,
    minMs: Duration.toMillis(Duration.fromInputUnsafe(priorMin)),
    maxMs: Duration.toMillis(Duration.fromInputUnsafe(priorMax)),
  }
  const priorPoints = spread(priorRange.minMs, Math.max(priorRange.minMs + 1, priorRange.maxMs))
  /** The prior per advised interval (a provider's advice rarely changes: a couple of entries at most). */
  const priors = new Map<number, Prior>()
  const priorOf = (intervalMs: number): Prior => {
    let prior = priors.get(intervalMs)
    if (prior === undefined) {
      if (priors.size >= 8) priors.clear()
      const plan = priorPlan(intervalMs, priorRange)
      prior = { plan, times: new PollTimes({ ...plan, intervalMs }), ...priorPoints }
      priors.set(intervalMs, prior)
    }
    return prior
  }

  const delayFor = (context: PollContext, now: number): number => {
    const { intervalMs } = context.advice
    lastIntervalMs = intervalMs
    const createdAt = now - context.elapsedMs
    const history = context.attempt === 0 ? historyOf(context.taskType) : histories.get(context.taskType)
    if (history !== undefined) {
      if (history.intervalMs !== intervalMs) history.setInterval(intervalMs)
      if (context.attempt === 0) started(history, createdAt)
    }
    const times = history?.timesFor(createdAt) ?? priorOf(intervalMs).times
    // The next planned time after now, but never ahead of the plan's query count: a task that has made more
    // queries than the plan would have by now (retries, or a plan that changed) waits for the plan to catch up.
    const { attempt, elapsedMs } = context
    const planned =
      attempt === 0
        ? times.at(1) - elapsedMs
        : Math.min(
            intervalMs,
            Math.max(times.at(attempt + 1), times.at(times.firstAfter(elapsedMs))) - elapsedMs,
          )
    // Keep enough queries to go on polling at the advised interval until the end of the result window; when
    // they no longer suffice, spread the ones left evenly over what is left of it.
    const { maxQueriesPerTask, resultWindowMs, safetyMarginMs } = context.limits
    const remaining = maxQueriesPerTask - attempt
    const windowLeft = resultWindowMs - safetyMarginMs - elapsedMs
    const delay = Math.max(floorMs, planned)
    if (remaining <= 0 || (remaining - 1) * intervalMs >= windowLeft - delay) return delay
    return Math.max(delay, windowLeft / (remaining + 1))
  }

  const refit = (history: History, now: number): void => {
    if (history.size < minSamples || (history.plan !== undefined && history.sinceFit < refitEvery)) return
    const prior = priorOf(history.intervalMs)
    const priorWeight = minSamples * Math.max(0, 1 - history.size / window)
    const observations = observationsOf(history, now, prior, priorWeight)
    history.setPlan(
      fitPlan(observations, {
        intervalMs: history.intervalMs,
        floorMs,
        maxLateShare,
        currentGapMs: (history.plan ?? prior.plan).gapMs,
      }),
      now,
    )
    history.sinceFit = 0
  }

  const record = (completion: Completion, now: number): void => {
    const createdAt = now - completion.solveMs
    if (completion.outcome === "failed") {
      const history = histories.get(completion.taskType)
      if (history !== undefined) forget(history, createdAt)
    }
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
      const plan = history.plan ?? priorOf(history.intervalMs).plan
      const gap = upper - plan.gapMs >= plan.tailFromMs ? history.intervalMs : plan.gapMs
      lower = Math.max(0, upper - gap)
    }
    history.push(lower, upper, completion.queries, createdAt)
    refit(history, now)
  }

  const snapshot = (): PolicySnapshot => {
    const types: Array<readonly [string, TaskTypeSnapshot]> = []
    for (const [taskType, history] of histories) {
      if (history.size === 0) continue
      const completions: Array<readonly [number, number, number]> = []
      for (const i of history.indices()) {
        completions.push([history.lower[i]!, history.upper[i]!, history.queries[i]!])
      }
      const plan = history.plan
      types.push([
        taskType,
        { intervalMs: history.intervalMs, completions, ...(plan === undefined ? {} : { plan: { ...plan } }) },
      ])
    }
    // `fromEntries` defines own properties: a type named "__proto__" stays a type.
    return { version: 1, types: Object.fromEntries(types) }
  }

  const restore = (saved: PolicySnapshot): void => {
    for (const [taskType, entry] of Object.entries(saved.types)) {
      histories.delete(taskType)
      const history = historyOf(taskType)
      history.intervalMs = entry.intervalMs
      // Restored completions come from another process's clock: they count once, never as start-up samples.
      history.arrivals = undefined
      for (const [readyAfterMs, foundAtMs, queries] of entry.completions.slice(-window)) {
        history.push(readyAfterMs, foundAtMs, queries, Number.NEGATIVE_INFINITY)
      }
      history.sinceFit = 0
      // In force for every task from now on: this process has no task of this type that a plan did not see.
      if (entry.plan !== undefined) history.setPlan({ ...entry.plan }, Number.NEGATIVE_INFINITY)
      // A snapshot with enough completions but no plan (a policy with a higher minSamples wrote it) is fitted
      // now, so the type is warm from its next task as well.
      else refit(history, Number.NEGATIVE_INFINITY)
      // New tasks still get the start-up weighting while the ring is not full.
      history.arrivals = history.size < window ? [] : undefined
    }
  }

  return {
    name: `adaptive(window ${window}, min ${minSamples})`,
    nextDelay: (context) =>
      Effect.map(Clock.currentTimeMillis, (now) => Duration.millis(delayFor(context, now))),
    observe: (completion) => Effect.map(Clock.currentTimeMillis, (now) => record(completion, now)),
    planFor: (taskType) => histories.get(taskType)?.plan,
    samplesFor: (taskType) => histories.get(taskType)?.size ?? 0,
    taskTypes: () => [...histories.keys()],
    snapshot,
    restore,
  }
}
