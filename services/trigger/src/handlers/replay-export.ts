import type { RequestHandler } from "express";
import { parse } from "csv-parse";
import { z } from "zod";
import { EXPORTS_PREFIX, isExportObjectName, type BlobStore } from "@crm-sync/blob/local";
import { describeIssues, makeEvent } from "@crm-sync/contracts";
import { toRunView } from "../domain/run-view.ts";
import { apiRequest } from "../domain/single-flight.ts";
import { replayAge } from "../domain/replay-age.ts";
import { callerOf } from "../auth/require-caller.ts";
import { refuseForRole } from "../auth/require-role.ts";
import { roleAllows } from "../auth/roles.ts";
import { sendError } from "./api-errors.ts";
import { newRunId, openRun, PUBLISH_FAILED_MESSAGE, type OpenRunDeps } from "./open-run.ts";

export const ReplayBody = z.strictObject({ object: z.string().min(1).max(1024) });

/**
 * `POST /v1/syncs/replay {object}`: loads a stored export again without scraping (after a fix,
 * or an approved guard), as a new run with trigger `replay`. The loader applies its full rules
 * and guards; the same file twice changes nothing the second time. An operator may replay the
 * export last loaded or a newer one; an older one would undo newer updates, so it needs an approver.
 */
export function replayExport(deps: OpenRunDeps & { blobs: BlobStore }): RequestHandler {
  return async (req, res) => {
    const body = ReplayBody.safeParse(req.body ?? {});
    if (!body.success) return sendError(res, 400, "INVALID_REQUEST", `Invalid request body: ${describeIssues(body.error)}`);
    const name = body.data.object;
    // Only customer exports can be replayed; failure evidence and anything else cannot.
    if (!isExportObjectName(name)) return sendError(res, 400, "INVALID_OBJECT", `Only stored exports (${EXPORTS_PREFIX}….csv) can be replayed.`);
    const info = await deps.blobs.stat(name);
    if (info === undefined) return sendError(res, 404, "NOT_FOUND", "No stored export has that name.");
    const caller = callerOf(res);
    if (!roleAllows(caller.role, "approver")) {
      const loaded = await deps.store.lastLoadedExport();
      const lastLoaded = loaded === undefined ? undefined : { object: loaded, facts: await deps.blobs.stat(loaded.name) };
      if (replayAge(info, lastLoaded) === "older") {
        return refuseForRole(res, deps.logger, "approver", "Replaying an export older than the last one loaded (it would undo newer updates)");
      }
    }
    const rows = await countRecords(deps.blobs, name).catch(() => undefined);
    if (rows === undefined) return sendError(res, 422, "CSV_MALFORMED", "The stored export is not a readable CSV file, so the loader would refuse it.");
    const now = deps.clock();
    const runId = newRunId(now);
    const request = apiRequest(runId, { trigger: "replay", requestedBy: caller.id }, now);
    const object = { bucket: info.bucket, name, generation: info.generation, sha256: info.sha256, bytes: info.bytes };
    // A replay loads its own file: another run cannot serve it, so it is refused while one is active.
    const opened = await openRun(deps, request, makeEvent("csv-ready", runId, { object, rows }, now), { joinActive: false });
    if (opened.outcome === "unpublished") return sendError(res, 503, "PUBLISH_FAILED", PUBLISH_FAILED_MESSAGE);
    if (opened.outcome !== "started") {
      return sendError(res, 409, "RUN_ACTIVE", `Run ${opened.run.id} is still running; replay the export once it has finished.`);
    }
    res.status(202).json({ run: toRunView(opened.run), coalesced: false });
  };
}

/** Data records in the file (header excluded), counted by the CSV parser: quoted fields may hold line breaks. */
async function countRecords(blobs: BlobStore, name: string): Promise<number> {
  let records = 0;
  // relax_column_count: a ragged row is the loader's to reject and report, not a reason to refuse the replay.
  for await (const _record of (await blobs.get(name)).pipe(parse({ bom: true, relax_column_count: true, relax_quotes: true }))) records += 1;
  return Math.max(0, records - 1);
}
