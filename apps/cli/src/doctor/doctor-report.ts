import type { ConnectionMode } from "./connection-mode.ts";
import type { FirstLoad } from "./first-load.ts";
import type { SchemaKind } from "./inspect-schema.ts";
import type { OldScriptFacts } from "./old-script-table.ts";
import type { RoleGrants } from "./role-grants.ts";

export interface DoctorReport {
  ok: boolean;
  schema: { found: "none" | "old-script" | "crm-sync" | "unknown"; version: string | null; layout?: string };
  migrations: { applied: number; pending: string[]; edited: string[] };
  rows: Record<string, number>;
  oldScript?: OldScriptFacts;
  firstLoad?: FirstLoad;
  grants: RoleGrants[];
  connection: ConnectionMode;
  serverVersion: string;
  blockers: string[];
  warnings: string[];
}

export interface DoctorFacts {
  schema: SchemaKind;
  applied: string[];
  pending: string[];
  edited: string[];
  rows: Record<string, number>;
  oldScript?: OldScriptFacts;
  firstLoad?: FirstLoad;
  grants: RoleGrants[];
  connection: ConnectionMode;
  serverVersionNum: number;
  serverVersion: string;
}

/** security_invoker views (the backoffice.customers view) need Postgres 15. */
const MIN_SERVER_VERSION = 150000;

/** Turns the facts into a verdict: what would stop a sync (blockers) and what to know (warnings). */
export function judge(facts: DoctorFacts): DoctorReport {
  const blockers: string[] = [];
  const warnings: string[] = [];
  const { schema, oldScript, firstLoad } = facts;
  if (schema.kind === "unknown") {
    blockers.push(
      `backoffice.customers is neither the old script's table nor crm-sync's (missing: ${schema.missing.join(", ") || "none"}; extra: ${schema.extra.join(", ") || "none"}); adapt it by hand or ask before migrating`,
    );
  }
  if (facts.edited.length > 0) blockers.push(`applied migrations were edited since: ${facts.edited.join(", ")}; migrate refuses to run`);
  if (facts.serverVersionNum < MIN_SERVER_VERSION) blockers.push(`Postgres ${facts.serverVersion} is too old: the customers view needs 15 or later`);
  if (oldScript !== undefined) {
    if (!oldScript.owned) blockers.push("the connecting role does not own the old script's table; migrate as its owner (on Supabase: postgres)");
    if (oldScript.dependents.length > 0) blockers.push(`objects depend on the old script's table and would stop its adoption: ${oldScript.dependents.join("; ")}`);
    if (oldScript.policies.length > 0) {
      warnings.push(`the old table has row-level-security policies (${oldScript.policies.join(", ")}); a role that read it only through them is not given the view`);
    }
    const { blankNameOrStore, amountOutOfRange, unknownSource } = oldScript.adjusted;
    if (blankNameOrStore + amountOutOfRange + unknownSource > 0) {
      warnings.push(
        `adoption stores some old rows differently until the first load rewrites them: ${blankNameOrStore} blank name or store, ${amountOutOfRange} amounts beyond 2 decimals or 12 digits, ${unknownSource} unknown sources`,
      );
    }
    if (oldScript.repeatedRows > 0) warnings.push(`${oldScript.repeatedRows} old rows repeat another (same number, name, date joined); the first load keeps one and soft-deletes the copies`);
    if (oldScript.numbersWithNonDigits > 0) warnings.push(`${oldScript.numbersWithNonDigits} old numbers hold non-digits; they are matched by their digits`);
  }
  if (firstLoad?.status === "refused") blockers.push(`a first load would fail: ${firstLoad.code}: ${firstLoad.message}`);
  if (firstLoad === undefined) warnings.push("first load not checked: pass --file <export> for a dry run");
  for (const role of facts.grants) {
    if (role.role === "anon" && role.readsCustomers) warnings.push("anon (the public API key) can read customer rows");
  }
  if (facts.pending.length > 0) warnings.push(`${facts.pending.length} migration(s) pending: run crm-sync migrate (or supabase db push) before the first sync`);
  return {
    ok: blockers.length === 0,
    schema: {
      found: schema.kind,
      version: schema.kind === "crm-sync" ? (facts.applied.at(-1) ?? null) : null,
      ...(schema.kind === "crm-sync" ? { layout: schema.layout === "view" ? "crm_sync.customers behind the backoffice.customers view" : "backoffice.customers table (before the cutover migration)" } : {}),
      ...(schema.kind === "old-script" ? { layout: schema.table } : {}),
    },
    migrations: { applied: facts.applied.length, pending: facts.pending, edited: facts.edited },
    rows: facts.rows,
    ...(oldScript === undefined ? {} : { oldScript }),
    ...(firstLoad === undefined ? {} : { firstLoad }),
    grants: facts.grants,
    connection: facts.connection,
    serverVersion: facts.serverVersion,
    blockers,
    warnings,
  };
}

/** The report for a person: short lines, no customer data (counts only). */
export function renderReport(report: DoctorReport): string {
  const lines: string[] = [];
  const version = report.schema.version === null ? "" : ` at ${report.schema.version}`;
  lines.push(`Schema:      ${report.schema.found}${version}${report.schema.layout === undefined ? "" : ` (${report.schema.layout})`}`);
  lines.push(`Migrations:  ${report.migrations.applied} applied, ${report.migrations.pending.length} pending${report.migrations.pending.length === 0 ? "" : `: ${report.migrations.pending.join(", ")}`}`);
  lines.push(`Rows:        ${Object.entries(report.rows).map(([name, n]) => `${name} ${n}`).join(", ") || "none"}`);
  const load = report.firstLoad;
  if (load?.status === "ok") {
    lines.push(`First load:  ${load.rows} rows: ${load.matched} matched (${load.updated} updated, ${load.unchanged} unchanged), ${load.inserted} inserted, ${load.removed} removed, ${load.revived} revived, ${load.rejected} rejected (dry run, nothing written)`);
  } else if (load?.status === "refused") {
    lines.push(`First load:  refused with ${load.code}`);
  }
  for (const role of report.grants) {
    const can = [role.readsCustomers && "reads customers", role.readsRuns && "reads runs", role.callsFreshness && "calls freshness()"].filter(Boolean);
    lines.push(`Role ${role.role.padEnd(13)} ${role.exists ? (can.length === 0 ? "no access" : can.join(", ")) : "does not exist"}${role.bypassesRls ? " (bypasses RLS)" : ""}`);
  }
  lines.push(`Connection:  ${report.connection.database}${report.connection.port === null ? "" : ` port ${report.connection.port}`}: ${report.connection.note}; Postgres ${report.serverVersion}`);
  for (const warning of report.warnings) lines.push(`warning: ${warning}`);
  for (const blocker of report.blockers) lines.push(`BLOCKER: ${blocker}`);
  lines.push(report.ok ? "Nothing blocks a sync." : `${report.blockers.length} problem(s) would block a sync.`);
  return `${lines.join("\n")}\n`;
}
