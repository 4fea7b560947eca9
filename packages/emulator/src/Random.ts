/**
 * Seeded pseudo-random numbers, so that a run of the emulator can be replayed exactly.
 *
 * mulberry32 is tiny, fast and good enough for test traffic; it is not cryptographic and need not be.
 * Each concern (faults, solve times, ids) draws from its own stream derived from the seed, so turning a
 * fault rate on does not shift the solve times of every later task.
 */

export type Seed = number | string

export interface RandomStream {
  /** A float in [0, 1). */
  next(): number
  /** An unsigned 32-bit integer. */
  nextUint32(): number
}

/** cyrb53's two 32-bit lanes over `text`: the one mixing behind both hashes below. */
const cyrb53Lanes = (text: string): readonly [number, number] => {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ code, 2654435761)
    h2 = Math.imul(h2 ^ code, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return [h1, h2]
}

/** Hashes a seed and a stream name into a 32-bit state (cyrb53's mixing, truncated). */
export const hashSeed = (seed: Seed, stream: string): number => {
  const [h1, h2] = cyrb53Lanes(`${typeof seed}:${String(seed)}/${stream}`)
  return (h1 ^ h2) >>> 0
}

export const createRandomStream = (seed: Seed, stream: string): RandomStream => {
  let state = hashSeed(seed, stream)
  const nextUint32 = (): number => {
    state = (state + 0x6d2b79f5) | 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (t ^ (t >>> 14)) >>> 0
  }
  return { nextUint32, next: () => nextUint32() / 4294967296 }
}

/** A standard normal variate from two uniforms in [0, 1) (Box-Muller). */
export const standardNormal = (u1: number, u2: number): number =>
  Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2)

/** 53-bit string hash (cyrb53), used to recognise the same task payload sent twice. */
export const hashString = (text: string): number => {
  const [h1, h2] = cyrb53Lanes(text)
  return 4294967296 * (2097151 & h2) + (h1 >>> 0)
}

const hex8 = (n: number): string => n.toString(16).padStart(8, "0")

/**
 * A UUID-shaped task id (version 4 layout, like the provider's). The last eight hex digits are the
 * counter times an odd constant (a bijection on 32 bits), so ids never repeat within a run.
 */
export const makeTaskId = (random: RandomStream, counter: number): string => {
  const a = hex8(random.nextUint32())
  const b = hex8(random.nextUint32())
  const c = hex8(random.nextUint32())
  const d = hex8(Math.imul(counter, 0x9e3779b1) >>> 0)
  const variant = ((Number.parseInt(c[0]!, 16) & 0x3) | 0x8).toString(16)
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`
}
