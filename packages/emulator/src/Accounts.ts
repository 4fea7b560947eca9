/** Client keys: which exist, their balances (integer micro-USD, so sums never drift) and temporary blocks. */
import type { ResolvedKeyBlock, ResolvedOptions } from "./Options.ts"

export interface Account {
  balanceMicros: number
  blockedUntil: number
  /** Times of the latest client errors, a ring of `keyBlock.errors` slots. */
  readonly errorTimes: Array<number>
  errorCursor: number
}

export class Accounts {
  readonly #byKey = new Map<string, Account>()
  readonly #keyBlock: ResolvedKeyBlock | undefined

  constructor(options: ResolvedOptions) {
    this.#keyBlock = options.keyBlock
    const make = (balanceMicros: number): Account => ({
      balanceMicros,
      blockedUntil: -1,
      errorTimes: [],
      errorCursor: 0,
    })
    for (const key of options.keys) this.#byKey.set(key, make(options.balanceMicros))
    for (const key of options.zeroBalanceKeys) this.#byKey.set(key, make(0))
  }

  get(key: unknown): Account | undefined {
    return typeof key === "string" ? this.#byKey.get(key) : undefined
  }

  isBlocked(account: Account, now: number): boolean {
    return account.blockedUntil > now
  }

  /** Records a client error; a full ring whose oldest entry is inside the window starts a block. */
  recordError(account: Account, now: number): void {
    const rule = this.#keyBlock
    if (rule === undefined) return
    const times = account.errorTimes
    if (times.length < rule.errors) {
      times.push(now)
    } else {
      times[account.errorCursor] = now
      account.errorCursor = (account.errorCursor + 1) % rule.errors
    }
    if (times.length < rule.errors) return
    const oldest = times[account.errorCursor]!
    if (now - oldest <= rule.windowMs) {
      account.blockedUntil = now + rule.blockMs
      times.length = 0
      account.errorCursor = 0
    }
  }
}
