import type { Logger } from "@crm-sync/logging";

export type ShutdownTask = () => Promise<void> | void;

/**
 * Runs the tasks once, in reverse order of registration (last started, first stopped), on
 * SIGTERM or SIGINT. Cloud Run sends SIGTERM and allows ~10 s before SIGKILL.
 */
export function stopOnSignals(logger: Logger, tasks: ShutdownTask[], exit: (code: number) => void = process.exit): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      let code = 0;
      for (const task of [...tasks].reverse()) {
        try {
          await task();
        } catch (error) {
          code = 1;
          logger.error({ err: error }, "shutdown task failed");
        }
      }
      logger.info("stopped");
      exit(code);
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, "shutting down");
    void stop();
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  return stop;
}
