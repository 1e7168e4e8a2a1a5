import { ConfigError } from "@crm-sync/config";
import { createLogger } from "@crm-sync/logging";
import { readProvisionEnv, type ProvisionEnv } from "./local/env.ts";
import { provisionLocal } from "./local/provision-local.ts";

/**
 * The local stack's one-shot init (docker-compose service `provision`): `node infra/provision-local.ts`.
 * Exits 0 once the emulator topology and the bucket exist; 2 on bad settings, 1 when provisioning fails.
 */
let env: ProvisionEnv;
try {
  env = readProvisionEnv();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`provision-local: ${error.message}\n`);
  process.exit(2);
}
const logger = createLogger({ service: "provision", level: env.LOG_LEVEL });
try {
  await provisionLocal(env, logger);
  logger.info({ project: env.GOOGLE_CLOUD_PROJECT }, "local stack provisioned");
} catch (error) {
  logger.fatal({ err: error }, "provisioning failed");
  process.exitCode = 1;
}
