import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEAD_LETTER_SUBSCRIPTION, pushPath, serviceSubscriptionSpecs } from "@crm-sync/bus";
import { parseEnv } from "@crm-sync/config";
import { ProvisionEnv } from "../../infra/local/env.ts";
import { envKeys } from "../../infra/model/env-keys.ts";
import { SERVICE_ENV_SCHEMAS } from "../../infra/model/service-envs.ts";
import { ownerOf, pushSubscriptionSpecs, SERVICES } from "../../infra/model/topology.ts";
import { environmentOf, hostsIn, interpolate, loadCompose, ROOT, type ComposeService } from "./compose-file.ts";

// docker-compose.yml is written by hand; these checks hold it to the code, so a renamed variable,
// a new subscription or a moved entry point fails here rather than in `docker compose up`.
const { services } = loadCompose();

function service(name: string): ComposeService {
  const found = services[name];
  if (found === undefined) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

const healthcheckText = (s: ComposeService) => (s.healthcheck?.test ?? []).join(" ");
const containerPorts = (s: ComposeService) => (s.ports ?? []).map((p) => interpolate(p).split(":").at(-1));

/** Ports a service listens on, as far as the file says: its PORT, its command and healthcheck, or the image's default. */
const IMAGE_PORTS: Record<string, string[]> = { "postgres:": ["5432"], "axllent/mailpit": ["1025", "8025"] };
function portsServed(s: ComposeService): string[] {
  const text = [...(s.command ?? []), healthcheckText(s)].join(" ");
  const ports = [...text.matchAll(/\b(\d{4,5})\b/g)].map((m) => m[1] ?? "");
  const env = environmentOf(s)["PORT"];
  if (env !== undefined) ports.push(env);
  for (const [image, defaults] of Object.entries(IMAGE_PORTS)) if (s.image?.startsWith(image)) ports.push(...defaults);
  return ports;
}

describe("docker-compose.yml", () => {
  it("runs the four services, the fake portal, the Pub/Sub emulator, Postgres, a GCS server, Mailpit and a one-shot init", () => {
    for (const name of [...SERVICES, "fake-qashier", "pubsub", "postgres", "fake-gcs", "mailpit", "provision"]) expect(services, name).toHaveProperty(name);
    expect(service("pubsub").image).toBe("gcr.io/google.com/cloudsdktool/google-cloud-cli:emulators");
    expect(service("pubsub").command?.slice(0, 5)).toEqual(["gcloud", "beta", "emulators", "pubsub", "start"]);
    expect(service("pubsub").command).toContain("--host-port=0.0.0.0:8085");
    expect(service("postgres").image).toBe("postgres:17");
    expect(service("fake-gcs").image).toMatch(/^fsouza\/fake-gcs-server(:|$)/);
    expect(service("fake-gcs").command?.join(" ")).toContain("-scheme http");
    expect(service("mailpit").image).toMatch(/^axllent\/mailpit(:|$)/);
  });

  it("gives every long-running service a healthcheck", () => {
    for (const [name, s] of Object.entries(services)) {
      if (name === "provision") continue;
      expect(s.healthcheck?.test.length, `${name} healthcheck`).toBeGreaterThan(1);
    }
  });

  it("publishes the dashboard (trigger) and the Mailpit UI", () => {
    expect(containerPorts(service("trigger"))).toContain(environmentOf(service("trigger"))["PORT"]);
    expect(containerPorts(service("mailpit"))).toContain("8025");
  });

  it("runs the fake portal on the address and with the credentials the scraper uses", () => {
    const portal = service("fake-qashier");
    const command = portal.command ?? [];
    expect(command.slice(0, 2)).toEqual(["node", "tools/fake-qashier/src/main.ts"]);
    expect(existsSync(`${ROOT}${command[1]}`)).toBe(true);
    expect(command[command.indexOf("--host") + 1]).toBe("0.0.0.0");
    const scraper = service("scraper").environment ?? {};
    expect(new URL(interpolate(scraper["QASHIER_URL"] ?? "")).port).toBe(command[command.indexOf("--port") + 1]);
    expect(portal.environment?.["QASHIER_USERNAME"]).toBe(scraper["QASHIER_USERNAME"]);
    expect(portal.environment?.["QASHIER_PASSWORD"]).toBe(scraper["QASHIER_PASSWORD"]);
  });

  describe("the provision init", () => {
    const init = service("provision");
    const env = parseEnv(ProvisionEnv, environmentOf(init));

    it("runs infra/provision-local.ts after the emulator and the GCS server are healthy", () => {
      expect(init.command).toEqual(["node", "infra/provision-local.ts"]);
      expect(existsSync(`${ROOT}infra/provision-local.ts`)).toBe(true);
      expect(init.depends_on?.["pubsub"]?.condition).toBe("service_healthy");
      expect(init.depends_on?.["fake-gcs"]?.condition).toBe("service_healthy");
      expect(hostsIn(env.PUBSUB_EMULATOR_HOST)[0]?.host).toBe("pubsub");
    });

    it("creates a push subscription for every subscription in SERVICE_SUBSCRIPTIONS, at <service>:<PORT>/pubsub/<topic>", () => {
      const specs = pushSubscriptionSpecs({ serviceUrls: env.PUSH_TARGETS, maxDeliveryAttempts: env.MAX_DELIVERY_ATTEMPTS });
      expect(specs.map((s) => s.name)).toEqual(serviceSubscriptionSpecs().map((s) => s.name));
      expect(specs.map((s) => s.name)).toContain(DEAD_LETTER_SUBSCRIPTION);
      for (const spec of specs) {
        const owner = ownerOf(spec);
        const port = environmentOf(service(owner))["PORT"];
        expect(spec.pushEndpoint, spec.name).toBe(`http://${owner}:${port}${pushPath(spec.topic)}`);
      }
    });

    it("dead-letters after as many attempts as every service counts, into the bucket the services use", () => {
      for (const name of SERVICES) {
        const serviceEnv = environmentOf(service(name));
        expect(Number(serviceEnv["MAX_DELIVERY_ATTEMPTS"]), name).toBe(env.MAX_DELIVERY_ATTEMPTS);
        if (serviceEnv["BLOB_URL"] !== undefined) {
          expect(serviceEnv["BLOB_URL"], name).toBe(env.BLOB_URL);
          expect(serviceEnv["GCS_API_ENDPOINT"], name).toBe(env.GCS_API_ENDPOINT);
        }
      }
    });
  });

  describe.each(SERVICES)("the %s service", (name) => {
    const s = service(name);
    const schema = SERVICE_ENV_SCHEMAS[name];
    const env = environmentOf(s);

    it("is built from its own Dockerfile", () => {
      const dockerfile = s.build?.dockerfile ?? "";
      expect(existsSync(`${ROOT}${dockerfile}`), dockerfile).toBe(true);
      if (dockerfile === "docker/node-service.Dockerfile") expect(s.build?.args?.["SERVICE"]).toBe(name);
      else expect(dockerfile).toBe(`services/${name}/Dockerfile`);
    });

    it("sets every variable its Env schema requires and none it does not read", () => {
      const { known, required } = envKeys(schema);
      const keys = Object.keys(env);
      expect(required.filter((key) => !keys.includes(key)), "missing").toEqual([]);
      expect(keys.filter((key) => !known.includes(key) && !key.startsWith("OTEL_")), "unknown").toEqual([]);
    });

    it("uses the shared export store whenever its schema can read one", () => {
      if (envKeys(schema).known.includes("BLOB_URL")) expect(env["BLOB_URL"]).toBe(environmentOf(service("provision"))["BLOB_URL"]);
    });

    it("has an environment its Env schema accepts: push mode on the emulator, OIDC check off", () => {
      const parsed = parseEnv(schema, env) as Record<string, unknown>;
      expect(parsed).toMatchObject({ PUBSUB_MODE: "push", PUBSUB_VERIFY_OIDC: false, PUBSUB_EMULATOR_HOST: "pubsub:8085" });
    });

    it("answers its healthcheck on GET /healthz at its PORT", () => {
      expect(healthcheckText(s)).toContain(`http://127.0.0.1:${env["PORT"]}/healthz`);
    });

    it("starts after the init and after every container it talks to is healthy", () => {
      expect(s.depends_on?.["provision"]?.condition).toBe("service_completed_successfully");
      for (const value of Object.values(env)) {
        for (const { host, port } of hostsIn(value)) {
          if (services[host] === undefined) continue;
          expect(s.depends_on?.[host]?.condition, `${name} → ${host}`).toMatch(/^service_(healthy|completed_successfully)$/);
          if (port !== undefined) expect(portsServed(service(host)), `${name} → ${host}:${port}`).toContain(port);
        }
      }
    });
  });
});
