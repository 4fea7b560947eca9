/**
 * Two tenants for the isolation tests, shared by the Node-side setup and the browser tests: each has its own
 * emulator, which knows only that tenant's key (a request with the other key is refused), and its own
 * starting balance (a balance answer shows whose account it read).
 */
export const TENANTS = {
  A: { key: "browser-tenant-a-key-5f1c09", balance: 111, seed: "tenant-A" },
  B: { key: "browser-tenant-b-key-93ae41", balance: 222, seed: "tenant-B" },
} as const

export type TenantName = keyof typeof TENANTS
