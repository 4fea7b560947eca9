/**
 * Plausible solution objects per task family and provider, in the shape each provider documents for its
 * getTaskResult answer. They are derived from the task id (no randomness), so the same seed gives the same
 * answers, and a test can tell which task a token came from.
 */

export interface SolutionInput {
  readonly taskId: string
  readonly task: Readonly<Record<string, unknown>>
}

const chromeUserAgent =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

const userAgentOf = (task: Readonly<Record<string, unknown>>): string =>
  typeof task.userAgent === "string" && task.userAgent.length > 0 ? task.userAgent : chromeUserAgent

const hexOf = (taskId: string): string => taskId.replaceAll("-", "")

/** Small numbers taken from the task id's hex digits: stable and different between tasks. */
const digitsOf = (taskId: string, count: number, modulo: number): Array<number> => {
  const hex = hexOf(taskId)
  const out: Array<number> = []
  for (let i = 0; i < count; i++) out.push(Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16) % modulo)
  return out
}

const distinctSorted = (values: ReadonlyArray<number>): Array<number> =>
  [...new Set(values)].sort((a, b) => a - b)

export const solutions = {
  recaptcha: ({ taskId, task }: SolutionInput) => ({
    gRecaptchaResponse: `03AFcWeA-emulator-${taskId}`,
    userAgent: userAgentOf(task),
    ...(task.isSession === true ? { "recaptcha-ca-t": `emulator-ca-t-${taskId}` } : {}),
  }),
  turnstile: ({ taskId }: SolutionInput) => ({
    token: `0.emulator-turnstile-${taskId}`,
    type: "turnstile",
    userAgent: chromeUserAgent,
  }),
  cloudflare: ({ taskId, task }: SolutionInput) => ({
    cookies: { cf_clearance: `emulator-cf-${taskId}` },
    token: `emulator-cf-${taskId}`,
    userAgent: userAgentOf(task),
  }),
  awsWaf: ({ taskId }: SolutionInput) => ({ cookie: `emulator-aws-waf-${taskId}` }),
  geeTest: ({ taskId, task }: SolutionInput) =>
    typeof task.captchaId === "string"
      ? {
          captcha_id: task.captchaId,
          captcha_output: `emulator-output-${taskId}`,
          gen_time: "1700000000",
          lot_number: hexOf(taskId),
          pass_token: `emulator-pass-${taskId}`,
          risk_type: "slide",
        }
      : {
          challenge: task.challenge,
          validate: hexOf(taskId),
          seccode: `${hexOf(taskId)}|jordan`,
        },
  mtCaptcha: ({ taskId }: SolutionInput) => ({ token: `v1(emulator,${taskId})` }),
  dataDome: ({ taskId }: SolutionInput) => ({
    cookie: `datadome=emulator-${taskId}; Max-Age=31536000; Domain=.example.com; Path=/; Secure; SameSite=Lax`,
  }),
  botDeflector: ({ taskId }: SolutionInput) => ({ token: `emulator-botdeflector-${taskId}` }),
  imageToText: ({ taskId, task }: SolutionInput) =>
    task.module === "number" && Array.isArray(task.images) && task.body === undefined
      ? { answers: task.images.map((_, i) => digitsOf(taskId, 4, 10).join("") + String(i)) }
      : { text: hexOf(taskId).slice(0, 6) },
  recaptchaClassification: ({ taskId }: SolutionInput) => ({
    type: "multi",
    objects: distinctSorted(digitsOf(taskId, 3, 9)),
    size: 3,
  }),
  awsWafClassification: ({ taskId, task }: SolutionInput) => {
    const question = String(task.question)
    if (question.startsWith("aws:toycarcity")) {
      const [x, y] = digitsOf(taskId, 2, 200)
      return { box: [x, y] }
    }
    if (question.includes("bifurcatedzoo")) return { distance: digitsOf(taskId, 1, 200)[0] }
    return { objects: distinctSorted(digitsOf(taskId, 3, 9)) }
  },
  visionEngine: ({ taskId, task }: SolutionInput) => {
    const [a = 0, b = 0] = digitsOf(taskId, 2, 250)
    if (task.module === "shein") return { rects: [{ x1: a, y1: b, x2: a + 40, y2: b + 40 }] }
    if (task.module === "slider_1") return { distance: a }
    return { angle: a % 360 }
  },
} satisfies Record<string, (input: SolutionInput) => Record<string, unknown>>

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const recaptchaToken = (taskId: string): string => `03AFcWeA-emulator-${taskId}`
const turnstileToken = (taskId: string): string => `0.emulator-turnstile-${taskId}`
const imageText = (taskId: string): string => hexOf(taskId).slice(0, 6)

const geeTestV3 = (taskId: string, challenge: unknown) => ({
  challenge: typeof challenge === "string" ? challenge : hexOf(taskId),
  validate: hexOf(taskId),
  seccode: `${hexOf(taskId)}|jordan`,
})

/** GeeTest v4's five values (the same names at every provider that documents them). */
const geeTestV4 = (taskId: string, captchaId: unknown) => ({
  captcha_id: typeof captchaId === "string" ? captchaId : hexOf(taskId),
  lot_number: hexOf(taskId),
  pass_token: `emulator-pass-${taskId}`,
  gen_time: "1700000000",
  captcha_output: `emulator-output-${taskId}`,
})

const isVersion4 = (task: Readonly<Record<string, unknown>>): boolean =>
  task.version === 4 || task.version === "4"

/**
 * 2Captcha (API v2). reCAPTCHA: `gRecaptchaResponse` and an identical `token` (2captcha.com/api-docs/recaptcha-v3
 * example; the v2 shape from blackravenx/captcha-libs packages/twocaptcha Solutions/Token/RecaptchaV2TaskSolution.ts
 * @7218906b). Turnstile `{ token, userAgent }`, GeeTest v3/v4, Amazon `{ captcha_voucher, existing_token }`,
 * MTCaptcha `{ token }`, DataDome `{ cookie }`, ImageToText `{ text }`: the same repository's Solutions folder.
 */
export const twoCaptchaSolutions = {
  recaptcha: ({ taskId }: SolutionInput) => ({
    gRecaptchaResponse: recaptchaToken(taskId),
    token: recaptchaToken(taskId),
  }),
  turnstile: ({ taskId, task }: SolutionInput) => ({
    token: turnstileToken(taskId),
    userAgent: userAgentOf(task),
  }),
  geeTest: ({ taskId, task }: SolutionInput) =>
    isVersion4(task)
      ? geeTestV4(taskId, isObject(task.initParameters) ? task.initParameters.captcha_id : undefined)
      : geeTestV3(taskId, task.challenge),
  amazon: ({ taskId }: SolutionInput) => ({
    captcha_voucher: `emulator-voucher-${taskId}`,
    existing_token: `emulator-existing-${taskId}`,
  }),
  mtCaptcha: ({ taskId }: SolutionInput) => ({ token: `v1(emulator,${taskId})` }),
  dataDome: ({ taskId }: SolutionInput) => ({
    cookie: `datadome=emulator-${taskId}; Max-Age=31536000; Domain=.example.com; Path=/; Secure; SameSite=Lax`,
  }),
  imageToText: ({ taskId }: SolutionInput) => ({ text: imageText(taskId) }),
} satisfies Record<string, (input: SolutionInput) => Record<string, unknown>>

/**
 * Anti-Captcha: field names from the official client's solution class (anti-captcha/anticaptcha-csharp
 * src/AntiCaptcha/ApiResponse/TaskResultResponse.cs @7c769e00): reCAPTCHA `gRecaptchaResponse`; Turnstile and
 * Amazon WAF `token` (+ the worker's `userAgent` for Turnstile); GeeTest v3 `challenge/validate/seccode`, v4
 * the five values (`captcha_id` is the `gt` sent); image captcha `text` and `url`
 * (https://anti-captcha.com/apidoc/methods/getTaskResult).
 */
export const antiCaptchaSolutions = {
  recaptcha: ({ taskId }: SolutionInput) => ({ gRecaptchaResponse: recaptchaToken(taskId) }),
  turnstile: ({ taskId }: SolutionInput) => ({ token: turnstileToken(taskId), userAgent: chromeUserAgent }),
  geeTest: ({ taskId, task }: SolutionInput) =>
    isVersion4(task) ? geeTestV4(taskId, task.gt) : geeTestV3(taskId, task.challenge),
  amazon: ({ taskId }: SolutionInput) => ({ token: `emulator-aws-waf-${taskId}` }),
  imageToText: ({ taskId }: SolutionInput) => ({
    text: imageText(taskId),
    url: `http://emulator.invalid/captcha/${hexOf(taskId)}.jpg`,
  }),
} satisfies Record<string, (input: SolutionInput) => Record<string, unknown>>

const hostOf = (url: unknown): string => {
  if (typeof url !== "string") return "example.com"
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/:?#]+)/i.exec(url)
  return match?.[1] ?? "example.com"
}

/**
 * CapMonster Cloud, from ZennoLab/capmonstercloud-docs @d76d99fb i18n/en/.../captchas/*.mdx ("Get task result"
 * examples): reCAPTCHA `gRecaptchaResponse`; Turnstile `{ userAgent, token }` or, for
 * `cloudflareTaskType: "cf_clearance"`, `{ cf_clearance }`; GeeTest v3/v4; MTCaptcha `{ token }`; Amazon
 * `{ captcha_voucher, existing_token }` or, with `cookieSolution: true`, `{ cookies: { "aws-waf-token" }, userAgent }`;
 * DataDome `{ domains: { host: { cookies: { datadome }, localStorage } }, url, fingerprint, headers, data }`;
 * ImageToText `{ text }`.
 */
export const capMonsterSolutions = {
  recaptcha: ({ taskId }: SolutionInput) => ({ gRecaptchaResponse: recaptchaToken(taskId) }),
  turnstile: ({ taskId, task }: SolutionInput) =>
    task.cloudflareTaskType === "cf_clearance"
      ? { cf_clearance: `emulator-cf-clearance-${hexOf(taskId)}` }
      : { userAgent: userAgentOf(task), token: turnstileToken(taskId) },
  geeTest: ({ taskId, task }: SolutionInput) =>
    isVersion4(task) ? geeTestV4(taskId, task.gt) : geeTestV3(taskId, task.challenge),
  mtCaptcha: ({ taskId }: SolutionInput) => ({ token: `v1(emulator,${taskId})` }),
  amazon: ({ taskId, task }: SolutionInput) =>
    task.cookieSolution === true
      ? { cookies: { "aws-waf-token": `emulator-aws-waf-${taskId}` }, userAgent: userAgentOf(task) }
      : { captcha_voucher: `emulator-voucher-${taskId}`, existing_token: `emulator-existing-${taskId}` },
  dataDome: ({ taskId, task }: SolutionInput) => ({
    domains: {
      [hostOf(task.websiteURL)]: { cookies: { datadome: `emulator-${hexOf(taskId)}` }, localStorage: null },
    },
    url: null,
    fingerprint: null,
    headers: null,
    data: null,
  }),
  imageToText: ({ taskId }: SolutionInput) => ({ text: imageText(taskId) }),
} satisfies Record<string, (input: SolutionInput) => Record<string, unknown>>
