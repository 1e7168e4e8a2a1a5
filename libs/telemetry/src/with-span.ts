import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from "@opentelemetry/api";

const tracer = () => trace.getTracer("crm-sync");

export type SpanKindName = "internal" | "producer" | "consumer" | "server" | "client";

const KINDS: Record<SpanKindName, SpanKind> = {
  internal: SpanKind.INTERNAL,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
};

export interface SpanOptions {
  /** Parent context, e.g. from `contextFromAttributes`; defaults to the active one. */
  parent?: Context;
  kind?: SpanKindName;
}

/** Runs `fn` inside a new active span; a thrown error is recorded on the span and rethrown. */
export async function withSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T> | T, options: SpanOptions = {}): Promise<T> {
  const parent = options.parent ?? context.active();
  return await tracer().startActiveSpan(name, { attributes, kind: KINDS[options.kind ?? "internal"] }, parent, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}
