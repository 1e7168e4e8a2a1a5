import { runService } from "@crm-sync/server";
import { createApp } from "./app.ts";
import { readEnv } from "./env.ts";

await runService({ name: "notifier", env: readEnv(), build: (_env, logger) => ({ app: createApp({ logger }) }) });
