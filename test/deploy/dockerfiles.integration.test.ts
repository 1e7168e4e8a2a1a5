import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SERVICE_NODE_OPTIONS } from "@crm-sync/config";
import { CLOUD_SERVICES } from "../../infra/model/cloud-services.ts";
import { loadCompose, ROOT } from "./compose-file.ts";

// No Docker engine runs here, so the images are checked as text: base images, the workspaces
// they install and the entry points they start must exist and match the lockfile.

interface Dockerfile {
  from: string[];
  /** The final stage's CMD as an exec array. */
  cmd: string[];
  /** `--workspace` values of the npm ci line. */
  workspaces: string[];
  text: string;
}

function readDockerfile(path: string): Dockerfile {
  const text = readFileSync(join(ROOT, path), "utf8");
  // Join continuation lines, drop comments.
  const lines = text.replace(/\\\n/g, " ").split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
  const from = lines.filter((l) => /^FROM\s/i.test(l)).map((l) => l.split(/\s+/)[1] ?? "");
  const cmdLine = lines.filter((l) => /^CMD\s/i.test(l)).at(-1) ?? "";
  const cmd = JSON.parse(cmdLine.replace(/^CMD\s+/i, "")) as string[];
  const npmCi = lines.find((l) => /\bnpm ci\b/.test(l)) ?? "";
  const workspaces = [...npmCi.matchAll(/--workspace\s+"?([^"\s]+)"?/g)].map((m) => m[1] ?? "");
  return { from, cmd, workspaces, text };
}

const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string }> };
const playwrightVersion = lock.packages["node_modules/playwright"]?.version;

/** `@crm-sync/x` → its folder, if it is a workspace of this repo. */
function workspaceDir(name: string): string | undefined {
  return Object.keys(lock.packages).find((key) => !key.includes("node_modules") && key !== "" && readPackageName(key) === name);
}
function readPackageName(dir: string): string | undefined {
  const file = join(ROOT, dir, "package.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as { name?: string }).name : undefined;
}

/** The repo's workspaces as the lock lists them. */
const lockWorkspaces = Object.keys(lock.packages).filter((key) => key !== "" && !key.includes("node_modules")).sort();

/**
 * The dependency layer caches only if nothing but manifests and the lock is copied before
 * `npm ci`, and npm ci needs every workspace's manifest (it checks them against the lock).
 */
function expectCachedDependencyLayer(file: Dockerfile): void {
  const lines = file.text.replace(/\\\n/g, " ").split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
  const ci = lines.findIndex((l) => /\bnpm ci\b/.test(l));
  expect(ci).toBeGreaterThan(0);
  const copiesBefore = lines.slice(0, ci).filter((l) => /^COPY\s/i.test(l) && !l.includes("--from="));
  const sources = copiesBefore.flatMap((l) => l.split(/\s+/).slice(1, -1));
  expect(sources.filter((src) => !/(^|\/)package(-lock)?\.json$/.test(src)), "only manifests before npm ci").toEqual([]);
  expect(sources).toContain("package.json");
  expect(sources).toContain("package-lock.json");
  const manifestDirs = sources.filter((src) => src.endsWith("/package.json")).map((src) => src.replace(/\/package\.json$/, "")).sort();
  expect(manifestDirs, "every workspace manifest, for npm ci").toEqual(lockWorkspaces);
  // Each manifest lands in its own folder.
  for (const l of copiesBefore.filter((c) => c.includes("/package.json"))) {
    const [, src, dest] = l.split(/\s+/);
    expect(dest, l).toBe(`${src?.replace(/package\.json$/, "")}`);
  }
  // The sources come after the install.
  const copiesAfter = lines.slice(ci + 1).filter((l) => /^COPY\s/i.test(l));
  expect(copiesAfter.length).toBeGreaterThan(0);
}

describe("docker/node-service.Dockerfile", () => {
  const file = readDockerfile("docker/node-service.Dockerfile");

  it("builds on Node 24 and installs only the workspace named by SERVICE", () => {
    expect(file.from).toEqual(["node:24-bookworm-slim"]);
    expect(file.text).toMatch(/^ARG SERVICE$/m);
    expect(file.workspaces).toEqual(["@crm-sync/${SERVICE}"]);
    expect(file.text).toContain("--omit=dev");
    expect(file.text).toMatch(/^USER node$/m);
    expect(file.text).toMatch(/^HEALTHCHECK .*\/healthz/m);
  });

  it("installs dependencies from the manifests and lock alone, then copies libraries and services", () => {
    expectCachedDependencyLayer(file);
    expect(file.text).toMatch(/^COPY libs \.\/libs$/m);
    expect(file.text).toMatch(/^COPY services \.\/services$/m);
    expect(file.text).not.toMatch(/^COPY \. \.$/m);
  });

  it("runs Node with the services' options (libs/config SERVICE_NODE_OPTIONS)", () => {
    expect(file.text).toMatch(new RegExp(`^ENV NODE_OPTIONS=${SERVICE_NODE_OPTIONS}$`, "m"));
  });

  it.each(CLOUD_SERVICES.filter((s) => s.dockerfile === "docker/node-service.Dockerfile").map((s) => s.service))(
    "starts an existing entry point and workspace for %s",
    (service) => {
      const command = file.cmd.join(" ").replace("${SERVICE_NAME}", service);
      const entry = /node (\S+\.ts)/.exec(command)?.[1] ?? "";
      expect(entry).toBe(`services/${service}/src/index.ts`);
      expect(existsSync(join(ROOT, entry))).toBe(true);
      expect(workspaceDir(`@crm-sync/${service}`)).toBe(`services/${service}`);
      // SERVICE_NAME carries the build argument into the running container.
      expect(file.text).toMatch(/ENV .*SERVICE_NAME=\$\{SERVICE\}/);
    },
  );
});

describe("services/scraper/Dockerfile", () => {
  const file = readDockerfile("services/scraper/Dockerfile");

  it("runs on the Playwright image of the locked playwright version, with Node 24 copied in", () => {
    expect(playwrightVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(file.from).toEqual(["node:24-bookworm-slim", `mcr.microsoft.com/playwright:v${playwrightVersion}-noble`]);
    expect(file.text).toMatch(/COPY --from=node \/usr\/local\/bin\/node \/usr\/local\/bin\/node/);
    expect(file.text).toContain("process.versions.node.startsWith('24.')");
  });

  it("lets Playwright find the image's own Chromium and starts the scraper's entry point", () => {
    expect(file.text).toContain("PLAYWRIGHT_BROWSERS_PATH=/ms-playwright");
    expect(file.text).not.toMatch(/CHROMIUM_PATH=/);
    expect(file.workspaces).toEqual(["@crm-sync/scraper"]);
    expect(workspaceDir("@crm-sync/scraper")).toBe("services/scraper");
    expect(file.cmd).toEqual(["node", "services/scraper/src/index.ts"]);
    expect(existsSync(join(ROOT, "services/scraper/src/index.ts"))).toBe(true);
    expect(file.text).toMatch(/^USER pwuser$/m);
  });

  it("installs dependencies from the manifests and lock alone, then copies the sources", () => {
    expectCachedDependencyLayer(file);
    expect(file.text).not.toMatch(/^COPY \. \.$/m);
  });

  it("runs Node with the services' options (libs/config SERVICE_NODE_OPTIONS)", () => {
    expect(file.text).toMatch(new RegExp(`^ENV NODE_OPTIONS=${SERVICE_NODE_OPTIONS}$`, "m"));
  });
});

describe("docker/tools.Dockerfile", () => {
  const file = readDockerfile("docker/tools.Dockerfile");

  it("builds on Node 24 and installs workspaces that exist", () => {
    expect(file.from).toEqual(["node:24-bookworm-slim"]);
    expect(file.workspaces.length).toBeGreaterThan(0);
    for (const workspace of file.workspaces) expect(workspaceDir(workspace), workspace).toBeDefined();
  });

  it("installs dependencies from the manifests and lock alone, then copies the sources", () => {
    expectCachedDependencyLayer(file);
  });

  it("covers every command docker-compose.yml runs in it", () => {
    const { services } = loadCompose();
    const users = Object.entries(services).filter(([, s]) => s.build?.dockerfile === "docker/tools.Dockerfile");
    expect(users.map(([name]) => name).sort()).toEqual(["fake-qashier", "provision"]);
    for (const [name, s] of users) {
      const entry = s.command?.[1] ?? "";
      expect(existsSync(join(ROOT, entry)), `${name}: ${entry}`).toBe(true);
    }
  });
});

describe(".dockerignore", () => {
  it("keeps node_modules, git history and local secrets out of every image", () => {
    const patterns = readFileSync(join(ROOT, ".dockerignore"), "utf8").split("\n");
    for (const pattern of ["**/node_modules", ".git", ".env"]) expect(patterns).toContain(pattern);
  });
});
