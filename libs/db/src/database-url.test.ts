import { describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "./database-url.ts";

describe("parseDatabaseUrl", () => {
  it("reads pglite memory, absolute and relative directories", () => {
    expect(parseDatabaseUrl("pglite://memory", "/srv")).toEqual({ kind: "pglite", dataDir: undefined });
    expect(parseDatabaseUrl("pglite:///var/lib/crm", "/srv")).toEqual({ kind: "pglite", dataDir: "/var/lib/crm" });
    expect(parseDatabaseUrl("pglite://data/crm", "/srv")).toEqual({ kind: "pglite", dataDir: "/srv/data/crm" });
  });

  it("spots the Supabase transaction pooler by port or by the pgbouncer hint, and drops the hint", () => {
    expect(parseDatabaseUrl("postgres://u:p@aws-0.pooler.supabase.com:6543/postgres", "/")).toMatchObject({ transactionPooler: true });
    const hinted = parseDatabaseUrl("postgresql://u:p@db.example.test:5432/postgres?pgbouncer=true&sslmode=require", "/");
    expect(hinted).toEqual({ kind: "postgres", url: "postgresql://u:p@db.example.test:5432/postgres?sslmode=require", transactionPooler: true });
    expect(parseDatabaseUrl("postgres://u:p@db.example.test:5432/postgres", "/")).toMatchObject({ transactionPooler: false });
  });

  it("rejects other schemes and an empty pglite location without echoing the URL", () => {
    expect(() => parseDatabaseUrl("mysql://u:hunter2@db.example.test/x", "/")).toThrow(/postgres:\/\//);
    expect(() => parseDatabaseUrl("mysql://u:hunter2@db.example.test/x", "/")).not.toThrow(/hunter2/);
    expect(() => parseDatabaseUrl("pglite://", "/")).toThrow(/memory/);
  });
});
