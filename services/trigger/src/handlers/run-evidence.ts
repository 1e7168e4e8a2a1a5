import type { RequestHandler } from "express";
import { z } from "zod";
import { RunId } from "@crm-sync/contracts";
import { BlobNotFoundError, EVIDENCE_PREFIX, type BlobStore } from "@crm-sync/blob";
import type { RunStore } from "../store/runs-store.ts";
import { sendError } from "./api-errors.ts";

const Index = z.coerce.number().int().min(0).max(99);

/**
 * `GET /v1/syncs/:runId/screenshots/:index`: a failed run's screenshot, read through the export
 * store the trigger already has, for a signed-in page to show inline. Never a public URL: the
 * page fetches it with its token. Only the run's own screenshots under the evidence prefix.
 */
export function runScreenshot(deps: { store: RunStore; blobs: BlobStore | undefined }): RequestHandler {
  return async (req, res) => {
    const runId = RunId.safeParse(req.params["runId"]);
    const index = Index.safeParse(req.params["index"]);
    if (!runId.success || !index.success) return sendError(res, 400, "INVALID_REQUEST", "Invalid run id or screenshot number.");
    const run = await deps.store.get(runId.data);
    if (run === undefined) return sendError(res, 404, "NOT_FOUND", "No such run.");
    const shot = run.artifacts.filter((artifact) => artifact.kind === "screenshot")[index.data];
    if (shot === undefined || !shot.name.startsWith(EVIDENCE_PREFIX)) return sendError(res, 404, "NOT_FOUND", "No such screenshot.");
    if (deps.blobs === undefined) return sendError(res, 501, "EVIDENCE_UNAVAILABLE", "Screenshots need the export store: set BLOB_URL on the trigger.");
    try {
      const body = await deps.blobs.get(shot.name);
      res.set({
        "content-type": "image/png",
        "cache-control": "private, no-store",
        "x-content-type-options": "nosniff",
        "content-security-policy": "default-src 'none'",
      });
      body.pipe(res);
    } catch (error) {
      if (error instanceof BlobNotFoundError) return sendError(res, 404, "NOT_FOUND", "The screenshot is no longer stored.");
      throw error;
    }
  };
}
