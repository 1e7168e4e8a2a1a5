import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLOUD_SERVICES } from "../../infra/model/cloud-services.ts";
import { productionSize } from "../support/production-size.ts";
import { importsOf, workspaceImports } from "../support/workspace-imports.ts";
import { ROOT } from "./compose-file.ts";

// What each image installs is decided by package manifests: they must list what the code
// imports (no more, so images stay small; no less, so `npm ci --workspace` finds it) at
// versions pinned exactly, and each service's production tree must fit a size budget.

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const read = (dir: string) => JSON.parse(readFileSync(join(ROOT, dir, "package.json"), "utf8")) as Manifest;
const root = read(".");
const workspaces = ["libs", "services", "tools", "apps"].flatMap((d) => readdirSync(join(ROOT, d)).map((n) => `${d}/${n}`));
const manifests = new Map(workspaces.map((w) => [w, read(w)]));
const byName = new Map([...manifests.values()].map((m) => [m.name, m]));

/**
 * Packages a workspace imports lazily (`await import(…)`) and deliberately does not declare:
 * whoever needs the feature installs them. libs/db loads PGlite only for `pglite://` URLs
 * (embedded mode); the CLI declares it, the services' images go without it. Not a peer
 * dependency: `npm ci --workspace` installs optional peers found in the lock.
 */
const LAZY_IMPORTS: Record<string, { packages: string[]; installedBy: string }> = {
  "libs/db": { packages: ["@electric-sql/pglite", "@electric-sql/pglite-socket"], installedBy: "apps/cli" },
};

/** Budget per service, without browsers (Playwright's Chromium comes with the scraper's base image). */
const BUDGET_BYTES = 120 * 1024 * 1024;

describe("the import scanner", () => {
  it("tells runtime imports from type-only ones and reduces subpaths to packages", () => {
    const source = [
      'import { a } from "pkg-a";',
      'import type { B } from "@scope/b";',
      'export { c } from "@scope/c/sub";',
      'import "./local.ts";',
      'import { readFile } from "node:fs";',
      'const d = await import("pkg-d");',
    ].join("\n");
    expect(importsOf(source)).toEqual({ runtime: ["pkg-a", "@scope/c"], dynamic: ["pkg-d"], typeOnly: ["@scope/b"] });
  });
});

describe.each(workspaces)("%s/package.json", (workspace) => {
  const manifest = manifests.get(workspace)!;
  const { runtime, lazy: lazilyImported, tests } = workspaceImports(join(ROOT, workspace));
  runtime.delete(manifest.name);
  tests.delete(manifest.name);
  const declared = Object.keys(manifest.dependencies ?? {});
  const lazy = LAZY_IMPORTS[workspace]?.packages ?? [];
  const installsLazy = Object.values(LAZY_IMPORTS).filter((l) => l.installedBy === workspace).flatMap((l) => l.packages);

  it("declares exactly the packages its runtime code imports", () => {
    const needed = [...runtime].filter((name) => !lazy.includes(name));
    expect(declared.sort()).toEqual([...needed, ...installsLazy].sort());
    // A lazy import is really lazy: only `import(…)`, never a static import.
    for (const name of lazy) expect(lazilyImported.has(name), `${name} is imported only with import()`).toBe(true);
  });

  // Test tooling is declared at the root only: `npm ci --omit=dev --workspace <service>` follows a
  // workspace's own devDependencies into other workspaces (and their dependencies), so a
  // devDependency on @crm-sync/testing would put PGlite, smtp-server and Playwright in the image.
  it("has no devDependencies of its own; what its tests and types import is a workspace or a root devDependency", () => {
    expect(manifest.devDependencies).toBeUndefined();
    const available = new Set([...declared, ...byName.keys(), ...Object.keys(root.devDependencies ?? {})]);
    expect([...tests].filter((name) => !available.has(name)).sort()).toEqual([]);
  });

  it("pins every version exactly (workspaces at 0.0.0)", () => {
    const all = { ...manifest.dependencies, ...manifest.devDependencies, ...manifest.peerDependencies };
    for (const [name, range] of Object.entries(all)) expect(range, `${name}@${range}`).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
  });
});

describe("production dependencies of each Cloud Run service", () => {
  const services = [...new Set(CLOUD_SERVICES.map((s) => s.service))].sort();

  it.each(services)(`%s fits the ${BUDGET_BYTES / 1024 / 1024} MB budget, with one OpenTelemetry version and no PGlite or test tooling`, (service) => {
    const size = productionSize(ROOT, `services/${service}`);
    const mb = (size.bytes / 1024 / 1024).toFixed(1);
    // The report CI shows for each service.
    console.info(`production dependencies of ${service}: ${size.packages} packages, ${mb} MB`);
    expect(size.packages).toBeGreaterThan(10);
    expect(size.bytes).toBeLessThan(BUDGET_BYTES);
    const forbidden = ["@electric-sql/pglite", "@electric-sql/pglite-socket", "@crm-sync/testing", "vitest", "smtp-server", "mailparser", "@opentelemetry/sdk-node", "typescript"];
    expect(size.names.filter((name) => forbidden.includes(name))).toEqual([]);
    const otelNames = size.names.filter((name) => name.includes("@opentelemetry/")).map((name) => name.slice(name.lastIndexOf("@opentelemetry/")));
    expect(new Set(otelNames).size, "one version of each OpenTelemetry package").toBe(otelNames.length);
    // Only the tracer, not the whole SDK.
    expect(otelNames).toContain("@opentelemetry/sdk-trace-node");
  });

  it("the CLI keeps PGlite for embedded mode", () => {
    const size = productionSize(ROOT, "apps/cli");
    expect(size.names).toContain("@electric-sql/pglite");
    expect(size.names).toContain("@electric-sql/pglite-socket");
  });
});
