/**
 * ReCaptchaV2Classification, reCAPTCHA image grid recognition
 * (https://docs.capsolver.com/de/guide/recognition/ReCaptchaClassification).
 *
 * `question` is a Google object id such as `/m/04_sv` (motorcycles). The solution shape is SDK-observed:
 * a grid gives `{ type: "multi", objects, size }`, a single tile `{ type: "single", hasObject, size }`.
 */
import * as Schema from "effect/Schema"
import * as Task from "../Task.ts"
import { Base64, lenient, NonEmptyString } from "./Fields.ts"

/** Finds the tiles of a reCAPTCHA v2 image challenge that show the asked object. */
export const ReCaptchaV2Classification = /*#__PURE__*/ Task.defineWithoutProxy({
  type: "ReCaptchaV2Classification",
  kind: "recognition",
  input: /*#__PURE__*/ Schema.Struct({
    image: Base64,
    question: NonEmptyString,
    websiteURL: /*#__PURE__*/ Schema.optionalKey(Schema.String),
    websiteKey: /*#__PURE__*/ Schema.optionalKey(Schema.String),
  }),
  solution: /*#__PURE__*/ Schema.Struct({
    type: /*#__PURE__*/ lenient(Schema.String),
    objects: /*#__PURE__*/ lenient(/*#__PURE__*/ Schema.Array(Schema.Number)),
    hasObject: /*#__PURE__*/ lenient(Schema.Boolean),
    size: /*#__PURE__*/ lenient(Schema.Number),
  }),
})
