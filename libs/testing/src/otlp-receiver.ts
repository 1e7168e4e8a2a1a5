import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";

const AnyValue = z.object({ stringValue: z.string().optional(), intValue: z.union([z.string(), z.number()]).optional(), boolValue: z.boolean().optional() }).loose();
const Attribute = z.object({ key: z.string(), value: AnyValue });
const Span = z
  .object({
    traceId: z.string(),
    spanId: z.string(),
    parentSpanId: z.string().optional(),
    name: z.string(),
    kind: z.number().optional(),
    attributes: z.array(Attribute).default([]),
    events: z.array(z.object({ name: z.string(), attributes: z.array(Attribute).default([]) }).loose()).default([]),
  })
  .loose();
const TracesRequest = z.object({
  resourceSpans: z.array(
    z.object({
      resource: z.object({ attributes: z.array(Attribute).default([]) }).optional(),
      scopeSpans: z.array(z.object({ spans: z.array(Span).default([]) })).default([]),
    }),
  ),
});

type Value = string | number | boolean | undefined;

export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  /** OTLP's numbering: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, Value>;
  resource: Record<string, Value>;
  /** Each event's attributes as text, e.g. a recorded exception's message and stack. */
  eventText: string;
}

export interface OtlpReceiver {
  url: string;
  spans: ReceivedSpan[];
  /** The headers of every export request, in order (e.g. to see an authorization header). */
  requests: IncomingHttpHeaders[];
  stop(): Promise<void>;
}

function valueOf(value: z.infer<typeof AnyValue>): Value {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.boolValue;
}

function record(attributes: ReadonlyArray<z.infer<typeof Attribute>>): Record<string, Value> {
  return Object.fromEntries(attributes.map((a) => [a.key, valueOf(a.value)]));
}

/** A minimal OTLP/HTTP JSON collector: which services reported which spans, with their attributes. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const requests: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const parsed = TracesRequest.safeParse(JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}"));
      if (req.url !== "/v1/traces" || !parsed.success) {
        res.writeHead(400).end();
        return;
      }
      requests.push(req.headers);
      for (const resourceSpans of parsed.data.resourceSpans) {
        const resource = record(resourceSpans.resource?.attributes ?? []);
        const service = typeof resource["service.name"] === "string" ? resource["service.name"] : "unknown";
        for (const scope of resourceSpans.scopeSpans) {
          for (const span of scope.spans) {
            spans.push({
              service,
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId || undefined,
              name: span.name,
              kind: span.kind ?? 0,
              attributes: record(span.attributes),
              resource,
              eventText: JSON.stringify(span.events.map((event) => record(event.attributes))),
            });
          }
        }
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, spans, requests, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}
