import { describe, expect, it } from "vitest";
import { isSyncError } from "@crm-sync/errors";
import { jsonbLiteral, sqlLiteral } from "./sql-literal.ts";

describe("sqlLiteral", () => {
  it("doubles quotes and backslashes inside an E'' string", () => {
    expect(sqlLiteral("run-1")).toBe("E'run-1'");
    expect(sqlLiteral("O'Brien")).toBe("E'O''Brien'");
    expect(sqlLiteral("a\\'; drop table x; --")).toBe("E'a\\\\''; drop table x; --'");
  });

  it("refuses NUL, which Postgres text cannot hold", () => {
    let caught: unknown;
    try {
      sqlLiteral("a\u0000b");
    } catch (error) {
      caught = error;
    }
    expect(isSyncError(caught) && caught.code).toBe("DB_ERROR");
  });

  it("writes JSON as a jsonb literal", () => {
    expect(jsonbLiteral({ name: "it's" })).toBe(`E'{"name":"it''s"}'::jsonb`);
  });
});
