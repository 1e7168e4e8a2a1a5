import type { Attributes } from "@opentelemetry/api";
import type { ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import { scrubValue } from "@crm-sync/logging";

// The logger's own rules: a sensitive key loses its value, every string is masked.
const scrubAttributes = (attributes: Attributes): Attributes => scrubValue(attributes) as Attributes;

/**
 * A span as exported, with its attributes (and every event's, e.g. a recorded exception's
 * message and stack) passed through the logger's scrubber. The rest of the span is
 * read through the prototype, so ids, times and status stay the SDK's own.
 */
export function scrubSpan(span: ReadableSpan): ReadableSpan {
  const copy = Object.create(span) as ReadableSpan & { attributes: Attributes; events: ReadableSpan["events"] };
  Object.defineProperty(copy, "attributes", { value: scrubAttributes(span.attributes) });
  Object.defineProperty(copy, "events", { value: span.events.map((event) => (event.attributes === undefined ? event : { ...event, attributes: scrubAttributes(event.attributes) })) });
  return copy;
}

/** Applies the logging rules (no personal data, no secrets) to spans before they leave the process. */
export class ScrubbingSpanExporter implements SpanExporter {
  private readonly inner: SpanExporter;

  constructor(inner: SpanExporter) {
    this.inner = inner;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans.map(scrubSpan), resultCallback);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
