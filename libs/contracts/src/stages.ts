import { z } from "zod";

/** Where a run is. The order is the order a healthy run walks through them. */
export const STAGES = ["queued", "scraping", "uploading", "parsing", "diffing", "committing"] as const;
export const Stage = z.enum(STAGES);
export type Stage = z.infer<typeof Stage>;

/** The two phases staff see on the dashboard: the browser export, then the database load. */
export function phaseOf(stage: Stage): "queued" | "scraping" | "loading" {
  if (stage === "queued") return "queued";
  if (stage === "scraping" || stage === "uploading") return "scraping";
  return "loading";
}

export function stageIndex(stage: Stage): number {
  return STAGES.indexOf(stage);
}
