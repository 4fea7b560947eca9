/**
 * Bounding text the relay repeats from a request or a provider answer: an endpoint name from the URL, a task
 * type from the body, a provider's error code. An attacker chooses that text, so where it is echoed (a
 * refusal's description, an event the owner logs) it is cut short and stripped of control characters: a
 * 2 MB task type must not become a 2 MB log line, nor a newline a forged one.
 *
 * @since 0.1.0
 */
import type { RelayEvent } from "./Options.ts"

/** The most characters of attacker-chosen text an event or a refusal repeats. Real names are under 40. */
export const MAX_ECHO_CHARS = 64

/**
 * The longest refusal description the relay sends, whatever it quotes. Its own are under 200 characters (one
 * about a task's fields lists a few problems).
 */
export const MAX_DESCRIPTION_CHARS = 512

const ELLIPSIS = "…"

/** C0 and C1 control characters, line and paragraph separators: what would break or forge a log line. */
const isControl = (code: number): boolean =>
  code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029

/** `text` with control characters replaced by spaces, cut to `max` characters (the last one an ellipsis). */
export const echoed = (text: string, max: number = MAX_ECHO_CHARS): string => {
  const short = text.length > max ? cut(text, max - ELLIPSIS.length) + ELLIPSIS : text
  let clean = ""
  for (let at = 0; at < short.length; at++) {
    clean += isControl(short.charCodeAt(at)) ? " " : short[at]
  }
  return clean
}

/** The first `length` UTF-16 units of `text`, one fewer if that would split a surrogate pair. */
const cut = (text: string, length: number): string => {
  const last = text.charCodeAt(length - 1)
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? length - 1 : length)
}

// The event fields that can carry text a request or an answer chose.
const ECHOED_FIELDS = ["endpoint", "taskType", "errorCode"] as const

/**
 * An event with its echoed fields bounded: what the owner's `onEvent` receives. A relayed endpoint name is
 * already short, so each field keeps its type.
 */
export const boundedEvent = <E extends RelayEvent>(event: E): E => {
  const bounded: Record<string, unknown> = { ...event }
  for (const field of ECHOED_FIELDS) {
    const value = bounded[field]
    if (typeof value === "string") bounded[field] = echoed(value)
  }
  return bounded as E
}
