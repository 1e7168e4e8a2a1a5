import { describe, expect, it } from "vitest";
import { connectionMode } from "./connection-mode.ts";

describe("connectionMode", () => {
  it("turns prepared statements off behind Supabase's transaction pooler (port 6543)", () => {
    const mode = connectionMode("postgres://postgres.ref:secret@aws-0-ap-southeast-1.pooler.supabase.com:6543/postgres");
    expect(mode).toMatchObject({ database: "postgres", transactionPooler: true, preparedStatements: false, port: "6543" });
    expect(JSON.stringify(mode)).not.toContain("secret");
  });

  it("keeps them on for the session pooler and direct connections, and names which", () => {
    expect(connectionMode("postgres://u:p@aws-0-x.pooler.supabase.com:5432/postgres")).toMatchObject({ preparedStatements: true, note: expect.stringContaining("session pooler") });
    expect(connectionMode("postgres://u@127.0.0.1/db")).toMatchObject({ preparedStatements: true, port: "5432", note: expect.stringContaining("direct") });
  });

  it("takes ?pgbouncer=true as a transaction pooler on any port", () => {
    expect(connectionMode("postgres://u@db.example:5433/db?pgbouncer=true")).toMatchObject({ transactionPooler: true, preparedStatements: false });
  });

  it("describes PGlite as embedded", () => {
    expect(connectionMode("pglite://memory")).toMatchObject({ database: "pglite", port: null });
  });
});
