import { Writable } from "node:stream";
import { context, trace, type SpanContext } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { describe, expect, it } from "vitest";
import { createLogger, forRun } from "./index.ts";

function captureLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      callback();
    },
  });
  const logger = createLogger({ service: "test", level: "debug", projectId: "crm-sync-test", destination });
  return { logger, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe("createLogger", () => {
  it("writes one JSON line with severity, message, service and runId", () => {
    const { logger, records } = captureLogger();
    forRun(logger, "run-123").warn({ stage: "scraping" }, "portal slow");
    expect(records()).toEqual([
      expect.objectContaining({ severity: "WARNING", message: "portal slow", service: "test", runId: "run-123", stage: "scraping" }),
    ]);
  });

  it("never lets a password, bearer token, phone number or email address reach the output", () => {
    const { logger, lines } = captureLogger();
    const secrets = ["hunter2-Sup3r", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig", "abc.def-token", "0812345678", "+66 81 234 5678", "somchai.k@example.com"];
    logger.info({ password: "hunter2-Sup3r", headers: { authorization: "Bearer abc.def-token" } }, "login attempt");
    logger.info({ row: { contactNumber: "0812345678", email: "somchai.k@example.com" } }, "row");
    logger.info("customer 0812345678 <somchai.k@example.com> saved with password=hunter2-Sup3r");
    logger.warn({ note: "call +66 81 234 5678 or send token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig" }, "free text");
    logger.error({ err: new Error("insert failed for somchai.k@example.com phone 0812345678", { cause: new Error("Bearer abc.def-token") }) }, "failed");
    expect(lines).toHaveLength(5);
    const output = lines.join("\n");
    for (const secret of secrets) expect(output).not.toContain(secret);
    expect(output).toContain("[redacted]");
    expect(output).toContain("[phone]");
    expect(output).toContain("[email]");
  });

  it("logs an error's type, code, message and cause, scrubbed", () => {
    const { logger, records } = captureLogger();
    const failure = Object.assign(new Error("login refused for 0812345678", { cause: new Error("HTTP 401") }), { code: "PORTAL_AUTH_FAILED" });
    logger.error({ err: failure }, "scrape failed");
    expect(records()[0]).toMatchObject({ err: { type: "Error", code: "PORTAL_AUTH_FAILED", message: "login refused for [phone]", cause: { message: "HTTP 401" } } });
  });

  it("withholds the text of a raw database or CSV parser error and keeps its code, names and position", () => {
    const { logger, lines, records } = captureLogger();
    const server = Object.assign(new Error('invalid input syntax for type date: "Quincey Vandermeer"'), {
      name: "PostgresError",
      code: "22007",
      severity: "ERROR",
      detail: "Key (customer_key)=(name:Quincey Vandermeer|2022-01-01) already exists.",
      table_name: "loader_staging",
      routine: "DateTimeParseError",
    });
    const parser = Object.assign(new Error('Invalid Opening Quote: a quote is found on field 1 at line 3, value is "Quincey "'), {
      name: "CsvError",
      code: "INVALID_OPENING_QUOTE",
      lines: 3,
      records: 2,
      index: 1,
      field: "Quincey ",
    });
    logger.error({ err: new Error("load failed", { cause: server }) }, "load failed");
    logger.error({ err: parser }, "parse failed");
    expect(lines.join("\n")).not.toContain("Quincey");
    expect(records()[0]).toMatchObject({ err: { cause: { type: "PostgresError", code: "22007", table_name: "loader_staging", routine: "DateTimeParseError" } } });
    expect(records()[1]).toMatchObject({ err: { type: "CsvError", code: "INVALID_OPENING_QUOTE", lines: 3, records: 2, index: 1 } });
  });

  it("keeps harmless numbers such as counts, ids and timestamps", () => {
    const { logger, records } = captureLogger();
    const eventId = "12345678-1234-4234-8234-123456789012";
    const at = "2026-11-26T19:21:28.000Z";
    logger.info({ rows: 100000, runId: "run-42", eventId, at }, "loaded 1000 rows in 1234 ms");
    expect(records()[0]).toMatchObject({ rows: 100000, runId: "run-42", eventId, at, message: "loaded 1000 rows in 1234 ms" });
  });

  it("keeps a Pub/Sub message id under its own key, and masks the same digits anywhere else", () => {
    const { logger, records } = captureLogger();
    logger.warn({ messageId: "17293847561234", note: "from 17293847561234", messageIdText: "17293847561234" }, "dead-lettered");
    expect(records()[0]).toMatchObject({ messageId: "17293847561234", note: "from [phone]", messageIdText: "[phone]" });
  });

  it("adds the Cloud Logging trace fields when a span is active", () => {
    const { logger, records } = captureLogger();
    const spanContext: SpanContext = { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: 1 };
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    try {
      context.with(trace.setSpanContext(context.active(), spanContext), () => logger.info("inside span"));
    } finally {
      context.disable();
    }
    expect(records()[0]).toMatchObject({
      traceId: "0af7651916cd43dd8448eb211c80319c",
      "logging.googleapis.com/trace": "projects/crm-sync-test/traces/0af7651916cd43dd8448eb211c80319c",
      "logging.googleapis.com/spanId": "b7ad6b7169203331",
    });
  });
});
