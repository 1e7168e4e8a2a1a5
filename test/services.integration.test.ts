import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../", import.meta.url));

describe.each(["trigger", "scraper", "loader", "notifier"])("the %s service", (service) => {
  it("starts, answers GET /healthz, logs JSON and stops cleanly on SIGTERM", async () => {
    const child = spawn(process.execPath, [`services/${service}/src/index.ts`], {
      cwd: root,
      env: { ...process.env, PORT: "0", LOG_LEVEL: "info" },
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
