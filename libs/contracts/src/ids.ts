import { z } from "zod";

/**
 * Run ids end up in object names (`exports/…/<runId>.csv`) and URLs, so they are restricted to
 * a path-safe alphabet: a message can never smuggle `../` into a blob path.
 */
export const RunId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, "runId must be 1-128 characters of A-Z, a-z, 0-9, '_' or '-'");
export type RunId = z.infer<typeof RunId>;

/** Cloud Scheduler bodies carry no run id: the Pub/Sub message id names the run instead. */
export function runIdFromMessageId(messageId: string): RunId {
  return RunId.parse(`msg-${messageId.replace(/[^A-Za-z0-9_-]/g, "")}`);
}
