import { propagation, trace, context } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { googleAuthHeaders } from "./google-auth-headers.ts";
import { startHttpClientSpans } from "./http-client-spans.ts";
import { ScrubbingSpanExporter } from "./scrubbing-exporter.ts";

export type OtlpAuth = "none" | "google";

export interface TelemetryOptions {
  serviceName: string;
  /** OTLP/HTTP collector, e.g. `http://127.0.0.1:4318`. Without it spans are created (trace ids in logs) but not exported. */
  otlpEndpoint?: string;
  /**
   * `google`: every export carries an access token of the service's Google credentials (on Cloud
   * Run its service account), as Cloud Trace's OTLP endpoint `https://telemetry.googleapis.com`
   * requires. `none` (default): a local collector that asks for nothing.
   */
  otlpAuth?: OtlpAuth;
  /** Named on every span (`gcp.project_id`): Cloud Trace files the spans under this project. */
  projectId?: string;
}

export type StopTelemetry = () => Promise<void>;

function tracesUrl(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, "");
  return trimmed.endsWith("/v1/traces") ? trimmed : `${trimmed}/v1/traces`;
}

function spanProcessorOf(options: TelemetryOptions): SpanProcessor {
  // Without a processor spans still get ids (logs carry them); nothing leaves the process.
  if (options.otlpEndpoint === undefined) return new NoopSpanProcessor();
  const exporter = new OTLPTraceExporter({
    url: tracesUrl(options.otlpEndpoint),
    ...(options.otlpAuth === "google" ? { headers: googleAuthHeaders() } : {}),
  });
  // Scrubbed on the way out, whatever a span was given: the logging rules hold for traces too.
  return new BatchSpanProcessor(new ScrubbingSpanExporter(exporter));
}

/**
 * Registers the tracer provider, W3C propagation, the AsyncLocalStorage context manager and
 * HTTP client spans (fetch). Only the tracing SDK: no metrics or log pipelines, no
 * auto-instrumentation (HTTP server and Postgres spans are made by libs/server and libs/db).
 */
export async function startTelemetry(options: TelemetryOptions): Promise<StopTelemetry> {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      "service.name": options.serviceName,
      ...(options.projectId === undefined ? {} : { "gcp.project_id": options.projectId }),
    }),
    spanProcessors: [spanProcessorOf(options)],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  const stopClientSpans = startHttpClientSpans();
  let stopped = false;
  return async () => {
    if (stopped) return;
    stopped = true;
    stopClientSpans();
    await provider.shutdown();
    // Clearing the globals lets a later startTelemetry in the same process (tests) register again.
    trace.disable();
    propagation.disable();
    context.disable();
  };
}
