import type { RequestHandler } from "express";
import { RunId } from "@crm-sync/contracts";
import { Language, REJECT_TEXT, type RejectReason } from "@crm-sync/messages";
import { callerOf } from "../auth/require-caller.ts";
import { roleAllows } from "../auth/roles.ts";
import { maskPhone } from "../domain/mask-phone.ts";
import type { ReviewStore } from "../store/review-store.ts";
import type { RunStore } from "../store/runs-store.ts";
import { sendError } from "./api-errors.ts";

export interface ReviewDeps {
  store: RunStore;
  review: ReviewStore;
}

/** How many would-be removals the page lists by name; the count is always complete. */
const LISTED_REMOVALS = 500;

async function knownRun(deps: ReviewDeps, raw: unknown): Promise<{ ok: true; runId: string } | { ok: false; status: number; code: string; message: string }> {
  const runId = RunId.safeParse(raw);
  if (!runId.success) return { ok: false, status: 400, code: "INVALID_REQUEST", message: "Invalid run id." };
  if ((await deps.store.get(runId.data)) === undefined) return { ok: false, status: 404, code: "NOT_FOUND", message: "No such run." };
  return { ok: true, runId: runId.data };
}

/** `GET /v1/syncs/:runId/rejects`: the rows the run's load rejected (row, column, reason code; never a value). */
export function listRejects(deps: ReviewDeps): RequestHandler {
  return async (req, res) => {
    const run = await knownRun(deps, req.params["runId"]);
    if (!run.ok) return sendError(res, run.status, run.code, run.message);
    res.json({ rows: await deps.review.rejects(run.runId) });
  };
}

const csvField = (text: string) => (/[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

/**
 * `GET /v1/syncs/:runId/rejects.csv?lang=th|en`: the same list as a file for whoever fixes the
 * rows in Qashier, with each reason in plain words. Made here, so the page needs no CSV code.
 */
export function rejectsCsv(deps: ReviewDeps): RequestHandler {
  return async (req, res) => {
    const run = await knownRun(deps, req.params["runId"]);
    if (!run.ok) return sendError(res, run.status, run.code, run.message);
    const language = Language.catch("en").parse(req.query["lang"]);
    const rows = await deps.review.rejects(run.runId);
    const header = language === "th" ? ["แถว", "คอลัมน์", "รหัสเหตุผล", "เหตุผล"] : ["row", "column", "reason_code", "reason"];
    const lines = [header, ...rows.map((row) => [String(row.row), row.column ?? "", row.reason, REJECT_TEXT[row.reason as RejectReason]?.[language] ?? ""])];
    res.set({
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="rejected-rows-${run.runId}.csv"`,
      "cache-control": "no-store",
    });
    // A byte-order mark, so Excel (what the office opens it with) reads the Thai as UTF-8.
    res.send(`\uFEFF${lines.map((line) => line.map(csvField).join(",")).join("\r\n")}\r\n`);
  };
}

/**
 * `GET /v1/syncs/:runId/removals`: the customers a held run would remove, as the loader decided
 * when it held the run. Everyone signed in sees how many; only an approver (who decides) sees
 * names and masked numbers.
 */
export function listRemovals(deps: ReviewDeps): RequestHandler {
  return async (req, res) => {
    const run = await knownRun(deps, req.params["runId"]);
    if (!run.ok) return sendError(res, run.status, run.code, run.message);
    const count = await deps.review.removalCount(run.runId);
    if (!roleAllows(callerOf(res).role, "approver")) return res.json({ count, customers: null });
    const customers = (await deps.review.removals(run.runId, LISTED_REMOVALS)).map((customer) => ({
      customerId: customer.customerId,
      name: customer.name,
      maskedNumber: maskPhone(customer.contactNumber),
    }));
    res.json({ count, customers });
  };
}
