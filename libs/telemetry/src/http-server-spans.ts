import type { IncomingMessage, ServerResponse } from "node:http";
import { context, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

// Express sets these while routing; read once the response is done.
interface RoutedRequest extends IncomingMessage {
  baseUrl?: string;
  route?: { path?: unknown };
}

/** `/v1/runs/:runId`, the route's pattern (never the path with its ids), or undefined when none matched. */
function routeOf(req: RoutedRequest): string | undefined {
  const path = req.route?.path;
  return typeof path === "string" ? `${req.baseUrl ?? ""}${path}` : undefined;
}

/**
 * Wraps a request listener in a SERVER span that continues the caller's trace: a `traceparent`
 * header (W3C) makes the span its child, so a caller's trace runs on into the run it starts.
 * Named `POST /v1/syncs` by the matched route; attributes are method, route and status only
 * (no path, query or headers: they may carry ids of people or tokens).
 */
export function traceRequests(listener: Listener): Listener {
  const tracer = trace.getTracer("crm-sync");
  return (req, res) => {
    const parent = propagation.extract(context.active(), req.headers);
    const method = req.method ?? "GET";
    const span = tracer.startSpan(method, { kind: SpanKind.SERVER, attributes: { "http.request.method": method } }, parent);
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      const route = routeOf(req);
      if (route !== undefined) {
        span.updateName(`${method} ${route}`);
        span.setAttribute("http.route", route);
      }
      span.setAttribute("http.response.status_code", res.statusCode);
      // A 4xx is the caller's mistake, not this server's failure (OpenTelemetry's HTTP conventions).
      if (res.statusCode >= 500 || !res.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    res.once("finish", end);
    res.once("close", end);
    context.with(trace.setSpan(parent, span), () => listener(req, res));
  };
}
