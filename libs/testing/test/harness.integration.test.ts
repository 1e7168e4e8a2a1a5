import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { PubSub } from "@google-cloud/pubsub";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  chromiumMissing,
  createTestDatabase,
  gate,
  launchChromium,
  openPglite,
  POSTGRES_ADMIN_URL,
  postgresMissing,
  pubsubEmulatorMissing,
  startPubSubEmulator,
  type PubSubEmulator,
} from "../src/index.ts";

describe.skipIf(gate("Pub/Sub emulator", pubsubEmulatorMissing()))("Pub/Sub emulator harness", () => {
  let emulator: PubSubEmulator;
  beforeAll(async () => {
    emulator = await startPubSubEmulator();
    // A suite always gets a project of its own, shared emulator or not.
    expect(emulator.projectId).toMatch(/^crm-sync-[0-9a-f]{8}$/);
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  it("starts the real emulator and carries a message from publish to pull with its attributes", async () => {
    const pubsub = new PubSub({ projectId: emulator.projectId, apiEndpoint: emulator.host, emulatorMode: true });
    const [topic] = await pubsub.createTopic("harness-topic");
    const [subscription] = await topic.createSubscription("harness-sub");
    await topic.publishMessage({ json: { hello: "emulator" }, attributes: { runId: "run-1" } });
    const received = await new Promise<{ data: string; runId: string | undefined }>((resolve, reject) => {
      subscription.on("message", (message) => {
        message.ack();
        resolve({ data: message.data.toString(), runId: message.attributes["runId"] });
      });
      subscription.on("error", reject);
    });
    await subscription.close();
    await pubsub.close();
    expect(received).toEqual({ data: JSON.stringify({ hello: "emulator" }), runId: "run-1" });
  });
});

describe.skipIf(gate("Postgres", await postgresMissing()))("Postgres harness", () => {
  it("creates a fresh database, uses it, and drops it", async () => {
    const database = await createTestDatabase();
    const sql = postgres(database.url, { max: 1, onnotice: () => {} });
    await sql`create table t (id int)`;
    await sql`insert into t values (1), (2)`;
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from t`;
    expect(row?.n).toBe(2);
    await sql.end();
    await database.drop();
    const admin = postgres(POSTGRES_ADMIN_URL, { max: 1 });
    const remaining = await admin`select 1 from pg_database where datname = ${database.name}`;
    await admin.end();
    expect(remaining).toHaveLength(0);
  });
});

describe("PGlite harness", () => {
  it("opens an in-memory Postgres", async () => {
    const db = await openPglite();
    const result = await db.query<{ v: string }>("select version() as v");
    await db.close();
    expect(result.rows[0]?.v).toMatch(/PostgreSQL/);
  });
});

describe.skipIf(gate("Chromium", chromiumMissing()))("Chromium harness", () => {
  it("launches Debian Chromium and renders a local page", async () => {
    const server = createServer((_req, res) => {
      res.setHeader("content-type", "text/html");
      res.end("<!doctype html><title>harness</title><button onclick=\"this.textContent='clicked'\">Press</button>");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.getByRole("button", { name: "Press" }).click();
      expect(await page.title()).toBe("harness");
      expect(await page.getByRole("button").textContent()).toBe("clicked");
    } finally {
      await browser.close();
      server.close();
    }
  });
});
