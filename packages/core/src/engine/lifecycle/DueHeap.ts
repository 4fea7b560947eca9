/**
 * A binary min-heap of entries by due time, each entry knowing its own position so that it can leave the
 * heap in O(log n) when its wait is cancelled (an abort, a timeout). Ties keep no particular order.
 */

/** An entry of the heap: its due time (epoch ms), and its position while queued (-1 when not queued). */
export interface DueEntry {
  due: number
  heapIndex: number
}

export class DueHeap<A extends DueEntry> {
  readonly #items: Array<A> = []

  get size(): number {
    return this.#items.length
  }

  /** The entry due first, left in the heap. */
  peek(): A | undefined {
    return this.#items[0]
  }

  push(entry: A): void {
    entry.heapIndex = this.#items.length
    this.#items.push(entry)
    this.#up(entry.heapIndex)
  }

  /** Takes the entry due first out of the heap. */
  pop(): A | undefined {
    const first = this.#items[0]
    if (first !== undefined) this.remove(first)
    return first
  }

  /** Takes `entry` out of the heap; nothing when it is not queued. */
  remove(entry: A): void {
    const index = entry.heapIndex
    if (index < 0 || this.#items[index] !== entry) return
    entry.heapIndex = -1
    const last = this.#items.pop() as A
    if (last === entry) return
    this.#items[index] = last
    last.heapIndex = index
    this.#down(index)
    this.#up(last.heapIndex)
  }

  #up(index: number): void {
    const items = this.#items
    const entry = items[index] as A
    while (index > 0) {
      const parentIndex = (index - 1) >> 1
      const parent = items[parentIndex] as A
      if (parent.due <= entry.due) break
      items[index] = parent
      parent.heapIndex = index
      index = parentIndex
    }
    items[index] = entry
    entry.heapIndex = index
  }

  #down(index: number): void {
    const items = this.#items
    const length = items.length
    const entry = items[index] as A
    for (;;) {
      const left = 2 * index + 1
      if (left >= length) break
      const right = left + 1
      const child = right < length && (items[right] as A).due < (items[left] as A).due ? right : left
      const childEntry = items[child] as A
      if (childEntry.due >= entry.due) break
      items[index] = childEntry
      childEntry.heapIndex = index
      index = child
    }
    items[index] = entry
    entry.heapIndex = index
  }
}
