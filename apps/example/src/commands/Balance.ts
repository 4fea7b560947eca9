/**
 * `balance`: prints the account balance. A quick way to check that a key works: a rejected key exits 3.
 */

import { Command, Flag } from "effect/cli"
import * as Effect from "effect/Effect"
import { CliFailure } from "../CliFailure.ts"
import { connect } from "../Connection.ts"
import { diagnose, errorLine } from "../Diagnosis.ts"
import { Output } from "../Output.ts"
import * as Solving from "../Solving.ts"
import * as Root from "./Root.ts"

export const command = Command.make(
  "balance",
  {
    json: Flag.Boolean("json").pipe(
      Flag.withDescription("print { balance, packages } as JSON"),
      Flag.withDefault(false),
    ),
  },
  (flags) =>
    Effect.gen(function* () {
      const output = yield* Output
      const shared = yield* Root.command
      const connection = yield* connect(shared)
      yield* output.err(connection.banner)
      const result = yield* Effect.result(Solving.getBalance(connection.client))
      if (result._tag === "Failure") {
        const diagnosis = diagnose(result.failure, connection)
        yield* output.err(errorLine(diagnosis))
        return yield* new CliFailure({ ...diagnosis, reported: true })
      }
      const balance = result.success
      if (balance.balance <= 0) {
        yield* output.err(
          "warning: the balance is zero — solving will fail with ERROR_ZERO_BALANCE until you top up",
        )
      }
      if (flags.json) {
        yield* output.out(JSON.stringify({ balance: balance.balance, packages: balance.packages }))
        return
      }
      yield* output.out(`balance: $${balance.balance.toFixed(4)}`)
      if (balance.packages.length > 0) yield* output.out(`packages: ${balance.packages.length}`)
    }).pipe(Effect.scoped),
).pipe(Command.withDescription("Print the account balance (exit 3 when the key is rejected)."))
