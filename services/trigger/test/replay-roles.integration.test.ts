import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileBlobStore } from "@crm-sync/blob";
import { makeEvent } from "@crm-sync/contracts";
import { waitFor } from "@crm-sync/testing";
import { StartResponse } from "@crm-sync/trigger-client";
import { API_TOKEN, OPERATOR_TOKEN, VIEWER_TOKEN, startTrigger, type RunningTrigger } from "./support/start-trigger.ts";

const HEADER = '\uFEFF"Store","Customer","Contact Number","Address","Email","Date of Birth","Date Joined","Available Credit","Available Point","Source","SMS PDPA","Email PDPA"';
const exportOf = (phone: string) => Buffer.from(`${HEADER}\n"LENGOLF","Test Person","${phone}","","","","01/01/2024","0.00","0.00","Others","No","No"`);
const OLD = "exports/customers/2026/12/01/run-20261201T190000Z-aaaaaa.csv";
const LATEST = "exports/customers/2026/12/02/run-20261202T190000Z-bbbbbb.csv";
const NEWER = "exports/customers/2026/12/03/run-20261203T190000Z-cccccc.csv";

describe("who may replay which export", () => {
  let t: RunningTrigger;
  let dir: string;
  const announced: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "replay-roles-"));
    const blobs = new FileBlobStore({ root: dir, bucket: "exports" });
    // Stored one after another: each export's creation time is later than the one before.
    for (const [index, name] of [OLD, LATEST, NEWER].entries()) {
      const info = await blobs.put(name, exportOf(`081234567${index}`), { contentType: "text/csv" });
      await waitFor(() => Date.now() > Date.parse(info.createdAt), { what: "the clock to pass the export's creation time" });
    }
    t = await startTrigger({ blobs });
    await t.bus.subscribe("csv-ready", "test-loader.csv-ready", async ({ event }) => {
      announced.push(event.data.object.name);
      return "ack";
    });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const replay = (token: string, object: string) =>
    fetch(`${t.url}/v1/syncs/replay`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ object }) });

  /** Replays as `token`, expects it accepted, and completes the run as the loader would. */
  async function replayAndLoad(token: string, object: string): Promise<string> {
    const response = await replay(token, object);
    expect(response.status, object).toBe(202);
    const { run } = StartResponse.parse(await response.json());
    const counts = { rows: 1, inserted: 0, updated: 1, unchanged: 0, softDeleted: 0, revived: 0, rejected: 0 };
    await t.drain();
    await t.bus.publish(makeEvent("sync-completed", run.runId, { counts, durationMs: 5 }));
    await t.drain();
    const loaded = (await (await t.api(`/v1/syncs/${run.runId}`)).json()) as { status: string; sourceObject: { name: string } | null };
    expect(loaded).toMatchObject({ status: "succeeded", sourceObject: { name: object } });
    return run.runId;
  }

  async function expectRefused(token: string, object: string, role: "operator" | "approver") {
    const before = announced.length;
    const runsBefore = ((await (await t.api("/v1/syncs")).json()) as { runs: unknown[] }).runs.length;
    const response = await replay(token, object);
    expect(response.status).toBe(403);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("ROLE_REQUIRED");
    expect(body.error.message).toContain(`needs the ${role} role`);
    await t.drain();
    expect(announced.length).toBe(before);
    expect(((await (await t.api("/v1/syncs")).json()) as { runs: unknown[] }).runs.length).toBe(runsBefore);
    return body.error.message;
  }

  it("refuses a viewer any replay", async () => {
    await expectRefused(VIEWER_TOKEN, LATEST, "operator");
  });

  it("lets an operator replay any export while nothing has been loaded (nothing newer to undo)", async () => {
    await replayAndLoad(OPERATOR_TOKEN, LATEST);
  });

  it("lets an operator replay the export last loaded again", async () => {
    await replayAndLoad(OPERATOR_TOKEN, LATEST);
  });

  it("refuses an operator an export older than the last one loaded, naming the approver role", async () => {
    const message = await expectRefused(OPERATOR_TOKEN, OLD, "approver");
    expect(message).toContain("older than the last one loaded");
    expect(message).toContain("operator role");
  });

  it("lets an operator replay a newer export, after which the previous one counts as older", async () => {
    await replayAndLoad(OPERATOR_TOKEN, NEWER);
    await expectRefused(OPERATOR_TOKEN, LATEST, "approver");
  });

  it("lets an approver replay an older export, recorded under the approver's name", async () => {
    const runId = await replayAndLoad(API_TOKEN, OLD);
    expect(await (await t.api(`/v1/syncs/${runId}`)).json()).toMatchObject({ trigger: "replay", requestedBy: "test-approver" });
  });
});
