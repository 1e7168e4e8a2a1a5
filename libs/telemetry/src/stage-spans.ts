import { context, SpanStatusCode, trace, type Span } from "@opentelemetry/api";

export interface StageSpans {
  /** Ends the current stage's span (if another) and starts one for `stage`. */
  enter(stage: string): void;
  /** Ends the open stage span, marking it failed when an error is given. */
  end(error?: unknown): void;
}

/**
 * One span per pipeline stage (`scraper scraping`, `loader diffing`, …), children of the span
 * active when created: a trace then shows where a run spent its time, stage by stage.
 */
export function stageSpans(service: string): StageSpans {
  const parent = context.active();
  const tracer = trace.getTracer("crm-sync");
  let current: { stage: string; span: Span } | undefined;
  const close = (error?: unknown) => {
    if (current === undefined) return;
    if (error !== undefined) {
      current.span.recordException(error instanceof Error ? error : String(error));
      current.span.setStatus({ code: SpanStatusCode.ERROR });
    }
    current.span.end();
    current = undefined;
  };
  return {
    enter(stage) {
      if (current?.stage === stage) return;
      close();
      current = { stage, span: tracer.startSpan(`${service} ${stage}`, { attributes: { "crm_sync.stage": stage } }, parent) };
    },
    end: close,
  };
}
