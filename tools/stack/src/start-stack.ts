import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBucket } from "@crm-sync/blob";
import { createPubSubClient, provisionTopology, serviceSubscriptionSpecs, type ServiceName } from "@crm-sync/bus";
import { startFakePortal } from "@crm-sync/fake-qashier";
import { createTestDatabase, freePort, startGcsTestServer, startPubSubEmulator, type GcsTestServer, type PubSubEmulator } from "@crm-sync/testing";
import { startCuttableProxy, type CuttableProxy } from "./cuttable-proxy.ts";
import { startServiceProcess, type ServiceProcess } from "./service-process.ts";
import { startSmtpSink, type SmtpSink } from "./smtp-sink.ts";

export interface StackOptions {
  /** Use this database instead of a fresh one on 127.0.0.1:5432. */
  databaseUrl?: string;
  /** Use this emulator instead of starting one. */
  emulatorHost?: string;
  /** Start a private emulator even when PUBSUB_EMULATOR_HOST names a shared one: only a private one can be frozen. */
  privateEmulator?: boolean;
  /** Customers in the fake portal. */
  customers?: number;
  /** Passed to every service (spans exported there). */
  otlpEndpoint?: string;
  /** The notifier's TRACE_URL_TEMPLATE: alert emails link each run's trace (`{traceId}`). */
  traceUrlTemplate?: string;
  /** Logs, mail and state; a new temp folder by default. */
  dir?: string;
  /** Retry policy of the push subscriptions; short locally so failures show quickly. */
  maxDeliveryAttempts?: number;
  /** Redelivery backoff of the push subscriptions (default 1–5 s). */
  minBackoffSeconds?: number;
  maxBackoffSeconds?: number;
  /** Ack deadline of the push subscriptions (Pub/Sub's default of the topology, 60 s, when unset). */
  ackDeadlineSeconds?: number;
  /** The fake portal's password (random by default); a test that breaks it needs it to mend it. */
  portalPassword?: string;
  /** Services reach Postgres through a TCP proxy the caller can cut (`db.cut()`); off by default. */
  databaseProxy?: boolean;
}

/** What a script needs to drive the stack; printed as one JSON line by `npm run stack`. */
export interface StackInfo {
  ready: true;
  projectId: string;
  emulatorHost: string;
  dashboardUrl: string;
  apiUrl: string;
  apiToken: string;
  /** What the generated token may do (see the trigger's roles). */
  apiRole: "approver";
  databaseUrl: string;
  smtpUrl: string;
  portalUrl: string;
  mailDir: string;
  logDir: string;
  services: Record<ServiceName, string>;
}

export interface RunningStack {
  info: StackInfo;
  /** The fake portal's admin endpoint changes its password or customers while the stack runs. */
  portalAdmin(patch: Record<string, unknown>): Promise<void>;
  /** Successful logins to the fake portal so far: one per scrape that reached the portal. */
  portalLogins(): number;
  mail(): Promise<string[]>;
  /** Signals a service process (SIGKILL by default) and resolves once it has exited. */
  kill(service: ServiceName, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a service again on the same port with the same env; resolves once it is healthy. */
  restart(service: ServiceName): Promise<void>;
  /** Whether the service's process is alive (false once killed, or dead of an uncaught error). */
  running(service: ServiceName): boolean;
  /** The service process's peak resident memory so far (Linux VmHWM), in MB. */
  peakRssMb(service: ServiceName): Promise<number>;
  /** The database proxy; undefined unless `databaseProxy` was asked for. */
  db: Pick<CuttableProxy, "cut" | "restore" | "isCut"> | undefined;
  /** The GCS test server: its URL (to look at stored objects), injected failures, held answers and what it answered. */
  gcs: Pick<GcsTestServer, "url" | "failNext" | "requestCount" | "answered" | "holdNext">;
  smtp: Pick<SmtpSink, "down" | "up" | "stall" | "resume" | "connections">;
  /** Freezes and thaws the stack's own Pub/Sub emulator (publishes and pushes hang meanwhile). */
  emulator: Pick<PubSubEmulator, "freeze" | "thaw">;
  stop(): Promise<void>;
}

const SERVICES: readonly ServiceName[] = ["trigger", "scraper", "loader", "notifier"];
const PORTAL = { username: "stack-office" };

export async function startStack(options: StackOptions = {}): Promise<RunningStack> {
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const task of stops.splice(0).reverse()) await task().catch(() => undefined);
  };
  try {
    const dir = options.dir ?? (await mkdtemp(join(tmpdir(), "crm-sync-stack-")));
    // A folder the stack made for itself goes with it; one the caller named is the caller's.
    if (options.dir === undefined) stops.push(() => rm(dir, { recursive: true, force: true }));
    const logDir = join(dir, "logs");
    await mkdir(logDir, { recursive: true });
    const projectId = `crm-sync-stack-${randomBytes(3).toString("hex")}`;

    const emulator =
      options.emulatorHost === undefined
        ? await startPubSubEmulator(projectId, { private: options.privateEmulator ?? false })
        : {
            host: options.emulatorHost,
            projectId,
            freeze: () => {
              throw new Error("the stack was given an emulator; it cannot freeze it");
            },
            thaw: () => {},
            stop: async () => {},
          };
    // A frozen emulator would never stop.
    stops.push(async () => {
      emulator.thaw();
      await emulator.stop();
    });
    const database = options.databaseUrl === undefined ? await createTestDatabase("crm_sync_stack") : undefined;
    if (database !== undefined) stops.push(() => database.drop());
    const databaseUrl = options.databaseUrl ?? database?.url ?? "";
    const proxy = options.databaseProxy === true ? await proxyDatabase(databaseUrl) : undefined;
    if (proxy !== undefined) stops.push(() => proxy.proxy.close());
    const serviceDatabaseUrl = proxy?.url ?? databaseUrl;
    const gcs = await startGcsTestServer();
    stops.push(() => gcs.stop());
    const smtp = await startSmtpSink(join(dir, "mail"));
    stops.push(() => smtp.stop());
    const password = options.portalPassword ?? randomBytes(9).toString("base64url");
    const portal = await startFakePortal({ ...PORTAL, password, customers: { seed: 42, count: options.customers ?? 1_000 }, exportDelayMs: 0 });
    stops.push(() => portal.stop());

    const ports = Object.fromEntries(await Promise.all(SERVICES.map(async (name) => [name, await freePort()] as const))) as Record<ServiceName, number>;
    const services = Object.fromEntries(SERVICES.map((name) => [name, `http://127.0.0.1:${ports[name]}`])) as Record<ServiceName, string>;
    const apiToken = `stack-${randomBytes(18).toString("base64url")}`;
    const maxDeliveryAttempts = options.maxDeliveryAttempts ?? 5;

    // Topics and push subscriptions exist before any service publishes, as infra/ creates them in the cloud.
    const pubsub = createPubSubClient({ projectId, emulatorHost: emulator.host });
    const specs = serviceSubscriptionSpecs({
      serviceUrls: services,
      maxDeliveryAttempts,
      minBackoffSeconds: options.minBackoffSeconds ?? 1,
      maxBackoffSeconds: options.maxBackoffSeconds ?? 5,
    });
    const ackDeadlineSeconds = options.ackDeadlineSeconds;
    await provisionTopology(pubsub, {
      subscriptions: ackDeadlineSeconds === undefined ? specs : specs.map((spec) => ({ ...spec, ackDeadlineSeconds })),
    });
    await pubsub.close();

    const common: Record<string, string> = {
      GOOGLE_CLOUD_PROJECT: projectId,
      PUBSUB_EMULATOR_HOST: emulator.host,
      PUBSUB_MODE: "push",
      // The emulator signs nothing; in the cloud these stay on (see infra/).
      PUBSUB_VERIFY_OIDC: "false",
      MAX_DELIVERY_ATTEMPTS: String(maxDeliveryAttempts),
      LOG_LEVEL: "info",
      ...(options.otlpEndpoint === undefined ? {} : { OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint }),
    };
    const blob = { BLOB_URL: "gs://crm-sync-exports", GCS_API_ENDPOINT: gcs.url };
    await ensureBucket({ apiEndpoint: gcs.url, projectId, bucket: "crm-sync-exports" });
    const envOf: Record<ServiceName, Record<string, string>> = {
      // One local user owns the stack: the generated token may do everything, approvals included.
      trigger: { ...common, ...blob, DATABASE_URL: serviceDatabaseUrl, API_APPROVER_TOKENS: `local-stack:${apiToken}` },
      scraper: { ...common, ...blob, QASHIER_URL: portal.url, QASHIER_USERNAME: PORTAL.username, QASHIER_PASSWORD: password },
      loader: { ...common, ...blob, DATABASE_URL: serviceDatabaseUrl },
      notifier: {
        ...common,
        DATABASE_URL: serviceDatabaseUrl,
        SMTP_URL: smtp.url,
        ALERT_TO: "office@club.invalid",
        ALERT_FROM: "crm-sync@club.invalid",
        DASHBOARD_URL: `${services.trigger}/`,
        ...(options.traceUrlTemplate === undefined ? {} : { TRACE_URL_TEMPLATE: options.traceUrlTemplate }),
      },
    };
    const running = new Map<ServiceName, ServiceProcess>();
    const alive = (name: ServiceName) => {
      const child = running.get(name)?.child;
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    };
    const launch = async (name: ServiceName) => {
      running.set(name, await startServiceProcess(name, ports[name], envOf[name], join(logDir, `${name}.log`)));
    };
    stops.push(async () => {
      for (const name of [...SERVICES].reverse()) await running.get(name)?.stop();
    });
    // One at a time: the three database services migrate on start, and a 2-core machine starts them no faster in parallel.
    for (const name of SERVICES) await launch(name);

    return {
      info: {
        ready: true,
        projectId,
        emulatorHost: emulator.host,
        // The fragment never reaches the server, so no request log keeps the token.
        dashboardUrl: `${services.trigger}/#token=${apiToken}`,
        apiUrl: services.trigger,
        apiToken,
        apiRole: "approver",
        databaseUrl,
        smtpUrl: smtp.url,
        portalUrl: portal.url,
        mailDir: smtp.dir,
        logDir,
        services,
      },
      portalAdmin: async (patch) => {
        const response = await fetch(`${portal.url}/__admin/config`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(patch) });
        if (!response.ok) throw new Error(`portal admin answered ${response.status}`);
      },
      portalLogins: () => portal.state.logins,
      mail: () => smtp.messages(),
      kill: async (name, signal = "SIGKILL") => {
        await running.get(name)?.kill(signal);
      },
      restart: async (name) => {
        if (alive(name)) throw new Error(`${name} is still running; kill it before restarting it`);
        await launch(name);
      },
      running: alive,
      peakRssMb: async (name) => {
        const pid = running.get(name)?.child.pid;
        if (pid === undefined) throw new Error(`${name} is not running`);
        const status = await readFile(`/proc/${pid}/status`, "utf8");
        const kb = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
        if (kb === undefined) throw new Error("no VmHWM in /proc status (Linux only)");
        return Number(kb) / 1024;
      },
      db: proxy?.proxy,
      gcs,
      smtp,
      emulator: { freeze: () => emulator.freeze(), thaw: () => emulator.thaw() },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The proxy and the database URL that goes through it (same credentials and database name). */
async function proxyDatabase(databaseUrl: string): Promise<{ proxy: CuttableProxy; url: string }> {
  const target = new URL(databaseUrl);
  const proxy = await startCuttableProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const url = new URL(databaseUrl);
  url.hostname = proxy.host;
  url.port = String(proxy.port);
  return { proxy, url: url.toString() };
}
