/**
 * The slice of the `Deno` namespace this package uses, typed here instead of through `deno.ns`: the same
 * sources then compile with `tsc` (Node build, no Deno types) and with `deno check`, and declaring nothing
 * global means no clash with Deno's own declarations. The global is looked up at each call, so importing the
 * package outside Deno is harmless; only the calls that need Deno say so.
 *
 * @internal
 */

/** `Deno.PermissionState`. */
export type PermissionState = "granted" | "denied" | "prompt"

/** The descriptors this package queries. */
export type PermissionDescriptor =
  | { readonly name: "env"; readonly variable?: string }
  | { readonly name: "read"; readonly path?: string | URL }

/** `Deno.FileInfo`, the fields read here. */
export interface FileInfo {
  readonly isFile: boolean
  readonly isDirectory: boolean
  readonly size: number
}

type ErrorClass = abstract new (...args: Array<any>) => Error

export interface DenoNamespace {
  readonly env: { get(key: string): string | undefined }
  readonly permissions: { querySync(descriptor: PermissionDescriptor): { readonly state: PermissionState } }
  stat(path: string | URL): Promise<FileInfo>
  readFile(path: string | URL, options?: { readonly signal?: AbortSignal | undefined }): Promise<Uint8Array>
  readonly errors: {
    readonly NotFound: ErrorClass
    readonly PermissionDenied: ErrorClass
    /** Deno 2: a permission the program was not given (Deno 1 threw `PermissionDenied`). */
    readonly NotCapable?: ErrorClass | undefined
    readonly IsADirectory?: ErrorClass | undefined
  }
}

/** The `Deno` global, or `undefined` outside Deno. */
export const denoNamespace = (): DenoNamespace | undefined =>
  (globalThis as unknown as { readonly Deno?: DenoNamespace }).Deno

/** Whether `error` is an instance of the Deno error class `name` (by class, or by name across realms). */
export const isDenoError = (
  deno: DenoNamespace,
  error: unknown,
  name: "NotFound" | "PermissionDenied" | "NotCapable" | "IsADirectory",
): boolean => {
  const errorClass = deno.errors[name]
  if (errorClass !== undefined && error instanceof errorClass) return true
  return error instanceof Error && error.name === name
}
