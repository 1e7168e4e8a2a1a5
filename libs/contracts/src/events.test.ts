import { describe, expect, it } from "vitest";
import { makeEvent, parseEvent, parseSyncRequested, SyncEvent, type Topic } from "./index.ts";

const base = { version: 1, eventId: "5b1c1f2e-8d4b-4a51-9d1e-2f7a7c3a9b10", runId: "run-2026-11-26", occurredAt: "2026-11-26T02:00:00.000Z" };
const object = { bucket: "crm-exports", name: "exports/customers/2026/11/26/run-2026-11-26.csv", generation: "1732586400000000", sha256: "a".repeat(64), bytes: 1234 };

const VALID: Record<Topic, unknown> = {
  "sync-requested": { ...base, type: "sync-requested", data: { trigger: "manual", requestedBy: "office" } },
  "scrape-requested": { ...base, type: "scrape-requested", data: { trigger: "schedule" } },
  "sync-progress": { ...base, type: "sync-progress", data: { stage: "scraping", message: "Logging in to the portal" } },
  "csv-ready": { ...base, type: "csv-ready", data: { object, rows: 30, portalTotal: 30 } },
  "sync-completed": {
    ...base,
    type: "sync-completed",
    data: { counts: { rows: 30, inserted: 28, updated: 0, unchanged: 0, softDeleted: 0, revived: 0, rejected: 2 }, durationMs: 812 },
  },
  "sync-failed": {
    ...base,
    type: "sync-failed",
    data: {
      stage: "scraping",
      code: "PORTAL_AUTH_FAILED",
      retryable: false,
      message: "The portal refused the login.",
      destinationUntouched: true,
      artifacts: [{ kind: "screenshot", name: "artifacts/run-2026-11-26/failure.png", url: "https://example.test/a.png" }],
      attempt: 1,
    },
  },
};

const topics = Object.keys(VALID) as Topic[];

describe("event contracts", () => {
  it.each(topics)("accepts a valid %s event", (topic) => {
    const result = parseEvent(topic, VALID[topic]);
    expect(result).toEqual({ ok: true, event: expect.objectContaining({ type: topic }) });
    expect(SyncEvent.safeParse(VALID[topic]).success).toBe(true);
  });

  it.each(topics)("rejects a %s event missing its data", (topic) => {
    const { data: _data, ...withoutData } = VALID[topic] as Record<string, unknown>;
    const result = parseEvent(topic, withoutData);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain("data");
  });

  it.each(topics)("rejects a %s event with a wrong version, bad uuid, bad date or unsafe runId", (topic) => {
    const good = VALID[topic] as Record<string, unknown>;
    for (const patch of [{ version: 2 }, { eventId: "not-a-uuid" }, { occurredAt: "yesterday" }, { runId: "../../etc/passwd" }, { runId: "" }]) {
      expect(parseEvent(topic, { ...good, ...patch }).ok, JSON.stringify(patch)).toBe(false);
    }
  });

  it.each(["", "latest", "-1", "1e6", "12 ", "0x1F", "１２", "1".repeat(20), "1; drop table crm_sync.runs"])(
    "rejects a csv-ready whose object generation is %j, not decimal digits",
    (generation) => {
      expect(parseEvent("csv-ready", { ...(VALID["csv-ready"] as object), data: { object: { ...object, generation }, rows: 30 } }).ok).toBe(false);
    },
  );

  it("accepts GCS generations as the JSON API sends them", () => {
    for (const generation of ["1", "1732586400000000", "9223372036854775807"]) {
      expect(parseEvent("csv-ready", { ...(VALID["csv-ready"] as object), data: { object: { ...object, generation }, rows: 30 } }).ok).toBe(true);
    }
  });

  it("rejects wrong types inside data", () => {
    expect(parseEvent("csv-ready", { ...(VALID["csv-ready"] as object), data: { object: { ...object, bytes: "1234" }, rows: 30 } }).ok).toBe(false);
    expect(parseEvent("csv-ready", { ...(VALID["csv-ready"] as object), data: { object: { ...object, sha256: "XYZ" }, rows: 30 } }).ok).toBe(false);
    expect(parseEvent("sync-failed", { ...(VALID["sync-failed"] as object), data: { ...(VALID["sync-failed"] as { data: object }).data, code: "OOPS" } }).ok).toBe(false);
    expect(parseEvent("sync-progress", { ...(VALID["sync-progress"] as object), data: { stage: "dancing", message: "x" } }).ok).toBe(false);
    const counts = { rows: -1, inserted: 0, updated: 0, unchanged: 0, softDeleted: 0, revived: 0, rejected: 0 };
    expect(parseEvent("sync-completed", { ...(VALID["sync-completed"] as object), data: { counts, durationMs: 1 } }).ok).toBe(false);
  });

  it("rejects an event of another type on a topic and an unknown type everywhere", () => {
    expect(parseEvent("csv-ready", VALID["sync-progress"]).ok).toBe(false);
    expect(SyncEvent.safeParse({ ...(VALID["sync-progress"] as object), type: "sync-exploded" }).success).toBe(false);
  });

  it("rejects unknown fields instead of silently dropping them", () => {
    expect(parseEvent("sync-requested", { ...(VALID["sync-requested"] as object), data: { trigger: "manual", dropTable: true } }).ok).toBe(false);
  });

  it("makeEvent builds a valid envelope and refuses invalid data", () => {
    const event = makeEvent("sync-progress", "run-1", { stage: "parsing", message: "Reading the export" });
    expect(parseEvent("sync-progress", event).ok).toBe(true);
    expect(() => makeEvent("sync-progress", "run 1", { stage: "parsing", message: "x" })).toThrow();
  });
});

describe("sync-requested from Cloud Scheduler", () => {
  const transport = { messageId: "11223344556677", publishTime: new Date("2026-11-26T19:00:00.000Z") };

  it("accepts the bare Scheduler body and derives the runId from the message id", () => {
    const result = parseSyncRequested({ trigger: "schedule" }, transport);
    expect(result).toEqual({
      ok: true,
      event: expect.objectContaining({ type: "sync-requested", runId: "msg-11223344556677", occurredAt: "2026-11-26T19:00:00.000Z", data: { trigger: "schedule" } }),
    });
  });

  it("derives the same runId when the same message is delivered twice", () => {
    const first = parseSyncRequested({ trigger: "schedule" }, transport);
    const second = parseSyncRequested({ trigger: "schedule" }, transport);
    expect(first.ok && second.ok && first.event.runId === second.event.runId).toBe(true);
  });

  it("keeps the runId of a full envelope", () => {
    const result = parseSyncRequested(VALID["sync-requested"], transport);
    expect(result.ok && result.event.runId).toBe("run-2026-11-26");
  });

  it("rejects a bare body with an unknown trigger and a broken envelope", () => {
    expect(parseSyncRequested({ trigger: "whenever" }, transport).ok).toBe(false);
    expect(parseSyncRequested({ type: "sync-requested", data: { trigger: "manual" } }, transport).ok).toBe(false);
    expect(parseSyncRequested("not json object", transport).ok).toBe(false);
  });
});
