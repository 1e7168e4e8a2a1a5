export { parseEnv, ConfigError } from "./parse-env.ts";
export { CommonEnv, envFlag } from "./common-env.ts";
