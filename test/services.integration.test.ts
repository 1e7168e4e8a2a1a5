import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "crm-sync-services-"));

// The least each service needs to start in local push mode against the emulator (which signs
// nothing, so the push check is off); nothing here is contacted before a message arrives.
const LOCAL_PUSH = { PUBSUB_VERIFY_OIDC: "false", PUBSUB_EMULATOR_HOST: process.env["PUBSUB_EMULATOR_HOST"] ?? "127.0.0.1:9" };
const SERVICE_ENV: Record<string, Record<string, string>> = {
  trigger: { DATABASE_URL: "pglite://memory", API_TOKENS: "smoke-test-token-0123456789" },
  scraper: { QASHIER_URL: "http://127.0.0.1:9/", QASHIER_USERNAME: "smoke", QASHIER_PASSWORD: "smoke-password", BLOB_URL: `file://${scratch}/blobs` },
  loader: { DATABASE_URL: "pglite://memory", BLOB_URL: `file://${scratch}/blobs` },
  notifier: { DATABASE_URL: "pglite://memory", OUTBOX_DIR: join(scratch, "outbox") },
};

describe.each(["trigger", "scraper", "loader", "notifier"])("the %s service", (service) => {
  it("starts, answers GET /healthz, logs JSON and stops cleanly on SIGTERM", async () => {
    const child = spawn(process.execPath, [`services/${service}/src/index.ts`], {
      cwd: root,
      env: { ...process.env, PORT: "0", LOG_LEVEL: "info", ...LOCAL_PUSH, ...SERVICE_ENV[service] },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const lines: Record<string, unknown>[] = [];
    const listening = new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).on("line", (line) => {
        const record = JSON.parse(line) as Record<string, unknown>;
        lines.push(record);
        if (record["message"] === "listening") resolve(String(record["url"]));
      });
      child.once("exit", (code) => reject(new Error(`${service} exited early with ${code}`)));
    });
    const url = await listening;
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ service, ok: true });
    // "close" (not "exit") fires once stdout is drained, so the last log line has been read.
    const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(lines.at(-1)).toMatchObject({ severity: "INFO", service, message: "stopped" });
    expect(lines.every((line) => typeof line["severity"] === "string")).toBe(true);
  });
});

describe.each(["trigger", "scraper", "loader", "notifier"])("the %s service", (service) => {
  it("refuses to start with the push check off outside the emulator", async () => {
    const { PUBSUB_EMULATOR_HOST: _emulator, ...withoutEmulator } = process.env;
    const child = spawn(process.execPath, [`services/${service}/src/index.ts`], {
      cwd: root,
      env: { ...withoutEmulator, PORT: "0", LOG_LEVEL: "info", PUBSUB_VERIFY_OIDC: "false", ...SERVICE_ENV[service] },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
    expect(code).not.toBe(0);
    expect(stderr).toContain("PUBSUB_VERIFY_OIDC: may be false only with PUBSUB_EMULATOR_HOST set");
  });
});
