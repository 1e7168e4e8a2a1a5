import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";

const Attribute = z.object({ key: z.string(), value: z.object({ stringValue: z.string().optional() }).loose() });
const TracesRequest = z.object({
  resourceSpans: z.array(
    z.object({
      resource: z.object({ attributes: z.array(Attribute).default([]) }).optional(),
      scopeSpans: z.array(z.object({ spans: z.array(z.object({ traceId: z.string(), name: z.string() }).loose()).default([]) })).default([]),
    }),
  ),
});

export interface ReceivedSpan {
  service: string;
  traceId: string;
  name: string;
}

/** A minimal OTLP/HTTP JSON collector: enough to see which services reported spans for which trace. */
export async function startOtlpReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; stop(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const parsed = TracesRequest.safeParse(JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}"));
      if (req.url !== "/v1/traces" || !parsed.success) {
        res.writeHead(400).end();
        return;
      }
      for (const resource of parsed.data.resourceSpans) {
        const service = resource.resource?.attributes.find((a) => a.key === "service.name")?.value.stringValue ?? "unknown";
        for (const scope of resource.scopeSpans) for (const span of scope.spans) spans.push({ service, traceId: span.traceId, name: span.name });
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, spans, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}
