/** Values shared by the Node-side setup and the browser tests. */

/** The emulator's keys: one valid with a balance, one valid with none. */
export const TEST_KEYS = {
  valid: "browser-test-key",
  zeroBalance: "browser-broke-key",
  unknown: "browser-not-a-key",
} as const

/** A 2×2 PNG: red, green / blue, white. */
export const PIXEL_PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFElEQVR4nGP4z8DAAMIM/////w8AH+4F+7C4l8kAAAAASUVORK5CYII="
