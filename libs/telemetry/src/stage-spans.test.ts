import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stageSpans } from "./stage-spans.ts";
import { withSpan } from "./with-span.ts";

describe("stageSpans", () => {
  const exporter = new InMemorySpanExporter();
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
  });
  afterAll(() => {
    trace.disable();
    context.disable();
  });

  it("opens one child span per stage in the active trace and marks a failure on the last", async () => {
    await withSpan("csv-ready process", {}, () => {
      const stages = stageSpans("loader");
      stages.enter("parsing");
      stages.enter("parsing");
      stages.enter("diffing");
      stages.end(new Error("boom"));
      stages.end();
    });
    const spans = exporter.getFinishedSpans();
    const parent = spans.find((span) => span.name === "csv-ready process");
    const children = spans.filter((span) => span.name.startsWith("loader "));
    expect(children.map((span) => span.name)).toEqual(["loader parsing", "loader diffing"]);
    expect(children.every((span) => span.parentSpanContext?.spanId === parent?.spanContext().spanId)).toBe(true);
    expect(children.every((span) => span.spanContext().traceId === parent?.spanContext().traceId)).toBe(true);
    expect(children[1]?.status.code).toBe(2);
  });
});
