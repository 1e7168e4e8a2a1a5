import { SyncError } from "@crm-sync/errors";
import type { PortalAccess } from "./embedded-system.ts";

/** `--portal-url` with its credentials from the environment (never from flags: they end up in shell history). */
export function portalFromFlags(portalUrl: string | undefined, env: Record<string, string | undefined> = process.env): PortalAccess | undefined {
  if (portalUrl === undefined) return undefined;
  const username = env["QASHIER_USERNAME"];
  const password = env["QASHIER_PASSWORD"];
  if (username === undefined || username === "" || password === undefined || password === "") {
    throw new SyncError("INTERNAL", "--portal-url needs QASHIER_USERNAME and QASHIER_PASSWORD in the environment.");
  }
  return { url: portalUrl, username, password };
}
