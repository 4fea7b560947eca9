import { fileURLToPath } from "node:url"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import { build } from "esbuild"
import fc from "fast-check"
import { describe, expect, expectTypeOf, it } from "vitest"
import * as Task from "../src/domain/Task.ts"
import { AntiAwsWafTask, AntiAwsWafTaskProxyLess } from "../src/domain/tasks/AwsWaf.ts"
import { AwsWafClassification } from "../src/domain/tasks/AwsWafClassification.ts"
import { AntiBotdeflectorTaskProxyLess } from "../src/domain/tasks/BotDeflector.ts"
import { AntiCloudflareTask } from "../src/domain/tasks/CloudflareChallenge.ts"
import { DatadomeSliderTask } from "../src/domain/tasks/DataDome.ts"
import { GeeTestTaskProxyLess } from "../src/domain/tasks/GeeTest.ts"
import { ImageToTextTask } from "../src/domain/tasks/ImageToText.ts"
import { MtCaptchaTask, MtCaptchaTaskProxyLess } from "../src/domain/tasks/MtCaptcha.ts"
import {
  ReCaptchaV2EnterpriseTask,
  ReCaptchaV2EnterpriseTaskProxyLess,
  ReCaptchaV2Task,
  ReCaptchaV2TaskProxyLess,
} from "../src/domain/tasks/ReCaptchaV2.ts"
import { ReCaptchaV2Classification } from "../src/domain/tasks/ReCaptchaV2Classification.ts"
import {
  ReCaptchaV3EnterpriseTask,
  ReCaptchaV3EnterpriseTaskProxyLess,
  ReCaptchaV3Task,
  ReCaptchaV3TaskProxyLess,
} from "../src/domain/tasks/ReCaptchaV3.ts"
import { AntiTurnstileTaskProxyLess } from "../src/domain/tasks/Turnstile.ts"
import { VisionEngine } from "../src/domain/tasks/VisionEngine.ts"

const site = { websiteURL: "https://example.com/login", websiteKey: "6Le-site-key" }
const proxy = "http:198.51.100.7:8080:user:secret-pass"
const image =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
const nineImages = Array.from({ length: 9 }, () => image)

interface Fixture {
  readonly definition: Task.AnyTaskDefinition
  /** Only the required fields: removing any one of them must produce an issue naming it. */
  readonly minimal: Record<string, unknown>
  /** Every field the definition accepts, already in the form that is sent. */
  readonly full: Record<string, unknown>
}

const reCaptchaV2Optional = {
  pageAction: "submit",
  isInvisible: true,
  isSession: false,
  apiDomain: "http://www.recaptcha.net/",
  userAgent: "Mozilla/5.0",
  cookies: [{ name: "a", value: "1" }],
}
const reCaptchaV3Optional = {
  pageAction: "login",
  isSession: true,
  apiDomain: "http://www.google.com/",
  minScore: 0.7,
}
const awsOptional = {
  awsKey: "key",
  awsIv: "iv",
  awsContext: "context",
  awsChallengeJS: "https://example.token.awswaf.com/challenge.js",
  awsApiJs: "https://example.awswaf.com/jsapi.js",
  awsProblemUrl: "https://example.awswaf.com/problem",
  awsApiKey: "api-key",
  awsExistingToken: "previous-token",
}
const splitProxy = {
  proxyType: "socks5",
  proxyAddress: "198.51.100.7",
  proxyPort: 1080,
  proxyLogin: "user",
  proxyPassword: "secret-pass",
}

const fixtures: ReadonlyArray<Fixture> = [
  {
    definition: ReCaptchaV2TaskProxyLess,
    minimal: site,
    full: { ...site, ...reCaptchaV2Optional, recaptchaDataSValue: "s-value" },
  },
  {
    definition: ReCaptchaV2Task,
    minimal: { ...site, proxy },
    full: { ...site, ...reCaptchaV2Optional, recaptchaDataSValue: "s-value", cookies: "a=1; b=2", proxy },
  },
  {
    definition: ReCaptchaV2EnterpriseTask,
    minimal: { ...site, proxy },
    full: { ...site, ...reCaptchaV2Optional, enterprisePayload: { s: "payload" }, ...splitProxy },
  },
  {
    definition: ReCaptchaV2EnterpriseTaskProxyLess,
    minimal: site,
    full: { ...site, ...reCaptchaV2Optional, enterprisePayload: { s: "payload" } },
  },
  { definition: ReCaptchaV3TaskProxyLess, minimal: site, full: { ...site, ...reCaptchaV3Optional } },
  {
    definition: ReCaptchaV3Task,
    minimal: { ...site, proxy },
    full: { ...site, ...reCaptchaV3Optional, proxy },
  },
  {
    definition: ReCaptchaV3EnterpriseTask,
    minimal: { ...site, proxy },
    full: { ...site, ...reCaptchaV3Optional, enterprisePayload: { s: "payload" }, proxy },
  },
  {
    definition: ReCaptchaV3EnterpriseTaskProxyLess,
    minimal: site,
    full: { ...site, ...reCaptchaV3Optional, enterprisePayload: { s: "payload" } },
  },
  {
    definition: AntiTurnstileTaskProxyLess,
    minimal: site,
    full: { ...site, metadata: { action: "login", cdata: "session-id" } },
  },
  {
    definition: AntiCloudflareTask,
    minimal: { websiteURL: site.websiteURL, proxy },
    full: { websiteURL: site.websiteURL, userAgent: "Mozilla/5.0 Chrome/126", html: "<html></html>", proxy },
  },
  {
    definition: AntiAwsWafTask,
    minimal: { websiteURL: site.websiteURL, proxy },
    full: { websiteURL: site.websiteURL, ...awsOptional, ...splitProxy },
  },
  {
    definition: AntiAwsWafTaskProxyLess,
    minimal: { websiteURL: site.websiteURL },
    full: { websiteURL: site.websiteURL, ...awsOptional },
  },
  {
    definition: GeeTestTaskProxyLess,
    minimal: { websiteURL: site.websiteURL, captchaId: "e392e1d7fd421dc63325744d5a2b9c73" },
    full: {
      websiteURL: site.websiteURL,
      gt: "022397c99c9f646f6477822485f30404",
      challenge: "a66f31a53a0f6f8e8ab5c3c2cbb7e5b6",
      geetestApiServerSubdomain: "api.geetest.com",
    },
  },
  { definition: MtCaptchaTask, minimal: { ...site, proxy }, full: { ...site, proxy } },
  { definition: MtCaptchaTaskProxyLess, minimal: site, full: site },
  {
    definition: DatadomeSliderTask,
    minimal: {
      captchaUrl: "https://geo.captcha-delivery.com/captcha/?initialCid=abc&t=fe",
      userAgent: "Mozilla/5.0",
      proxy,
    },
    full: {
      captchaUrl: "https://geo.captcha-delivery.com/captcha/?initialCid=abc&t=fe",
      userAgent: "Mozilla/5.0",
      websiteURL: site.websiteURL,
      ...splitProxy,
    },
  },
  {
    definition: AntiBotdeflectorTaskProxyLess,
    minimal: { websiteURL: site.websiteURL, domain: "example.com", flowToken: "jwt" },
    full: { websiteURL: site.websiteURL, domain: "example.com", flowToken: "jwt" },
  },
  {
    definition: ImageToTextTask,
    minimal: { body: image },
    full: { body: image, websiteURL: site.websiteURL, module: "common", score: 0.9, case: true },
  },
  {
    definition: ReCaptchaV2Classification,
    minimal: { image, question: "/m/04_sv" },
    full: { image, question: "/m/04_sv", websiteURL: site.websiteURL, websiteKey: site.websiteKey },
  },
  {
    definition: AwsWafClassification,
    minimal: { images: nineImages, question: "aws:grid:bed" },
    full: { images: [image], question: "aws:toycarcity:carcity", websiteURL: site.websiteURL },
  },
  {
    definition: VisionEngine,
    minimal: { module: "rotate_2", image },
    full: { module: "slider_1", image, imageBackground: image, websiteURL: site.websiteURL },
  },
]

const issueOf = (request: Task.AnyTaskRequest): Task.TaskIssue => {
  const result = Task.validate(request)
  if (Result.isSuccess(result)) throw new Error(`expected ${request.type} to be invalid`)
  return result.failure
}

const wireOf = (request: Task.AnyTaskRequest): Task.WireTask => {
  const result = Task.validate(request)
  if (Result.isFailure(result)) throw new Error(Task.formatIssue(result.failure))
  return result.success
}

describe("task definitions", () => {
  it("cover one fixture per documented task type", () => {
    expect(new Set(fixtures.map((fixture) => fixture.definition.type)).size).toBe(21)
  })

  it.each(fixtures)(
    "$definition.type sends a fully specified task as the exact wire object",
    ({ definition, full }) => {
      expect(wireOf(definition(full))).toStrictEqual({ type: definition.type, ...full })
    },
  )

  it.each(fixtures)("$definition.type sends the required fields alone", ({ definition, minimal }) => {
    expect(wireOf(definition(minimal))).toStrictEqual({ type: definition.type, ...minimal })
  })

  it.each(fixtures)("$definition.type names each missing required field", ({ definition, minimal }) => {
    for (const field of Object.keys(minimal)) {
      const { [field]: _removed, ...rest } = minimal
      const issue = issueOf(definition(rest))
      expect(issue.taskType).toBe(definition.type)
      expect(issue.field).toBe(field)
      expect(issue.message).toMatch(/required/)
    }
  })

  it("puts the task type on the wire in its documented casing", () => {
    expect(wireOf(GeeTestTaskProxyLess({ websiteURL: site.websiteURL, captchaId: "id" })).type).toBe(
      "GeeTestTaskProxyLess",
    )
  })

  it("reports every problem, with the first one on the issue itself", () => {
    const issue = issueOf(ReCaptchaV2TaskProxyLess({ websiteURL: "", websiteKey: 42 } as never))
    expect(issue.issues).toStrictEqual([
      { field: "websiteURL", message: "must not be empty" },
      { field: "websiteKey", message: "must be a string" },
    ])
    expect(issue.field).toBe("websiteURL")
    expect(Task.formatIssue(issue)).toBe("ReCaptchaV2TaskProxyLess: websiteURL must not be empty")
  })

  it("names nested fields with a dotted path", () => {
    const issue = issueOf(AntiTurnstileTaskProxyLess({ ...site, metadata: { action: 7 } } as never))
    expect(issue).toMatchObject({ field: "metadata.action", message: "must be a string" })
  })

  it("names list items with an index", () => {
    const issue = issueOf(ReCaptchaV2TaskProxyLess({ ...site, cookies: [{ name: "a" }] } as never))
    expect(issue).toMatchObject({ field: "cookies[0].value", message: "is required" })
  })

  it("rejects a field the type does not document and points to Task.raw", () => {
    const issue = issueOf(AntiTurnstileTaskProxyLess({ ...site, metadata: { acton: "login" } } as never))
    expect(issue.field).toBe("metadata.acton")
    expect(issue.message).toContain("Task.raw")
  })

  it("rejects a type field inside the input", () => {
    expect(issueOf(MtCaptchaTaskProxyLess({ ...site, type: "MtCaptchaTask" } as never)).field).toBe("type")
  })

  it("treats a __proto__ key from JSON as an unknown field, not as a prototype", () => {
    const input = JSON.parse(
      '{"websiteURL":"https://x","websiteKey":"k","__proto__":{"proxy":"10.0.0.1:80"}}',
    )
    expect(issueOf(ReCaptchaV2TaskProxyLess(input)).issues).toStrictEqual([
      { field: "__proto__", message: expect.stringContaining("is not a field of ReCaptchaV2TaskProxyLess") },
    ])
  })

  it("treats fields set to undefined as not given", () => {
    expect(wireOf(ReCaptchaV3TaskProxyLess({ ...site, pageAction: undefined } as never))).toStrictEqual({
      type: "ReCaptchaV3TaskProxyLess",
      ...site,
    })
  })

  it("rejects an input that is not an object", () => {
    expect(issueOf(ReCaptchaV2TaskProxyLess(null as never))).toMatchObject({ field: "", message: /object/ })
  })

  it("checks documented ranges", () => {
    expect(issueOf(ReCaptchaV3TaskProxyLess({ ...site, minScore: 2 }))).toMatchObject({
      field: "minScore",
      message: "must be a number from 0.1 to 0.9",
    })
  })

  it("accepts both cookie forms of reCAPTCHA v2 and names the expected shapes otherwise", () => {
    expect(wireOf(ReCaptchaV2TaskProxyLess({ ...site, cookies: "a=1" })).cookies).toBe("a=1")
    expect(issueOf(ReCaptchaV2TaskProxyLess({ ...site, cookies: 5 } as never))).toMatchObject({
      field: "cookies",
      message: 'must be a cookie string like "a=1; b=2" or a list of { name, value }',
    })
  })

  it("rejects a DataDome captcha URL that says the IP is banned", () => {
    const issue = issueOf(
      DatadomeSliderTask({
        captchaUrl: "https://geo.captcha-delivery.com/captcha/?initialCid=abc&t=bv",
        userAgent: "Mozilla/5.0",
        proxy,
      }),
    )
    expect(issue.field).toBe("captchaUrl")
    expect(issue.message).toContain("banned")
  })
})

describe("proxy rules", () => {
  it("rejects a proxy on a ProxyLess type and names the type that takes one", () => {
    const issue = issueOf(ReCaptchaV2TaskProxyLess({ ...site, proxy } as never))
    expect(issue.field).toBe("proxy")
    expect(issue.message).toContain("ReCaptchaV2Task ")
  })

  it("rejects the split proxy fields on a ProxyLess type, one issue per field", () => {
    const issue = issueOf(AntiTurnstileTaskProxyLess({ ...site, ...splitProxy } as never))
    expect(issue.issues.map((i) => i.field)).toStrictEqual([
      "proxyType",
      "proxyAddress",
      "proxyPort",
      "proxyLogin",
      "proxyPassword",
    ])
  })

  it("rejects a proxy on a recognition type", () => {
    expect(issueOf(ImageToTextTask({ body: image, proxy } as never))).toMatchObject({
      field: "proxy",
      message: "is not allowed: ImageToTextTask does not use a proxy",
    })
  })

  it("requires a proxy on a type that solves through yours", () => {
    const issue = issueOf(ReCaptchaV2Task(site as never))
    expect(issue.field).toBe("proxy")
    expect(issue.message).toMatch(/^is required/)
  })

  it("rejects both proxy forms at once", () => {
    expect(issueOf(MtCaptchaTask({ ...site, proxy, ...splitProxy } as never)).field).toBe("proxy")
  })

  it("sends a URL-form proxy in the documented string form", () => {
    expect(wireOf(MtCaptchaTask({ ...site, proxy: "socks5://user:pass@198.51.100.7:1080" })).proxy).toBe(
      "socks5:198.51.100.7:1080:user:pass",
    )
  })

  it("sends the split form with a lower-case type and a numeric port", () => {
    const wire = wireOf(
      MtCaptchaTask({ ...site, proxyType: "HTTP", proxyAddress: "198.51.100.7", proxyPort: "8080" } as never),
    )
    expect(wire).toMatchObject({ proxyType: "http", proxyPort: 8080 })
  })

  it("requires a password with a proxy login", () => {
    const issue = issueOf(
      MtCaptchaTask({
        ...site,
        proxyType: "http",
        proxyAddress: "198.51.100.7",
        proxyPort: 8080,
        proxyLogin: "u",
      }),
    )
    expect(issue).toMatchObject({ field: "proxyPassword", message: "is required when proxyLogin is given" })
  })

  it("explains a malformed proxy without repeating its password", () => {
    const issue = issueOf(MtCaptchaTask({ ...site, proxy: "http:198.51.100.7:http:user:secret-pass" }))
    expect(issue.field).toBe("proxy")
    expect(issue.message).toMatch(/^must be a proxy like http:host:port:user:pass/)
    expect(JSON.stringify(issue)).not.toContain("secret-pass")
  })
})

describe("recognition bodies", () => {
  it("rejects a data: URL prefix", () => {
    expect(issueOf(ImageToTextTask({ body: `data:image/png;base64,${image}` }))).toMatchObject({
      field: "body",
      message: /without the data:/,
    })
  })

  it("rejects whitespace inside base64", () => {
    expect(
      issueOf(
        ReCaptchaV2Classification({
          image: `${image.slice(0, 10)}\n${image.slice(10)}`,
          question: "/m/0k4j",
        }),
      ),
    ).toMatchObject({ field: "image", message: "must be base64 without spaces or line breaks" })
  })

  it("rejects base64url and other characters", () => {
    expect(issueOf(ImageToTextTask({ body: "ab-_" })).message).toContain("base64url")
    expect(issueOf(ImageToTextTask({ body: "ab*d" })).message).toMatch(/^must be base64/)
  })

  it("pads unpadded base64 before sending", () => {
    expect(wireOf(ImageToTextTask({ body: "QUJD" })).body).toBe("QUJD")
    expect(wireOf(ImageToTextTask({ body: "QUI" })).body).toBe("QUI=")
    expect(issueOf(ImageToTextTask({ body: "QUJDR" })).field).toBe("body")
  })

  it("names the image at fault in a list", () => {
    expect(
      issueOf(AwsWafClassification({ images: [image, "data:x"], question: "aws:toycarcity:carcity" })).field,
    ).toBe("images[1]")
  })

  it("lets ImageToText read images instead of body with the number module only", () => {
    expect(wireOf(ImageToTextTask({ module: "number", images: [image, image] }))).toStrictEqual({
      type: "ImageToTextTask",
      module: "number",
      images: [image, image],
    })
    expect(issueOf(ImageToTextTask({ images: [image] })).field).toBe("images")
    expect(
      issueOf(ImageToTextTask({ module: "number", images: Array.from({ length: 10 }, () => image) })),
    ).toMatchObject({ field: "images", message: "must hold 1 to 9 images" })
  })

  it("requires nine images for an AWS grid question", () => {
    expect(issueOf(AwsWafClassification({ images: [image], question: "aws:grid:chair" }))).toMatchObject({
      field: "images",
      message: "must hold exactly 9 images for an aws:grid question",
    })
  })

  it("requires the VisionEngine fields each module uses", () => {
    expect(issueOf(VisionEngine({ module: "rotate_1", image })).field).toBe("imageBackground")
    expect(issueOf(VisionEngine({ module: "shein", image })).field).toBe("question")
    expect(issueOf(VisionEngine({ module: "slider_9", image } as never)).message).toContain('"slider_1"')
  })
})

describe("GeeTest versions", () => {
  const websiteURL = site.websiteURL

  it("accepts v3 (gt and challenge) and v4 (captchaId)", () => {
    expect(
      Result.isSuccess(Task.validate(GeeTestTaskProxyLess({ websiteURL, gt: "g", challenge: "c" }))),
    ).toBe(true)
    expect(Result.isSuccess(Task.validate(GeeTestTaskProxyLess({ websiteURL, captchaId: "id" })))).toBe(true)
  })

  it("names the missing half of a v3 pair", () => {
    expect(issueOf(GeeTestTaskProxyLess({ websiteURL, gt: "g" })).field).toBe("challenge")
    expect(issueOf(GeeTestTaskProxyLess({ websiteURL, challenge: "c" })).field).toBe("gt")
  })

  it("rejects v3 and v4 fields together", () => {
    expect(
      issueOf(GeeTestTaskProxyLess({ websiteURL, gt: "g", challenge: "c", captchaId: "id" })).field,
    ).toBe("captchaId")
  })
})

describe("solutions", () => {
  const request = ReCaptchaV2TaskProxyLess(site)

  it("infers the solution type of each definition", () => {
    expectTypeOf<Task.SolutionOf<ReturnType<typeof ReCaptchaV2TaskProxyLess>>>()
      .toHaveProperty("gRecaptchaResponse")
      .toEqualTypeOf<string>()
    expectTypeOf<Task.SolutionOf<typeof AntiTurnstileTaskProxyLess>>()
      .toHaveProperty("token")
      .toEqualTypeOf<string>()
    expectTypeOf<Task.SolutionOf<ReturnType<typeof MtCaptchaTask>>>()
      .toHaveProperty("token")
      .toEqualTypeOf<string>()
    expectTypeOf<Task.SolutionOf<ReturnType<typeof ImageToTextTask>>["answers"]>().toEqualTypeOf<
      ReadonlyArray<string> | undefined
    >()
    const decoded = Task.decodeSolution(request, { gRecaptchaResponse: "03AGdBq" })
    const token: string = Result.getOrThrow(decoded).gRecaptchaResponse
    expect(token).toBe("03AGdBq")
  })

  it("keeps the fields the catalogue does not know", () => {
    const decoded = Task.decodeSolution(request, {
      gRecaptchaResponse: "t",
      userAgent: "UA",
      newField: { a: 1 },
    })
    expect(Result.getOrThrow(decoded)).toStrictEqual({
      gRecaptchaResponse: "t",
      userAgent: "UA",
      newField: { a: 1 },
    })
  })

  it("names a missing token", () => {
    const decoded = Task.decodeSolution(request, { userAgent: "UA" })
    expect(Result.isFailure(decoded) && decoded.failure).toMatchObject({
      taskType: "ReCaptchaV2TaskProxyLess",
      field: "gRecaptchaResponse",
      message: "is required",
    })
  })

  it("leaves out an unconfirmed optional field of an unexpected type instead of failing the solve", () => {
    const decoded = Task.decodeSolution(request, { gRecaptchaResponse: "t", createTime: "yesterday" })
    expect(Result.getOrThrow(decoded)).toStrictEqual({ gRecaptchaResponse: "t" })
  })

  it("accepts text or answers from ImageToText and nothing else", () => {
    const ocr = ImageToTextTask({ body: image })
    expect(Result.getOrThrow(Task.decodeSolution(ocr, { text: "44795sds" }))).toStrictEqual({
      text: "44795sds",
    })
    expect(Result.getOrThrow(Task.decodeSolution(ocr, { answers: ["1", "2"] }))).toStrictEqual({
      answers: ["1", "2"],
    })
    const missing = Task.decodeSolution(ocr, { confidence: 0.9 })
    expect(Result.isFailure(missing) && missing.failure.field).toBe("text")
  })

  it("rejects a solution that is not an object", () => {
    const decoded = Task.decodeSolution(request, "token")
    expect(Result.isFailure(decoded) && decoded.failure).toMatchObject({
      field: "",
      message: "must be an object",
    })
  })
})

describe("raw tasks", () => {
  it("send the payload as given, type first, without undefined fields", () => {
    const request = Task.raw("FunCaptchaTaskProxyLess", {
      websiteURL: "https://x",
      data: { blob: "b" },
      skip: undefined,
    })
    expect(Object.entries(wireOf(request))).toStrictEqual([
      ["type", "FunCaptchaTaskProxyLess"],
      ["websiteURL", "https://x"],
      ["data", { blob: "b" }],
    ])
  })

  it("return the raw solution record", () => {
    const request = Task.raw("NewTask", {})
    expectTypeOf<Task.SolutionOf<typeof request>>().toEqualTypeOf<Record<string, unknown>>()
    expect(Result.getOrThrow(Task.decodeSolution(request, { anything: [1, 2] }))).toStrictEqual({
      anything: [1, 2],
    })
    expect(Result.isFailure(Task.decodeSolution(request, [1, 2]))).toBe(true)
  })

  it("need a type name", () => {
    expect(issueOf(Task.raw("  ", {}))).toMatchObject({
      field: "type",
      message: "must be a non-empty string",
    })
  })

  it("refuse a payload whose type disagrees", () => {
    expect(issueOf(Task.raw("A", { type: "B" })).field).toBe("type")
    // (Compared as JSON sends it: the wire task also carries a symbol marking it raw, which JSON never sends.)
    expect(JSON.parse(JSON.stringify(wireOf(Task.raw("A", { type: "A", x: 1 }))))).toStrictEqual({
      type: "A",
      x: 1,
    })
  })
})

describe("issue messages", () => {
  const SECRET = "zq-secret-9f3"

  it("word the catalogue's unions in plain words, naming what they accept", () => {
    expect(issueOf(MtCaptchaTask({ ...site, ...splitProxy, proxyType: "ftp" } as never))).toMatchObject({
      field: "proxyType",
      message: 'must be one of "http", "https", "socks4", "socks5"',
    })
    expect(issueOf(MtCaptchaTask({ ...site, ...splitProxy, proxyPort: true } as never))).toMatchObject({
      field: "proxyPort",
      message: "must be a number or a string",
    })
    expect(issueOf(VisionEngine({ module: "slider_9", image } as never))).toMatchObject({
      field: "module",
      message: 'must be one of "slider_1", "rotate_1", "rotate_2", "shein"',
    })
  })

  it("word a union of a definition of your own with Effect's formatter, without its value", () => {
    const Custom = Task.defineWithoutProxy({
      type: "CustomTask",
      kind: "token",
      input: Schema.Struct({ mode: Schema.Literals(["fast", "slow"]) }),
      solution: Schema.Struct({}),
    })
    const issue = issueOf(Custom({ mode: SECRET } as never))
    expect(issue).toMatchObject({ field: "mode", message: 'Expected "fast" | "slow"' })
    expect(JSON.stringify(issue)).not.toContain(SECRET)
  })

  it("never quote a value given to a field, whatever its shape", () => {
    const wrong = fc.oneof(
      fc.constant(SECRET),
      fc.string().map((text) => `${text}${SECRET}`),
      fc.constant(`http:198.51.100.7:8080:user:${SECRET}`),
      fc.constant(`data:image/png;base64,${SECRET}`),
      fc.array(fc.constant(SECRET), { maxLength: 3 }),
      fc.constant([{ name: SECRET, value: 1 }]),
      // Keys are field names, which issues do name: the values under them are the secrets.
      fc.constant({ action: 7, cdata: SECRET, unknownField: SECRET }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
    )
    fc.assert(
      fc.property(
        fc.constantFrom(...fixtures),
        fc.boolean(),
        fc.func(fc.boolean()),
        fc.array(wrong, { minLength: 12, maxLength: 12 }),
        (fixture, withSplitProxy, keep, values) => {
          const fields: Record<string, unknown> = { ...fixture.full, ...(withSplitProxy ? splitProxy : {}) }
          const input = Object.fromEntries(
            Object.keys(fields).map((key, i) => [key, keep(key) ? fields[key] : values[i % values.length]]),
          )
          const result = Task.validate(fixture.definition(input))
          if (Result.isFailure(result)) expect(JSON.stringify(result.failure)).not.toContain(SECRET)
        },
      ),
      { numRuns: 400 },
    )
  })
})

describe("validate", () => {
  it("returns an issue, not a throw, for something that is not a task request", () => {
    const result = Task.validate({ type: "ReCaptchaV2TaskProxyLess", websiteURL: "x" } as never)
    expect(Result.isFailure(result) && result.failure.message).toMatch(/^is not a task request/)
  })

  it("returns an issue, not a throw, when asked to decode a solution for something that is not a request", () => {
    const result = Task.decodeSolution({ type: "X" } as never, { token: "t" })
    expect(Result.isFailure(result) && result.failure).toMatchObject({ taskType: "X", field: "" })
  })

  it("returns an issue when reading the input throws", () => {
    const hostile = Object.defineProperty({}, "websiteURL", {
      enumerable: true,
      get: () => {
        throw new Error("boom")
      },
    })
    const result = Task.validate(ReCaptchaV2TaskProxyLess(hostile as never))
    expect(Result.isFailure(result) && result.failure.message).toBe("could not be read (Error)")
  })

  it("is a type error to give a ProxyLess type a proxy or a proxy type none", () => {
    // @ts-expect-error ProxyLess types take no proxy
    const withProxy = ReCaptchaV2TaskProxyLess({ ...site, proxy })
    // @ts-expect-error ReCaptchaV2Task needs a proxy
    const withoutProxy = ReCaptchaV2Task(site)
    expect(Result.isFailure(Task.validate(withProxy))).toBe(true)
    expect(Result.isFailure(Task.validate(withoutProxy))).toBe(true)
  })
})

describe("tree-shaking", () => {
  const bundle = async (entry: string): Promise<string> => {
    const result = await build({
      stdin: { contents: entry, resolveDir: fileURLToPath(new URL("..", import.meta.url)), loader: "ts" },
      bundle: true,
      minify: true,
      format: "esm",
      platform: "browser",
      write: false,
      logLevel: "silent",
    })
    return result.outputFiles.map((file) => file.text).join("")
  }
  // the bundle is large: compare a list of booleans so a failure does not print it
  const presence = (code: string, needles: ReadonlyArray<string>) =>
    needles.map((needle) => [needle, code.includes(needle)])

  it("leaves every other definition out of a bundle that imports one", async () => {
    const code = await bundle(
      'import { ReCaptchaV2TaskProxyLess } from "./src/domain/tasks/ReCaptchaV2.ts"\nconsole.log(ReCaptchaV2TaskProxyLess)',
    )
    expect(code.includes('"ReCaptchaV2TaskProxyLess"')).toBe(true)
    const others = [
      '"ReCaptchaV2EnterpriseTask',
      '"ReCaptchaV3',
      '"VisionEngine"',
      '"ImageToTextTask"',
      "t=bv",
    ]
    expect(presence(code, others)).toStrictEqual(others.map((other) => [other, false]))
  })

  it("leaves all definitions out of a bundle that only uses Task.raw", async () => {
    const code = await bundle('import { raw } from "./src/domain/Task.ts"\nconsole.log(raw("X", {}))')
    const definitions = ['"ReCaptchaV2TaskProxyLess"', '"ImageToTextTask"', "GeeTest v3", "data:image"]
    expect(presence(code, definitions)).toStrictEqual(definitions.map((definition) => [definition, false]))
  })
})
