import type { NotifierContext } from "./context.ts";
import type { AlertKind, LastSuccess } from "./domain/policy.ts";
import { lastGoodSync } from "./last-good-sync.ts";
import { raiseAlert } from "./raise-alert.ts";

export interface StalenessResult {
  stale: boolean;
  /** The alert this check raised, if any. */
  alert: AlertKind | null;
  lastSuccess: LastSuccess | null;
}

/**
 * Independent of the sync path: looks at when the last sync succeeded and alerts once when that
 * is older than STALE_AFTER, once more when it is fresh again. Safe to run from several places
 * at once (the interval, Cloud Scheduler): the state row is locked while deciding.
 */
export async function checkStaleness(ctx: NotifierContext): Promise<StalenessResult> {
  const lastSuccess = await lastGoodSync(ctx);
  const { sent } = await raiseAlert(ctx, {
    eventKey: null,
    runId: null,
    input: { kind: "staleness-check", lastSuccess },
    facts: (previous, kind, now) => ({
      kind,
      occurredAt: now,
      runId: null,
      stage: null,
      code: null,
      previousCode: null,
      since: kind === "fresh" ? previous.openedAt : null,
      attempt: null,
      destinationUntouched: null,
      counts: null,
      durationMs: null,
      requestKind: null,
      lastSuccess,
      traceId: null,
      artifacts: [],
      deadLetter: null,
      staleAfterMs: ctx.policy.staleAfterMs,
    }),
  });
  const state = await ctx.alerts.read("staleness");
  return { stale: state?.status === "failing", alert: sent, lastSuccess };
}

export interface StalenessWatch {
  /** Stops the interval and waits for a check that is still running. */
  stop(): Promise<void>;
}

/** Runs the check every `intervalMs`; a tick is skipped while the previous one still runs. */
export function startStalenessWatch(ctx: NotifierContext, intervalMs: number): StalenessWatch {
  let running: Promise<void> | undefined;
  const tick = () => {
    running ??= checkStaleness(ctx)
      .then(() => undefined)
      .catch((error: unknown) => ctx.logger.error({ err: error }, "staleness check failed; the next tick tries again"))
      .finally(() => (running = undefined));
  };
  const timer = setInterval(tick, intervalMs);
  tick();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
