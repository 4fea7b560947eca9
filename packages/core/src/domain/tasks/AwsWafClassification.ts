/**
 * AwsWafClassification, AWS WAF image recognition
 * (https://docs.capsolver.com/zh/guide/recognition/AwsWafClassification).
 *
 * `question` is `aws:toycarcity:carcity` or `aws:grid:<object>`; a grid question takes exactly 9 images.
 * The solution holds `box` (carcity point), `objects` (grid indexes) or `distance`, depending on the
 * question, so each is optional.
 */
import * as Schema from "effect/Schema"
import * as Task from "../Task.ts"
import { Base64List, lenient, NonEmptyString } from "./Fields.ts"

const gridNeedsNine = (fields: { readonly images: ReadonlyArray<string>; readonly question: string }) =>
  fields.question.startsWith("aws:grid") && fields.images.length !== 9
    ? { path: ["images"], issue: "must hold exactly 9 images for an aws:grid question" }
    : undefined

/** Answers an AWS WAF image challenge. */
export const AwsWafClassification = /*#__PURE__*/ Task.defineWithoutProxy({
  type: "AwsWafClassification",
  kind: "recognition",
  input: /*#__PURE__*/ Schema.Struct({
    images: /*#__PURE__*/ Base64List(1, 9),
    question: NonEmptyString,
    websiteURL: /*#__PURE__*/ Schema.optionalKey(Schema.String),
  }).check(/*#__PURE__*/ Schema.makeFilter(gridNeedsNine)),
  solution: /*#__PURE__*/ Schema.Struct({
    box: /*#__PURE__*/ lenient(/*#__PURE__*/ Schema.Array(Schema.Number)),
    objects: /*#__PURE__*/ lenient(/*#__PURE__*/ Schema.Array(Schema.Number)),
    distance: /*#__PURE__*/ lenient(Schema.Number),
  }),
})
