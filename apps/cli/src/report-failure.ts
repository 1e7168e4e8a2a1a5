import { toSyncError } from "@crm-sync/errors";

/**
 * The CLI's one error path: one line on stderr that starts with the stable code (scripts grep
 * for it), and with `--json` the same as an object on stdout. Returns the exit code.
 */
export function reportFailure(error: unknown, json: boolean): number {
  const failure = toSyncError(error);
  process.stderr.write(`${failure.code}: ${failure.message}\n`);
  if (json) {
    process.stdout.write(`${JSON.stringify({ ok: false, code: failure.code, retryable: failure.retryable, message: failure.message })}\n`);
  }
  return 2;
}
