import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./compose-file.ts";

// infra/README.md's "What the script creates" table is prose a person keeps; deploy.sh is generated
// from the model and checked against it elsewhere. Counting what the script really creates keeps
// the table (and the cost estimate built on it) from drifting when a topic or secret is added.
const script = readFileSync(join(ROOT, "infra/deploy.sh"), "utf8");
const readme = readFileSync(join(ROOT, "infra/README.md"), "utf8");

const lines = (pattern: RegExp) => script.split("\n").filter((line) => pattern.test(line));
const names = (pattern: RegExp) => [...new Set(script.split("\n").flatMap((line) => pattern.exec(line)?.[1] ?? []))];
const tableRow = (label: string) => readme.split("\n").find((line) => line.startsWith(`| ${label} |`)) ?? "";

describe("infra/README.md's inventory of what deploy.sh creates", () => {
  it("names every Cloud Run service the script deploys", () => {
    const services = names(/^gcloud run deploy (\S+)/);
    expect(services.length).toBeGreaterThan(0);
    expect(tableRow("Cloud Run services")).toContain(`| ${services.length}: `);
    for (const service of services) expect(tableRow("Cloud Run services")).toContain(service.replace("crm-sync-", ""));
  });

  it("counts the topics and push subscriptions the script creates", () => {
    const topics = lines(/^ensure_topic \S+/).length;
    const subscriptions = lines(/^ensure_subscription \S+/).length;
    // The dead-letter topic is counted apart from the pipeline's topics.
    expect(tableRow("Pub/Sub")).toContain(`the pipeline's ${topics - 1} topics and the dead-letter topic`);
    expect(tableRow("Pub/Sub")).toContain(`(${subscriptions})`);
  });

  it("lists exactly the secrets the script stores, and the cost line counts them", () => {
    const secrets = names(/^ensure_secret (\S+)/);
    const row = tableRow("Secret Manager secrets");
    expect(row).toContain(`| ${secrets.length} (`);
    expect([...row.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]).sort()).toEqual([...secrets].sort());
    expect(tableRow("Secret Manager")).toContain(`| ${secrets.length} active versions;`);
  });

  it("counts the Cloud Scheduler jobs the script creates", () => {
    const jobs = names(/gcloud scheduler jobs create \S+ (\S+)/);
    expect(tableRow("Cloud Scheduler jobs")).toContain(`| ${jobs.length} |`);
    expect(tableRow("Cloud Scheduler")).toContain(`| ${jobs.length} jobs |`);
  });
});
