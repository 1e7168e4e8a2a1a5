import type { PortalConfig } from "./portal-config.ts";

/** What the page shows and does for the current variant; the SPA reads it from `/api/session`. */
export interface PortalUi {
  usernameLabel: string;
  passwordLabel: string;
  heading: string;
  exportButton: string;
  downloadMode: PortalConfig["downloadMode"];
  /** False when Confirm silently does nothing (the `no-download` variant). */
  confirmDownloads: boolean;
}

export function portalUi(config: PortalConfig): PortalUi {
  const changed = config.variant === "layout-changed";
  return {
    // A redesign keeps the login form (the scraper gets in) but renames the customer page controls.
    usernameLabel: "Username",
    passwordLabel: "Password",
    heading: changed ? "Customers" : "Customer Management",
    exportButton: changed ? "Download customers" : "Export",
    downloadMode: config.downloadMode,
    confirmDownloads: config.variant !== "no-download",
  };
}
