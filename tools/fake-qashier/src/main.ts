import { parseArgs } from "node:util";
import { z } from "zod";
import { parseEnv } from "@crm-sync/config";
import { createLogger } from "@crm-sync/logging";
import { stopOnSignals } from "@crm-sync/server";
import { startFakePortal } from "./portal/start-fake-portal.ts";
import { DownloadMode, Variant } from "./portal/variants.ts";

/**
 * Runs the fake portal on its own, e.g. `node tools/fake-qashier/src/main.ts --port 4010 --count 1000`.
 * Flags win over the environment; credentials default to the ones the scraper reads
 * (QASHIER_USERNAME / QASHIER_PASSWORD), so both sides agree without extra setup.
 */
const Settings = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(4010),
  host: z.string().min(1).default("127.0.0.1"),
  count: z.coerce.number().int().min(0).max(10_000_000).default(1000),
  seed: z.coerce.number().int().default(1),
  username: z.string().min(1).default("manager@example.com"),
  password: z.string().min(1).default("fake-qashier-password"),
  variant: Variant.default("ok"),
  downloadMode: DownloadMode.default("attachment"),
  exportDelayMs: z.coerce.number().int().min(0).optional(),
  logLevel: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
});

const Env = z.object({
  PORT: z.string().optional(),
  LOG_LEVEL: z.string().optional(),
  QASHIER_USERNAME: z.string().optional(),
  QASHIER_PASSWORD: z.string().optional(),
  FAKE_QASHIER_COUNT: z.string().optional(),
  FAKE_QASHIER_SEED: z.string().optional(),
  FAKE_QASHIER_VARIANT: z.string().optional(),
});

const { values: flags } = parseArgs({
  options: {
    port: { type: "string" },
    host: { type: "string" },
    count: { type: "string" },
    seed: { type: "string" },
    username: { type: "string" },
    password: { type: "string" },
    variant: { type: "string" },
    "download-mode": { type: "string" },
    "export-delay-ms": { type: "string" },
    "log-level": { type: "string" },
  },
  strict: true,
});
const env = parseEnv(Env);

const parsed = Settings.safeParse({
  port: flags.port ?? env.PORT,
  host: flags.host,
  count: flags.count ?? env.FAKE_QASHIER_COUNT,
  seed: flags.seed ?? env.FAKE_QASHIER_SEED,
  username: flags.username ?? env.QASHIER_USERNAME,
  password: flags.password ?? env.QASHIER_PASSWORD,
  variant: flags.variant ?? env.FAKE_QASHIER_VARIANT,
  downloadMode: flags["download-mode"],
  exportDelayMs: flags["export-delay-ms"],
  logLevel: flags["log-level"] ?? env.LOG_LEVEL,
});
if (!parsed.success) {
  process.stderr.write(`fake-qashier: ${z.prettifyError(parsed.error)}\n`);
  process.exit(2);
}
const settings = parsed.data;
const logger = createLogger({ service: "fake-qashier", level: settings.logLevel });

const portal = await startFakePortal({
  port: settings.port,
  host: settings.host,
  username: settings.username,
  password: settings.password,
  customers: { seed: settings.seed, count: settings.count },
  variant: settings.variant,
  downloadMode: settings.downloadMode,
  ...(settings.exportDelayMs === undefined ? {} : { exportDelayMs: settings.exportDelayMs }),
  logger,
});
stopOnSignals(logger, [() => portal.stop()]);
logger.info({ url: `${portal.url}/#/login?redirect=/customer-management`, count: settings.count, variant: settings.variant }, "fake Qashier portal listening");
