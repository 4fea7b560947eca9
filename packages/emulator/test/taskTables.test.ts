/**
 * The per-provider task tables (src/tasks/): each documented type accepts its documented request example and
 * refuses the wrong forms (another provider's spelling of a field, an unknown field, a missing required field,
 * a value outside the documented set, a host name where an IP address is documented).
 */
import { describe, expect, it } from "vitest"
import type { DialectName } from "../src/DialectName.ts"
import { findTaskSpec, supportedTaskTypes, validateTask } from "../src/TaskTypes.ts"
import type { IssueKind } from "../src/Validation.ts"
import { inProcess, key } from "./helpers.ts"

type Task = Record<string, unknown>

const specOf = (dialect: DialectName, type: string) => {
  const spec = findTaskSpec(dialect, type)
  if (spec === undefined) throw new Error(`${dialect} has no ${type}`)
  return spec
}

const issueOf = (dialect: DialectName, task: Task) => validateTask(specOf(dialect, task.type as string), task)

const expectAccepted = (dialect: DialectName, task: Task) => expect(issueOf(dialect, task)).toBeUndefined()

const expectRefused = (dialect: DialectName, task: Task, field: string, kind: IssueKind) =>
  expect(issueOf(dialect, task)).toMatchObject({ field, kind })

/** Accepts every example, each under its own test name. */
const acceptsAll = (dialect: DialectName, examples: Record<string, Task>) => {
  for (const [name, task] of Object.entries(examples)) {
    it(`accepts ${name}`, () => expectAccepted(dialect, task))
  }
}

const ua =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

// ---------------------------------------------------------------------------------------------------------
// CapMonster Cloud: request examples copied from ZennoLab/capmonstercloud-docs @d76d99fb,
// i18n/en/docusaurus-plugin-content-docs/current/captchas/<page>.mdx ("Create task method").
// ---------------------------------------------------------------------------------------------------------

const cmProxy = {
  proxyType: "http",
  proxyAddress: "8.8.8.8",
  proxyPort: 8080,
  proxyLogin: "proxyLoginHere",
  proxyPassword: "proxyPasswordHere",
}

const cmRecaptchaV2 = {
  type: "RecaptchaV2Task",
  websiteURL: "https://lessons.zennolab.com/captchas/recaptcha/v2_simple.php?level=high",
  websiteKey: "6Lcg7CMUAAAAANphynKgn9YAgA4tQ2KI_iqRyTwd",
}

const cmTurnstileToken = {
  type: "TurnstileTask",
  websiteURL: "https://example.com",
  websiteKey: "0x4AAAAAAADnPIDROrmt1Wwj",
  cloudflareTaskType: "token",
  userAgent: "userAgentPlaceholder",
  pageAction: "managed",
  pageData: "HUHDWUHuhuwfiweh32..uh2uhuhyugYUG=",
  data: "874291f4retD1366",
}

const cmTurnstileCookie = {
  type: "TurnstileTask",
  websiteURL: "https://example.com",
  websiteKey: "xxxxxxxxxx",
  cloudflareTaskType: "cf_clearance",
  htmlPageBase64: "PCFET0NUWVBFIGh0...vYm9keT48L2h0bWw+",
  userAgent: "userAgentPlaceholder",
  ...cmProxy,
}

const cmGeeTestV3 = {
  type: "GeeTestTask",
  websiteURL: "https://www.geetest.com/en/demo",
  gt: "022397c99c9f646f6477822485f30404",
  challenge: "7f044f48bc951ecfbfc03842b5e1fe59",
  geetestApiServerSubdomain: "api-na.geetest.com",
}

const cmGeeTestV4 = {
  type: "GeeTestTask",
  websiteURL: "https://gt4.geetest.com/",
  gt: "54088bb07d2df3c46b79f80300b0abbe",
  version: 4,
  initParameters: { riskType: "slide" },
}

const cmAmazonOption2 = {
  type: "AmazonTask",
  websiteURL: "https://example.com",
  challengeScript:
    "https://41bcdd4fb3cb.610cd090.us-east-1.token.awswaf.com/41bcdd4fb3cb/0d21de737ccb/cd77baa6c832/challenge.js",
  captchaScript:
    "https://41bcdd4fb3cb.610cd090.us-east-1.captcha.awswaf.com/41bcdd4fb3cb/0d21de737ccb/cd77baa6c832/captcha.js",
  websiteKey: "AQIDA...wZwdADFLWk7XOA==",
  context: "qoJYgnKsc...aormh/dYYK+Y=",
  iv: "CgAAXFFFFSAAABVk",
  cookieSolution: true,
}

const cmDataDome = {
  type: "CustomTask",
  class: "DataDome",
  websiteURL: "https://example.com",
  userAgent: "userAgentPlaceholder",
  metadata: {
    captchaUrl:
      "https://geo.captcha-delivery.com/interstitial/?initialCid=AHrlqAAAAAMA9UvsL58YLqIAXNLFPg%3D%3D&hash=C0705ACD75EBF650A07FF8291D3528&cid=7sfa5xUfDrR4bQTp1c2mhtiD7jj9TXExcQypjdNAxKVFyIi1S9tE0~_mqLa2EFpOuzxKcZloPllsNHjNnqzD9HmBA4hEv7SsEyPYEidCBvjZEaDyfRyzefFfolv0lAHM&referer=https%3A%2F%2Fwww.example.com.au%2F&s=6522&b=978936&dm=cm",
    datadomeCookie: "datadome=VYUWrgJ9ap4zmXq8Mgbp...64emvUPeON45z",
    datadomeVersion: "new",
  },
  proxyType: "http",
  proxyAddress: "123.45.67.89",
  proxyPort: 8080,
  proxyLogin: "proxyUsername",
  proxyPassword: "proxyPassword",
}

describe("CapMonster Cloud task table", () => {
  acceptsAll("capmonster", {
    // no-captcha-task.mdx
    "RecaptchaV2Task without proxy": cmRecaptchaV2,
    "RecaptchaV2Task with proxy": { ...cmRecaptchaV2, ...cmProxy, userAgent: "userAgentPlaceholder" },
    // recaptcha-v2-enterprise-task.mdx
    "RecaptchaV2EnterpriseTask without proxy": {
      type: "RecaptchaV2EnterpriseTask",
      websiteURL: "https://mydomain.com/page-with-recaptcha-enterprise",
      websiteKey: "6Lcg7CMUAAAAANphynKgn9YAgA4tQ2KI_iqRyTwd",
      enterprisePayload: { s: "SOME_ADDITIONAL_TOKEN" },
    },
    "RecaptchaV2EnterpriseTask with proxy": {
      type: "RecaptchaV2EnterpriseTask",
      websiteURL: "https://mydomain.com/page-with-recaptcha-enterprise",
      websiteKey: "6Lcg7CMUAAAAANphynKgn9YAgA4tQ2KI_iqRyTwd",
      enterprisePayload: { s: "SOME_ADDITIONAL_TOKEN" },
      ...cmProxy,
      userAgent: "userAgentPlaceholder",
    },
    // recaptcha-v3-task.mdx
    RecaptchaV3TaskProxyless: {
      type: "RecaptchaV3TaskProxyless",
      websiteURL: "https://lessons.zennolab.com/captchas/recaptcha/v3.php?level=beta",
      websiteKey: "6Le0xVgUAAAAAIt20XEB4rVhYOODgTl00d8juDob",
      isEnterprise: false,
      minScore: 0.7,
      pageAction: "myverify",
    },
    // recaptcha-v3-enterprise-task.mdx
    RecaptchaV3EnterpriseTask: {
      type: "RecaptchaV3EnterpriseTask",
      websiteURL: "https://example.com",
      websiteKey: "6Le0xVgUAAAAAIt20XEB4rVhYOODgTl00d4TuRTE",
      minScore: 0.7,
    },
    // turnstile-task.mdx
    "TurnstileTask without proxy": {
      type: "TurnstileTask",
      websiteURL: "http://tsmanaged.zlsupport.com",
      websiteKey: "0x4AAAAAAABUYP0XeMJF0xoy",
    },
    "TurnstileTask with proxy": {
      type: "TurnstileTask",
      websiteURL: "http://tsmanaged.zlsupport.com",
      websiteKey: "0x4AAAAAAABUYP0XeMJF0xoy",
      ...cmProxy,
    },
    // turnstile-challenge-task.mdx
    "TurnstileTask challenge (token)": cmTurnstileToken,
    "TurnstileTask challenge (token) with proxy": { ...cmTurnstileToken, ...cmProxy },
    "TurnstileTask challenge (cf_clearance)": cmTurnstileCookie,
    // geetest-task.mdx
    "GeeTestTask v3": cmGeeTestV3,
    "GeeTestTask v3 with proxy": { ...cmGeeTestV3, ...cmProxy, userAgent: "userAgentPlaceholder" },
    "GeeTestTask v4": cmGeeTestV4,
    "GeeTestTask v4 with proxy": { ...cmGeeTestV4, ...cmProxy, userAgent: "userAgentPlaceholder" },
    "GeeTestTaskProxyless (the galxe example)": {
      type: "GeeTestTaskProxyless",
      websiteURL: "https://app.gal**.com/accountSetting/social",
      gt: "244bcb8b9846215df5af4c624a750db4",
      challenge: "SendVerifyCode",
    },
    // mtcaptcha-task.mdx
    "MTCaptchaTask without proxy": {
      type: "MTCaptchaTask",
      websiteURL: "https://www.example.com",
      websiteKey: "MTPublic-abCDEFJAB",
      isInvisible: false,
      pageAction: "login",
    },
    "MTCaptchaTask with proxy": {
      type: "MTCaptchaTask",
      websiteURL: "https://www.example.com",
      websiteKey: "MTPublic-abCDEFJAB",
      isInvisible: false,
      pageAction: "login",
      ...cmProxy,
    },
    // amazon-task.mdx, options 1 to 3
    "AmazonTask option 1": {
      type: "AmazonTask",
      websiteURL: "https://example.com/index.html",
      websiteKey: "h15hX7brbaRTR...Za1_1",
      userAgent: "userAgentPlaceholder",
      captchaScript: "https://234324vgvc23.yejk.captcha-sdk.awswaf.com/234324vgvc23/jsapi.js",
      cookieSolution: true,
    },
    "AmazonTask option 2": cmAmazonOption2,
    "AmazonTask option 2 with proxy": { ...cmAmazonOption2, ...cmProxy },
    "AmazonTask option 3 (empty strings)": {
      ...cmAmazonOption2,
      captchaScript: "",
      websiteKey: "",
      context: "",
      iv: "",
    },
    // datadome.mdx
    "CustomTask DataDome": cmDataDome,
    // image-to-text.mdx
    ImageToTextTask: { type: "ImageToTextTask", body: "BASE64_BODY_HERE!" },
    // client-js src/Requests/ImageToTextRequest.ts spells two options this way
    "ImageToTextTask as client-js sends it": {
      type: "ImageToTextTask",
      body: "aGVsbG8=",
      CapMonsterModule: "yandex",
      Case: true,
      recognizingThreshold: 70,
      numeric: 1,
      math: false,
      nocache: true,
    },
    // client-js src/TaskType.ts and RecaptchaV2Request.ts send NoCaptchaTask
    "NoCaptchaTask (client-js)": { ...cmRecaptchaV2, type: "NoCaptchaTask" },
    // client-js GeeTestRequestBase.ts types version as "3" | "4"
    'GeeTestTask with version "4" (client-js)': { ...cmGeeTestV4, version: "4" },
    "RecaptchaV2Task with an IPv6 proxy": { ...cmRecaptchaV2, ...cmProxy, proxyAddress: "2001:db8::7" },
  })

  it("refuses CapSolver's spellings of fields", () => {
    expectRefused(
      "capmonster",
      {
        type: "TurnstileTask",
        websiteURL: "https://e.com",
        websiteKey: "0x4",
        metadata: { action: "login" },
      },
      "metadata",
      "unknown",
    )
    expectRefused(
      "capmonster",
      { ...cmGeeTestV4, captchaId: "54088bb07d2df3c46b79f80300b0abbe" },
      "captchaId",
      "unknown",
    )
    expectRefused("capmonster", { ...cmRecaptchaV2, proxy: "http:8.8.8.8:8080" }, "proxy", "unknown")
    expectRefused("capmonster", { ...cmAmazonOption2, awsKey: "k" }, "awsKey", "unknown")
    expectRefused(
      "capmonster",
      { type: "ImageToTextTask", body: "aGVsbG8=", module: "common" },
      "module",
      "unknown",
    )
    // Anti-Captcha's and 2Captcha's names for Turnstile's action/cData are not CapMonster's
    expectRefused("capmonster", { ...cmTurnstileToken, action: "managed" }, "action", "unknown")
  })

  it("refuses CapSolver's and other providers' type names", () => {
    for (const type of [
      "ReCaptchaV2TaskProxyLess",
      "AntiTurnstileTaskProxyLess",
      "MtCaptchaTask",
      "recaptchav2task",
    ]) {
      expect(findTaskSpec("capmonster", type)).toBeUndefined()
    }
  })

  it("refuses an unknown field and fields not documented for the type", () => {
    expectRefused("capmonster", { ...cmRecaptchaV2, foo: 1 }, "foo", "unknown")
    // reCAPTCHA v3 runs on CapMonster's own proxies: no proxy fields
    expectRefused(
      "capmonster",
      { type: "RecaptchaV3TaskProxyless", websiteURL: "https://e.com", websiteKey: "k", ...cmProxy },
      "proxyType",
      "unknown",
    )
    // plain Turnstile has no pageData; cf_clearance has no pageAction
    expectRefused(
      "capmonster",
      { type: "TurnstileTask", websiteURL: "https://e.com", websiteKey: "0x4", pageData: "p" },
      "pageData",
      "unknown",
    )
    expectRefused("capmonster", { ...cmTurnstileCookie, pageAction: "managed" }, "pageAction", "unknown")
    expectRefused(
      "capmonster",
      { ...cmDataDome, metadata: { ...cmDataDome.metadata, cookie: "x" } },
      "metadata.cookie",
      "unknown",
    )
  })

  it("refuses missing required fields", () => {
    expectRefused(
      "capmonster",
      { type: "RecaptchaV2Task", websiteURL: "https://e.com" },
      "websiteKey",
      "missing",
    )
    expectRefused("capmonster", { ...cmGeeTestV3, challenge: undefined }, "challenge", "missing")
    expectRefused("capmonster", { ...cmTurnstileToken, pageData: undefined }, "pageData", "missing")
    expectRefused("capmonster", { ...cmTurnstileCookie, proxyLogin: undefined }, "proxyLogin", "missing")
    expectRefused(
      "capmonster",
      { ...cmTurnstileCookie, htmlPageBase64: undefined },
      "htmlPageBase64",
      "missing",
    )
    const { datadomeCookie: _cookie, ...noCookie } = cmDataDome.metadata
    expectRefused("capmonster", { ...cmDataDome, metadata: noCookie }, "metadata.datadomeCookie", "missing")
    const { captchaUrl: _url, ...noUrl } = cmDataDome.metadata
    expectRefused("capmonster", { ...cmDataDome, metadata: noUrl }, "metadata.captchaUrl", "missing")
    expectRefused("capmonster", { ...cmDataDome, proxyPassword: undefined }, "proxyPassword", "missing")
    const { proxyType: _type, ...noProxyType } = cmDataDome
    expectRefused("capmonster", noProxyType, "proxyType", "missing")
    // a half-given proxy
    expectRefused("capmonster", { ...cmRecaptchaV2, proxyAddress: "8.8.8.8" }, "proxyType", "missing")
    expectRefused(
      "capmonster",
      { type: "AmazonTask", websiteURL: "https://e.com", websiteKey: "k" },
      "captchaScript",
      "missing",
    )
    expectRefused("capmonster", { ...cmAmazonOption2, iv: undefined }, "iv", "missing")
    expectRefused("capmonster", { type: "ImageToTextTask" }, "body", "missing")
  })

  it("refuses values outside the documented sets and ranges", () => {
    expectRefused("capmonster", { ...cmRecaptchaV2, ...cmProxy, proxyType: "ftp" }, "proxyType", "invalid")
    expectRefused(
      "capmonster",
      { type: "RecaptchaV3TaskProxyless", websiteURL: "https://e.com", websiteKey: "k", minScore: 0.95 },
      "minScore",
      "invalid",
    )
    expectRefused(
      "capmonster",
      { type: "RecaptchaV3TaskProxyless", websiteURL: "https://e.com", websiteKey: "k", isEnterprise: "yes" },
      "isEnterprise",
      "invalid",
    )
    expectRefused(
      "capmonster",
      { ...cmTurnstileToken, cloudflareTaskType: "challenge" },
      "cloudflareTaskType",
      "invalid",
    )
    expectRefused("capmonster", { ...cmGeeTestV4, version: 5 }, "version", "invalid")
    expectRefused("capmonster", { ...cmDataDome, class: "Imperva" }, "class", "invalid")
    expectRefused(
      "capmonster",
      { ...cmDataDome, metadata: { ...cmDataDome.metadata, datadomeVersion: "old" } },
      "metadata.datadomeVersion",
      "invalid",
    )
    const image = { type: "ImageToTextTask", body: "aGVsbG8=" }
    expectRefused("capmonster", { ...image, recognizingThreshold: 101 }, "recognizingThreshold", "invalid")
    expectRefused("capmonster", { ...image, recognizingThreshold: 50.5 }, "recognizingThreshold", "invalid")
    expectRefused("capmonster", { ...image, numeric: 2 }, "numeric", "invalid")
    expectRefused("capmonster", { ...cmRecaptchaV2, cookies: "just-a-value" }, "cookies", "invalid")
    expectRefused(
      "capmonster",
      { ...cmRecaptchaV2, cookies: [{ name: "a", value: "1" }] },
      "cookies",
      "invalid",
    )
    expectRefused("capmonster", { ...cmRecaptchaV2, ...cmProxy, proxyPort: "8080" }, "proxyPort", "invalid")
  })

  it("refuses a host name where the docs say IPv4/IPv6 proxy IP address", () => {
    expectRefused(
      "capmonster",
      { ...cmRecaptchaV2, ...cmProxy, proxyAddress: "proxy.example.com" },
      "proxyAddress",
      "invalid",
    )
    expectRefused(
      "capmonster",
      { ...cmDataDome, proxyAddress: "proxy.example.com" },
      "proxyAddress",
      "invalid",
    )
    expectRefused(
      "capmonster",
      { ...cmRecaptchaV2, ...cmProxy, proxyAddress: "300.1.1.1" },
      "proxyAddress",
      "invalid",
    )
  })

  it("answers in the documented solution shapes", () => {
    const solve = (task: Task) => specOf("capmonster", task.type as string).solution({ taskId: "17", task })
    expect(Object.keys(solve(cmRecaptchaV2))).toEqual(["gRecaptchaResponse"])
    expect(solve(cmTurnstileToken)).toEqual({ userAgent: "userAgentPlaceholder", token: expect.any(String) })
    expect(Object.keys(solve(cmTurnstileCookie))).toEqual(["cf_clearance"])
    expect(Object.keys(solve(cmGeeTestV3)).sort()).toEqual(["challenge", "seccode", "validate"])
    expect(solve(cmGeeTestV4)).toMatchObject({ captcha_id: cmGeeTestV4.gt })
    expect(Object.keys(solve(cmGeeTestV4)).sort()).toEqual([
      "captcha_id",
      "captcha_output",
      "gen_time",
      "lot_number",
      "pass_token",
    ])
    expect(solve(cmAmazonOption2)).toEqual({
      cookies: { "aws-waf-token": expect.any(String) },
      userAgent: expect.any(String),
    })
    expect(Object.keys(solve({ ...cmAmazonOption2, cookieSolution: false })).sort()).toEqual([
      "captcha_voucher",
      "existing_token",
    ])
    expect(solve(cmDataDome)).toMatchObject({
      domains: { "example.com": { cookies: { datadome: expect.any(String) } } },
    })
    expect(Object.keys(solve({ type: "ImageToTextTask", body: "x" }))).toEqual(["text"])
    expect(solve(cmRecaptchaV2)).toEqual(solve(cmRecaptchaV2))
  })
})

// ---------------------------------------------------------------------------------------------------------
// Anti-Captcha: examples from https://anti-captcha.com/apidoc/... (createTask's curl example) and shaped as the
// official clients send them (anticaptcha-npm index.js @a74d5ab5, anticaptcha-python @0fcd00ae,
// anticaptcha-csharp @7c769e00), field names as in each task-type page's table.
// ---------------------------------------------------------------------------------------------------------

const acProxy = {
  proxyType: "http",
  proxyAddress: "203.0.113.5",
  proxyPort: 8080,
  proxyLogin: "u",
  proxyPassword: "p",
}

// https://anti-captcha.com/apidoc/methods/createTask, request example
const acRecaptchaV2 = {
  type: "RecaptchaV2TaskProxyless",
  websiteURL: "http://makeawebsitehub.com/recaptcha/test.php",
  websiteKey: "6LfI9IsUAAAAAKuvopU0hfY8pWADfR_mogXokIIZ",
}

const acTurnstile = {
  type: "TurnstileTaskProxyless",
  websiteURL: "https://website.com",
  websiteKey: "SITE_KEY",
  action: "some action",
  cData: "cdata_token",
  chlPageData: "chlpagedata_token",
}

const acGeeTestV3 = {
  type: "GeeTestTaskProxyless",
  websiteURL: "https://address.com",
  gt: "CONSTANT_GT_KEY",
  challenge: "VARIABLE_CHALLENGE_KEY",
}

// C# GeeTestV4Proxyless.cs: gt carries the captcha_id, version 4, initParameters
const acGeeTestV4 = {
  type: "GeeTestTaskProxyless",
  websiteURL: "https://address.com",
  gt: "e392e1d7fd421dc63325744d5a2b9c73",
  version: 4,
  initParameters: { riskType: "slide" },
}

const acAmazon = {
  type: "AmazonTaskProxyless",
  websiteURL: "https://website.com",
  websiteKey: "key_value_from_window.gokuProps_object",
  iv: "iv_value_from_window.gokuProps_object",
  context: "context_value_from_window.gokuProps_object",
  captchaScript:
    "https://e9b10f157f38.9a96e8b4.us-gov-west-1.captcha.awswaf.com/e9b10f157f38/76cbcde1c834/2a564e323e7b/captcha.js",
}

const acImage = {
  type: "ImageToTextTask",
  body: "aGVsbG8=",
  phrase: false,
  case: true,
  numeric: 0,
  math: false,
  minLength: 0,
  maxLength: 0,
  comment: "enter red text",
  languagePool: "en",
}

const acV3 = {
  type: "RecaptchaV3TaskProxyless",
  websiteURL: "https://website.com",
  websiteKey: "SITE_KEY",
  minScore: 0.9,
  pageAction: "home_page",
}

describe("Anti-Captcha task table", () => {
  acceptsAll("anticaptcha", {
    RecaptchaV2TaskProxyless: acRecaptchaV2,
    "NoCaptchaTaskProxyless (old name, supported forever)": {
      ...acRecaptchaV2,
      type: "NoCaptchaTaskProxyless",
    },
    "RecaptchaV2TaskProxyless as the Python client sends it (empty strings for unset options)": {
      ...acRecaptchaV2,
      websiteSToken: "",
      recaptchaDataSValue: "",
      isInvisible: true,
    },
    "RecaptchaV2Task as the Python client sends it": {
      ...acRecaptchaV2,
      type: "RecaptchaV2Task",
      websiteSToken: "",
      recaptchaDataSValue: "",
      ...acProxy,
      proxyLogin: "",
      proxyPassword: "",
      userAgent: ua,
      cookies: "some=cookies",
    },
    "NoCaptchaTask without login (C# client leaves it out)": {
      ...acRecaptchaV2,
      type: "NoCaptchaTask",
      proxyType: "socks5",
      proxyAddress: "2001:db8::1",
      proxyPort: 1080,
    },
    RecaptchaV2EnterpriseTaskProxyless: {
      ...acRecaptchaV2,
      type: "RecaptchaV2EnterpriseTaskProxyless",
      enterprisePayload: { s: "2JvUXHNTnZl1Jb6WEvbDyBMzrMTR7oQ78QRhBcG07rk9bpaAaE0LRq1ZeP5NYa0N...ugQA" },
      apiDomain: "www.recaptcha.net",
    },
    RecaptchaV2EnterpriseTask: {
      ...acRecaptchaV2,
      type: "RecaptchaV2EnterpriseTask",
      enterprisePayload: { s: "token" },
      ...acProxy,
      userAgent: ua,
      cookies: "a=1; b=2",
    },
    // /apidoc/task-types/RecaptchaV3TaskProxyless; /RecaptchaV3Enterprise adds isEnterprise
    RecaptchaV3TaskProxyless: acV3,
    "RecaptchaV3TaskProxyless Enterprise": { ...acV3, isEnterprise: true },
    // /apidoc/task-types/TurnstileTaskProxyless (Python example's values)
    TurnstileTaskProxyless: acTurnstile,
    TurnstileTask: { ...acTurnstile, type: "TurnstileTask", ...acProxy },
    "GeeTestTaskProxyless v3": { ...acGeeTestV3, geetestApiServerSubdomain: "custom-domain.geetest.com" },
    "GeeTestTaskProxyless v4": acGeeTestV4,
    "GeeTestTask v3": { ...acGeeTestV3, type: "GeeTestTask", ...acProxy, userAgent: ua },
    "GeeTestTask v4": { ...acGeeTestV4, type: "GeeTestTask", ...acProxy, userAgent: ua },
    // /apidoc/task-types/AmazonTaskProxyless (Python example's values)
    AmazonTaskProxyless: acAmazon,
    "AmazonTaskProxyless widget (C# client)": {
      type: "AmazonTaskProxyless",
      websiteURL: "https://website.com",
      websiteKey: "widget_api_key",
      wafType: "widget",
      jsapiScript: "https://x.captcha-sdk.awswaf.com/x/jsapi.js",
    },
    AmazonTask: { ...acAmazon, type: "AmazonTask", ...acProxy, userAgent: ua },
    // /apidoc/task-types/ImageToTextTask
    ImageToTextTask: acImage,
    "ImageToTextTask with math as the C# client sends it (0/1)": { ...acImage, math: 1 },
  })

  it("refuses other providers' spellings of fields", () => {
    expectRefused("anticaptcha", { ...acTurnstile, metadata: { action: "a" } }, "metadata", "unknown")
    // 2Captcha's name for cData, CapMonster's for action
    expectRefused("anticaptcha", { ...acTurnstile, cData: undefined, data: "cdata" }, "data", "unknown")
    expectRefused("anticaptcha", { ...acTurnstile, pageAction: "a" }, "pageAction", "unknown")
    expectRefused("anticaptcha", { ...acGeeTestV4, captchaId: "e392" }, "captchaId", "unknown")
    expectRefused(
      "anticaptcha",
      { ...acRecaptchaV2, type: "RecaptchaV2Task", proxy: "http:203.0.113.5:8080" },
      "proxy",
      "unknown",
    )
    expectRefused("anticaptcha", { ...acAmazon, awsIv: "iv" }, "awsIv", "unknown")
  })

  it("refuses type names it does not document, and other spellings", () => {
    for (const type of [
      "ReCaptchaV2TaskProxyLess",
      "recaptchav2taskproxyless",
      "MtCaptchaTask",
      "MTCaptchaTask",
      "CustomTask",
      "DataDomeSliderTask",
      "RecaptchaV3EnterpriseTask",
    ]) {
      expect(findTaskSpec("anticaptcha", type)).toBeUndefined()
    }
  })

  it("refuses unknown fields and fields not documented for the type", () => {
    expectRefused("anticaptcha", { ...acRecaptchaV2, foo: "bar" }, "foo", "unknown")
    // userAgent and cookies belong to the proxy types
    expectRefused("anticaptcha", { ...acRecaptchaV2, userAgent: ua }, "userAgent", "unknown")
    expectRefused("anticaptcha", { ...acRecaptchaV2, ...acProxy }, "proxyType", "unknown")
  })

  it("refuses missing required fields", () => {
    expectRefused("anticaptcha", { ...acV3, minScore: undefined }, "minScore", "missing")
    expectRefused("anticaptcha", { ...acRecaptchaV2, type: "RecaptchaV2Task" }, "proxyType", "missing")
    expectRefused(
      "anticaptcha",
      { ...acRecaptchaV2, type: "RecaptchaV2Task", proxyType: "http", proxyAddress: "203.0.113.5" },
      "proxyPort",
      "missing",
    )
    expectRefused("anticaptcha", { ...acGeeTestV3, challenge: undefined }, "challenge", "missing")
    expectRefused("anticaptcha", { ...acGeeTestV3, type: "GeeTestTask", ...acProxy }, "userAgent", "missing")
    expectRefused("anticaptcha", { ...acAmazon, iv: undefined }, "iv", "missing")
    expectRefused("anticaptcha", { ...acAmazon, wafType: "widget" }, "jsapiScript", "missing")
    expectRefused("anticaptcha", { ...acImage, body: undefined }, "body", "missing")
  })

  it("refuses values outside the documented sets", () => {
    expectRefused("anticaptcha", { ...acV3, minScore: 0.5 }, "minScore", "invalid")
    expectRefused("anticaptcha", { ...acV3, minScore: "0.9" }, "minScore", "invalid")
    expectRefused(
      "anticaptcha",
      { ...acTurnstile, type: "TurnstileTask", ...acProxy, proxyType: "https" },
      "proxyType",
      "invalid",
    )
    expectRefused("anticaptcha", { ...acGeeTestV4, version: 5 }, "version", "invalid")
    expectRefused(
      "anticaptcha",
      { ...acRecaptchaV2, type: "RecaptchaV2EnterpriseTaskProxyless", apiDomain: "google.com" },
      "apiDomain",
      "invalid",
    )
    expectRefused("anticaptcha", { ...acImage, numeric: 3 }, "numeric", "invalid")
    expectRefused("anticaptcha", { ...acImage, math: 2 }, "math", "invalid")
    expectRefused("anticaptcha", { ...acImage, languagePool: "de" }, "languagePool", "invalid")
    expectRefused("anticaptcha", { ...acImage, minLength: -1 }, "minLength", "invalid")
    expectRefused(
      "anticaptcha",
      { ...acRecaptchaV2, type: "RecaptchaV2Task", ...acProxy, cookies: "nonsense" },
      "cookies",
      "invalid",
    )
  })

  it("refuses a host name where the docs say IP address ipv4/ipv6, no host names", () => {
    expectRefused(
      "anticaptcha",
      { ...acTurnstile, type: "TurnstileTask", ...acProxy, proxyAddress: "proxy.example.com" },
      "proxyAddress",
      "invalid",
    )
    expectRefused(
      "anticaptcha",
      { ...acTurnstile, type: "TurnstileTask", ...acProxy, proxyAddress: "localhost" },
      "proxyAddress",
      "invalid",
    )
  })

  it("answers in the documented solution shapes", () => {
    const solve = (task: Task) => specOf("anticaptcha", task.type as string).solution({ taskId: "42", task })
    expect(Object.keys(solve(acRecaptchaV2))).toEqual(["gRecaptchaResponse"])
    expect(Object.keys(solve(acTurnstile)).sort()).toEqual(["token", "userAgent"])
    expect(Object.keys(solve(acGeeTestV3)).sort()).toEqual(["challenge", "seccode", "validate"])
    expect(solve(acGeeTestV3)).toMatchObject({ challenge: acGeeTestV3.challenge })
    expect(solve(acGeeTestV4)).toMatchObject({ captcha_id: acGeeTestV4.gt, lot_number: expect.any(String) })
    expect(Object.keys(solve(acAmazon))).toEqual(["token"])
    expect(Object.keys(solve(acImage)).sort()).toEqual(["text", "url"])
  })
})

// ---------------------------------------------------------------------------------------------------------
// 2Captcha (API v2): reCAPTCHA v3 from https://2captcha.com/api-docs/recaptcha-v3; the others shaped from the
// secondary sources named in src/tasks/TwoCaptcha.ts (demo-page values from 2captcha.com/demo/*).
// ---------------------------------------------------------------------------------------------------------

const tcProxy = {
  proxyType: "http",
  proxyAddress: "1.2.3.4",
  proxyPort: 8080,
  proxyLogin: "user23",
  proxyPassword: "p4$w0rd",
}

const tcV3 = {
  type: "RecaptchaV3TaskProxyless",
  websiteURL: "https://2captcha.com/demo/recaptcha-v3",
  websiteKey: "6LfB5_IbAAAAAMCtsjEHEHKqcB9iQocwwxTiihJu",
  minScore: 0.9,
  pageAction: "demo_action",
  isEnterprise: false,
}

const tcV2 = {
  type: "RecaptchaV2TaskProxyless",
  websiteURL: "https://2captcha.com/demo/recaptcha-v2",
  websiteKey: "6LfD3PIbAAAAAJs_eEHvoOl75_83eXSqpPSRFJ_u",
}

const tcTurnstileChallenge = {
  type: "TurnstileTaskProxyless",
  websiteURL: "https://target.example",
  websiteKey: "sitekey",
  action: "managed",
  data: "cData value",
  pagedata: "chlPageData value",
  userAgent: ua,
}

const tcGeeTestV4 = {
  type: "GeeTestTaskProxyless",
  websiteURL: "https://2captcha.com/demo/geetest-v4",
  version: 4,
  initParameters: { captcha_id: "e392e1d7fd421dc63325744d5a2b9c73" },
}

const tcGeeTestV3 = {
  type: "GeeTestTaskProxyless",
  websiteURL: "https://2captcha.com/demo/geetest",
  gt: "81388ea1fc187e0c335c0a8907ff2625",
  challenge: "2e2f0f65240058b683cb6ea21c303eea6n",
}

const tcImage = {
  type: "ImageToTextTask",
  body: "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7",
  numeric: 4,
}

const tcAmazon = {
  type: "AmazonTaskProxyless",
  websiteURL: "https://efw47fpad9.execute-api.us-east-1.amazonaws.com/latest",
  websiteKey: "AQIDAHjcYu/GjX+QlghicBgQ/7bFaQZ+m5FKCMDnO+vTbNg96AHMDLodoefdvyOnsHMRt...",
  iv: "CgAHbCe2GgAAAAAj",
  context: "9BUgmlm48F92WUoqv97a49ZuEJJ50TCk9MVr3C7WMtQ0X6flVbufM4n8mjFLmbLVAPgaQ...",
}

const tcDataDome = {
  type: "DataDomeSliderTask",
  websiteURL: "https://antoinevastel.com/bots/datadome",
  captchaUrl:
    "https://geo.captcha-delivery.com/captcha/?initialCid=AHrlqAAAAAMA1QGvUmJwyYoAwpyjNg%3D%3D&t=fe",
  userAgent: ua,
  ...tcProxy,
}

describe("2Captcha task table", () => {
  acceptsAll("2captcha", {
    RecaptchaV3TaskProxyless: tcV3,
    "RecaptchaV3TaskProxyless Enterprise on recaptcha.net": {
      ...tcV3,
      isEnterprise: true,
      apiDomain: "recaptcha.net",
    },
    RecaptchaV2TaskProxyless: tcV2,
    "RecaptchaV2TaskProxyless with every option": {
      ...tcV2,
      recaptchaDataSValue: "s",
      isInvisible: true,
      userAgent: ua,
      cookies: "key1=val1; key2=val2",
      apiDomain: "google.com",
    },
    "RecaptchaV2Task with a host-name proxy (IP address or hostname)": {
      ...tcV2,
      type: "RecaptchaV2Task",
      ...tcProxy,
      proxyAddress: "proxy.example.com",
    },
    RecaptchaV2EnterpriseTaskProxyless: {
      ...tcV2,
      type: "RecaptchaV2EnterpriseTaskProxyless",
      enterprisePayload: { s: "x" },
    },
    RecaptchaV2EnterpriseTask: {
      ...tcV2,
      type: "RecaptchaV2EnterpriseTask",
      enterprisePayload: { s: "x" },
      ...tcProxy,
    },
    TurnstileTaskProxyless: {
      type: "TurnstileTaskProxyless",
      websiteURL: "https://2captcha.com/demo/cloudflare-turnstile",
      websiteKey: "3x00000000000000000000FF",
    },
    "TurnstileTaskProxyless on a challenge page": tcTurnstileChallenge,
    TurnstileTask: { ...tcTurnstileChallenge, type: "TurnstileTask", ...tcProxy, proxyType: "socks5" },
    "GeeTestTaskProxyless v3": tcGeeTestV3,
    "GeeTestTaskProxyless v4": tcGeeTestV4,
    "GeeTestTask v4": { ...tcGeeTestV4, type: "GeeTestTask", ...tcProxy },
    ImageToTextTask: tcImage,
    AmazonTaskProxyless: tcAmazon,
    AmazonTask: { ...tcAmazon, type: "AmazonTask", ...tcProxy },
    MtCaptchaTaskProxyless: {
      type: "MtCaptchaTaskProxyless",
      websiteURL: "https://service.mtcaptcha.com/mtcv1/demo/index.html",
      websiteKey: "MTPublic-DemoKey9M",
    },
    MtCaptchaTask: {
      type: "MtCaptchaTask",
      websiteURL: "https://service.mtcaptcha.com/mtcv1/demo/index.html",
      websiteKey: "MTPublic-DemoKey9M",
      ...tcProxy,
    },
    DataDomeSliderTask: tcDataDome,
  })

  it("refuses other providers' spellings of fields", () => {
    expectRefused("2captcha", { ...tcTurnstileChallenge, data: undefined, cData: "c" }, "cData", "unknown")
    expectRefused(
      "2captcha",
      { ...tcTurnstileChallenge, pagedata: undefined, chlPageData: "c" },
      "chlPageData",
      "unknown",
    )
    expectRefused("2captcha", { ...tcTurnstileChallenge, metadata: { action: "a" } }, "metadata", "unknown")
    expectRefused("2captcha", { ...tcGeeTestV4, captchaId: "e392" }, "captchaId", "unknown")
    expectRefused(
      "2captcha",
      { ...tcV2, type: "RecaptchaV2Task", proxy: "http:1.2.3.4:8080" },
      "proxy",
      "unknown",
    )
  })

  it("refuses type names it does not document", () => {
    for (const type of [
      "ReCaptchaV2TaskProxyLess",
      "RecaptchaV3Task",
      "MTCaptchaTask",
      "CustomTask",
      "recaptchav3taskproxyless",
    ]) {
      expect(findTaskSpec("2captcha", type)).toBeUndefined()
    }
  })

  it("refuses unknown fields", () => {
    expectRefused("2captcha", { ...tcV3, score: 0.9 }, "score", "unknown")
    expectRefused("2captcha", { ...tcV3, ...tcProxy }, "proxyType", "unknown")
  })

  it("refuses missing required fields", () => {
    expectRefused("2captcha", { ...tcV3, minScore: undefined }, "minScore", "missing")
    expectRefused("2captcha", { ...tcV2, websiteKey: "" }, "websiteKey", "missing")
    expectRefused("2captcha", { ...tcGeeTestV4, initParameters: {} }, "initParameters.captcha_id", "missing")
    expectRefused("2captcha", { ...tcGeeTestV3, challenge: undefined }, "challenge", "missing")
    expectRefused("2captcha", { ...tcAmazon, context: undefined }, "context", "missing")
    const { proxyAddress: _address, ...noAddress } = tcDataDome
    expectRefused("2captcha", noAddress, "proxyAddress", "missing")
  })

  it("refuses values outside the documented sets", () => {
    expectRefused("2captcha", { ...tcV3, minScore: 0.5 }, "minScore", "invalid")
    expectRefused("2captcha", { ...tcV3, apiDomain: "www.google.com" }, "apiDomain", "invalid")
    expectRefused("2captcha", { ...tcImage, numeric: 5 }, "numeric", "invalid")
    expectRefused("2captcha", { ...tcDataDome, proxyType: "ftp" }, "proxyType", "invalid")
    expectRefused("2captcha", { ...tcDataDome, proxyAddress: "not a host!" }, "proxyAddress", "invalid")
    expectRefused("2captcha", { ...tcV2, cookies: "nonsense" }, "cookies", "invalid")
  })

  it("answers in the documented solution shapes", () => {
    const solve = (task: Task) => specOf("2captcha", task.type as string).solution({ taskId: "9", task })
    const v3 = solve(tcV3)
    expect(Object.keys(v3).sort()).toEqual(["gRecaptchaResponse", "token"])
    expect(v3.token).toBe(v3.gRecaptchaResponse)
    expect(solve(tcTurnstileChallenge)).toEqual({ token: expect.any(String), userAgent: ua })
    expect(solve(tcGeeTestV4)).toMatchObject({ captcha_id: tcGeeTestV4.initParameters.captcha_id })
    expect(Object.keys(solve(tcGeeTestV3)).sort()).toEqual(["challenge", "seccode", "validate"])
    expect(Object.keys(solve(tcImage))).toEqual(["text"])
    expect(Object.keys(solve(tcAmazon)).sort()).toEqual(["captcha_voucher", "existing_token"])
    expect(Object.keys(solve(tcDataDome))).toEqual(["cookie"])
  })
})

// ---------------------------------------------------------------------------------------------------------
// CapSolver: lenient (unknown fields ignored), case-insensitive type names; the v3 fields of
// https://docs.capsolver.com/zh/guide/captcha/ReCaptchaV3.html.
// ---------------------------------------------------------------------------------------------------------

describe("CapSolver task table", () => {
  const v3 = { type: "ReCaptchaV3TaskProxyLess", websiteURL: "https://e.com", websiteKey: "k" }

  it("accepts the reCAPTCHA v3 fields of the zh page (userAgent, cookies, anchor, reload, minScore)", () => {
    expectAccepted("capsolver", {
      ...v3,
      pageAction: "login",
      minScore: 0.7,
      userAgent: ua,
      cookies: [{ name: "a", value: "1" }],
      anchor: "anchor-payload",
      reload: "reload-payload",
    })
  })

  it("refuses minScore outside 0.1-0.9 and mistyped anchor", () => {
    expectRefused("capsolver", { ...v3, minScore: 0.95 }, "minScore", "invalid")
    expectRefused("capsolver", { ...v3, anchor: 1 }, "anchor", "invalid")
  })

  it("matches type names case-insensitively and ignores fields it does not list", () => {
    expectAccepted("capsolver", { ...v3, type: "recaptchav3taskproxyless", somethingElse: true })
  })

  it("gives every issue a kind", () => {
    expectRefused(
      "capsolver",
      { type: "ReCaptchaV2TaskProxyLess", websiteURL: "https://e.com" },
      "websiteKey",
      "missing",
    )
    expectRefused("capsolver", { ...v3, websiteKey: 1 }, "websiteKey", "invalid")
    expectRefused("capsolver", { ...v3, type: "ReCaptchaV2Task" }, "proxy", "missing")
    expectRefused("capsolver", { ...v3, type: "ReCaptchaV2Task", proxy: "junk" }, "proxy", "invalid")
  })
})

describe("supportedTaskTypes", () => {
  it("lists each dialect's documented names", () => {
    expect(supportedTaskTypes("capmonster").map((entry) => entry.type)).toEqual([
      "RecaptchaV2Task",
      "RecaptchaV2EnterpriseTask",
      "RecaptchaV3TaskProxyless",
      "RecaptchaV3EnterpriseTask",
      "TurnstileTask",
      "GeeTestTask",
      "MTCaptchaTask",
      "AmazonTask",
      "CustomTask",
      "ImageToTextTask",
    ])
    expect(supportedTaskTypes("anticaptcha").map((entry) => entry.type)).toEqual([
      "RecaptchaV2TaskProxyless",
      "RecaptchaV2Task",
      "RecaptchaV2EnterpriseTaskProxyless",
      "RecaptchaV2EnterpriseTask",
      "RecaptchaV3TaskProxyless",
      "TurnstileTaskProxyless",
      "TurnstileTask",
      "GeeTestTaskProxyless",
      "GeeTestTask",
      "AmazonTaskProxyless",
      "AmazonTask",
      "ImageToTextTask",
    ])
    expect(
      supportedTaskTypes("2captcha")
        .map((entry) => entry.type)
        .sort(),
    ).toEqual(
      [
        "RecaptchaV3TaskProxyless",
        "RecaptchaV2TaskProxyless",
        "RecaptchaV2Task",
        "RecaptchaV2EnterpriseTaskProxyless",
        "RecaptchaV2EnterpriseTask",
        "TurnstileTaskProxyless",
        "TurnstileTask",
        "GeeTestTaskProxyless",
        "GeeTestTask",
        "AmazonTaskProxyless",
        "AmazonTask",
        "MtCaptchaTaskProxyless",
        "MtCaptchaTask",
        "DataDomeSliderTask",
        "ImageToTextTask",
      ].sort(),
    )
    expect(supportedTaskTypes()).toEqual(supportedTaskTypes("capsolver"))
  })

  it("marks image captchas as recognition tasks everywhere", () => {
    for (const dialect of ["capsolver", "2captcha", "anticaptcha", "capmonster"] as const) {
      expect(supportedTaskTypes(dialect).find((entry) => entry.type === "ImageToTextTask")?.kind).toBe(
        "recognition",
      )
    }
  })

  it("marks which types need the caller's proxy", () => {
    expect(specOf("anticaptcha", "TurnstileTask").needsProxy).toBe(true)
    expect(specOf("anticaptcha", "TurnstileTaskProxyless").needsProxy).toBe(false)
    expect(specOf("capmonster", "RecaptchaV2Task").needsProxy).toBe(false)
    expect(specOf("capmonster", "CustomTask").needsProxy).toBe(true)
    expect(specOf("2captcha", "DataDomeSliderTask").needsProxy).toBe(true)
  })
})

describe("through each dialect's createTask", () => {
  const cases = {
    "2captcha": { accepted: tcV3, refused: { ...tcV3, minScore: 0.5 }, field: "minScore" },
    anticaptcha: {
      accepted: acTurnstile,
      refused: { ...acTurnstile, metadata: { action: "a" } },
      field: "metadata",
    },
    capmonster: { accepted: cmGeeTestV4, refused: { ...cmGeeTestV4, captchaId: "c" }, field: "captchaId" },
  } as const

  for (const [provider, { accepted, refused, field }] of Object.entries(cases)) {
    it(`${provider}: creates the documented example and refuses the wrong form naming ${field}`, async () => {
      const { post } = inProcess({ provider: provider as DialectName })
      const created = await post("createTask", { clientKey: key, task: accepted })
      expect(created.body).toMatchObject({ errorId: 0, taskId: expect.any(Number) })
      const refusal = await post("createTask", { clientKey: key, task: refused })
      expect(refusal.body.errorId).not.toBe(0)
      expect(String(refusal.body.errorDescription)).toContain(field)
    })
  }
})
