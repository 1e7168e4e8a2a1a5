export { createLogger, forRun } from "./create-logger.ts";
export type { Logger, LoggerOptions } from "./create-logger.ts";
export { scrubText, scrubValue, isSensitiveKey, REDACTED } from "./scrub.ts";
