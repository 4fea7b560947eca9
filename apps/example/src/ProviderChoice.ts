/**
 * The providers `--provider` offers, by the short names people type, and what the app needs to know of each:
 * the SDK's provider value and the environment variables the SDK itself would read for it. The variable names
 * come from the SDK (`ProviderEnvironment.variablesOf`), never from the name, so the app and the SDK cannot
 * disagree about which variable holds which provider's key.
 */

import type { DialectName } from "@solvekit/emulator"
import {
  AntiCaptcha,
  CapMonsterCloud,
  CapSolver,
  type Provider,
  ProviderEnvironment,
  TwoCaptcha,
} from "@solvekit/node"

/** The `--provider` values, the default first (the order --help and error messages list them in). */
export const names = ["capsolver", "2captcha", "anticaptcha", "capmonster"] as const

export type ProviderName = (typeof names)[number]

export const isName = (text: string): text is ProviderName => (names as ReadonlyArray<string>).includes(text)

export const DEFAULT: ProviderName = "capsolver"

/** The variable that picks the provider when `--provider` is not given. */
export const PROVIDER_ENV = "SOLVEKIT_PROVIDER"

export interface ProviderChoice {
  readonly name: ProviderName
  readonly provider: Provider.Provider
  /** Where the key comes from when --api-key is not given, e.g. `ANTICAPTCHA_API_KEY`. */
  readonly apiKeyVariable: string
  /** Where the endpoint comes from when --base-url is not given, e.g. `ANTICAPTCHA_BASE_URL`. */
  readonly baseUrlVariable: string
  /**
   * The dialect the embedded emulator speaks for this provider when no key is set: the `--provider` names are
   * the emulator's own dialect names (`@solvekit/emulator`'s `DialectName`).
   */
  readonly emulatorDialect: DialectName
}

const providers: Record<ProviderName, Provider.Provider> = {
  capsolver: CapSolver,
  "2captcha": TwoCaptcha,
  anticaptcha: AntiCaptcha,
  capmonster: CapMonsterCloud,
}

export const choose = (name: ProviderName): ProviderChoice => {
  const provider = providers[name]
  const variables = ProviderEnvironment.variablesOf(provider)
  // Every provider offered here is a built-in one with an envPrefix; a missing one would be an SDK bug.
  if (variables === undefined) throw new Error(`the SDK gives ${provider.name} no environment variables`)
  return {
    name,
    provider,
    apiKeyVariable: variables.apiKey,
    baseUrlVariable: variables.baseUrl,
    emulatorDialect: name,
  }
}

/** Every provider's key variable: all of them are secrets to scrub, whichever provider the command uses. */
export const allApiKeyVariables = (): Array<string> => names.map((name) => choose(name).apiKeyVariable)
