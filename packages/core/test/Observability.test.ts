import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Metric, Tracer } from "effect"
import { TestClock } from "effect/testing"
import { ReCaptchaV2TaskProxyLess } from "../src/domain/tasks/ReCaptchaV2.ts"
import { errorsTotal, queriesTotal, solvesTotal } from "../src/engine/Lifecycle.ts"
import { SolveKit } from "../src/faces/SolveKit.ts"
import * as Scripted from "./ScriptedTransport.ts"

const task = ReCaptchaV2TaskProxyLess({ websiteURL: "https://example.test", websiteKey: "k" })

const recordingTracer = () => {
  const spans: Array<Tracer.Span> = []
  const tracer = Tracer.make({
    span: (options) => {
      const span = Tracer.nativeTracer.span(options)
      spans.push(span)
      return span
    },
  })
  return { spans, tracer }
}

const run = <A, E>(
  program: Effect.Effect<A, E, SolveKit>,
  transport: Scripted.ScriptedTransport,
  tracer?: Tracer.Tracer,
) =>
  Effect.gen(function* () {
    const provided = program.pipe(Effect.provide(Scripted.clientLayer(transport)))
    const fiber = yield* Effect.forkChild(
      tracer === undefined ? provided : provided.pipe(Effect.withTracer(tracer)),
    )
    yield* TestClock.adjust("10 minutes")
    return yield* Fiber.await(fiber)
  })

describe("Observability", () => {
  it.effect(
    "opens a solvekit.solve span with the task type, taskId and query count, and a span per request",
    () =>
      Effect.gen(function* () {
        const { spans, tracer } = recordingTracer()
        const transport = Scripted.make({
          createTask: Scripted.created("task-s"),
          getTaskResult: [Scripted.processing, Scripted.ready()],
        })
        yield* run(
          SolveKit.use((kit) => kit.solve(task)),
          transport,
          tracer,
        )
        const solve = spans.find((s) => s.name === "solvekit.solve")
        assert.isDefined(solve)
        assert.strictEqual(solve?.attributes.get("solvekit.task.type"), "ReCaptchaV2TaskProxyLess")
        assert.strictEqual(solve?.attributes.get("solvekit.task.id"), "task-s")
        assert.strictEqual(solve?.attributes.get("solvekit.queries"), 2)
        const requests = spans.filter((s) => s.name === "solvekit.request")
        assert.deepStrictEqual(
          requests.map((s) => s.attributes.get("solvekit.endpoint")),
          ["createTask", "getTaskResult", "getTaskResult"],
        )
        assert.strictEqual(requests[1]?.attributes.get("solvekit.task.id"), "task-s")
        for (const request of requests) {
          assert.isTrue(request.parent._tag === "Some" && request.parent.value.spanId === solve?.spanId)
        }
      }),
  )

  it.effect("spans and their attributes never carry the API key", () =>
    Effect.gen(function* () {
      const { spans, tracer } = recordingTracer()
      const transport = Scripted.make({ createTask: Scripted.apiError("ERROR_KEY_DENIED_ACCESS", 401) })
      yield* run(
        SolveKit.use((kit) => kit.solve(task)),
        transport,
        tracer,
      )
      for (const span of spans) {
        for (const value of span.attributes.values()) assert.notInclude(String(value), Scripted.API_KEY)
      }
    }),
  )

  it.effect("counts queries, solves and errors by code", () =>
    Effect.gen(function* () {
      const queries = (yield* Metric.value(queriesTotal)).count
      const solved = (yield* Metric.value(Metric.withAttributes(solvesTotal, { outcome: "solved" }))).count
      const unsolvable = Metric.withAttributes(errorsTotal, {
        error: "ApiError",
        code: "ERROR_CAPTCHA_UNSOLVABLE",
      })
      const errors = (yield* Metric.value(unsolvable)).count

      yield* run(
        SolveKit.use((kit) => kit.solve(task)),
        Scripted.make({
          createTask: Scripted.created(),
          getTaskResult: [Scripted.processing, Scripted.ready()],
        }),
      )
      yield* run(
        SolveKit.use((kit) => kit.solve(task)),
        Scripted.make({
          createTask: Scripted.created(),
          getTaskResult: Scripted.apiError("ERROR_CAPTCHA_UNSOLVABLE"),
        }),
      )

      assert.strictEqual((yield* Metric.value(queriesTotal)).count - queries, 3)
      assert.strictEqual(
        (yield* Metric.value(Metric.withAttributes(solvesTotal, { outcome: "solved" }))).count - solved,
        1,
      )
      assert.strictEqual((yield* Metric.value(unsolvable)).count - errors, 1)
    }),
  )
})
