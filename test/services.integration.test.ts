import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "crm-sync-services-"));

// The least each service needs to start in local push mode; nothing here is contacted before a message arrives.
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
      env: { ...process.env, PORT: "0", LOG_LEVEL: "info", PUBSUB_VERIFY_OIDC: "false", ...SERVICE_ENV[service] },
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
