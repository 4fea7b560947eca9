/**
 * Field schemas shared by the task definitions (internal to the catalogue).
 *
 * Inputs are strict (we only send documented shapes); solution fields the reference marks unconfirmed use
 * {@link lenient}, so a paid solve is never lost because an optional extra came back in another type.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as SchemaGetter from "effect/SchemaGetter"

/** A string that must not be empty (site keys, URLs, tokens). */
export const NonEmptyString = /*#__PURE__*/ Schema.String.check(
  /*#__PURE__*/ Schema.makeFilter((text: string) => text.length > 0, { message: "must not be empty" }),
)

const base64Problem = (text: string): string | undefined => {
  if (text.length === 0) return "must not be empty"
  if (/^data:/i.test(text)) return "must be plain base64, without the data:image/...;base64, prefix"
  if (/\s/.test(text)) return "must be base64 without spaces or line breaks"
  if (/[-_]/.test(text)) return "must be standard base64 (+ and /), not base64url (- and _)"
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return "must be base64 (letters, digits, + and /, then = padding)"
  if (text.includes("=") ? text.length % 4 !== 0 : text.length % 4 === 1) {
    return "is not valid base64 (its length does not fit the padding)"
  }
  return undefined
}

/**
 * A base64 image body. Unpadded input is accepted and padded before sending: the server-side decoders
 * commonly reject missing `=` padding.
 */
export const Base64 = /*#__PURE__*/ Schema.String.check(
  /*#__PURE__*/ Schema.makeFilter((text: string) => base64Problem(text)),
).pipe(
  /*#__PURE__*/ Schema.decode({
    decode: /*#__PURE__*/ SchemaGetter.transform((text: string) =>
      text.length % 4 === 0 ? text : text + "=".repeat(4 - (text.length % 4)),
    ),
    encode: /*#__PURE__*/ SchemaGetter.passthrough(),
  }),
)

/** A list of base64 images with a documented size range. */
export const Base64List = (minimum: number, maximum: number) =>
  Schema.Array(Base64).check(
    Schema.makeFilter(
      (images: ReadonlyArray<string>) => images.length >= minimum && images.length <= maximum,
      {
        message:
          minimum === maximum
            ? `must hold exactly ${minimum} images`
            : `must hold ${minimum === 1 ? "1" : `from ${minimum}`} to ${maximum} images`,
      },
    ),
  )

/** Cookies: `"a=1; b=2"` (getting-started example) or `[{ name, value }]` (cookies page). */
export const Cookies = /*#__PURE__*/ Schema.Union([
  Schema.String,
  /*#__PURE__*/ Schema.Array(/*#__PURE__*/ Schema.Struct({ name: Schema.String, value: Schema.String })),
]).annotate({ message: 'must be a cookie string like "a=1; b=2" or a list of { name, value }' })

/** A free-form JSON object sent as given (e.g. reCAPTCHA Enterprise `enterprisePayload`). */
export const JsonObject = /*#__PURE__*/ Schema.Record(Schema.String, Schema.Unknown)

/**
 * An optional solution field whose type the reference does not confirm: a value of another type is left
 * out of the typed solution instead of failing the whole (already paid) solve.
 */
export const lenient = <S extends Schema.Top>(schema: S) =>
  Schema.optionalKey(schema.pipe(Schema.catchDecoding(() => Effect.succeedNone)))

/** The reCAPTCHA v2/v3 solution (docs example + SDK-observed fields). */
export const ReCaptchaSolution = /*#__PURE__*/ Schema.Struct({
  gRecaptchaResponse: Schema.String,
  userAgent: /*#__PURE__*/ lenient(Schema.String),
  secChUa: /*#__PURE__*/ lenient(Schema.String),
  createTime: /*#__PURE__*/ lenient(Schema.Number),
  expireTime: /*#__PURE__*/ lenient(Schema.Number),
  "recaptcha-ca-t": /*#__PURE__*/ lenient(Schema.String),
  "recaptcha-ca-e": /*#__PURE__*/ lenient(Schema.String),
})
