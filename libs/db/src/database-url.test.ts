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

  it.each([
    ["client_encoding as a parameter", "?client_encoding=SJIS", "client_encoding"],
    ["client_encoding through options", "?options=-c%20client_encoding%3DSJIS", "client_encoding"],
    ["a dashed name through options", "?options=--client-encoding%3DSJIS", "client_encoding"],
    ["backslash_quote through options", "?options=-c%20backslash_quote%3Don", "backslash_quote"],
    ["standard_conforming_strings", "?standard_conforming_strings=off", "standard_conforming_strings"],
    ["a timeout", "?statement_timeout=0", "statement_timeout"],
    ["idle_in_transaction_session_timeout through options", "?options=-c%20IDLE_IN_TRANSACTION_SESSION_TIMEOUT%3D0", "idle_in_transaction_session_timeout"],
  ])("refuses a URL that sets %s, naming the setting but not the URL", (_label, query, name) => {
    const url = `postgres://u:hunter2@db.example.test:5432/postgres${query}`;
    expect(() => parseDatabaseUrl(url, "/")).toThrow(expect.objectContaining({ code: "DB_ERROR", message: expect.stringContaining(name) }));
    expect(() => parseDatabaseUrl(url, "/")).not.toThrow(/hunter2/);
  });

  it("keeps other start-up options, such as a search path", () => {
    const url = "postgres://u:p@db.example.test:5432/postgres?options=-c%20search_path%3Dpublic&application_name=crm";
    const target = parseDatabaseUrl(url, "/");
    expect(target.kind === "postgres" && new URL(target.url).searchParams.get("options")).toBe("-c search_path=public");
  });

  it("rejects other schemes and an empty pglite location without echoing the URL", () => {
    expect(() => parseDatabaseUrl("mysql://u:hunter2@db.example.test/x", "/")).toThrow(/postgres:\/\//);
    expect(() => parseDatabaseUrl("mysql://u:hunter2@db.example.test/x", "/")).not.toThrow(/hunter2/);
    expect(() => parseDatabaseUrl("pglite://", "/")).toThrow(/memory/);
  });
});
