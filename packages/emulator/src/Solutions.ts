/**
 * Plausible solution objects per task family. They are derived from the task id (no randomness), so the
 * same seed gives the same answers, and a test can tell which task a token came from.
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
