import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEAD_LETTER_SUBSCRIPTION, pushPath, serviceSubscriptionSpecs, type ServiceName } from "@crm-sync/bus";
import { parseEnv } from "@crm-sync/config";
import { artifactObjectName, exportObjectName } from "@crm-sync/scraper";
import { ALL_TOPICS, DEAD_LETTER_TOPIC, parseSyncRequested } from "@crm-sync/contracts";
import { parseVercelSyncEnv, VercelSyncEnv } from "../../libs/vercel-sync/src/env.ts";
import { envKeys } from "../../infra/model/env-keys.ts";
import { CLOUD_SERVICES } from "../../infra/model/cloud-services.ts";
import { SERVICE_ENV_SCHEMAS } from "../../infra/model/service-envs.ts";
import { ownerOf, SERVICES } from "../../infra/model/topology.ts";
import { renderDeployScript } from "../../infra/render/deploy-script.ts";
import { ROOT } from "./compose-file.ts";
import { callsOf, createFakeGcloud, FAKE_PROJECT_NUMBER, flagValue, type FakeGcloud, type GcloudCall } from "./fake-gcloud.ts";

const SCRIPT = join(ROOT, "infra/deploy.sh");
const PROJECT = "crm-sync-test";
const REGION = "asia-southeast1";

// Synthetic operator input; the secret values are sentinels that must never be printed.
const SETTINGS = {
  PROJECT,
  QASHIER_URL: "https://portal.example.test",
  QASHIER_USERNAME: "robot@example.test",
  ALERT_TO: "oncall@example.test",
  ALERT_FROM: "crm-sync@example.test",
  IMAGE_TAG: "test123",
};
const SECRET_VALUES = {
  QASHIER_PASSWORD: "sentinel-portal-password",
  DATABASE_URL: "postgres://postgres.sentinelref:sentinel-db-password@aws-0-ap-southeast-1.pooler.supabase.com:6543/postgres",
  SMTP_URL: "smtps://alerts:sentinel-smtp-password@smtp.example.test:465",
  API_TOKENS: "vercel:sentinel-api-token-0001-abcdefghij,staff:sentinel-api-token-0002-abcdefghij",
  API_APPROVER_TOKENS: "oncall:sentinel-approver-token-0001-abcdefghij",
  CHAT_WEBHOOK_URL: "https://chat.googleapis.com/v1/spaces/AAAAsentinel/messages?key=sentinel-chat-key&token=sentinel-chat-token",
};

const runUrl = (service: ServiceName) => `https://crm-sync-${service}-${FAKE_PROJECT_NUMBER}.${REGION}.run.app`;
const serviceAccount = (id: string) => `${id}@${PROJECT}.iam.gserviceaccount.com`;
const PUSH_SA = serviceAccount("crm-sync-pubsub-push");
const SCHEDULER_SA = serviceAccount("crm-sync-scheduler");

/** `--set-env-vars=^|^A=1|B=2` → { A: "1", B: "2" }. */
function envVars(call: GcloudCall): Record<string, string> {
  const raw = flagValue(call, "set-env-vars") ?? "";
  expect(raw.startsWith("^|^")).toBe(true);
  return Object.fromEntries(raw.slice(3).split("|").map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]));
}

/** `--set-secrets=A=A:latest,B=B:latest` → { A: "A", B: "B" } (variable → secret). */
function secretRefs(call: GcloudCall): Record<string, string> {
  const raw = flagValue(call, "set-secrets") ?? "";
  return Object.fromEntries(raw.split(",").filter((p) => p !== "").map((pair) => {
    const [variable = "", ref = ""] = pair.split("=");
    return [variable, ref.replace(/:latest$/, "")];
  }));
}

/** Topics a service's source publishes: `makeEvent("<topic>"` and `publish("<topic>"`. */
function publishedInSource(service: ServiceName): Set<string> {
  const topics = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith(".ts") && !entry.endsWith(".test.ts")) {
        for (const match of readFileSync(path, "utf8").matchAll(/(?:makeEvent|publish)\(\s*"([a-z-]+)"/g)) topics.add(match[1] ?? "");
      }
    }
  };
  walk(join(ROOT, "services", service, "src"));
  return topics;
}

describe("infra/deploy.sh", () => {
  it("is exactly what infra/generate.ts renders from the code (run `npm run infra:generate`)", () => {
    expect(readFileSync(SCRIPT, "utf8")).toBe(renderDeployScript());
  });

  it("is valid bash and executable", () => {
    execFileSync("bash", ["-n", SCRIPT]);
    expect(statSync(SCRIPT).mode & 0o111).not.toBe(0);
  });

  it("names every topic and subscription the bus defines", () => {
    const text = readFileSync(SCRIPT, "utf8");
    for (const topic of [...ALL_TOPICS, DEAD_LETTER_TOPIC]) expect(text).toContain(`ensure_topic ${topic}\n`);
    for (const spec of serviceSubscriptionSpecs()) {
      expect(text).toContain(`ensure_subscription ${spec.name} ${spec.topic} \\`);
      expect(text).toContain(`--push-endpoint="\${${ownerOf(spec).toUpperCase()}_URL}${pushPath(spec.topic)}"`);
    }
  });

  describe("run against a fake gcloud", () => {
    let gcloud: FakeGcloud;
    let first: { code: number | null; output: string; calls: GcloudCall[] };
    let second: { code: number | null; output: string; calls: GcloudCall[] };

    beforeAll(async () => {
      gcloud = createFakeGcloud();
      const run1 = await gcloud.runDeploy(SCRIPT, { ...SETTINGS, ...SECRET_VALUES });
      first = { ...run1, calls: gcloud.calls() };
      // Again on the now "existing" project, secrets not passed this time: everything is updated in place.
      const run2 = await gcloud.runDeploy(SCRIPT, SETTINGS);
      second = { ...run2, calls: gcloud.calls() };
    });

    afterAll(() => rmSync(gcloud.dir, { recursive: true, force: true }));

    it("completes on an empty project, and again on the project it created", () => {
      expect(first.code, first.output).toBe(0);
      expect(second.code, second.output).toBe(0);
    });

    it("never prints or passes a secret value as an argument", () => {
      for (const value of Object.values(SECRET_VALUES)) {
        expect(first.output + second.output).not.toContain(value);
        expect([...first.calls, ...second.calls].filter((c) => c.args.some((a) => a.includes(value)))).toEqual([]);
      }
    });

    it("stores each secret once and leaves unchanged ones alone on the second run", () => {
      const added = callsOf(first.calls, "secrets", "versions", "add").map((c) => [c.args[3], c.stdin]);
      expect(Object.fromEntries(added)).toMatchObject(SECRET_VALUES);
      expect(callsOf(second.calls, "secrets", "versions", "add")).toEqual([]);
    });

    it("creates on the first run and only updates on the second", () => {
      const creates = (calls: GcloudCall[]) => calls.filter((c) => c.args.includes("create") && c.args[0] !== "beta");
      expect(creates(first.calls).length).toBeGreaterThan(0);
      expect(creates(second.calls)).toEqual([]);
      expect(callsOf(second.calls, "pubsub", "subscriptions", "update")).toHaveLength(serviceSubscriptionSpecs().length);
    });

    /** The lifecycle rules as `{ prefix: age }`, from the one bucket update of a run. */
    function retention(calls: GcloudCall[]): Record<string, number> {
      const updates = callsOf(calls, "storage", "buckets", "update");
      expect(updates).toHaveLength(1);
      expect(updates[0]?.args[3]).toBe(`gs://${PROJECT}-crm-sync-exports`);
      const lifecycle = JSON.parse(updates[0]?.files["lifecycle-file"] ?? "null") as { rule: Array<{ action: { type: string }; condition: { age: number; matchesPrefix: string[] } }> };
      expect(lifecycle.rule.every((r) => r.action.type === "Delete" && r.condition.matchesPrefix.length === 1)).toBe(true);
      return Object.fromEntries(lifecycle.rule.map((r) => [r.condition.matchesPrefix[0], r.condition.age]));
    }

    it("deletes exports after 90 days and failure evidence after 30 by default, on every run", () => {
      expect(retention(first.calls)).toEqual({ "exports/": 90, "artifacts/": 30 });
      expect(retention(second.calls)).toEqual({ "exports/": 90, "artifacts/": 30 });
      // The rules cover the names the scraper writes.
      expect(exportObjectName("run-1", new Date("2026-01-02T00:00:00Z")).startsWith("exports/")).toBe(true);
      expect(artifactObjectName("run-1", 1, "trace.zip").startsWith("artifacts/")).toBe(true);
      // The temporary lifecycle file is removed.
      const file = flagValue(callsOf(first.calls, "storage", "buckets", "update")[0]!, "lifecycle-file") ?? "";
      expect(file).not.toBe("");
      expect(existsSync(file)).toBe(false);
    });

    it("keeps each image's five newest versions and deletes older ones after 30 days, on every run", () => {
      for (const run of [first, second]) {
        const [set, ...more] = callsOf(run.calls, "artifacts", "repositories", "set-cleanup-policies");
        expect(more).toEqual([]);
        expect(set?.args[3]).toBe("crm-sync");
        expect(flagValue(set!, "location")).toBe("asia-southeast1");
        // Without --no-dry-run, gcloud only reports what a policy would delete.
        expect(set?.args).toContain("--no-dry-run");
        const policies = JSON.parse(set?.files["policy"] ?? "null") as Array<Record<string, unknown>>;
        expect(policies).toEqual([
          { name: "keep-newest", action: { type: "Keep" }, mostRecentVersions: { keepCount: 5 } },
          { name: "delete-old", action: { type: "Delete" }, condition: { tagState: "any", olderThan: "30d" } },
        ]);
        expect(existsSync(flagValue(set!, "policy") ?? "")).toBe(false);
      }
    });

    it("takes the retention periods from the settings", async () => {
      const run = await gcloud.runDeploy(SCRIPT, { ...SETTINGS, EXPORTS_RETENTION_DAYS: "60", EVIDENCE_RETENTION_DAYS: "7" });
      expect(run.code, run.output).toBe(0);
      expect(retention(gcloud.calls())).toEqual({ "exports/": 60, "artifacts/": 7 });
    });

    it.each(["30d", "0", "thirty", "-5"])("refuses an evidence retention of %j before touching anything", async (days) => {
      const run = await gcloud.runDeploy(SCRIPT, { ...SETTINGS, EVIDENCE_RETENTION_DAYS: days });
      expect(run.code).not.toBe(0);
      expect(run.output).toContain("EVIDENCE_RETENTION_DAYS must be a whole number of days, at least 1");
      expect(gcloud.calls()).toEqual([]);
    });

    it("stops before touching anything when a setting is missing, and says which", async () => {
      const { QASHIER_URL: _left, ...withoutPortal } = SETTINGS;
      const run = await gcloud.runDeploy(SCRIPT, withoutPortal);
      expect(run.code).not.toBe(0);
      expect(run.output).toContain("QASHIER_URL: set QASHIER_URL: base URL of the Qashier portal");
      expect(gcloud.calls()).toEqual([]);
    });

    it("creates every topic, the dead-letter topic included", () => {
      const created = callsOf(first.calls, "pubsub", "topics", "create").map((c) => c.args[3]);
      expect(created.sort()).toEqual([...ALL_TOPICS, DEAD_LETTER_TOPIC].sort());
    });

    it.each(SERVICES)("deploys %s with every variable its Env schema requires, and the schema accepts them", (service) => {
      const deploy = callsOf(first.calls, "run", "deploy", `crm-sync-${service}`)[0];
      if (deploy === undefined) throw new Error(`no deploy of ${service}`);
      const env = envVars(deploy);
      const secrets = secretRefs(deploy);
      const { known, required } = envKeys(SERVICE_ENV_SCHEMAS[service]);
      const keys = [...Object.keys(env), ...Object.keys(secrets)];
      expect(required.filter((k) => !keys.includes(k)), "missing").toEqual([]);
      expect(keys.filter((k) => !known.includes(k)), "unknown").toEqual([]);
      const withSecrets = { ...env, ...Object.fromEntries(Object.entries(secrets).map(([k, s]) => [k, (SECRET_VALUES as Record<string, string>)[s] ?? "a-generated-token-0123456789"])) };
      const parsed = parseEnv(SERVICE_ENV_SCHEMAS[service], withSecrets) as Record<string, unknown>;
      expect(parsed).toMatchObject({
        PUBSUB_MODE: "push",
        PUBSUB_VERIFY_OIDC: true,
        PUBSUB_PUSH_AUDIENCE: runUrl(service),
        PUBSUB_PUSH_SERVICE_ACCOUNT: PUSH_SA,
        GOOGLE_CLOUD_PROJECT: PROJECT,
      });
      expect(flagValue(deploy, "service-account")).toBe(serviceAccount(`crm-sync-${service}`));
      expect(flagValue(deploy, "image")).toBe(`${REGION}-docker.pkg.dev/${PROJECT}/crm-sync/${service}:test123`);
    });

    it("points every service that can read the export store at the bucket, with read access at least", () => {
      const bucket = `${PROJECT}-crm-sync-exports`;
      for (const service of SERVICES) {
        if (!envKeys(SERVICE_ENV_SCHEMAS[service]).known.includes("BLOB_URL")) continue;
        const deploy = callsOf(first.calls, "run", "deploy", `crm-sync-${service}`)[0] ?? { args: [], files: {} };
        expect(envVars(deploy)["BLOB_URL"], service).toBe(`gs://${bucket}`);
        const roles = callsOf(first.calls, "storage", "buckets", "add-iam-policy-binding", `gs://${bucket}`)
          .filter((c) => flagValue(c, "member") === `serviceAccount:${serviceAccount(`crm-sync-${service}`)}`)
          .map((c) => flagValue(c, "role"));
        expect(roles.length, service).toBe(1);
        expect(["roles/storage.objectViewer", "roles/storage.objectAdmin"]).toContain(roles[0]);
      }
    });

    it("exports every service's spans to Cloud Trace's OTLP endpoint as its own account, under the project the alert emails link to", () => {
      expect(callsOf(first.calls, "services", "enable")[0]?.args).toEqual(expect.arrayContaining(["telemetry.googleapis.com", "cloudtrace.googleapis.com"]));
      const notifier = envVars(callsOf(first.calls, "run", "deploy", "crm-sync-notifier")[0] ?? { args: [], files: {} });
      expect(notifier["TRACE_URL_TEMPLATE"]).toBe(`https://console.cloud.google.com/traces/list?project=${PROJECT}&tid={traceId}`);
      for (const service of SERVICES) {
        const deploy = callsOf(first.calls, "run", "deploy", `crm-sync-${service}`)[0] ?? { args: [], files: {} };
        const parsed = parseEnv(SERVICE_ENV_SCHEMAS[service], { ...envVars(deploy), ...Object.fromEntries(Object.keys(secretRefs(deploy)).map((k) => [k, (SECRET_VALUES as Record<string, string>)[k] ?? "a-generated-token-0123456789"])) }) as Record<string, unknown>;
        // GOOGLE_CLOUD_PROJECT becomes the spans' gcp.project_id (libs/server), which files them in this project.
        expect(parsed, service).toMatchObject({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://telemetry.googleapis.com", OTLP_AUTH: "google", GOOGLE_CLOUD_PROJECT: PROJECT });
        const writer = callsOf(first.calls, "projects", "add-iam-policy-binding", PROJECT).filter(
          (c) => flagValue(c, "member") === `serviceAccount:${serviceAccount(`crm-sync-${service}`)}` && flagValue(c, "role") === "roles/telemetry.tracesWriter",
        );
        expect(writer, service).toHaveLength(1);
      }
    });

    it("gives each service's account exactly the secrets it mounts", () => {
      for (const service of SERVICES) {
        const deploy = callsOf(first.calls, "run", "deploy", `crm-sync-${service}`)[0];
        const granted = callsOf(first.calls, "secrets", "add-iam-policy-binding")
          .filter((c) => flagValue(c, "member") === `serviceAccount:${serviceAccount(`crm-sync-${service}`)}`)
          .map((c) => c.args[2]);
        expect(granted.sort(), service).toEqual(Object.values(secretRefs(deploy ?? { args: [], files: {} })).sort());
      }
    });

    it("lets each service publish to every topic its code publishes to", () => {
      for (const service of SERVICES) {
        const granted = callsOf(first.calls, "pubsub", "topics", "add-iam-policy-binding")
          .filter((c) => flagValue(c, "member") === `serviceAccount:${serviceAccount(`crm-sync-${service}`)}` && flagValue(c, "role") === "roles/pubsub.publisher")
          .map((c) => c.args[3]);
        for (const topic of publishedInSource(service)) expect(granted, `${service} publishes ${topic}`).toContain(topic);
      }
    });

    it("sends sync requests to the trigger alone, and hands runs to the scraper only through scrape-requested", () => {
      const created = callsOf(first.calls, "pubsub", "subscriptions", "create");
      expect(created.filter((c) => flagValue(c, "topic") === "sync-requested").map((c) => c.args[3])).toEqual(["trigger.sync-requested"]);
      expect(created.filter((c) => c.args[3]?.startsWith("scraper.")).map((c) => [c.args[3], flagValue(c, "topic")])).toEqual([["scraper.scrape-requested", "scrape-requested"]]);
      const publishers = (topic: string) =>
        callsOf(first.calls, "pubsub", "topics", "add-iam-policy-binding", topic)
          .filter((c) => flagValue(c, "role") === "roles/pubsub.publisher")
          .map((c) => flagValue(c, "member"));
      expect(publishers("scrape-requested")).toEqual([`serviceAccount:${serviceAccount("crm-sync-trigger")}`]);
      // The trigger records API requests itself; only Cloud Scheduler (and, with VERCEL_TEAM, the Vercel app) publish requests.
      expect(publishers("sync-requested")).not.toContain(`serviceAccount:${serviceAccount("crm-sync-trigger")}`);
    });

    it("deletes the scraper.sync-requested subscription of an earlier version, only where it exists", async () => {
      const retired = (calls: GcloudCall[]) => callsOf(calls, "pubsub", "subscriptions", "delete").map((c) => c.args[3]);
      expect(retired(first.calls)).toEqual([]);
      expect(retired(second.calls)).toEqual([]);
      // A project deployed by an earlier version still has the scraper's direct subscription.
      writeFileSync(join(gcloud.dir, "state", "pubsub_subscriptions_scraper.sync-requested"), "");
      const upgrade = await gcloud.runDeploy(SCRIPT, SETTINGS);
      expect(upgrade.code, upgrade.output).toBe(0);
      expect(retired(gcloud.calls())).toEqual(["scraper.sync-requested"]);
    });

    it("pushes every subscription to its service, signed for the audience and account that service checks", () => {
      const created = callsOf(first.calls, "pubsub", "subscriptions", "create");
      const deploys = Object.fromEntries(SERVICES.map((s) => [s, envVars(callsOf(first.calls, "run", "deploy", `crm-sync-${s}`)[0] ?? { args: [], files: {} })]));
      expect(created.map((c) => c.args[3]).sort()).toEqual(serviceSubscriptionSpecs().map((s) => s.name).sort());
      for (const spec of serviceSubscriptionSpecs()) {
        const call = created.find((c) => c.args[3] === spec.name);
        if (call === undefined) throw new Error(`no subscription ${spec.name}`);
        const owner = ownerOf(spec);
        const env = deploys[owner] ?? {};
        expect(flagValue(call, "topic")).toBe(spec.topic);
        expect(flagValue(call, "push-endpoint")).toBe(`${runUrl(owner)}${pushPath(spec.topic)}`);
        expect(flagValue(call, "push-auth-token-audience")).toBe(env["PUBSUB_PUSH_AUDIENCE"]);
        expect(flagValue(call, "push-auth-service-account")).toBe(env["PUBSUB_PUSH_SERVICE_ACCOUNT"]);
        if (spec.name === DEAD_LETTER_SUBSCRIPTION) {
          expect(flagValue(call, "dead-letter-topic")).toBeUndefined();
        } else {
          expect(flagValue(call, "dead-letter-topic")).toBe(DEAD_LETTER_TOPIC);
          expect(flagValue(call, "max-delivery-attempts")).toBe(env["MAX_DELIVERY_ATTEMPTS"]);
        }
        expect(flagValue(call, "min-retry-delay")).toMatch(/^\d+s$/);
        expect(flagValue(call, "max-retry-delay")).toMatch(/^\d+s$/);
      }
    });

    it("lets the push account invoke every service it pushes to, and keeps all but the trigger (dashboard, API) private", () => {
      for (const service of CLOUD_SERVICES) {
        const invokers = callsOf(first.calls, "run", "services", "add-iam-policy-binding", service.runName).filter((c) => flagValue(c, "role") === "roles/run.invoker");
        expect(invokers.map((c) => flagValue(c, "member")), service.runName).toContain(`serviceAccount:${PUSH_SA}`);
      }
      const access = Object.fromEntries(
        SERVICES.map((name) => {
          const args = callsOf(first.calls, "run", "deploy", `crm-sync-${name}`)[0]?.args ?? [];
          return [name, args.filter((a) => a === "--allow-unauthenticated" || a === "--no-allow-unauthenticated")];
        }),
      );
      expect(access).toEqual({
        scraper: ["--no-allow-unauthenticated"],
        loader: ["--no-allow-unauthenticated"],
        trigger: ["--allow-unauthenticated"],
        notifier: ["--no-allow-unauthenticated"],
      });
    });

    it("drives the trigger's sweep and the notifier's staleness check from Scheduler with OIDC, timers off", () => {
      const jobs = { trigger: "crm-sync-stage-timeout-sweep", notifier: "crm-sync-staleness-check" } as const;
      const paths = { trigger: "/v1/sweep-stage-timeouts", notifier: "/v1/staleness-check" } as const;
      const timers = { trigger: "SWEEP_INTERVAL", notifier: "STALE_CHECK_INTERVAL" } as const;
      for (const service of ["trigger", "notifier"] as const) {
        const created = callsOf(first.calls, "scheduler", "jobs", "create", "http", jobs[service]);
        expect(created, jobs[service]).toHaveLength(1);
        const job = created[0] ?? { args: [], files: {} };
        expect(flagValue(job, "uri")).toBe(`${runUrl(service)}${paths[service]}`);
        expect(flagValue(job, "http-method")).toBe("post");
        expect(flagValue(job, "oidc-service-account-email")).toBe(SCHEDULER_SA);
        expect(flagValue(job, "oidc-token-audience")).toBe(runUrl(service));
        expect(job.args.some((a) => a.startsWith("--headers") || a.toLowerCase().includes("authorization"))).toBe(false);
        // The service checks exactly that audience and account, and runs no timer of its own.
        const env = envVars(callsOf(first.calls, "run", "deploy", `crm-sync-${service}`)[0] ?? { args: [], files: {} });
        expect(env).toMatchObject({ SCHEDULER_AUDIENCE: runUrl(service), SCHEDULER_SERVICE_ACCOUNT: SCHEDULER_SA, [timers[service]]: "off" });
        const parsed = parseEnv(SERVICE_ENV_SCHEMAS[service], { ...env, DATABASE_URL: "postgres://x", SMTP_URL: "smtp://mail.example.test:25", API_TOKENS: "t:0123456789abcdefghijklmnop" }) as Record<string, unknown>;
        expect(parsed[timers[service]]).toBeNull();
        // Cloud Run's IAM check lets the scheduler account in.
        const invokers = callsOf(first.calls, "run", "services", "add-iam-policy-binding", `crm-sync-${service}`).map((c) => flagValue(c, "member"));
        expect(invokers).toContain(`serviceAccount:${SCHEDULER_SA}`);
        // A second run updates the job in place and drops any static header an older script set.
        const updated = callsOf(second.calls, "scheduler", "jobs", "update", "http", jobs[service]);
        expect(updated).toHaveLength(1);
        expect(updated[0]?.args).toContain("--clear-headers");
        expect(flagValue(updated[0] ?? { args: [], files: {} }, "oidc-service-account-email")).toBe(SCHEDULER_SA);
      }
      // The scheduler account may invoke those two services and nothing else; Scheduler's agent mints its tokens.
      const schedulerInvokes = callsOf(first.calls, "run", "services", "add-iam-policy-binding")
        .filter((c) => flagValue(c, "member") === `serviceAccount:${SCHEDULER_SA}`)
        .map((c) => c.args[3]);
      expect(schedulerInvokes.sort()).toEqual(["crm-sync-notifier", "crm-sync-trigger"]);
      const tokenCreator = callsOf(first.calls, "iam", "service-accounts", "add-iam-policy-binding", SCHEDULER_SA)[0] ?? { args: [], files: {} };
      expect(flagValue(tokenCreator, "member")).toBe(`serviceAccount:service-${FAKE_PROJECT_NUMBER}@gcp-sa-cloudscheduler.iam.gserviceaccount.com`);
      expect(flagValue(tokenCreator, "role")).toBe("roles/iam.serviceAccountTokenCreator");
      expect(callsOf(first.calls, "iam", "service-accounts", "create", "crm-sync-scheduler")).toHaveLength(1);
    });

    it("creates nothing for the Vercel app without VERCEL_TEAM", () => {
      for (const run of [first, second]) {
        expect(callsOf(run.calls, "iam", "workload-identity-pools")).toEqual([]);
        expect(run.calls.filter((c) => c.args.includes("sts.googleapis.com"))).toEqual([]);
        expect(run.calls.filter((c) => c.args.some((a) => a.includes("crm-sync-vercel")))).toEqual([]);
        expect(run.output).not.toContain("GCP_WORKLOAD_IDENTITY_POOL_ID");
      }
    });

    it("schedules the daily sync with the bare body at 02:00 Asia/Bangkok", () => {
      const daily = callsOf(first.calls, "scheduler", "jobs", "create", "pubsub", "crm-sync-daily")[0] ?? { args: [], files: {} };
      expect(flagValue(daily, "schedule")).toBe("0 2 * * *");
      expect(flagValue(daily, "time-zone")).toBe("Asia/Bangkok");
      expect(flagValue(daily, "topic")).toBe("sync-requested");
      const body = flagValue(daily, "message-body") ?? "";
      expect(body).toBe('{"trigger":"schedule"}');
      const parsed = parseSyncRequested(JSON.parse(body), { messageId: "1234567890", publishTime: new Date() });
      expect(parsed.ok && parsed.event.data.trigger).toBe("schedule");
    });
  });

  describe("with VERCEL_TEAM: the Vercel app publishes sync requests through Workload Identity Federation", () => {
    const VERCEL = { VERCEL_TEAM: "club-team-01", VERCEL_PROJECT: "crm-button" };
    const VERCEL_SA = serviceAccount("crm-sync-vercel");
    const POOL_PRINCIPALS = `principalSet://iam.googleapis.com/projects/${FAKE_PROJECT_NUMBER}/locations/global/workloadIdentityPools/crm-sync-vercel/*`;
    const providerFlags = (environment: string) => [
      "--location=global",
      "--workload-identity-pool=crm-sync-vercel",
      "--issuer-uri=https://oidc.vercel.com/club-team-01",
      "--allowed-audiences=https://vercel.com/club-team-01",
      "--attribute-mapping=google.subject=assertion.sub",
      `--attribute-condition=assertion.sub == 'owner:club-team-01:project:crm-button:environment:${environment}'`,
    ];
    let gcloud: FakeGcloud;
    let first: { code: number | null; output: string; calls: GcloudCall[] };
    let second: { code: number | null; output: string; calls: GcloudCall[] };

    beforeAll(async () => {
      gcloud = createFakeGcloud();
      const run1 = await gcloud.runDeploy(SCRIPT, { ...SETTINGS, ...SECRET_VALUES, ...VERCEL });
      first = { ...run1, calls: gcloud.calls() };
      const run2 = await gcloud.runDeploy(SCRIPT, { ...SETTINGS, ...VERCEL });
      second = { ...run2, calls: gcloud.calls() };
    });

    afterAll(() => rmSync(gcloud.dir, { recursive: true, force: true }));

    /** Every call that names the Vercel account, wherever it appears. */
    const touching = (calls: GcloudCall[], value: string) => calls.filter((c) => c.args.some((a) => a.includes(value)));

    it("creates the account, the pool and Vercel's OIDC provider with exactly these flags", () => {
      expect(first.code, first.output).toBe(0);
      // The token exchange (STS) and the impersonation (IAM Credentials) the package calls.
      expect(callsOf(first.calls, "services", "enable").flatMap((c) => c.args)).toEqual(expect.arrayContaining(["sts.googleapis.com", "iamcredentials.googleapis.com"]));
      expect(callsOf(first.calls, "iam", "service-accounts", "create", "crm-sync-vercel")).toHaveLength(1);
      expect(callsOf(first.calls, "iam", "workload-identity-pools", "create").map((c) => c.args)).toEqual([
        ["iam", "workload-identity-pools", "create", "crm-sync-vercel", "--location=global", "--display-name=crm-sync Vercel app"],
      ]);
      expect(callsOf(first.calls, "iam", "workload-identity-pools", "providers", "create-oidc").map((c) => c.args)).toEqual([
        ["iam", "workload-identity-pools", "providers", "create-oidc", "vercel", ...providerFlags("production")],
      ]);
    });

    it("lets the account publish to sync-requested and do nothing else", () => {
      const member = `serviceAccount:${VERCEL_SA}`;
      const bindings = first.calls.filter((c) => flagValue(c, "member") === member);
      expect(bindings.map((c) => [...c.args.slice(0, 4), flagValue(c, "role")])).toEqual([
        ["pubsub", "topics", "add-iam-policy-binding", "sync-requested", "roles/pubsub.publisher"],
      ]);
      // No other topic, and nothing in the services' deploys or bindings names the account.
      expect(touching(first.calls, VERCEL_SA).filter((c) => !bindings.includes(c) && c.args[1] !== "service-accounts")).toEqual([]);
    });

    it("lets the pool's principals, and only they, act as the account", () => {
      const onAccount = callsOf(first.calls, "iam", "service-accounts", "add-iam-policy-binding", VERCEL_SA);
      expect(onAccount.map((c) => [flagValue(c, "member"), flagValue(c, "role")])).toEqual([[POOL_PRINCIPALS, "roles/iam.workloadIdentityUser"]]);
      expect(touching(first.calls, "workloadIdentityPools")).toEqual(onAccount);
    });

    it("only updates on a second run, with the same flags", () => {
      expect(second.code, second.output).toBe(0);
      const creates = second.calls.filter((c) => c.args.some((a) => a === "create" || a === "create-oidc") && c.args[0] !== "beta");
      expect(creates).toEqual([]);
      expect(callsOf(second.calls, "iam", "workload-identity-pools", "update").map((c) => c.args.slice(3))).toEqual([
        ["crm-sync-vercel", "--location=global", "--display-name=crm-sync Vercel app"],
      ]);
      expect(callsOf(second.calls, "iam", "workload-identity-pools", "providers", "update-oidc").map((c) => c.args.slice(4))).toEqual([["vercel", ...providerFlags("production")]]);
      expect(callsOf(second.calls, "iam", "service-accounts", "add-iam-policy-binding", VERCEL_SA).map((c) => flagValue(c, "member"))).toEqual([POOL_PRINCIPALS]);
    });

    it("admits another environment by replacing the provider's condition", async () => {
      const run = await gcloud.runDeploy(SCRIPT, { ...SETTINGS, ...VERCEL, VERCEL_ENVIRONMENT: "preview" });
      expect(run.code, run.output).toBe(0);
      expect(callsOf(gcloud.calls(), "iam", "workload-identity-pools", "providers", "update-oidc").map((c) => c.args.slice(4))).toEqual([["vercel", ...providerFlags("preview")]]);
    });

    it("prints the variables @crm-sync/vercel reads, which are all it needs to publish (and no secret)", () => {
      const printed = Object.fromEntries([...first.output.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1] ?? "", m[2] ?? ""]));
      expect(printed).toEqual({
        GCP_PROJECT_ID: PROJECT,
        GCP_PROJECT_NUMBER: FAKE_PROJECT_NUMBER,
        GCP_WORKLOAD_IDENTITY_POOL_ID: "crm-sync-vercel",
        GCP_WORKLOAD_IDENTITY_POOL_PROVIDER_ID: "vercel",
        GCP_SERVICE_ACCOUNT_EMAIL: VERCEL_SA,
      });
      expect(Object.keys(printed).filter((name) => !Object.keys(VercelSyncEnv.shape).includes(name))).toEqual([]);
      // The package accepts them as its Workload Identity configuration, and refuses it without any one of them.
      const supabase = { NEXT_PUBLIC_SUPABASE_URL: "https://ref.supabase.example.test", NEXT_PUBLIC_SUPABASE_ANON_KEY: "anon-key" };
      expect(parseVercelSyncEnv({ ...supabase, ...printed })).toMatchObject({ CRM_SYNC_TRANSPORT: "pubsub", ...printed });
      for (const name of Object.keys(printed)) {
        expect(() => parseVercelSyncEnv({ ...supabase, ...printed, [name]: undefined }), name).toThrow(name);
      }
      for (const value of Object.values(SECRET_VALUES)) expect(first.output).not.toContain(value);
    });

    it.each([
      [{ VERCEL_TEAM: "Club_Team" }, "VERCEL_TEAM must be a Vercel team slug"],
      [{ VERCEL_TEAM: "club-team-01" }, "VERCEL_PROJECT must be set when VERCEL_TEAM is"],
      [{ VERCEL_TEAM: "club-team-01", VERCEL_PROJECT: "crm'button" }, "VERCEL_PROJECT must be a Vercel project name"],
      [{ ...VERCEL, VERCEL_ENVIRONMENT: "staging" }, "VERCEL_ENVIRONMENT must be production, preview or development"],
    ])("refuses %j before touching anything", async (vercel, message) => {
      const run = await gcloud.runDeploy(SCRIPT, { ...SETTINGS, ...vercel });
      expect(run.code).not.toBe(0);
      expect(run.output).toContain(`deploy.sh: ${message}`);
      expect(gcloud.calls()).toEqual([]);
    });
  });
});
