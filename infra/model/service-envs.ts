import type { ServiceName } from "@crm-sync/bus";
import type { z } from "zod";
import { Env as LoaderEnv } from "../../services/loader/src/env.ts";
import { Env as NotifierEnv } from "../../services/notifier/src/env.ts";
import { Env as ScraperEnv } from "../../services/scraper/src/env.ts";
import { Env as TriggerEnv } from "../../services/trigger/src/env.ts";

/** Each service's own environment schema: deploy scripts and compose are checked against these. */
export const SERVICE_ENV_SCHEMAS: Readonly<Record<ServiceName, z.ZodObject>> = {
  scraper: ScraperEnv,
  loader: LoaderEnv,
  trigger: TriggerEnv,
  notifier: NotifierEnv,
};
