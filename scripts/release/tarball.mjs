// Reads an npm package tarball (.tgz) into a Map of path -> bytes, without extracting it to disk.
// Enough of ustar for what npm and pnpm write: regular files, plus pax ("x") and GNU ("L") long names.
import { readFileSync } from "node:fs"
import { gunzipSync } from "node:zlib"

const BLOCK = 512

const text = (bytes, start, length) => {
  const field = bytes.subarray(start, start + length)
  const end = field.indexOf(0)
  return field.subarray(0, end === -1 ? field.length : end).toString("utf8")
}

/** @returns {Map<string, Buffer>} paths relative to the tarball's top folder (npm's `package/`) */
export function readTarball(file) {
  const tar = gunzipSync(readFileSync(file))
  const entries = new Map()
  let offset = 0
  let longName
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK)
    if (header.every((byte) => byte === 0)) break
    const size = Number.parseInt(text(header, 124, 12).trim() || "0", 8)
    const type = String.fromCharCode(header[156] || 48)
    const body = tar.subarray(offset + BLOCK, offset + BLOCK + size)
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK
    if (type === "x") {
      const match = /\d+ path=([^\n]*)\n/.exec(body.toString("utf8"))
      if (match) longName = match[1]
      continue
    }
    if (type === "L") {
      longName = text(body, 0, body.length)
      continue
    }
    const prefix = text(header, 345, 155)
    const name = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100))
    longName = undefined
    if (type !== "0" && type !== "\0") continue
    const mode = Number.parseInt(text(header, 100, 8).trim() || "0", 8)
    entries.set(name.replace(/^[^/]+\//, ""), Object.assign(Buffer.from(body), { mode }))
  }
  return entries
}
