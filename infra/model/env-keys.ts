import type { z } from "zod";

export interface EnvKeys {
  /** Every variable the schema reads. */
  known: string[];
  /** Variables without a default that may not be left out. */
  required: string[];
}

/**
 * Reads a service's `Env` schema: a key is required when its field rejects `undefined`.
 * Keys a refinement makes conditionally required (e.g. SMTP_URL or OUTBOX_DIR) are not listed
 * here; parsing a whole environment with the schema catches those.
 */
export function envKeys(schema: z.ZodObject): EnvKeys {
  const known = Object.keys(schema.shape);
  const required = known.filter((key) => {
    const field = schema.shape[key] as z.ZodType;
    return !field.safeParse(undefined).success;
  });
  return { known, required };
}
