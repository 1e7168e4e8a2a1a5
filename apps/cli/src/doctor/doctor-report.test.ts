import { describe, expect, it } from "vitest";
import { judge, renderReport, type DoctorFacts } from "./doctor-report.ts";

const base: DoctorFacts = {
  schema: { kind: "old-script", table: "backoffice.customers" },
  applied: [],
  pending: ["20261125000000_set_aside_old_script_table.sql"],
  edited: [],
  rows: { "old script's rows": 1000 },
  oldScript: {
    rows: 1000,
    adjusted: { blankNameOrStore: 0, amountOutOfRange: 0, unknownSource: 0 },
    numbersWithNonDigits: 0,
    repeatedRows: 0,
    policies: [],
    dependents: [],
    owned: true,
  },
  firstLoad: { status: "ok", rows: 1000, matched: 1000, updated: 900, unchanged: 100, inserted: 0, removed: 0, revived: 0, rejected: 0 },
  grants: [{ role: "anon", exists: true, bypassesRls: false, readsCustomers: false, readsRuns: false, callsFreshness: false }],
  connection: { database: "postgres", transactionPooler: true, preparedStatements: false, port: "6543", note: "transaction pooler" },
  serverVersionNum: 150020,
  serverVersion: "15.2",
};

describe("judge", () => {
  it("finds nothing blocking on an old-script database whose first load matches every customer", () => {
    const report = judge(base);
    expect(report).toMatchObject({ ok: true, blockers: [], schema: { found: "old-script", version: null } });
    expect(renderReport(report)).toContain("1000 matched (900 updated, 100 unchanged), 0 inserted, 0 removed");
  });

  it("lists every blocker: not the owner, dependents, an edited migration, an old server, a held first load", () => {
    const report = judge({
      ...base,
      edited: ["20261126000000_initial_schema.sql"],
      serverVersionNum: 140010,
      serverVersion: "14.1",
      oldScript: { ...base.oldScript!, owned: false, dependents: ["view club_report"] },
      firstLoad: { status: "refused", code: "MASS_DELETE_HELD", message: "The export would remove 300 of 1000 active customers." },
    });
    expect(report.ok).toBe(false);
    expect(report.blockers).toHaveLength(5);
    expect(renderReport(report)).toContain("5 problem(s) would block a sync.");
  });

  it("names crm-sync's version from the last applied migration", () => {
    const { oldScript: _, ...crmSync } = base;
    const report = judge({ ...crmSync, schema: { kind: "crm-sync", layout: "view" }, applied: ["a.sql", "b.sql"], pending: [] });
    expect(report.schema).toMatchObject({ found: "crm-sync", version: "b.sql" });
  });

  it("warns when anon can read customers, and when no export was given", () => {
    const { firstLoad: _, ...withoutFile } = base;
    const report = judge({ ...withoutFile, grants: [{ ...base.grants[0]!, readsCustomers: true }] });
    expect(report.ok).toBe(true);
    expect(report.warnings).toEqual(expect.arrayContaining([expect.stringContaining("anon"), expect.stringContaining("--file")]));
  });
});
