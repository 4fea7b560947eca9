import * as Result from "effect/Result"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Catalogue from "../src/domain/Catalogue.ts"
import * as Task from "../src/domain/Task.ts"
import { ReCaptchaV2Task } from "../src/domain/tasks/ReCaptchaV2.ts"

const documentedTypes = [
  "ReCaptchaV2TaskProxyLess",
  "ReCaptchaV2Task",
  "ReCaptchaV2EnterpriseTask",
  "ReCaptchaV2EnterpriseTaskProxyLess",
  "ReCaptchaV3TaskProxyLess",
  "ReCaptchaV3Task",
  "ReCaptchaV3EnterpriseTask",
  "ReCaptchaV3EnterpriseTaskProxyLess",
  "AntiTurnstileTaskProxyLess",
  "AntiCloudflareTask",
  "AntiAwsWafTask",
  "AntiAwsWafTaskProxyLess",
  "GeeTestTaskProxyLess",
  "MtCaptchaTask",
  "MtCaptchaTaskProxyLess",
  "DatadomeSliderTask",
  "AntiBotdeflectorTaskProxyLess",
  "ImageToTextTask",
  "ReCaptchaV2Classification",
  "AwsWafClassification",
  "VisionEngine",
]

const recognitionTypes = [
  "ImageToTextTask",
  "ReCaptchaV2Classification",
  "AwsWafClassification",
  "VisionEngine",
]

const issueOf = (u: unknown): Task.TaskIssue => {
  const result = Catalogue.parse(u)
  if (Result.isSuccess(result)) throw new Error("expected the object to be rejected")
  return result.failure
}

describe("Catalogue.all", () => {
  it("lists every documented task type once, in its documented casing", () => {
    expect(Catalogue.all.map((definition) => definition.type)).toStrictEqual(documentedTypes)
  })

  it("marks the synchronous recognition types", () => {
    const recognition = Catalogue.all.filter((definition) => definition.kind === "recognition")
    expect(recognition.map((definition) => definition.type)).toStrictEqual(recognitionTypes)
  })

  it("requires a proxy exactly on the types without the ProxyLess suffix, except recognition", () => {
    for (const definition of Catalogue.all) {
      const ownProxy = !definition.type.endsWith("ProxyLess") && definition.kind === "token"
      expect([definition.type, definition.proxy]).toStrictEqual([
        definition.type,
        ownProxy ? "required" : "forbidden",
      ])
    }
  })
})

describe("Catalogue.find", () => {
  it("matches type names case-insensitively, covering the spellings seen in docs and SDKs", () => {
    expect(Catalogue.find("GeetestTaskProxyless")?.type).toBe("GeeTestTaskProxyLess")
    expect(Catalogue.find("DataDomeSliderTask")?.type).toBe("DatadomeSliderTask")
    expect(Catalogue.find("MTCaptchaTask")?.type).toBe("MtCaptchaTask")
    expect(Catalogue.find("recaptchav2taskproxyless")?.type).toBe("ReCaptchaV2TaskProxyLess")
  })

  it("returns undefined for an unknown type", () => {
    expect(Catalogue.find("HCaptchaTask")).toBeUndefined()
  })
})

describe("Catalogue.parse", () => {
  it("builds a validated request with the documented casing and normalised input", () => {
    const request = Result.getOrThrow(
      Catalogue.parse({
        type: "recaptchav2task",
        websiteURL: "https://example.com",
        websiteKey: "key",
        proxy: "socks5://u:p@10.0.0.1:1080",
      }),
    )
    expect(request.type).toBe("ReCaptchaV2Task")
    expect(request.definition).toBe(ReCaptchaV2Task)
    expect(request.input).toStrictEqual({
      websiteURL: "https://example.com",
      websiteKey: "key",
      proxy: "socks5:10.0.0.1:1080:u:p",
    })
    expect(Result.getOrThrow(Task.validate(request))).toStrictEqual({
      type: "ReCaptchaV2Task",
      ...request.input,
    })
  })

  it("names an unknown type and suggests the closest known one", () => {
    const issue = issueOf({ type: "ReCaptchaV2TaskProxyles", websiteURL: "https://example.com" })
    expect(issue.field).toBe("type")
    expect(issue.taskType).toBe("ReCaptchaV2TaskProxyles")
    expect(issue.message).toContain("did you mean ReCaptchaV2TaskProxyLess?")
    expect(Catalogue.closest("AntiTurnstileTask")).toBe("AntiTurnstileTaskProxyLess")
  })

  it("requires a type", () => {
    expect(issueOf({ websiteURL: "https://example.com" })).toMatchObject({
      field: "type",
      message: /^is required/,
    })
    expect(issueOf({ type: 3 }).field).toBe("type")
  })

  it("rejects anything that is not an object", () => {
    for (const value of [null, "ReCaptchaV2Task", 42, ["type"]]) {
      expect(issueOf(value).message).toBe("must be an object with a type field")
    }
  })

  it("reports invalid fields under the documented type name", () => {
    expect(issueOf({ type: "mtcaptchatask", websiteURL: "https://example.com" })).toMatchObject({
      taskType: "MtCaptchaTask",
      field: "websiteKey",
      message: "is required",
    })
  })

  it("never throws, whatever it is given", () => {
    fc.assert(
      fc.property(fc.anything({ withObjectString: true, withNullPrototype: true }), (value) => {
        const result = Catalogue.parse(value)
        expect(Result.isSuccess(result) || typeof result.failure.message === "string").toBe(true)
      }),
    )
  })

  it("never throws on objects of a known type with arbitrary fields", () => {
    const fieldNames = fc.constantFrom(
      "websiteURL",
      "websiteKey",
      "proxy",
      "proxyType",
      "proxyPort",
      "body",
      "images",
      "module",
      "metadata",
      "cookies",
      "gt",
      "captchaId",
      "__proto__",
      "constructor",
    )
    const task = fc.record({
      type: fc.constantFrom(...documentedTypes.map((type) => type.toLowerCase())),
      fields: fc.dictionary(fc.oneof(fieldNames, fc.string()), fc.anything()),
    })
    fc.assert(
      fc.property(task, ({ type, fields }) => {
        const result = Catalogue.parse({ ...fields, type })
        if (Result.isFailure(result)) {
          expect(result.failure.issues.length).toBeGreaterThan(0)
          expect(result.failure.issues[0]).toStrictEqual({
            field: result.failure.field,
            message: result.failure.message,
          })
        }
      }),
      { numRuns: 500 },
    )
  })
})

describe("Task.validate on arbitrary input", () => {
  it("never throws for any definition", () => {
    fc.assert(
      fc.property(fc.constantFrom(...Catalogue.all), fc.anything(), (definition, input) => {
        const result = Task.validate(definition(input))
        expect(Result.isSuccess(result) || result.failure.taskType === definition.type).toBe(true)
      }),
      { numRuns: 500 },
    )
  })

  it("never throws when decoding arbitrary solutions", () => {
    fc.assert(
      fc.property(fc.constantFrom(...Catalogue.all), fc.anything(), (definition, solution) => {
        const result = Task.decodeSolution(definition({}), solution)
        expect(Result.isSuccess(result) || typeof result.failure.field === "string").toBe(true)
      }),
      { numRuns: 500 },
    )
  })
})
