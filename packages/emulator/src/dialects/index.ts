/** The four dialects by name, and what tests and clients may ask of them. */
import { type DialectName, dialectNames } from "../DialectName.ts"
import type { EndpointName } from "../EndpointName.ts"
import { antiCaptcha } from "./antiCaptcha.ts"
import { capMonster } from "./capMonster.ts"
import { capsolver } from "./capsolver.ts"
import type { Dialect, DocumentedError } from "./Dialect.ts"
import { twoCaptcha } from "./twoCaptcha.ts"

const dialects: Readonly<Record<DialectName, Dialect>> = {
  capsolver,
  "2captcha": twoCaptcha,
  anticaptcha: antiCaptcha,
  capmonster: capMonster,
}

export const dialectOf = (name: DialectName): Dialect => {
  const dialect = dialects[name]
  if (dialect === undefined) {
    throw new RangeError(`@solvekit/emulator: provider must be one of ${dialectNames.join(", ")}`)
  }
  return dialect
}

/** Every error code the provider documents, with the errorId it is sent with, in its table's order. */
export const errorCodesOf = (name: DialectName): ReadonlyArray<DocumentedError> => dialectOf(name).errors

/** The endpoint paths the provider serves (aliases included). */
export const endpointNamesOf = (name: DialectName): ReadonlyArray<EndpointName> =>
  Object.keys(dialectOf(name).endpoints) as Array<EndpointName>

/** The documented row of a code, if the dialect documents it. */
export const documentedError = (dialect: Dialect, code: string): DocumentedError | undefined =>
  dialect.errors.find((row) => row.code === code)
