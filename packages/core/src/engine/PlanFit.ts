/**
 * The pure half of `AdaptivePolicy`: a polling plan as query times, how it scores on a history of censored
 * ready times, and the search for the plan that minimises the poll cost on that history.
 *
 * A history is a list of completions, each kept as the interval its ready time lies in (after the last query
 * that saw the task pending, up to the query that saw it ready), with a weight (how many tasks it stands for;
 * 1 unless the policy corrects for tasks still in flight). Plans are scored assuming ready times spread evenly
 * inside each interval.
 *
 * @since 0.2.0
 */

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

/** A cadence: `firstMs`, then every `gapMs` while below `tailFromMs`, then every `intervalMs`. */
export interface Schedule {
  readonly firstMs: number
  readonly gapMs: number
  readonly tailFromMs: number
  readonly intervalMs: number
}

/** The advised cadence as a schedule: first query one interval after creation, then every interval. */
export const advisedSchedule = (intervalMs: number, firstMs = intervalMs): Schedule => ({
  firstMs,
  gapMs: intervalMs,
  tailFromMs: 0,
  intervalMs,
})

/** A schedule as a sequence of query times since creation. */
export class PollTimes {
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

/** Completions to fit on: ready time in (lower, upper], found by query number `queries`, standing for `weight` tasks. */
export interface Observations {
  readonly lower: ArrayLike<number>
  readonly upper: ArrayLike<number>
  readonly queries: ArrayLike<number>
  /** Tasks each completion stands for; 1 each when absent. */
  readonly weight?: ArrayLike<number> | undefined
  readonly size: number
}

interface Score {
  readonly queries: number
  readonly delayMs: number
  readonly lateShare: number
}

const weightOf = (observations: Observations, i: number): number => observations.weight?.[i] ?? 1

/**
 * Scores a schedule on censoring intervals, with ready times spread evenly inside each interval: mean queries
 * per task, mean detection delay, and the share of tasks found more than `lateAfterMs` after ready.
 */
const score = (
  schedule: Schedule,
  lower: ArrayLike<number>,
  observations: Observations,
  lateAfterMs: number,
): Score => {
  const times = new PollTimes(schedule)
  const { upper, size } = observations
  let queries = 0
  let delay = 0
  let late = 0
  let total = 0
  for (let i = 0; i < size; i++) {
    const w = weightOf(observations, i)
    if (w <= 0) continue
    total += w
    const a = lower[i]!
    const b = upper[i]!
    let index = times.firstAfter(a)
    let poll = times.at(index)
    const width = b - a
    if (width <= 0) {
      queries += w * index
      delay += w * (poll - b)
      if (poll - b > lateAfterMs) late += w
      continue
    }
    let left = a
    for (;;) {
      const right = Math.min(poll, b)
      const share = (w * (right - left)) / width
      queries += share * index
      delay += share * (poll - (left + right) / 2)
      const lateRight = Math.min(right, poll - lateAfterMs)
      if (lateRight > left) late += (w * (lateRight - left)) / width
      if (poll >= b) break
      left = poll
      index++
      poll = times.at(index)
    }
  }
  return total === 0
    ? { queries: 0, delayMs: 0, lateShare: 0 }
    : { queries: queries / total, delayMs: delay / total, lateShare: late / total }
}

/** The value below which a share `q` of the total weight lies (values sorted through `order`). */
const weightedQuantile = (
  values: ArrayLike<number>,
  order: ReadonlyArray<number>,
  observations: Observations,
  q: number,
): number => {
  let total = 0
  for (const i of order) total += weightOf(observations, i)
  const target = q * total
  let seen = 0
  for (const i of order) {
    seen += weightOf(observations, i)
    if (seen > target) return values[i]!
  }
  return values[order[order.length - 1]!]!
}

const roundTo = (value: number, step: number): number => Math.round(value / step) * step

/** Settings of a fit. */
export interface FitSettings {
  readonly intervalMs: number
  readonly floorMs: number
  readonly maxLateShare: number
  /** The gap of the plan in force (stretches the intervals of tasks found by the first query). */
  readonly currentGapMs: number
}

/**
 * Fits a plan on a history (at least one completion of positive weight): the plan minimising the poll cost
 * (mean detection delay × mean queries) with no more queries than the advised interval would make and at most
 * `maxLateShare` of tasks found later than that interval after ready, both on the same history. The advised
 * cadence is always a candidate, so a plan never scores worse than it on the history it was fitted on.
 * Pure: the same history gives the same plan.
 */
export const fitPlan = (history: Observations, settings: FitSettings): Plan => {
  const n = history.size
  const { intervalMs, floorMs, maxLateShare } = settings
  // Tasks found by the first query: ready somewhere before it. Assume the density just before the first query
  // matches the density just after it (tasks found by the second query), so the interval reaches back as far as
  // that density needs; with nobody found by the second query, all the way to creation.
  let foundFirst = 0
  let foundSecond = 0
  let basedOn = 0
  for (let i = 0; i < n; i++) {
    const w = weightOf(history, i)
    if (w <= 0) continue
    if (history.queries[i] === 1) foundFirst += w
    else if (history.queries[i] === 2) foundSecond += w
    if (history.queries[i]! > 0) basedOn++
  }
  const reach =
    foundSecond === 0 ? Number.POSITIVE_INFINITY : (foundFirst * settings.currentGapMs) / foundSecond
  const lower = new Float64Array(n)
  const middle = new Float64Array(n)
  const order: Array<number> = []
  for (let i = 0; i < n; i++) {
    const upper = history.upper[i]!
    lower[i] = history.queries[i] === 1 ? Math.max(0, upper - reach) : Math.min(history.lower[i]!, upper)
    middle[i] = history.queries[i] === 1 ? upper : (lower[i]! + upper) / 2
    if (weightOf(history, i) > 0) order.push(i)
  }
  order.sort((a, b) => middle[a]! - middle[b]!)
  const tailFromMs = weightedQuantile(middle, order, history, 0.95)
  const advised = advisedSchedule(intervalMs)
  const reference = score(advised, lower, history, intervalMs)
  const median = Math.max(floorMs, weightedQuantile(middle, order, history, 0.5))
  const firstStep = Math.max(50, (median - floorMs) / 20)
  let best = { schedule: advised, score: reference }
  for (let first = floorMs; first <= median + 1e-9; first += firstStep) {
    const firstMs = roundTo(first, 50)
    // A gap below 250 ms would be a busy loop, whatever the floor.
    for (let gapMs = Math.max(floorMs, 250); gapMs <= intervalMs + 1e-9; gapMs += 250) {
      const schedule = { firstMs, gapMs, tailFromMs: Math.max(firstMs, tailFromMs), intervalMs }
      const s = score(schedule, lower, history, intervalMs)
      if (s.lateShare > maxLateShare) break // a longer gap only finds more tasks late
      if (s.queries > reference.queries) continue // a longer gap makes fewer queries: try it
      if (s.delayMs * s.queries < best.score.delayMs * best.score.queries) best = { schedule, score: s }
    }
  }
  return {
    firstMs: best.schedule.firstMs,
    gapMs: best.schedule.gapMs,
    tailFromMs: best.schedule.tailFromMs,
    expectedQueries: best.score.queries,
    expectedDelayMs: best.score.delayMs,
    referenceQueries: reference.queries,
    basedOn,
  }
}
