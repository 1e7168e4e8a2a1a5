export { parseEnv, ConfigError } from "./parse-env.ts";
export { CommonEnv, envFlag } from "./common-env.ts";
export { PubSubEnv, requirePushAuth } from "./pubsub-env.ts";
export { BlobEnv } from "./blob-env.ts";
export { DatabaseEnv } from "./database-env.ts";
export { DURATION_PATTERN, parseDuration } from "./duration.ts";
export { SERVICE_NODE_OPTIONS } from "./node-options.ts";
export { CHROMIUM_FLAGS } from "./chromium-flags.ts";
export { DEBIAN_CHROMIUM_PATHS } from "./chromium-paths.ts";
