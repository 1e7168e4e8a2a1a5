import { context } from "@opentelemetry/api";
import { suppressTracing } from "@opentelemetry/core";
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
    // Fetching a token is itself an HTTP call; traced, it would start a trace of its own per refresh.
    const token = await context.with(suppressTracing(context.active()), () => auth.getAccessToken());
    if (token === null || token === undefined) throw new Error("Google credentials gave no access token for trace export");
    return { authorization: `Bearer ${token}` };
  };
}
