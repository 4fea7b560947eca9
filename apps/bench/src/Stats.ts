/** Small statistics helpers shared by the benchmark sections. */

export const mean = (values: ReadonlyArray<number>): number =>
  values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length

/** Nearest-rank quantile (the emulator's audit uses the same rule for its p95). */
export const quantile = (values: ReadonlyArray<number>, q: number): number => {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
}

export const median = (values: ReadonlyArray<number>): number => quantile(values, 0.5)

export const max = (values: ReadonlyArray<number>): number =>
  values.reduce((largest, value) => Math.max(largest, value), Number.NEGATIVE_INFINITY)

/** A deterministic PRNG (mulberry32) for anything the benchmark draws itself. */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
