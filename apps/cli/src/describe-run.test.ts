import { describe, expect, it } from "vitest";
import type { RunView } from "@crm-sync/trigger-client";
import { describeRun } from "./describe-run.ts";

const base: RunView = {
  runId: "run-1",
  trigger: "manual",
  requestedBy: null,
  status: "running",
  stage: "scraping",
  phase: "scraping",
  message: "Logging in to the portal",
  requestedAt: "2026-11-27T00:00:00.000Z",
  startedAt: null,
  stageChangedAt: "2026-11-27T00:00:00.000Z",
  finishedAt: null,
  counts: null,
  durationMs: null,
  error: null,
  destinationUntouched: null,
  artifacts: [],
  sourceObject: null,
  attempt: 1,
  approvedAt: null,
  traceId: null,
};

describe("describeRun", () => {
  it("gives the counts of a finished run", () => {
    const counts = { rows: 30, inserted: 28, updated: 1, unchanged: 0, softDeleted: 2, revived: 1, rejected: 0 };
    expect(describeRun({ ...base, status: "succeeded", phase: "done", counts, durationMs: 1234 })).toBe(
      "run run-1 succeeded in 1.2 s: 30 rows — 28 new, 1 updated, 0 unchanged, 2 removed, 1 returned, 0 rejected",
    );
  });

  it("names the code and whether the table was touched for a failure", () => {
    const error = { code: "PORTAL_AUTH_FAILED", message: "The portal refused the login.", retryable: false, summary: "" };
    expect(describeRun({ ...base, status: "failed", phase: "failed", error, destinationUntouched: true })).toBe(
      "run run-1 failed at scraping: PORTAL_AUTH_FAILED — The portal refused the login. (the customer table was not touched)",
    );
  });

  it("shows the stage message while running", () => {
    expect(describeRun(base)).toBe("run run-1 scraping: Logging in to the portal");
  });
});
