// Counts the test results every runner wrote under <package>/.reports/ (vitest JSON, deno JUnit XML)
// and prints the closing line `tests: N passed, N failed, N skipped`. Exits non-zero when a test
// failed, when a report is unreadable, or when no test ran at all.
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"

const root = new URL("..", import.meta.url).pathname
const totals = { passed: 0, failed: 0, skipped: 0 }
const rows = []
let broken = false

const reportDirs = [{ label: "release check", dir: join(root, ".reports") }]
for (const group of ["packages", "apps"]) {
  for (const name of readdirSync(join(root, group))) {
    reportDirs.push({ label: `${group}/${name}`, dir: join(root, group, name, ".reports") })
  }
}

for (const { label, dir } of reportDirs) {
  if (!existsSync(dir)) continue
  for (const file of readdirSync(dir)) {
    const path = join(dir, file)
    try {
      const counts = file.endsWith(".json")
        ? fromVitest(path)
        : file.endsWith(".xml")
          ? fromJUnit(path)
          : null
      if (counts === null) continue
      rows.push(
        `${label} (${file}): ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`,
      )
      for (const key of Object.keys(totals)) totals[key] += counts[key]
    } catch (error) {
      broken = true
      rows.push(`${label} (${file}): unreadable report (${error.message})`)
    }
  }
}

function fromVitest(path) {
  const report = JSON.parse(readFileSync(path, "utf8"))
  return {
    passed: report.numPassedTests,
    failed: report.numFailedTests + countFilesThatFailedToRun(report),
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  }
}

// A test file that failed to load has no failed test of its own: count it as one failure.
function countFilesThatFailedToRun(report) {
  return (report.testResults ?? []).filter(
    (file) => file.status === "failed" && !(file.assertionResults ?? []).some((t) => t.status === "failed"),
  ).length
}

function fromJUnit(path) {
  const xml = readFileSync(path, "utf8")
  const cases = xml.match(/<testcase\b[\s\S]*?(?:\/>|<\/testcase>)/g) ?? []
  let failed = 0
  let skipped = 0
  for (const c of cases) {
    if (/<(failure|error)\b/.test(c)) failed++
    else if (/<skipped\b/.test(c)) skipped++
  }
  return { passed: cases.length - failed - skipped, failed, skipped }
}

console.log("")
for (const row of rows) console.log(`  ${row}`)
if (totals.passed + totals.failed === 0) console.log("  no test ran: that is a failure")
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`)
process.exit(broken || totals.failed > 0 || totals.passed + totals.failed === 0 ? 1 : 0)
