/**
 * One valid input per catalogue type, written once for every provider: a task each provider that supports the
 * type must be able to send as it documents it. Proxies are IP addresses (Anti-Captcha and CapMonster Cloud
 * take no host names); reCAPTCHA v3 asks for 0.7 (2Captcha and Anti-Captcha take only 0.3, 0.7 or 0.9).
 */
import {
  AntiAwsWafTask,
  AntiAwsWafTaskProxyLess,
  AntiBotdeflectorTaskProxyLess,
  AntiCloudflareTask,
  AntiTurnstileTaskProxyLess,
  type AnyTaskRequest,
  AwsWafClassification,
  DatadomeSliderTask,
  GeeTestTaskProxyLess,
  ImageToTextTask,
  MtCaptchaTask,
  MtCaptchaTaskProxyLess,
  ReCaptchaV2Classification,
  ReCaptchaV2EnterpriseTask,
  ReCaptchaV2EnterpriseTaskProxyLess,
  ReCaptchaV2Task,
  ReCaptchaV2TaskProxyLess,
  ReCaptchaV3EnterpriseTask,
  ReCaptchaV3EnterpriseTaskProxyLess,
  ReCaptchaV3Task,
  ReCaptchaV3TaskProxyLess,
  Task,
  VisionEngine,
} from "../../src/index.ts"

/** A 1×1 PNG. */
export const TINY_PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="

const proxy = "http:203.0.113.7:8080:user:secret"
const site = { websiteURL: "https://shop.example.com/login", websiteKey: "6Le-site-key" }
const userAgent =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
const aws = {
  websiteURL: "https://shop.example.com/",
  awsKey: "AQIDAHjcYu/GjX+QlghicBgQ/7bFaQZ+m5FKCMDnO+vTbNg96AH",
  awsIv: "CgAFRjIw2vAAABSM",
  awsContext: "zPT0jOl1rQlUNaldX6LUpn4D6Tl9bJ8VUQ",
  awsChallengeJS:
    "https://41bcdd4fb3cb.610cd090.us-east-1.token.awswaf.com/41bcdd4fb3cb/0d21de737ccb/cd77baa6c832/challenge.js",
}

/** DataDome at CapMonster Cloud needs the current `datadome` cookie, a field the catalogue does not have. */
export const DataDomeWithCookie = Task.extend(DatadomeSliderTask, { metadata: { datadomeCookie: "string" } })

const dataDome = {
  websiteURL: "https://shop.example.com/",
  captchaUrl:
    "https://geo.captcha-delivery.com/captcha/?initialCid=AHrlqAAAAAMA&hash=789361B674144528D0B7EE76B35826&cid=6QAEcL8&t=fe&referer=https%3A%2F%2Fshop.example.com%2F&s=9817",
  userAgent,
  proxy,
}

/** A sample per catalogue type, by its catalogue name. */
export const catalogueSamples: Readonly<Record<string, AnyTaskRequest>> = {
  ReCaptchaV2TaskProxyLess: ReCaptchaV2TaskProxyLess(site),
  ReCaptchaV2Task: ReCaptchaV2Task({ ...site, proxy }),
  ReCaptchaV2EnterpriseTask: ReCaptchaV2EnterpriseTask({
    ...site,
    enterprisePayload: { s: "payload" },
    proxy,
  }),
  ReCaptchaV2EnterpriseTaskProxyLess: ReCaptchaV2EnterpriseTaskProxyLess({
    ...site,
    enterprisePayload: { s: "payload" },
  }),
  ReCaptchaV3TaskProxyLess: ReCaptchaV3TaskProxyLess({ ...site, pageAction: "login", minScore: 0.7 }),
  ReCaptchaV3Task: ReCaptchaV3Task({ ...site, pageAction: "login", minScore: 0.7, proxy }),
  ReCaptchaV3EnterpriseTask: ReCaptchaV3EnterpriseTask({
    ...site,
    pageAction: "login",
    minScore: 0.7,
    proxy,
  }),
  ReCaptchaV3EnterpriseTaskProxyLess: ReCaptchaV3EnterpriseTaskProxyLess({
    ...site,
    pageAction: "login",
    minScore: 0.7,
  }),
  AntiTurnstileTaskProxyLess: AntiTurnstileTaskProxyLess({
    websiteURL: "https://shop.example.com/signup",
    websiteKey: "0x4AAAAAAAC3DHQFLr1GavRN",
    metadata: { action: "signup", cdata: "session-7f3a" },
  }),
  AntiCloudflareTask: AntiCloudflareTask({ websiteURL: "https://shop.example.com/", proxy }),
  AntiAwsWafTask: AntiAwsWafTask({ ...aws, proxy }),
  AntiAwsWafTaskProxyLess: AntiAwsWafTaskProxyLess(aws),
  GeeTestTaskProxyLess: GeeTestTaskProxyLess({
    websiteURL: "https://shop.example.com/geetest",
    captchaId: "e392e1d7fd421dc63325744d5a2b9c73",
  }),
  MtCaptchaTask: MtCaptchaTask({
    websiteURL: "https://shop.example.com/",
    websiteKey: "MTPublic-tqNCRE0GS",
    proxy,
  }),
  MtCaptchaTaskProxyLess: MtCaptchaTaskProxyLess({
    websiteURL: "https://shop.example.com/",
    websiteKey: "MTPublic-tqNCRE0GS",
  }),
  DatadomeSliderTask: DatadomeSliderTask(dataDome),
  AntiBotdeflectorTaskProxyLess: AntiBotdeflectorTaskProxyLess({
    websiteURL: "https://shop.example.com/",
    domain: "shop.example.com",
    flowToken: "flow-token-3c1e",
  }),
  ImageToTextTask: ImageToTextTask({ body: TINY_PNG }),
  ReCaptchaV2Classification: ReCaptchaV2Classification({ image: TINY_PNG, question: "/m/04_sv" }),
  AwsWafClassification: AwsWafClassification({ images: [TINY_PNG], question: "aws:toycarcity:carcity" }),
  VisionEngine: VisionEngine({ module: "slider_1", image: TINY_PNG, imageBackground: TINY_PNG }),
}

/** The sample a provider needs where its documented form asks for more than the catalogue's fields. */
export const sampleFor = (provider: string, type: string): AnyTaskRequest => {
  if (provider === "capmonster" && type === "DatadomeSliderTask") {
    return DataDomeWithCookie({ ...dataDome, metadata: { datadomeCookie: "datadome=4ZXwCBlyHx9ktZhSnycMF" } })
  }
  const sample = catalogueSamples[type]
  if (sample === undefined) throw new Error(`no sample for ${type}`)
  return sample
}
