import { CommonEnv, parseEnv } from "@crm-sync/config";

export const Env = CommonEnv.extend({});
export type Env = ReturnType<typeof readEnv>;

export function readEnv(env: Record<string, string | undefined> = process.env) {
  return parseEnv(Env, env);
}
