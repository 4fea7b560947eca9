/**
 * The field names a task definition's input takes on the wire. A definition's strict schema already refuses
 * any other key; the names are for what a check outside the schema needs to know about them, such as the
 * relay telling a key that differs from a known one only by case (`WebsiteURL`) from an unknown one.
 * Internal (offered to the adapters through `@solvekit/core/internal`); the implementation lives beside the
 * definitions (`Task.ts`), which also need it to refuse extra fields that would shadow a definition's own.
 *
 * @since 0.2.0
 */
export { inputFieldNames } from "./Task.ts"
