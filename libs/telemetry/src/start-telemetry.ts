import { context, propagation, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";

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
 * Registers the tracer provider, W3C propagation and the AsyncLocalStorage context manager
 * (NodeTracerProvider's default). Only traces: the tracer provider is used directly rather
 * than NodeSDK, which would pull every metrics/logs exporter into the images.
 */
export async function startTelemetry(options: TelemetryOptions): Promise<StopTelemetry> {
  // Without an endpoint a no-op processor: spans (and trace ids in logs) exist, nothing is sent.
  const spanProcessor: SpanProcessor =
    options.otlpEndpoint === undefined
      ? new NoopSpanProcessor()
      : new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(options.otlpEndpoint) }));
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    spanProcessors: [spanProcessor],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  let stopped = false;
  return async () => {
    if (stopped) return;
    stopped = true;
    await provider.shutdown();
    // Clearing the globals lets a later startTelemetry in the same process (tests) register again.
    trace.disable();
    propagation.disable();
    context.disable();
  };
}
