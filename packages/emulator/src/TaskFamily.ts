/**
 * The captcha family a task belongs to, which decides the report endpoints that accept it (Anti-Captcha
 * and CapMonster Cloud have one report endpoint per family). Derived from the type name, since every
 * provider spells the family into its type names (`RecaptchaV2TaskProxyless`, `GeeTestTask`, ...).
 */
import type { TaskKind } from "./TaskTypes.ts"

export type TaskFamily = "image" | "recaptcha" | "hcaptcha" | "geetest" | "turnstile" | "other"

export const familyOf = (type: string, kind: TaskKind): TaskFamily => {
  // Recognition tasks are the "image captchas" of the report pages (ImageToTextTask and its kin).
  if (kind === "recognition") return "image"
  const lower = type.toLowerCase()
  // NoCaptchaTask is Anti-Captcha's old name for reCAPTCHA v2 (https://anti-captcha.com/apidoc/task-types/RecaptchaV2TaskProxyless).
  if (lower.includes("recaptcha") || lower.startsWith("nocaptcha")) return "recaptcha"
  if (lower.includes("hcaptcha")) return "hcaptcha"
  if (lower.includes("geetest")) return "geetest"
  if (lower.includes("turnstile")) return "turnstile"
  return "other"
}
