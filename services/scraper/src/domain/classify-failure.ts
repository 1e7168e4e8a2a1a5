import type { ErrorCode } from "@crm-sync/contracts";

/** Where the portal driver was when it failed. */
export type PortalStep = "open" | "login" | "customers" | "export" | "download" | "verify";

/**
 * What the driver saw when a step failed. Gathered from the page after the fact, so the
 * decision itself is pure and unit tested. `pageText` is only read here, never logged.
 */
export interface FailureFacts {
  step: PortalStep;
  /** `TimeoutError` for Playwright waits that ran out. */
  errorName: string;
  errorMessage: string;
  /** Status of the last document or API response the portal sent, when known. */
  httpStatus?: number | undefined;
  /** The page still shows its loading state (or never rendered at all). */
  pageSettled: boolean;
  pageText?: string | undefined;
}

export interface Classification {
  code: ErrorCode;
  /** Plain words for staff; built from the step and the code, never from page content. */
  message: string;
}

/** The error name the driver uses when the login form answered with an alert instead of the customer page. */
export const LOGIN_REJECTED = "LoginRejected";

const AUTH_REJECTED = /invalid username or password/i;
const MAINTENANCE = /maintenance|temporarily unavailable|service unavailable/i;
const NETWORK = /net::ERR_|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|socket hang up|Navigation failed/i;

const STEP_TEXT: Record<PortalStep, string> = {
  open: "opening the portal",
  login: "logging in",
  customers: "opening the customer page",
  export: "starting the export",
  download: "downloading the export",
  verify: "checking the export",
};

export function classifyPortalFailure(facts: FailureFacts): Classification {
  const where = STEP_TEXT[facts.step];
  const text = facts.pageText ?? "";
  if (AUTH_REJECTED.test(text)) {
    return { code: "PORTAL_AUTH_FAILED", message: "The Qashier portal rejected the username or password." };
  }
  if (facts.errorName === LOGIN_REJECTED && facts.httpStatus === undefined) {
    return { code: "PORTAL_AUTH_FAILED", message: "The Qashier portal refused the login." };
  }
  if ((facts.httpStatus !== undefined && facts.httpStatus >= 500) || MAINTENANCE.test(text)) {
    const status = facts.httpStatus !== undefined && facts.httpStatus >= 500 ? ` (HTTP ${facts.httpStatus})` : "";
    return { code: "PORTAL_UNAVAILABLE", message: `The Qashier portal answered with an error or a maintenance page while ${where}${status}.` };
  }
  if (NETWORK.test(facts.errorMessage)) {
    return { code: "PORTAL_UNAVAILABLE", message: `The Qashier portal could not be reached while ${where}.` };
  }
  if (facts.errorName === "TimeoutError") {
    if (facts.step === "download") {
      return { code: "EXPORT_TIMEOUT", message: "The portal accepted the export but no file arrived in time." };
    }
    // A page that never finished loading is a slow or broken portal, which may recover; a
    // page that rendered without the control the scraper needs will not fix itself.
    if (!facts.pageSettled) {
      return { code: "PORTAL_UNAVAILABLE", message: `The Qashier portal did not finish loading while ${where}.` };
    }
    return {
      code: "PORTAL_LAYOUT_CHANGED",
      message: `The Qashier portal page loaded but the control needed for ${where} was not found; the portal layout may have changed.`,
    };
  }
  return { code: "INTERNAL", message: `The browser failed unexpectedly while ${where}.` };
}
