import { runService } from "@crm-sync/server";
import { createApp } from "./app.ts";
import { readEnv } from "./env.ts";

await runService({ name: "trigger", env: readEnv(), build: (_env, logger) => ({ app: createApp({ logger }) }) });
