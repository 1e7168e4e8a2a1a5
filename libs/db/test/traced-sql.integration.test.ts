import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { currentTraceId, startTelemetry, withSpan, type StopTelemetry } from "@crm-sync/telemetry";
import { createTestDatabase, gate, postgresMissing, startOtlpReceiver, waitFor, type OtlpReceiver, type TestDatabase } from "@crm-sync/testing";
import { inTransaction, openDatabase, type Database } from "../src/index.ts";

const postgresSkipped = gate("Postgres", await postgresMissing());
// Synthetic values a span must never carry.
const NAME = "Quincey Vandermeer";
const PHONE = "0812345678";
const CLIENT = 3;

describe.skipIf(postgresSkipped)("Postgres spans around every statement (postgres.js, real Postgres)", () => {
  let testDb: TestDatabase;
  let db: Database;
  let receiver: OtlpReceiver;
  let stop: StopTelemetry;

  beforeAll(async () => {
    vi.stubEnv("OTEL_BSP_SCHEDULE_DELAY", "100");
    receiver = await startOtlpReceiver();
    stop = await startTelemetry({ serviceName: "db-test", otlpEndpoint: receiver.url });
    testDb = await createTestDatabase("traced_sql");
    db = await openDatabase(testDb.url, { max: 2 });
    await db.sql.unsafe("create table people (id serial primary key, customer_name text unique, contact_number text)");
  });

  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
    await stop?.();
    await receiver?.stop();
    vi.unstubAllEnvs();
  });

  /** Runs `work` in a fresh trace and returns the Postgres spans exported for it, once `count` have arrived. */
  async function spansOf(count: number, work: () => Promise<unknown>) {
    const traceId = await withSpan("test", {}, async () => {
      await work().catch(() => {});
      return currentTraceId();
    });
    return await waitFor(
      () => {
        const spans = receiver.spans.filter((s) => s.traceId === traceId && s.attributes["db.system.name"] === "postgresql");
        return spans.length >= count ? spans : undefined;
      },
      { what: `${count} Postgres spans`, timeoutMs: 15_000 },
    );
  }

  it("names a template statement by operation and table, keeps its text with placeholders, and never its values", async () => {
    const spans = await spansOf(2, async () => {
      await db.sql`insert into people (customer_name, contact_number) values (${NAME}, ${PHONE})`;
      const rows = await db.sql`select customer_name from people where contact_number = ${PHONE}`;
      expect(rows[0]?.["customer_name"]).toBe(NAME);
    });
    const test = receiver.spans.find((s) => s.name === "test" && s.traceId === spans[0]?.traceId);
    expect(spans.map((s) => s.name).sort()).toEqual(["INSERT people", "SELECT people"]);
    expect(spans.every((s) => s.kind === CLIENT && s.parentSpanId === test?.spanId)).toBe(true);
    expect(spans.find((s) => s.name === "SELECT people")?.attributes).toMatchObject({
      "db.operation.name": "SELECT",
      "db.collection.name": "people",
      "db.query.text": "select customer_name from people where contact_number = ?",
    });
    expect(JSON.stringify(spans)).not.toMatch(/Quincey|0812345678/);
  });

  it("keeps no text of an unsafe statement (it may hold literals), only what it does", async () => {
    const [span] = await spansOf(1, () => db.sql.unsafe(`update people set contact_number = '0899999999' where customer_name = 'Someone Else'`));
    expect(span).toMatchObject({ name: "UPDATE people", attributes: { "db.operation.name": "UPDATE" } });
    expect(span?.attributes["db.query.text"]).toBeUndefined();
    expect(JSON.stringify(span)).not.toMatch(/0899999999|Someone/);
  });

  it("marks a failed statement with its SQLSTATE and none of the key the server quoted", async () => {
    const [span] = await spansOf(1, async () => {
      await expect(db.sql`insert into people (customer_name) values (${NAME})`).rejects.toMatchObject({ code: "23505" });
    });
    expect(span?.attributes).toMatchObject({ "db.response.status_code": "23505", "error.type": "23505" });
    expect(JSON.stringify(span)).not.toMatch(/Quincey|0812345678/);
  });

  it("traces the statements of a transaction on a reserved connection, BEGIN and COMMIT included", async () => {
    const spans = await spansOf(3, () => inTransaction(db.sql, "", async (tx) => tx`select count(*) from people`));
    expect(spans.map((s) => s.name)).toEqual(expect.arrayContaining(["BEGIN", "SELECT people", "COMMIT"]));
  });

  it("sends a statement once however often it is awaited, and a fragment inside it gets no span of its own", async () => {
    const spans = await spansOf(1, async () => {
      const where = db.sql`where customer_name = ${NAME}`;
      const query = db.sql`select id from people ${where}`.values();
      const [first, second] = [await query, await query];
      expect(first).toEqual(second);
      expect(first).toHaveLength(1);
    });
    // Give a second span, were there one, the same time to arrive as the first.
    await withSpan("later", {}, () => undefined);
    await waitFor(() => receiver.spans.some((s) => s.name === "later") || undefined, { what: "a later export" });
    expect(receiver.spans.filter((s) => s.traceId === spans[0]?.traceId && s.attributes["db.system.name"] === "postgresql")).toHaveLength(1);
    expect(spans[0]?.name).toBe("SELECT people");
  });
});
