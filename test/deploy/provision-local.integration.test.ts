import { spawn } from "node:child_process";
import { join } from "node:path";
import { Storage } from "@google-cloud/storage";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPubSubClient, DEAD_LETTER_SUBSCRIPTION, pushPath, SERVICE_SUBSCRIPTIONS, serviceSubscriptionSpecs, type ServiceName } from "@crm-sync/bus";
import { ALL_TOPICS, DEAD_LETTER_TOPIC } from "@crm-sync/contracts";
import { listen, type RunningServer } from "@crm-sync/server";
import { gate, pubsubEmulatorMissing, startGcsTestServer, startPubSubEmulator, waitFor, type GcsTestServer, type PubSubEmulator } from "@crm-sync/testing";
import { ACK_DEADLINE_SECONDS, ownerOf, SERVICES } from "../../infra/model/topology.ts";
import { ROOT } from "./compose-file.ts";

const BUCKET = "crm-sync-exports-test";

/** Runs `node infra/provision-local.ts` the way the compose init does. */
async function provision(env: Record<string, string>): Promise<{ code: number | null; lines: Array<Record<string, unknown>>; stderr: string }> {
  const child = spawn(process.execPath, [join(ROOT, "infra/provision-local.ts")], {
    cwd: ROOT,
    env: { PATH: process.env["PATH"] ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  return { code, stderr, lines: output.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe.skipIf(gate("Pub/Sub emulator", pubsubEmulatorMissing()))("infra/provision-local.ts (the compose init) on the emulator", () => {
  let emulator: PubSubEmulator;
  let gcs: GcsTestServer;
  const targets = new Map<ServiceName, RunningServer>();
  /** `<service> <path>` of every push received. */
  const received = new Set<string>();
  let env: Record<string, string>;

  beforeAll(async () => {
    emulator = await startPubSubEmulator();
    gcs = await startGcsTestServer();
    // One stand-in per service, answering 204 to every push like a handler that succeeded.
    for (const service of SERVICES) {
      const app = express();
      app.post(/.*/, (req, res) => {
        received.add(`${service} ${req.path}`);
        res.status(204).end();
      });
      targets.set(service, await listen(app, 0));
    }
    env = {
      PUBSUB_EMULATOR_HOST: emulator.host,
      GOOGLE_CLOUD_PROJECT: emulator.projectId,
      MAX_DELIVERY_ATTEMPTS: "5",
      PUSH_TARGETS: SERVICES.map((s) => `${s}=${targets.get(s)?.url}`).join(","),
      BLOB_URL: `gs://${BUCKET}`,
      GCS_API_ENDPOINT: gcs.url,
      LOG_LEVEL: "info",
    };
  });

  afterAll(async () => {
    for (const server of targets.values()) await server.close(1000);
    await gcs?.stop();
    await emulator?.stop();
  });

  it("creates every topic, push subscription and the bucket, and a second run changes nothing", async () => {
    const firstRun = await provision(env);
    expect(firstRun.code, firstRun.stderr).toBe(0);
    expect(firstRun.lines.find((l) => l["message"] === "bucket ready")).toMatchObject({ bucket: BUCKET, outcome: "created" });
    const secondRun = await provision(env);
    expect(secondRun.code).toBe(0);
    expect(secondRun.lines.find((l) => l["message"] === "bucket ready")).toMatchObject({ outcome: "existed" });

    const client = createPubSubClient({ projectId: emulator.projectId, emulatorHost: emulator.host });
    try {
      const [topics] = await client.getTopics();
      expect(topics.map((t) => t.name.split("/").pop()).sort()).toEqual([...ALL_TOPICS, DEAD_LETTER_TOPIC].sort());
      const [subscriptions] = await client.getSubscriptions();
      expect(subscriptions.map((s) => s.name.split("/").pop()).sort()).toEqual(serviceSubscriptionSpecs().map((s) => s.name).sort());
      for (const spec of serviceSubscriptionSpecs()) {
        const [metadata] = await client.subscription(spec.name).getMetadata();
        const owner = ownerOf(spec);
        expect(metadata.pushConfig?.pushEndpoint, spec.name).toBe(`${targets.get(owner)?.url}${pushPath(spec.topic)}`);
        expect(metadata.ackDeadlineSeconds, spec.name).toBe(ACK_DEADLINE_SECONDS[owner]);
        if (spec.name === DEAD_LETTER_SUBSCRIPTION) expect(metadata.deadLetterPolicy ?? null).toBeNull();
        else expect(metadata.deadLetterPolicy).toMatchObject({ deadLetterTopic: `projects/${emulator.projectId}/topics/${DEAD_LETTER_TOPIC}`, maxDeliveryAttempts: 5 });
      }
    } finally {
      await client.close();
    }

    const storage = new Storage({ apiEndpoint: gcs.url, projectId: emulator.projectId });
    const [exists] = await storage.bucket(BUCKET).exists();
    expect(exists).toBe(true);
  });

  it("delivers a message on every topic to each consuming service at POST /pubsub/<topic>", async () => {
    const client = createPubSubClient({ projectId: emulator.projectId, emulatorHost: emulator.host });
    try {
      for (const topic of [...ALL_TOPICS, DEAD_LETTER_TOPIC]) await client.topic(topic).publishMessage({ data: Buffer.from("{}") });
      const expected = Object.entries(SERVICE_SUBSCRIPTIONS).flatMap(([service, topics]) => topics.map((topic) => `${service} ${pushPath(topic)}`));
      await waitFor(() => expected.every((push) => received.has(push)), { timeoutMs: 30_000, intervalMs: 100, what: "a push to every subscription" });
      expect([...received].sort()).toEqual(expected.sort());
    } finally {
      await client.close();
    }
  });

  it("refuses to start without an emulator host, so it can never provision a real project", async () => {
    const { PUBSUB_EMULATOR_HOST: _host, ...withoutEmulator } = env;
    const run = await provision(withoutEmulator);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("PUBSUB_EMULATOR_HOST: required but not set");
    expect(run.lines).toEqual([]);
  });
});
