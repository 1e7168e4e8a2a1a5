import type { Logger } from "@crm-sync/logging";
import { forRun } from "@crm-sync/logging";
import { applyStageTimeout, type StageDeadlines } from "../domain/stage-timeout.ts";
import type { RunStore } from "../store/runs-store.ts";
import type { RunChanges } from "../live/run-changes.ts";

export interface SweepDeps {
  store: RunStore;
  changes: RunChanges;
  logger: Logger;
  clock: () => Date;
  deadlines: StageDeadlines;
}

/** Fails every active run stuck in one stage past its deadline; returns how many it failed. */
export async function sweepStageTimeouts(deps: SweepDeps): Promise<number> {
  const now = deps.clock();
  let failed = 0;
  for (const runId of await deps.store.activeRunIds()) {
    const result = await deps.store.update(runId, (current) => current && applyStageTimeout(current, now, deps.deadlines));
    if (result.changed && result.after !== undefined) {
      failed += 1;
      deps.changes.announce(result.after);
      forRun(deps.logger, runId).warn({ stage: result.after.stage, code: result.after.error?.code }, "stage timeout");
    }
  }
  return failed;
}
