/**
 * VisionEngine, slider/rotate/shein recognition (https://docs.capsolver.com/guide/recognition/VisionEngine).
 *
 * The docs list `imageBackground` as required but only `slider_1` and `rotate_1` use it, so it is required
 * for those two modules; `question` is required for `shein`, the only module that uses it. Solutions:
 * slider → `distance`, rotate → `angle`, shein → `rects` (SDK-observed), older modules → `box`.
 */
import * as Schema from "effect/Schema"
import * as Task from "../Task.ts"
import { Base64, lenient, NonEmptyString } from "./Fields.ts"

interface ModuleFields {
  readonly module: string
  readonly imageBackground?: string
  readonly question?: string
}

const moduleNeeds = (fields: ModuleFields) => {
  if (
    (fields.module === "slider_1" || fields.module === "rotate_1") &&
    fields.imageBackground === undefined
  ) {
    return { path: ["imageBackground"], issue: `is required for module "${fields.module}"` }
  }
  if (fields.module === "shein" && fields.question === undefined) {
    return { path: ["question"], issue: 'is required for module "shein"' }
  }
  return undefined
}

const Rect = /*#__PURE__*/ Schema.Struct({
  x1: Schema.Number,
  y1: Schema.Number,
  x2: Schema.Number,
  y2: Schema.Number,
})

/** Measures a slider distance, a rotation angle or object boxes in an image. */
export const VisionEngine = /*#__PURE__*/ Task.defineWithoutProxy({
  type: "VisionEngine",
  kind: "recognition",
  input: /*#__PURE__*/ Schema.Struct({
    module: /*#__PURE__*/ Schema.Literals(["slider_1", "rotate_1", "rotate_2", "shein"]).annotate({
      message: 'must be one of "slider_1", "rotate_1", "rotate_2", "shein"',
    }),
    image: Base64,
    imageBackground: /*#__PURE__*/ Schema.optionalKey(Base64),
    question: /*#__PURE__*/ Schema.optionalKey(NonEmptyString),
    websiteURL: /*#__PURE__*/ Schema.optionalKey(Schema.String),
  }).check(/*#__PURE__*/ Schema.makeFilter(moduleNeeds)),
  solution: /*#__PURE__*/ Schema.Struct({
    distance: /*#__PURE__*/ lenient(Schema.Number),
    angle: /*#__PURE__*/ lenient(Schema.Number),
    rects: /*#__PURE__*/ lenient(/*#__PURE__*/ Schema.Array(Rect)),
    box: /*#__PURE__*/ lenient(/*#__PURE__*/ Schema.Array(Schema.Number)),
  }),
})
