import { describe, expect, it } from "vitest";
import { approveHeldRun, discardHeldRun } from "./approve.ts";
import { emptyRun } from "./ledger.ts";
import type { Run } from "./run.ts";

const at = new Date("2026-12-06T07:00:00Z");
const object = { bucket: "crm-exports", name: "exports/held.csv", generation: "1", sha256: "a".repeat(64), bytes: 10 };
const held: Run = {
  ...emptyRun("run-held", new Date("2026-12-06T06:00:00Z")),
  status: "failed",
  stage: "diffing",
  error: { code: "MASS_DELETE_HELD", message: "Held.", retryable: false },
  destinationUntouched: true,
  sourceObject: object,
};

describe("deciding a held run", () => {
  it("records who approved it", () => {
    const approval = approveHeldRun(held, at, "office-approver");
    expect(approval.ok && approval.run).toMatchObject({ status: "running", approvedAt: at, approvedBy: "office-approver", attempt: 2 });
  });

  it("discards it as failed and untouched, recording who and when, and then refuses an approval or a second discard", () => {
    const discard = discardHeldRun(held, at, "office-approver");
    if (!discard.ok) throw new Error("not discarded");
    expect(discard.run).toMatchObject({ status: "failed", destinationUntouched: true, discardedAt: at, discardedBy: "office-approver", error: { code: "MASS_DELETE_HELD" } });
    expect(approveHeldRun(discard.run, at, "someone")).toEqual({ ok: false, reason: "discarded" });
    expect(discardHeldRun(discard.run, at, "someone")).toEqual({ ok: false, reason: "discarded" });
  });

  it("discards only a run held with MASS_DELETE_HELD", () => {
    expect(discardHeldRun({ ...held, error: { code: "PORTAL_UNAVAILABLE", message: "x", retryable: true } }, at, "a")).toEqual({ ok: false, reason: "not-held" });
    expect(discardHeldRun({ ...held, status: "running", error: null }, at, "a")).toEqual({ ok: false, reason: "not-held" });
  });
});
