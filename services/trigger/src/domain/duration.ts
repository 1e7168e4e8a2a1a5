import { parseDuration } from "@crm-sync/config";
import { STAGES, type Stage } from "@crm-sync/contracts";
import type { StageDeadlines } from "./stage-timeout.ts";

/**
 * `"scraping=30m,queued=5m"` overrides those stages' deadlines and keeps the defaults for the
 * rest. Returns a reason instead of a value when a part is malformed.
 */
export function parseStageDeadlines(text: string, defaults: StageDeadlines): { ok: true; deadlines: StageDeadlines } | { ok: false; reason: string } {
  const deadlines = { ...defaults };
  for (const part of text.split(",").map((p) => p.trim()).filter((p) => p !== "")) {
    const [name, value] = part.split("=", 2).map((p) => p.trim());
    if (name === undefined || !(STAGES as readonly string[]).includes(name)) return { ok: false, reason: `unknown stage "${name ?? ""}"` };
    const ms = value === undefined ? undefined : parseDuration(value);
    if (ms === undefined || ms <= 0) return { ok: false, reason: `bad duration for ${name}` };
    deadlines[name as Stage] = ms;
  }
  return { ok: true, deadlines };
}
