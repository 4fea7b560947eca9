/** The providers whose API dialect the emulator speaks. `capsolver` is the default. */
export type DialectName = "capsolver" | "2captcha" | "anticaptcha" | "capmonster"

export const dialectNames: ReadonlyArray<DialectName> = ["capsolver", "2captcha", "anticaptcha", "capmonster"]
