import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileBlobStore } from "@crm-sync/blob";
import type { EventOf } from "@crm-sync/contracts";
import { waitFor } from "@crm-sync/testing";
import { StartResponse } from "@crm-sync/trigger-client";
import { startTrigger, type RunningTrigger } from "./support/start-trigger.ts";

const HEADER = '\uFEFF"Store","Customer","Contact Number","Address","Email","Date of Birth","Date Joined","Available Credit","Available Point","Source","SMS PDPA","Email PDPA"';
// Two data records, one with a line break inside its quoted address: a line count would say three.
const EXPORT = Buffer.from(
  `${HEADER}\n"LENGOLF","Test Person","0812345678","1 Test Road\nBangkok","","","01/01/2024","0.00","0.00","Others","No","No"\n"LENGOLF","Other Person","0898765432","","","","02/01/2024","0.00","0.00","Digital","Yes","No"`,
);
const NAME = "exports/customers/2026/11/27/run-20261127T000000Z-aaaaaa.csv";

describe("POST /v1/syncs/replay", () => {
  let t: RunningTrigger;
  let blobs: FileBlobStore;
  const announced: Array<EventOf<"csv-ready">> = [];

  // One trigger for the file (a migrated PGlite takes seconds); the cases run in order and the last leaves a run active.
  beforeAll(async () => {
    blobs = new FileBlobStore({ root: mkdtempSync(join(tmpdir(), "replay-")), bucket: "exports" });
    await blobs.put(NAME, EXPORT, { contentType: "text/csv" });
    await blobs.put("exports/customers/2026/11/27/broken.csv", Buffer.from(`${HEADER}\n"LENGOLF","unterminated`), { contentType: "text/csv" });
    await blobs.put("artifacts/run-x/1/screenshot.csv", EXPORT, { contentType: "text/csv" });
    t = await startTrigger({ blobs });
    await t.bus.subscribe("csv-ready", "test-loader.csv-ready", async ({ event }) => {
      announced.push(event);
      return "ack";
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const replay = (object: unknown) => t.api("/v1/syncs/replay", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ object }) });

  it("refuses names outside the exports prefix, traversal and non-CSV objects, touching nothing", async () => {
    for (const name of ["../secrets.json", "exports/customers/../../artifacts/run-x/1/screenshot.csv", "artifacts/run-x/1/screenshot.csv", "/etc/passwd", "exports/customers/2026/11/27/run.txt", ""]) {
      const response = await replay(name);
      expect(response.status, name).toBe(400);
    }
    expect((await replay(42)).status).toBe(400);
    expect(announced).toHaveLength(0);
    expect(await (await t.api("/v1/syncs")).json()).toEqual({ runs: [] });
  });

  it("answers 404 for an export that is not stored and 422 for one that is not a readable CSV", async () => {
    expect((await replay("exports/customers/2026/11/27/missing.csv")).status).toBe(404);
    const broken = await replay("exports/customers/2026/11/27/broken.csv");
    expect(broken.status).toBe(422);
    expect(await broken.json()).toMatchObject({ error: { code: "CSV_MALFORMED" } });
    expect(announced).toHaveLength(0);
  });

  it("starts a replay run and announces the stored export to the loader, rows counted by the CSV parser", async () => {
    const response = await replay(NAME);
    expect(response.status).toBe(202);
    const { run } = StartResponse.parse(await response.json());
    expect(run).toMatchObject({ trigger: "replay", status: "queued" });
    await waitFor(() => announced.length > 0, { what: "csv-ready" });
    const info = await blobs.stat(NAME);
    expect(announced[0]).toMatchObject({ runId: run.runId, data: { rows: 2, object: { name: NAME, sha256: info?.sha256, bytes: EXPORT.length, generation: info?.generation } } });
    await t.drain();
    const ledger = await (await t.api(`/v1/syncs/${run.runId}`)).json();
    expect(ledger).toMatchObject({ trigger: "replay", stage: "parsing" });
  });

  it("refuses to replay while another run is active, naming it", async () => {
    const active = StartResponse.parse(await (await t.api("/v1/syncs", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).json());
    expect(active.coalesced).toBe(true);
    const response = await replay(NAME);
    expect(response.status).toBe(409);
    expect(JSON.stringify(await response.json())).toContain(active.run.runId);
    expect(announced).toHaveLength(1);
  });
});

describe("POST /v1/syncs/replay without an export store", () => {
  it("says replay needs BLOB_URL", async () => {
    const t = await startTrigger();
    try {
      const response = await t.api("/v1/syncs/replay", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ object: NAME }) });
      expect(response.status).toBe(501);
      expect(await response.json()).toMatchObject({ error: { code: "REPLAY_UNAVAILABLE" } });
    } finally {
      await t.close();
    }
  });
});
