import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from "@opentelemetry/api";
import { isTracingSuppressed } from "@opentelemetry/core";

// The parts of undici's request object (Node's fetch) these channels hand out.
interface UndiciRequest {
  method: string;
  origin: string | URL;
  /** A flat [name, value, …] list (recent undici) or raw `name: value\r\n` text (older). */
  headers: string[] | string;
  addHeader(name: string, value: string): unknown;
}
interface UndiciResponse {
  statusCode: number;
}

function hasTraceparent(headers: string[] | string): boolean {
  if (typeof headers === "string") return /(^|\r\n)traceparent:/i.test(headers);
  return headers.some((value, index) => index % 2 === 0 && value.toLowerCase() === "traceparent");
}

/**
 * CLIENT spans for every `fetch` (undici's diagnostics channels, which need no module patching
 * and so work under ESM): `GET storage.example` with method, host, port and status. The path and
 * query are left out, since a query may carry a token. The W3C context goes out with the request
 * so a traced server continues the trace.
 */
export function startHttpClientSpans(): () => void {
  const spans = new WeakMap<UndiciRequest, Span>();
  const tracer = trace.getTracer("crm-sync");

  const onCreate = (message: unknown) => {
    const { request } = message as { request: UndiciRequest };
    const active = context.active();
    if (isTracingSuppressed(active)) return;
    const origin = new URL(String(request.origin));
    const span = tracer.startSpan(
      `${request.method} ${origin.hostname}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          "http.request.method": request.method,
          "server.address": origin.hostname,
          "server.port": Number(origin.port || (origin.protocol === "https:" ? 443 : 80)),
          "url.scheme": origin.protocol.replace(/:$/, ""),
        },
      },
      active,
    );
    spans.set(request, span);
    // A caller that sets its own traceparent keeps it (a second header would make both invalid).
    if (hasTraceparent(request.headers)) return;
    propagation.inject(trace.setSpan(active, span), request, { set: (carrier, key, value) => carrier.addHeader(key, value) });
  };
  const onHeaders = (message: unknown) => {
    const { request, response } = message as { request: UndiciRequest; response: UndiciResponse };
    const span = spans.get(request);
    if (span === undefined) return;
    span.setAttribute("http.response.status_code", response.statusCode);
    if (response.statusCode >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
  };
  const onDone = (message: unknown) => {
    const { request } = message as { request: UndiciRequest };
    spans.get(request)?.end();
    spans.delete(request);
  };
  const onError = (message: unknown) => {
    const { request, error } = message as { request: UndiciRequest; error: unknown };
    const span = spans.get(request);
    if (span === undefined) return;
    // The error's type only: a connection error's text may name hosts with credentials.
    span.setAttribute("error.type", error instanceof Error ? error.name : "Error");
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    spans.delete(request);
  };
  const channels = [
    ["undici:request:create", onCreate],
    ["undici:request:headers", onHeaders],
    ["undici:request:trailers", onDone],
    ["undici:request:error", onError],
  ] as const;
  for (const [name, listener] of channels) subscribe(name, listener);
  return () => {
    for (const [name, listener] of channels) unsubscribe(name, listener);
  };
}
