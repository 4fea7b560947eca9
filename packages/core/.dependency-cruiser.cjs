// @ts-check
/**
 * Core's layer order, checked in `npm test`: domain → wire → engine → faces. A lower layer never imports
 * an upper one, not even a type, and no module is part of an import cycle. The entries (`index.ts`, the
 * public list; `internal.ts` + `internal/`, what only adapters share) sit above every layer and nothing in
 * a layer imports them.
 *
 * @type {import("dependency-cruiser").IConfiguration}
 */
const layers = ["domain", "wire", "engine", "faces"]

/** One rule per layer: it may not reach any layer above it. */
const upward = layers.slice(0, -1).map((layer, index) => ({
  name: `no-upward-import-from-${layer}`,
  comment: `${layer} sits below ${layers.slice(index + 1).join(", ")}: it may not import them (move the shared piece down instead)`,
  severity: "error",
  from: { path: `^src/${layer}/` },
  to: { path: `^src/(${layers.slice(index + 1).join("|")})/` },
}))

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment:
        "an import cycle ties modules together so that neither can be understood, tested or moved alone",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
    ...upward,
    {
      name: "no-entry-import-from-layers",
      comment:
        "the entries (index.ts, internal.ts, internal/) re-export the layers; a layer importing them hides an upward edge",
      severity: "error",
      from: { path: `^src/(${layers.join("|")})/` },
      to: { path: "^src/(index|internal)\\.ts$|^src/internal/" },
    },
    {
      name: "no-unlayered-module",
      comment: "every module belongs to a layer folder or is an entry, so the tree shows where it sits",
      severity: "error",
      from: { path: "^src/[^/]+\\.ts$", pathNot: "^src/(index|internal)\\.ts$" },
      to: {},
    },
  ],
  options: {
    // Type-only imports are edges too: `import type` from an upper layer is still an upward dependency.
    tsPreCompilationDeps: true,
    doNotFollow: { path: "node_modules" },
    exclude: { path: "node_modules|^dist/" },
  },
}
