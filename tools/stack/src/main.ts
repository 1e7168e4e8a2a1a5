import { once } from "node:events";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { parseEnv } from "@crm-sync/config";
import { startStack } from "./start-stack.ts";

const StackEnv = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL").optional(),
  PUBSUB_EMULATOR_HOST: z.string().min(1).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  TRACE_URL_TEMPLATE: z.string().includes("{traceId}").optional(),
  STACK_CUSTOMERS: z.coerce.number().int().min(0).default(1_000),
  STACK_DIR: z.string().min(1).optional(),
});

const env = parseEnv(StackEnv, process.env);
const stack = await startStack({
  customers: env.STACK_CUSTOMERS,
  ...(env.DATABASE_URL === undefined ? {} : { databaseUrl: env.DATABASE_URL }),
  ...(env.PUBSUB_EMULATOR_HOST === undefined ? {} : { emulatorHost: env.PUBSUB_EMULATOR_HOST }),
  ...(env.OTEL_EXPORTER_OTLP_ENDPOINT === undefined ? {} : { otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT }),
  ...(env.TRACE_URL_TEMPLATE === undefined ? {} : { traceUrlTemplate: env.TRACE_URL_TEMPLATE }),
  // Kept after Ctrl-C: the logs and mail of a local session are worth reading afterwards.
  dir: env.STACK_DIR ?? (await mkdtemp(join(tmpdir(), "crm-sync-stack-"))),
});
// The one machine-readable line scripts wait for.
process.stdout.write(`${JSON.stringify(stack.info)}\n`);
await Promise.race([once(process, "SIGINT"), once(process, "SIGTERM")]);
await stack.stop();
