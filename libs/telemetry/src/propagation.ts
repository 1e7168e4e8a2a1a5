import { context, defaultTextMapGetter, defaultTextMapSetter, trace, type Context } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";

export type TraceContext = Context;

export interface TraceAttributes {
  traceparent?: string;
  tracestate?: string;
}

// Used directly rather than through the global propagator so message attributes always carry
// W3C context, whatever OTEL_PROPAGATORS says.
const w3c = new W3CTraceContextPropagator();

/** The active trace as message attributes; empty when no span is active. */
export function traceAttributes(from: Context = context.active()): TraceAttributes {
  const carrier: Record<string, string> = {};
  w3c.inject(from, carrier, defaultTextMapSetter);
  const out: TraceAttributes = {};
  if (carrier["traceparent"] !== undefined) out.traceparent = carrier["traceparent"];
  if (carrier["tracestate"] !== undefined) out.tracestate = carrier["tracestate"];
  return out;
}

/** A context continuing the trace named in message attributes (or the base context if none is). */
export function contextFromAttributes(attributes: Readonly<Record<string, string | undefined>>, base: Context = context.active()): Context {
  const carrier: Record<string, string> = {};
  for (const key of ["traceparent", "tracestate"]) {
    const value = attributes[key];
    if (value !== undefined) carrier[key] = value;
  }
  return w3c.extract(base, carrier, defaultTextMapGetter);
}

export function currentTraceId(): string | undefined {
  const span = trace.getActiveSpan();
  if (span === undefined) return undefined;
  const { traceId } = span.spanContext();
  return trace.isSpanContextValid(span.spanContext()) ? traceId : undefined;
}
