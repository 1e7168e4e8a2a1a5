import type { NotifierContext } from "./context.ts";
import { newerSuccess, type AlertState, type LastSuccess } from "./domain/policy.ts";

export function lastSuccessOf(state: AlertState | undefined): LastSuccess | null {
  return state?.lastSuccessAt == null ? null : { at: state.lastSuccessAt, runId: state.lastSuccessRunId };
}

/**
 * The last good sync: the newer of the run ledger's (written by the trigger service) and the
 * notifier's own record of sync-completed events, so neither service's gap hides a success.
 */
export async function lastGoodSync(ctx: NotifierContext): Promise<LastSuccess | null> {
  const [fromRuns, pipeline] = await Promise.all([ctx.alerts.lastSuccessFromRuns(), ctx.alerts.read("pipeline")]);
  return newerSuccess(fromRuns, lastSuccessOf(pipeline));
}
