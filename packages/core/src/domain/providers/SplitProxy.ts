/**
 * The split proxy form, for providers that read only `proxyType`, `proxyAddress`, `proxyPort`, `proxyLogin` and
 * `proxyPassword` (2Captcha, Anti-Captcha, CapMonster Cloud: reference 6.1). A task given a `proxy` string (any
 * form the catalogue accepts) is sent with the fields instead; `http` when the string names no scheme, as
 * CapSolver reads it. Its own module so a page that uses CapSolver alone does not bundle the proxy parser.
 *
 * @since 0.2.0
 */
import * as Result from "effect/Result"
import type { TaskIssue, WireTask } from "../Provider.ts"
import { parse, toFields } from "../Proxy.ts"

export const splitProxy = (task: WireTask): Result.Result<WireTask, TaskIssue> => {
  const { proxy, ...rest } = task
  if (typeof proxy !== "string") return Result.succeed(task)
  const parsed = parse(proxy)
  if (Result.isFailure(parsed)) return Result.fail({ field: "proxy", message: parsed.failure })
  return Result.succeed({
    ...rest,
    type: task.type,
    ...toFields({ ...parsed.success, type: parsed.success.type ?? "http" }),
  })
}
