import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileBlobStore } from "@crm-sync/blob";
import { makeEvent } from "@crm-sync/contracts";
import { waitFor } from "@crm-sync/testing";
import { API_TOKEN, OPERATOR_TOKEN, VIEWER_TOKEN, startTrigger, type RunningTrigger } from "./support/start-trigger.ts";

/**
 * The routes behind the run page, history and customer lookup (issue 28), per role. Every route
 * against every role and every wrong credential is test/security/endpoint-auth's job; this suite
 * checks what each role gets back.
 */
const object = { bucket: "crm-exports", name: "exports/held.csv", generation: "1", sha256: "b".repeat(64), bytes: 100 };
const TOKENS = { viewer: VIEWER_TOKEN, operator: OPERATOR_TOKEN, approver: API_TOKEN } as const;
type Role = keyof typeof TOKENS;

describe("run page, history and customer API", () => {
  let t: RunningTrigger;
  let dir: string;
  let blobs: FileBlobStore;
  let customerId = "";

  const call = async (role: Role, path: string, method = "GET", body: unknown = {}) => {
    const response = await fetch(`${t.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKENS[role]}`, "content-type": "application/json" },
      ...(method === "POST" ? { body: JSON.stringify(body) } : {}),
    });
    // Kept as sent: a CSV's byte-order mark is part of what is tested.
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await response.arrayBuffer());
    return { status: response.status, type: response.headers.get("content-type") ?? "", text, json: () => JSON.parse(text) as Record<string, any> };
  };

  async function heldRun(runId: string): Promise<void> {
    await t.bus.publish(makeEvent("sync-requested", runId, { trigger: "schedule" }));
    await t.bus.publish(makeEvent("csv-ready", runId, { object, rows: 3 }));
    await t.bus.publish(
      makeEvent("sync-failed", runId, { stage: "diffing", code: "MASS_DELETE_HELD", retryable: false, message: "Held.", destinationUntouched: true, artifacts: [], attempt: 1 }),
    );
    await t.drain();
    await waitFor(async () => (await t.trigger.store.get(runId))?.status === "failed");
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "review-api-"));
    blobs = new FileBlobStore({ root: dir, bucket: "crm-exports" });
    t = await startTrigger({ blobs });
    await heldRun("run-held-1");
    await heldRun("run-held-2");
    const [customer] = await t.db.sql<{ id: string }[]>`
      insert into crm_sync.customers (store, customer_name, contact_number, customer_key, phone_normalized, row_hash, first_seen_run)
      values ('LENGOLF', 'Member 7 Example 100%', '081-234-5678', '081-234-5678', '+66812345678', 'x', 'run-held-1') returning id::text as id`;
    customerId = customer!.id;
    await t.db.sql`insert into crm_sync.held_removals (run_id, customer_id) values ('run-held-1', ${customerId}::uuid)`;
    await t.db.sql`
      insert into crm_sync.run_rejects (run_id, seq, row_no, column_name, reason)
      values ('run-held-1', 0, 4, 'Date Joined', 'NOT_A_DATE'), ('run-held-1', 1, 9, null, 'WRONG_FIELD_COUNT')`;
    await t.db.sql`
      insert into crm_sync.customer_changes (run_id, customer_id, customer_key, kind, before, after)
      values ('run-held-1', ${customerId}::uuid, '081-234-5678', 'insert', null, ${t.db.sql.json({ customer_name: "Member 7 Example 100%", available_point: 1 })}),
             ('run-held-2', ${customerId}::uuid, '081-234-5678', 'update',
              ${t.db.sql.json({ customer_name: "Member 7 Example 100%", available_point: 1 })}, ${t.db.sql.json({ customer_name: "Member 7 Example 100%", available_point: 5 })})`;
  });
  afterAll(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("tells the page who is signed in and with which role", async () => {
    for (const role of ["viewer", "operator", "approver"] as const) {
      expect((await call(role, "/v1/me")).json()["role"]).toBe(role);
    }
  });

  it("shows everyone how many customers a held run would remove, and names with masked numbers to approvers only", async () => {
    for (const role of ["viewer", "operator"] as const) expect((await call(role, "/v1/syncs/run-held-1/removals")).json()).toEqual({ count: 1, customers: null });
    expect((await call("approver", "/v1/syncs/run-held-1/removals")).json()).toEqual({
      count: 1,
      customers: [{ customerId, name: "Member 7 Example 100%", maskedNumber: "•••••••678" }],
    });
    expect((await call("approver", "/v1/syncs/run-none/removals")).status).toBe(404);
  });

  it("lists rejected rows and makes their CSV, with reasons in the language asked for", async () => {
    expect((await call("viewer", "/v1/syncs/run-held-1/rejects")).json()).toEqual({
      rows: [
        { row: 4, column: "Date Joined", reason: "NOT_A_DATE" },
        { row: 9, column: null, reason: "WRONG_FIELD_COUNT" },
      ],
    });
    const en = await call("viewer", "/v1/syncs/run-held-1/rejects.csv");
    expect(en.type).toContain("text/csv");
    expect(en.text).toBe("\uFEFFrow,column,reason_code,reason\r\n4,Date Joined,NOT_A_DATE,Not a date that can be read.\r\n9,,WRONG_FIELD_COUNT,The row has more or fewer fields than the header.\r\n");
    const th = await call("viewer", "/v1/syncs/run-held-1/rejects.csv?lang=th");
    expect(th.text.split("\r\n")[0]).toBe("\uFEFFแถว,คอลัมน์,รหัสเหตุผล,เหตุผล");
  });

  it("lets only an approver discard a held run, records who did, and then refuses to approve it", async () => {
    expect((await call("operator", "/v1/syncs/run-held-2/discard", "POST")).status).toBe(403);
    const discarded = await call("approver", "/v1/syncs/run-held-2/discard", "POST");
    expect(discarded.status).toBe(200);
    expect(discarded.json()).toMatchObject({ status: "failed", discardedBy: "test-approver", destinationUntouched: true });
    expect((await call("approver", "/v1/syncs/run-held-2/discard", "POST")).json()["error"]["code"]).toBe("DISCARDED");
    const approve = await call("approver", "/v1/syncs/run-held-2/approve", "POST");
    expect([approve.status, approve.json()["error"]["code"]]).toEqual([409, "DISCARDED"]);
    expect((await t.db.sql`select discarded_by from crm_sync.runs where id = 'run-held-2'`)[0]).toEqual({ discarded_by: "test-approver" });
  });

  it("serves a run's screenshot from the evidence store only, to operators and approvers, and nothing else by that route", async () => {
    const shot = "artifacts/run-shot/1/portal.png";
    await blobs.put(shot, Buffer.from("not really a png"), { contentType: "image/png" });
    const artifacts = [
      { kind: "screenshot" as const, name: shot, url: "file:///x" },
      { kind: "screenshot" as const, name: "exports/held.csv", url: "file:///y" },
    ];
    await t.bus.publish(makeEvent("sync-failed", "run-shot", { stage: "scraping", code: "PORTAL_LAYOUT_CHANGED", retryable: false, message: "x", destinationUntouched: true, artifacts, attempt: 1 }));
    await t.drain();
    await waitFor(async () => (await t.trigger.store.get("run-shot"))?.status === "failed");
    const served = await call("operator", "/v1/syncs/run-shot/screenshots/0");
    expect([served.status, served.type, served.text]).toEqual([200, "image/png", "not really a png"]);
    // The portal's page may show customers: a status-only viewer is refused.
    const refused = await call("viewer", "/v1/syncs/run-shot/screenshots/0");
    expect([refused.status, refused.json()["error"]["code"]]).toEqual([403, "ROLE_REQUIRED"]);
    // An export named as a screenshot is not evidence: never served through this route.
    expect((await call("approver", "/v1/syncs/run-shot/screenshots/1")).status).toBe(404);
    expect((await call("approver", "/v1/syncs/run-shot/screenshots/2")).status).toBe(404);
    expect((await call("approver", "/v1/syncs/run-shot/screenshots/x")).status).toBe(400);
  });

  it("pages through history without skipping or repeating a run, and draws the trend from the runs", async () => {
    const first = (await call("viewer", "/v1/history?limit=2")).json();
    expect(first["runs"].map((r: { runId: string }) => r.runId)).toEqual(["run-shot", "run-held-2"]);
    expect([first["older"], first["newer"]]).toEqual([true, false]);
    const second = (await call("viewer", "/v1/history?limit=2&before=run-held-2")).json();
    expect(second["runs"].map((r: { runId: string }) => r.runId)).toEqual(["run-held-1"]);
    expect([second["older"], second["newer"]]).toEqual([false, true]);
    const back = (await call("viewer", "/v1/history?limit=2&after=run-held-1")).json();
    expect(back["runs"].map((r: { runId: string }) => r.runId)).toEqual(["run-shot", "run-held-2"]);
    expect([back["older"], back["newer"]]).toEqual([true, false]);
    expect((await call("viewer", "/v1/history?before=run-held-1&after=run-held-2")).status).toBe(400);
    const trend = (await call("viewer", "/v1/trend")).json();
    expect(trend["points"].map((p: { runId: string; customers: number }) => [p.runId, p.customers])).toEqual([
      ["run-held-1", 1],
      ["run-held-2", 1],
      ["run-shot", 1],
    ]);
  });

  it("finds a customer by phone however typed, or by name (a % is a letter), for operators and approvers only", async () => {
    for (const q of ["0812345678", "812345678", "081-234-5678", "+66 81 234 5678"]) {
      const found = (await call("operator", "/v1/customers/search", "POST", { q })).json();
      expect([q, found["by"], found["customers"].length]).toEqual([q, "phone", 1]);
    }
    expect((await call("approver", "/v1/customers/search", "POST", { q: "100%" })).json()["customers"]).toHaveLength(1);
    expect((await call("approver", "/v1/customers/search", "POST", { q: "7%" })).json()["customers"]).toHaveLength(0);
    expect((await call("viewer", "/v1/customers/search", "POST", { q: "Member" })).status).toBe(403);
    expect((await call("operator", "/v1/customers/search", "POST", { q: "x" })).status).toBe(400);
  });

  it("gives a customer's current row and changes, newest first, with only the changed fields", async () => {
    const { customer, changes } = (await call("operator", `/v1/customers/${customerId}`)).json();
    expect(customer).toMatchObject({ name: "Member 7 Example 100%", contactNumber: "081-234-5678", removedAt: null });
    expect(changes.map((c: { kind: string; runId: string; fields: unknown }) => [c.kind, c.runId, c.fields])).toEqual([
      ["update", "run-held-2", [{ field: "available_point", before: 1, after: 5 }]],
      ["insert", "run-held-1", [{ field: "available_point", before: null, after: 1 }, { field: "customer_name", before: null, after: "Member 7 Example 100%" }]],
    ]);
    expect((await call("operator", "/v1/customers/not-a-uuid")).status).toBe(400);
    expect((await call("operator", "/v1/customers/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await call("viewer", `/v1/customers/${customerId}`)).status).toBe(403);
  });

  it("serves the page at its addresses and its texts per language, under the same CSP, and nothing else from its folder", async () => {
    for (const path of ["/", "/runs/run-held-1", "/customers", "/history"]) {
      const page = await fetch(`${t.url}${path}`);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    }
    const th = await fetch(`${t.url}/dashboard/strings/th.json`);
    expect(((await th.json()) as { failures: Record<string, { what: string }> }).failures["MASS_DELETE_HELD"]?.what).toContain("อนุมัติ");
    for (const path of ["/dashboard/strings/xx.json", "/dashboard/strings/th", "/dashboard/texts.test.ts", "/dashboard/index.html", "/dashboard/..%2Fapp.ts"]) {
      expect((await fetch(`${t.url}${path}`)).status, path).toBe(404);
    }
  });
});
