/** Number formats and the table helper shared by the report's sections. */

export const f1 = (n: number) => n.toFixed(1)
export const f2 = (n: number) => n.toFixed(2)
export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`
export const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`
export const status = (ok: boolean) => (ok ? "**met**" : "**not met**")
export const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string =>
  [
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n")
