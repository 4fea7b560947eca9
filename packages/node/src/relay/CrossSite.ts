/**
 * Refusing cross-site simple requests when the owner named no `allowOrigins`. A page on any site can make a
 * visitor's browser POST a form or a `text/plain` body to the relay without asking first (no CORS
 * preflight): it cannot read the answer, but the task is created and paid for. A request whose body is
 * declared `application/json` cannot be sent that way (the browser asks the relay first, and a relay
 * without `allowOrigins` answers no other origin), and a same-origin page may send what it likes.
 *
 * @since 0.1.0
 */
import { type Refusal, refusal } from "./Responses.ts"

/** Whether the request declares a JSON body: `application/json`, any case, parameters allowed. */
const declaresJson = (request: Request): boolean => {
  const contentType = request.headers.get("content-type")
  if (contentType === null) return false
  // Anything else in the essence (`application/json, text/plain`, two headers joined) is not JSON: a browser
  // reads such a value as no MIME type at all, and would have asked first, but nothing is gained by guessing.
  return contentType.split(";")[0]?.trim().toLowerCase() === "application/json"
}

/**
 * Whether a browser says the request comes from the relay's own site: its `Origin` names the host the
 * request was sent to (the scheme is not compared: TLS usually ends before the relay, so the request URL
 * reads `http:` behind an `https:` page), or `Sec-Fetch-Site` says `same-origin` (a header pages cannot set;
 * it also holds behind a proxy that rewrites `Host`).
 */
const fromOwnSite = (request: Request): boolean => {
  if (request.headers.get("sec-fetch-site") === "same-origin") return true
  const origin = request.headers.get("origin")
  if (origin === null || origin === "null") return false
  try {
    return new URL(origin).host === new URL(request.url).host
  } catch {
    return false
  }
}

/**
 * The check for a relay configured without `allowOrigins`: a body not declared `application/json` is
 * refused unless it comes from the relay's own site. With `allowOrigins`, the origin list decides (see
 * `corsPolicy`), and this passes everything.
 */
export const crossSiteCheck =
  (allowOrigins: "*" | ReadonlyArray<string> | undefined) =>
  (request: Request): Refusal | undefined => {
    if (allowOrigins !== undefined || declaresJson(request) || fromOwnSite(request)) return undefined
    return refusal(
      415,
      "ERROR_RELAY_JSON_REQUIRED",
      "Send the body with content-type: application/json. Other bodies are accepted only from this site's own pages, or from the origins in allowOrigins.",
    )
  }
