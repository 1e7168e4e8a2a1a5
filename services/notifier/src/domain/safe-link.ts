import { scrubText } from "@crm-sync/logging";

const LINK_PROTOCOLS = new Set(["https:", "http:", "file:", "gs:"]);

/**
 * Artifact URLs come from the blob store, but an email must never carry personal data or
 * credentials, so a URL is used only when it is a plain link: an allowed scheme, no user
 * info, nothing that looks like an email address, and a path the logger's redaction would
 * leave unchanged (no phone-like digit runs). Anything else is withheld.
 */
export function safeLink(candidate: string): string | undefined {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return undefined;
  }
  if (!LINK_PROTOCOLS.has(url.protocol)) return undefined;
  if (url.username !== "" || url.password !== "") return undefined;
  if (decodeSafely(candidate).includes("@")) return undefined;
  const path = decodeSafely(url.pathname);
  if (scrubText(path) !== path) return undefined;
  return url.toString();
}

function decodeSafely(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * The dashboard's page for one run, `<DASHBOARD_URL>/runs/<runId>`: its stages, counts, failure,
 * rejected rows and, for a held run, Approve / Discard. A DASHBOARD_URL with a path keeps it.
 */
export function runLink(dashboardUrl: string, runId: string): string {
  const base = new URL(dashboardUrl);
  if (!base.pathname.endsWith("/")) base.pathname = `${base.pathname}/`;
  base.search = "";
  base.hash = "";
  return new URL(`runs/${encodeURIComponent(runId)}`, base).toString();
}

/** The run page opened at its rejected rows. */
export function rejectedRowsLink(dashboardUrl: string, runId: string): string {
  return `${runLink(dashboardUrl, runId)}#rejected`;
}

/** A W3C traceparent's trace id, if the header is well formed. */
export function traceIdOf(traceparent: string | undefined): string | null {
  const match = traceparent === undefined ? null : /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent);
  return match?.[1] ?? null;
}

/** A trace link from a template such as `https://console.cloud.google.com/traces/list?tid={traceId}`. */
export function traceLink(template: string | null, traceId: string): string | null {
  if (template === null || !template.includes("{traceId}")) return null;
  return safeLink(template.replaceAll("{traceId}", traceId)) ?? null;
}
