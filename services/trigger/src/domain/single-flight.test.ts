import { describe, expect, it } from "vitest";
import { makeEvent, type DataOf } from "@crm-sync/contracts";
import { applyEvent } from "./ledger.ts";
import { applyStageTimeout, DEFAULT_STAGE_DEADLINES } from "./stage-timeout.ts";
import { approveHeldRun } from "./approve.ts";
import type { Run } from "./run.ts";
import { decideRequest, mirrorServing, MIRRORED_FIELDS, needsDispatch } from "./single-flight.ts";

const T0 = Date.parse("2026-11-26T19:00:00.000Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000);

function request(runId: string, seconds: number, data: DataOf<"sync-requested"> = { trigger: "schedule" }) {
  return makeEvent("sync-requested", runId, data, at(seconds));
}

const counts = { rows: 30, inserted: 2, updated: 1, unchanged: 27, softDeleted: 0, revived: 0, rejected: 0 };
const opened = applyEvent(undefined, request("run-active", 0, { trigger: "manual", requestedBy: "office" }));
const scraping = applyEvent(opened, makeEvent("sync-progress", "run-active", { stage: "scraping", message: "Logging in to the portal" }, at(5)));
const succeeded = applyEvent(scraping, makeEvent("sync-completed", "run-active", { counts, durationMs: 9_000 }, at(60)));

describe("decideRequest", () => {
  it("opens a run when none is active", () => {
    const decision = decideRequest({ request: request("msg-1", 1), existing: undefined, active: undefined, joinable: true });
    expect(decision).toMatchObject({ kind: "opened", record: { id: "msg-1", trigger: "schedule", status: "queued", servedBy: null } });
  });

  it("joins a request from any way in to the active run, keeping its own identity", () => {
    for (const [runId, data] of [
      ["msg-2", { trigger: "schedule" }],
      ["outside-app-1", { trigger: "api", requestedBy: "outside-app" }],
      ["run-press-1", { trigger: "manual", requestedBy: "front-desk" }],
    ] as const) {
      const decision = decideRequest({ request: request(runId, 10, data), existing: undefined, active: scraping, joinable: true });
      expect(decision).toMatchObject({
        kind: "joined",
        servedBy: "run-active",
        record: { id: runId, trigger: data.trigger, requestedBy: "requestedBy" in data ? data.requestedBy : null, servedBy: "run-active", requestedAt: at(10) },
      });
    }
  });

  it("refuses a request that may not join (a replay) while a run is active, and writes nothing", () => {
    const decision = decideRequest({ request: request("run-replay", 10, { trigger: "replay" }), existing: undefined, active: scraping, joinable: false });
    expect(decision).toEqual({ kind: "busy", active: scraping });
  });

  it("opens a new run when the last one has finished", () => {
    expect(decideRequest({ request: request("msg-3", 61), existing: undefined, active: succeeded, joinable: true }).kind).toBe("opened");
  });

  it("never joins a request to another joined request", () => {
    const joined = { ...applyEvent(undefined, request("msg-4", 2)), servedBy: "run-active" };
    expect(decideRequest({ request: request("msg-5", 3), existing: undefined, active: joined, joinable: true }).kind).toBe("opened");
  });

  it("takes a redelivery as the request it already recorded, joined or opened, whatever is active now", () => {
    const joined = mirrorServing({ ...applyEvent(undefined, request("msg-6", 2)), servedBy: "run-active" }, scraping);
    expect(decideRequest({ request: request("msg-6", 2), existing: joined, active: undefined, joinable: true })).toEqual({ kind: "known", record: joined });
    expect(decideRequest({ request: request("run-active", 0), existing: scraping, active: scraping, joinable: true })).toEqual({ kind: "known", record: scraping });
  });

  it("fills in the trigger of a run the ledger first heard of through a later event", () => {
    const early = applyEvent(undefined, makeEvent("sync-progress", "msg-7", { stage: "scraping", message: "Logging in" }, at(5)));
    const decision = decideRequest({ request: request("msg-7", 0), existing: early, active: early, joinable: true });
    expect(decision).toMatchObject({ kind: "known", record: { id: "msg-7", trigger: "schedule", status: "running", requestedAt: at(0), servedBy: null } });
  });
});

describe("needsDispatch", () => {
  it("hands over an opened run once, and never a joined request or a run that has moved", () => {
    expect(needsDispatch(opened)).toBe(true);
    expect(needsDispatch({ ...opened, dispatchedAt: at(1) })).toBe(false);
    expect(needsDispatch(scraping)).toBe(false);
    expect(needsDispatch(succeeded)).toBe(false);
    expect(needsDispatch({ ...applyEvent(undefined, request("msg-8", 1)), servedBy: "run-active" })).toBe(false);
  });
});

describe("a joined request", () => {
  const joined: Run = { ...applyEvent(undefined, request("msg-9", 10), "0af7651916cd43dd8448eb211c80319c"), servedBy: "run-active" };

  it("mirrors the serving run's progress and outcome, and keeps who asked, when and why", () => {
    const finished = mirrorServing(joined, succeeded);
    for (const field of MIRRORED_FIELDS) expect(finished[field]).toEqual(succeeded[field]);
    expect(finished).toMatchObject({ id: "msg-9", trigger: "schedule", requestedAt: at(10), servedBy: "run-active", traceId: "0af7651916cd43dd8448eb211c80319c", status: "succeeded", counts });
  });

  it("is never failed by the stage-timeout sweep on its own clock", () => {
    const longAfter = new Date(T0 + DEFAULT_STAGE_DEADLINES.queued * 10);
    expect(applyStageTimeout(mirrorServing(joined, opened), longAfter, DEFAULT_STAGE_DEADLINES)).toEqual(mirrorServing(joined, opened));
    expect(applyStageTimeout(opened, longAfter, DEFAULT_STAGE_DEADLINES).status).toBe("failed");
  });

  it("cannot be approved: only the run that served it can load its export again", () => {
    const held = applyEvent(
      applyEvent(scraping, makeEvent("csv-ready", "run-active", { object: { bucket: "b", name: "exports/x.csv", generation: "1", sha256: "a".repeat(64), bytes: 1 }, rows: 30 }, at(30))),
      makeEvent("sync-failed", "run-active", { stage: "diffing", code: "MASS_DELETE_HELD", retryable: false, message: "Held.", destinationUntouched: true, artifacts: [], attempt: 1 }, at(40)),
    );
    expect(approveHeldRun(held, at(50)).ok).toBe(true);
    expect(approveHeldRun(mirrorServing(joined, held), at(50))).toEqual({ ok: false, reason: "joined" });
  });
});
