import { z } from "zod";
import { DownloadMode, Variant } from "./variants.ts";

/** Everything that decides how the portal answers; all of it can change while it runs. */
export interface PortalConfig {
  username: string;
  password: string;
  customers: { seed: number; count: number };
  variant: Variant;
  /** How long the `slow` variant holds the customer summary and the export. */
  exportDelayMs: number;
  /** Sessions older than this are logged out, checked on every request. */
  sessionTtlMs: number;
  downloadMode: DownloadMode;
}

export interface PortalOptions {
  username: string;
  password: string;
  customers: { seed: number; count: number };
  variant?: Variant;
  exportDelayMs?: number;
  sessionTtlMs?: number;
  downloadMode?: DownloadMode;
}

export const DEFAULT_EXPORT_DELAY_MS = 3_000;
export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1_000;

export function portalConfig(options: PortalOptions): PortalConfig {
  return {
    username: options.username,
    password: options.password,
    customers: { ...options.customers },
    variant: options.variant ?? "ok",
    exportDelayMs: options.exportDelayMs ?? DEFAULT_EXPORT_DELAY_MS,
    sessionTtlMs: options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS,
    downloadMode: options.downloadMode ?? "attachment",
  };
}

/** Body of `POST /__admin/config`: any subset of the configuration. */
export const PortalConfigPatch = z.strictObject({
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  seed: z.number().int().optional(),
  count: z.number().int().min(0).max(10_000_000).optional(),
  variant: Variant.optional(),
  exportDelayMs: z.number().int().min(0).optional(),
  sessionTtlMs: z.number().int().min(0).optional(),
  downloadMode: DownloadMode.optional(),
});
export type PortalConfigPatch = z.infer<typeof PortalConfigPatch>;

export function applyPatch(config: PortalConfig, patch: PortalConfigPatch): PortalConfig {
  return {
    username: patch.username ?? config.username,
    password: patch.password ?? config.password,
    customers: { seed: patch.seed ?? config.customers.seed, count: patch.count ?? config.customers.count },
    variant: patch.variant ?? config.variant,
    exportDelayMs: patch.exportDelayMs ?? config.exportDelayMs,
    sessionTtlMs: patch.sessionTtlMs ?? config.sessionTtlMs,
    downloadMode: patch.downloadMode ?? config.downloadMode,
  };
}
