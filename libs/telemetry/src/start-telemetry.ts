import { context, propagation, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from "@opentelemetry/sdk-trace-base";

export interface TelemetryOptions {
  serviceName: string;
  /** OTLP/HTTP collector, e.g. `http://127.0.0.1:4318`. Without it spans are created (trace ids in logs) but not exported. */
  otlpEndpoint?: string;
}

export type StopTelemetry = () => Promise<void>;

function tracesUrl(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, "");
  return trimmed.endsWith("/v1/traces") ? trimmed : `${trimmed}/v1/traces`;
}

/**
 * Registers the tracer provider, W3C propagation and the AsyncLocalStorage context manager.
 * Metrics and log exporters are set to none explicitly: NodeSDK otherwise reads OTEL_* and
 * would try to reach a collector that is not there.
 */
export async function startTelemetry(options: TelemetryOptions): Promise<StopTelemetry> {
  // Without a span processor NodeSDK registers no tracer provider, and then no trace ids exist.
  const spanProcessor: SpanProcessor =
    options.otlpEndpoint === undefined
      ? new NoopSpanProcessor()
      : new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(options.otlpEndpoint) }));
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    autoDetectResources: false,
    spanProcessors: [spanProcessor],
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [],
    textMapPropagator: new W3CTraceContextPropagator(),
  });
  sdk.start();
  let stopped = false;
  return async () => {
    if (stopped) return;
    stopped = true;
    await sdk.shutdown();
    // Clearing the globals lets a later startTelemetry in the same process (tests) register again.
    trace.disable();
    propagation.disable();
    context.disable();
  };
}
