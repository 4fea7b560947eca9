/**
 * The field names a task definition's input takes on the wire. A definition's strict schema already refuses
 * any other key; the names are for what a check outside the schema needs to know about them, such as the
 * relay telling a key that differs from a known one only by case (`WebsiteURL`) from an unknown one.
 * Internal (offered to the adapters through `@solvekit/core/internal`).
 *
 * @since 0.2.0
 */
import * as SchemaAST from "effect/SchemaAST"
import type { AnyTaskDefinition } from "./Task.ts"

// A definition's schema lives as long as the definition: the names are read from it once.
const cache = new WeakMap<object, ReadonlySet<string>>()

/** The property names of a struct, of every member of a union of structs (a proxy task's two forms). */
const namesOf = (ast: SchemaAST.AST): ReadonlyArray<string> => {
  switch (ast._tag) {
    case "Objects":
      return ast.propertySignatures.flatMap((property) =>
        typeof property.name === "string" ? [property.name] : [],
      )
    case "Union":
      return ast.types.flatMap(namesOf)
    default:
      return []
  }
}

/**
 * The top-level fields a definition's input accepts, as they are spelled on the wire (the encoded side of its
 * schema), over every form of the input; `type` is not one of them.
 */
export const inputFieldNames = (definition: AnyTaskDefinition): ReadonlySet<string> => {
  const schema = definition.inputSchema
  let names = cache.get(schema)
  if (names === undefined) {
    names = new Set(namesOf(SchemaAST.toEncoded(schema.ast)))
    cache.set(schema, names)
  }
  return names
}
