/**
 * The demo's task set: one recognition task (answered by createTask itself), token tasks of several types,
 * and one the emulator is told to fail. The emulator's magic values (`emulator-solve-ms-<N>`,
 * `emulator-unsolvable` in websiteKey or websiteURL) make every run take the same provider time, so the demo
 * is reproducible; on a real provider they are just unusual strings.
 */
import {
  AntiTurnstileTaskProxyLess,
  type AnyTaskRequest,
  GeeTestTaskProxyLess,
  ImageToTextTask,
  ReCaptchaV2TaskProxyLess,
  ReCaptchaV3TaskProxyLess,
} from "@solvekit/node"

export interface DemoTask {
  readonly label: string
  readonly task: AnyTaskRequest
  /** "solved", or the failure reason the demo expects (as `Diagnosis.reason`). */
  readonly expect: "solved" | "Unsolvable"
}

/** A 1×1 PNG: the emulator reads any valid image; CapSolver would answer with whatever text it sees. */
const TINY_PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="

const site = "https://demo.solvekit.dev"

export const demoTasks = (): ReadonlyArray<DemoTask> => [
  { label: "ImageToTextTask", expect: "solved", task: ImageToTextTask({ body: TINY_PNG }) },
  {
    label: "ReCaptchaV2TaskProxyLess",
    expect: "solved",
    task: ReCaptchaV2TaskProxyLess({
      websiteURL: `${site}/login`,
      websiteKey: "6LdemoV2-emulator-solve-ms-14000",
    }),
  },
  {
    label: "ReCaptchaV3TaskProxyLess",
    expect: "solved",
    task: ReCaptchaV3TaskProxyLess({
      websiteURL: `${site}/checkout`,
      websiteKey: "6LdemoV3-emulator-solve-ms-8000",
      pageAction: "checkout",
      // 2Captcha and Anti-Captcha require a minScore of 0.3, 0.7 or 0.9; the others accept it too.
      minScore: 0.7,
    }),
  },
  {
    label: "AntiTurnstileTaskProxyLess",
    expect: "solved",
    task: AntiTurnstileTaskProxyLess({
      websiteURL: `${site}/signup`,
      websiteKey: "0x4AAAAdemo-emulator-solve-ms-20000",
    }),
  },
  {
    label: "GeeTestTaskProxyLess",
    expect: "solved",
    task: GeeTestTaskProxyLess({
      websiteURL: `${site}/geetest?emulator-solve-ms-32000`,
      captchaId: "e392e1d7fd421dc63325744d5a2b9c73",
    }),
  },
  {
    label: "ReCaptchaV2TaskProxyLess (unsolvable)",
    expect: "Unsolvable",
    task: ReCaptchaV2TaskProxyLess({
      websiteURL: `${site}/hard`,
      websiteKey: "6LdemoV2-emulator-unsolvable",
    }),
  },
]
