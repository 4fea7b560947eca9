/**
 * The shape of one row of a provider's task-type table, and small builders the four tables share.
 * The tables are written from each provider's own documentation, never from @solvekit/core.
 */

import type { SolutionInput } from "../Solutions.ts"
import {
  type FieldSpec,
  type FieldType,
  type Issue,
  type SplitProxyRule,
  splitProxyFields,
} from "../Validation.ts"

export type TaskKind = "token" | "recognition"

export type TaskCheck = (task: Readonly<Record<string, unknown>>) => Issue | undefined

export interface TaskSpec {
  /** The documented spelling (audited under this name). */
  readonly type: string
  /** Other names the provider documents (or its official client sends) for the same task. */
  readonly aliases?: ReadonlyArray<string>
  readonly kind: TaskKind
  /** Whether the task needs the caller's proxy. */
  readonly needsProxy: boolean
  /** Whether CapSolver's `/getToken` accepts it (only its reCAPTCHA family). */
  readonly viaGetToken: boolean
  /** Every documented field except `type` (with the split proxy fields when `proxy` is set). */
  readonly fields: ReadonlyArray<FieldSpec>
  /** Whether a field not in `fields` is refused as `unknown` (the three non-CapSolver providers). */
  readonly strict?: boolean
  /**
   * Split proxy fields and whether they are required. Absent on a CapSolver row: there `needsProxy`
   * means a `proxy` string or the split fields (`proxyIssue`).
   */
  readonly proxy?: SplitProxyRule
  /** Rules a field list cannot say (either-or fields, version-dependent fields). */
  readonly extraCheck?: TaskCheck
  readonly solution: (input: SolutionInput) => Record<string, unknown>
}

type FieldOptions = Omit<FieldSpec, "name" | "type" | "required">

export const required = (name: string, type: FieldType, options: FieldOptions = {}): FieldSpec => ({
  name,
  type,
  required: true,
  ...options,
})

export const optional = (name: string, type: FieldType, options: FieldOptions = {}): FieldSpec => ({
  name,
  type,
  required: false,
  ...options,
})

export interface StrictSpecInput {
  readonly type: string
  readonly aliases?: ReadonlyArray<string>
  readonly kind?: TaskKind
  readonly fields: ReadonlyArray<FieldSpec>
  /** Split proxy rule; without it the proxy fields are not documented for the type. */
  readonly proxy?: SplitProxyRule
  readonly extraCheck?: TaskCheck
  readonly solution: (input: SolutionInput) => Record<string, unknown>
}

/** A row of a strict table (2Captcha, Anti-Captcha, CapMonster Cloud): undocumented fields are refused. */
export const strictSpec = (input: StrictSpecInput): TaskSpec => ({
  type: input.type,
  ...(input.aliases ? { aliases: input.aliases } : {}),
  kind: input.kind ?? "token",
  needsProxy: input.proxy?.required ?? false,
  viaGetToken: false,
  fields: input.proxy ? [...input.fields, ...splitProxyFields(input.proxy)] : input.fields,
  strict: true,
  ...(input.proxy ? { proxy: input.proxy } : {}),
  ...(input.extraCheck ? { extraCheck: input.extraCheck } : {}),
  solution: input.solution,
})

/** Runs checks in order and returns the first issue. */
export const firstIssue =
  (...checks: ReadonlyArray<TaskCheck>): TaskCheck =>
  (task) => {
    for (const check of checks) {
      const issue = check(task)
      if (issue) return issue
    }
    return undefined
  }

export const isGiven = (value: unknown): boolean => value !== undefined && value !== null

export const isNonEmptyString = (value: unknown): value is string =>
  typeof value === "string" && value.length > 0
