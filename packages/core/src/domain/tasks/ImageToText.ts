/**
 * ImageToTextTask, text captcha recognition (https://docs.capsolver.com/zh/guide/recognition/ImageToTextTask).
 *
 * Answered in the createTask response. `body` is required except for the `number` module, which may take
 * `images` (up to 9) instead. `score` and `case` are SDK-only (unconfirmed) and accepted as optional.
 * The solution is `{ text }`, or `{ answers }` with the `number` module: one of them must be present.
 *
 * The other providers document options CapSolver does not (issue 15); they are typed here so a task says what
 * it needs whatever the provider, and each provider refuses before any request the ones it lacks (CapSolver all
 * of them): `phrase`, `numeric` (0 any, 1 digits only, 2 no digits), `math`, `minLength`, `maxLength` and
 * `comment` (anti-captcha.com/apidoc/task-types/ImageToTextTask), `recognizingThreshold` (0–100: no charge
 * below it) and `capMonsterModule` (ZennoLab/capmonstercloud-docs captchas/image-to-text.mdx).
 */
import * as Schema from "effect/Schema"
import * as Task from "../Task.ts"
import { Base64, Base64List } from "./Fields.ts"

const wholeNumber = (minimum: number, maximum: number) =>
  Schema.Number.check(
    Schema.makeFilter((n: number) => Number.isInteger(n) && n >= minimum && n <= maximum, {
      message: `must be a whole number from ${minimum} to ${maximum}`,
    }),
  )

interface BodyFields {
  readonly body?: string
  readonly module?: string
  readonly images?: ReadonlyArray<string>
}

const bodyOrImages = (fields: BodyFields) => {
  if (fields.images !== undefined && fields.module !== "number") {
    return { path: ["images"], issue: 'is only used with module "number" (other modules read body)' }
  }
  if (fields.body === undefined && fields.images === undefined) {
    return { path: ["body"], issue: 'is required (or images, with module "number")' }
  }
  return undefined
}

/** Reads the text in a captcha image. */
export const ImageToTextTask = /*#__PURE__*/ Task.defineWithoutProxy({
  type: "ImageToTextTask",
  kind: "recognition",
  input: /*#__PURE__*/ Schema.Struct({
    body: /*#__PURE__*/ Schema.optionalKey(Base64),
    websiteURL: /*#__PURE__*/ Schema.optionalKey(Schema.String),
    // "common" by default; "number", "module_001"…"module_032", "queueit", … (the list grows)
    module: /*#__PURE__*/ Schema.optionalKey(Schema.String),
    images: /*#__PURE__*/ Schema.optionalKey(/*#__PURE__*/ Base64List(1, 9)),
    score: /*#__PURE__*/ Schema.optionalKey(
      /*#__PURE__*/ Schema.Number.check(
        /*#__PURE__*/ Schema.makeFilter((score: number) => score >= 0 && score <= 1, {
          message: "must be a number from 0 to 1",
        }),
      ),
    ),
    case: /*#__PURE__*/ Schema.optionalKey(Schema.Boolean),
    phrase: /*#__PURE__*/ Schema.optionalKey(Schema.Boolean),
    numeric: /*#__PURE__*/ Schema.optionalKey(
      /*#__PURE__*/ Schema.Literals([0, 1, 2]).annotate({
        message: "must be 0 (any), 1 (digits only) or 2 (no digits)",
      }),
    ),
    math: /*#__PURE__*/ Schema.optionalKey(Schema.Boolean),
    minLength: /*#__PURE__*/ Schema.optionalKey(/*#__PURE__*/ wholeNumber(0, 1000)),
    maxLength: /*#__PURE__*/ Schema.optionalKey(/*#__PURE__*/ wholeNumber(0, 1000)),
    comment: /*#__PURE__*/ Schema.optionalKey(Schema.String),
    recognizingThreshold: /*#__PURE__*/ Schema.optionalKey(/*#__PURE__*/ wholeNumber(0, 100)),
    capMonsterModule: /*#__PURE__*/ Schema.optionalKey(Schema.String),
  }).check(/*#__PURE__*/ Schema.makeFilter(bodyOrImages)),
  solution: /*#__PURE__*/ Schema.Struct({
    text: /*#__PURE__*/ Schema.optionalKey(Schema.String),
    answers: /*#__PURE__*/ Schema.optionalKey(/*#__PURE__*/ Schema.Array(Schema.String)),
  }).check(
    /*#__PURE__*/ Schema.makeFilter(
      (solution: { readonly text?: string; readonly answers?: ReadonlyArray<string> }) =>
        solution.text !== undefined || solution.answers !== undefined
          ? undefined
          : { path: ["text"], issue: "is required (or answers, for the number module)" },
    ),
  ),
})
