import { z } from "zod";
import { envFlag } from "./common-env.ts";

/** The database of services that keep state (trigger, loader, notifier). */
export const DatabaseEnv = z.object({
  /** `postgres://…` (Supabase: the pooler URL) or `pglite://memory|/dir` (embedded). */
  DATABASE_URL: z.string().regex(/^(postgres|postgresql|pglite):\/\/.+/, "must be postgres://…, postgresql://… or pglite://…"),
  /** Apply pending migrations at start-up; off where migrations run as a deploy step (`supabase db push`). */
  MIGRATE_ON_START: envFlag(true),
});
export type DatabaseEnv = z.infer<typeof DatabaseEnv>;
