import { describe, expect, it } from "vitest"
import { Board } from "../src/Board.ts"
import { fit, plainLine, renderRows } from "../src/Progress.ts"
import { renderSummary, summarize } from "../src/Summary.ts"

const makeBoard = () => {
  let now = 0
  const board = new Board(
    [
      { label: "ImageToTextTask", type: "ImageToTextTask" },
      { label: "ReCaptchaV2TaskProxyLess", type: "ReCaptchaV2TaskProxyLess" },
      { label: "AntiTurnstileTaskProxyLess", type: "AntiTurnstileTaskProxyLess" },
    ],
    () => now,
  )
  const advance = (ms: number) => {
    now += ms
  }
  return { board, advance }
}

describe("Board", () => {
  it("follows lifecycle events and reports only the changes worth a line of their own", () => {
    const { board, advance } = makeBoard()
    board.start(1)
    expect(board.rows[1]?.status).toBe("creating")
    expect(board.apply(1, { _tag: "Created", taskId: "t-1", queries: 0, ready: false })).toBe(true)
    expect(board.rows[1]).toMatchObject({ status: "idle", taskId: "t-1" })
    advance(1500)
    expect(board.apply(1, { _tag: "Polled", taskId: "t-1", queries: 1, status: "processing" })).toBe(true)
    expect(board.apply(1, { _tag: "Polled", taskId: "t-1", queries: 1, status: "processing" })).toBe(false)
    // The outcome gets its line from `finish`, with the solution preview or the reason.
    expect(board.apply(1, { _tag: "Polled", taskId: "t-1", queries: 2, status: "ready" })).toBe(false)
    board.finish(1, { _tag: "Solved", taskId: "t-1", queries: 2, preview: 'gRecaptchaResponse "03AF…"' })
    expect(board.rows[1]).toMatchObject({ status: "ready", queries: 2, note: 'gRecaptchaResponse "03AF…"' })
    expect(board.elapsedMs(board.rows[1]!)).toBe(1500)
    expect(plainLine(board, 1)).toBe(
      '[  1.5s] ReCaptchaV2TaskProxyLess ready 2 queries taskId=t-1 in 1.5s gRecaptchaResponse "03AF…"',
    )
  })

  it("lists the created, unfinished tasks as pending", () => {
    const { board } = makeBoard()
    board.start(0)
    board.apply(0, { _tag: "Created", taskId: "a", queries: 0 })
    board.start(1)
    board.apply(1, { _tag: "Created", taskId: "b", queries: 0 })
    board.finish(1, { _tag: "Failed", reason: "Unsolvable", taskId: "b" })
    expect(board.pending()).toEqual([{ label: "ImageToTextTask", taskId: "a" }])
  })

  it("summarises solved and failed tasks by reason, with queries and time", () => {
    const { board, advance } = makeBoard()
    board.start(0)
    board.start(1)
    board.start(2)
    advance(2000)
    board.finish(0, { _tag: "Solved", taskId: "a", queries: 0, preview: "" })
    board.finish(1, { _tag: "Failed", reason: "Unsolvable", taskId: "b", queries: 3 })
    board.finish(2, { _tag: "Solved", taskId: "c", queries: 4, preview: "" })
    expect(renderSummary(summarize(board))).toEqual([
      "summary",
      "  solved   2 of 3",
      "  failed   1 (Unsolvable 1)",
      "  queries  7 getTaskResult calls",
      "  time     2.0s in all, slowest task 2.0s",
    ])
  })
})

describe("terminal rendering", () => {
  it("draws one aligned row per task, never wider than the terminal", () => {
    const { board } = makeBoard()
    board.start(0)
    board.finish(0, {
      _tag: "Solved",
      taskId: "a",
      queries: 0,
      preview: 'text "a1b2c3" and a long preview to cut',
    })
    board.start(1)
    board.apply(1, { _tag: "Polled", taskId: "b", queries: 1, status: "processing" })
    const rows = renderRows(board, 0, 60, false)
    expect(rows).toHaveLength(3)
    for (const row of rows) expect(row.length).toBeLessThanOrEqual(59)
    expect(rows[0]).toMatch(/^ ✓ ImageToTextTask {13}ready/)
    expect(rows[1]).toMatch(/^ \S ReCaptchaV2TaskProxyLess {4}processing {4}1 query/)
    expect(rows[2]).toMatch(/^ · AntiTurnstileTaskProxyLess {2}queued {6}0 queries/)
  })

  it("does not count colour codes as width when cutting a line", () => {
    expect(fit("\u001b[32m✓\u001b[0m abcdef", 4)).toBe("\u001b[32m✓\u001b[0m ab\u001b[0m")
  })
})
