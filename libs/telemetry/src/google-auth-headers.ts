import { GoogleAuth } from "google-auth-library";

// The narrowest scope Cloud Trace's OTLP endpoint accepts.
const TRACE_APPEND = "https://www.googleapis.com/auth/trace.append";

/**
 * Headers for each OTLP export: `authorization: Bearer …` from Application Default Credentials
 * (on Cloud Run the metadata server, for the service's own account). The library caches the token
 * and refreshes it before it expires, so an export costs no extra round trip most of the time.
 */
export function googleAuthHeaders(auth: GoogleAuth = new GoogleAuth({ scopes: [TRACE_APPEND] })): () => Promise<Record<string, string>> {
  return async () => {
    // Called by the batch processor inside its tracing-suppressed export, so the token fetch
    // (an HTTP call) makes no span of its own.
    const token = await auth.getAccessToken();
    if (token === null || token === undefined) throw new Error("Google credentials gave no access token for trace export");
    return { authorization: `Bearer ${token}` };
  };
}
