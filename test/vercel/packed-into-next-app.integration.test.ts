import { spawn, type ChildProcess } from "node:child_process";
import { cp, lstat, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@crm-sync/db";
import { startStack, type RunningStack } from "@crm-sync/stack";
import { chromiumMissing, freePort, gate, launchChromium, postgresMissing, pubsubEmulatorMissing, waitFor } from "@crm-sync/testing";
import { signJwt } from "../supabase/support/jwt.ts";
import { startPostgrestStandIn, type PostgrestStandIn } from "../supabase/support/postgrest-stand-in.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const PACKAGE_DIR = join(root, "libs/vercel-sync");
const EXAMPLE_DIR = join(root, "examples/vercel");
const SCREENSHOTS = join(root, "test-results/vercel-button");
const CUSTOMERS = 30;
const JWT_SECRET = "test-only-jwt-secret-for-the-packed-app";
const ANON_KEY = signJwt({ iss: "supabase", ref: "test", role: "anon" }, JWT_SECRET);
const STAFF_EMAIL = "office.staff@club.invalid";
// Inlined into the browser bundle at build time; the browser only reads its stored session, so
// no server answers here. supabase-js stores the session under sb-<first host label>-auth-token.
const BROWSER_SUPABASE_URL = "http://127.0.0.1:54321";
const SESSION_STORAGE_KEY = "sb-127-auth-token";
const stackMissing = gate("Pub/Sub emulator", pubsubEmulatorMissing()) || gate("PostgreSQL", await postgresMissing()) || gate("Chromium", chromiumMissing());

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The npm and node on PATH (the repo's Node 24 under `npx vitest`), without the parent npm's settings. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const inherited = Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined && !entry[0].toLowerCase().startsWith("npm_"));
  return { ...Object.fromEntries(inherited), NEXT_TELEMETRY_DISABLED: "1", ...extra };
}

function run(command: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}): Promise<Ran> {
  const env = cleanEnv(extraEnv);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

interface Packed {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string }[];
}

// What a Next.js developer does: `npm pack` (or the registry) gives a tarball, `npm install`
// puts it in the app, and the app builds against its types. Nothing is copied by hand: the app
// is the example folder as it is in the repository.
describe("@crm-sync/vercel packed with npm pack and installed into a copy of the example Next.js app", () => {
  let dir: string;
  let app: string;
  let packed: Packed;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "vercel-app-"));
    const pack = await run("npm", ["pack", "--json", "--pack-destination", dir], PACKAGE_DIR);
    expect(pack.code, pack.stderr).toBe(0);
    // prepack's build logs before npm's JSON.
    [packed] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf("[\n"))) as [Packed];
    app = join(dir, "app");
    await cp(EXAMPLE_DIR, app, { recursive: true, filter: (source) => !/[/\\](node_modules|\.next)([/\\]|$)/.test(source) });
    // From npm's cache when CI's `npm ci` put the same versions there; the registry otherwise.
    const install = await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", join(dir, packed.filename)], app);
    expect(install.code, install.stderr).toBe(0);
  }, 600_000);

  it("packs only the built JavaScript and declarations (the contract compiled in), small", () => {
    const paths = packed.files.map((file) => file.path);
    expect(paths).toEqual(expect.arrayContaining(["package.json", "README.md", "dist/vercel-sync/src/index.js", "dist/vercel-sync/src/index.d.ts", "dist/contracts/src/make-event.js"]));
    expect(paths.filter((path) => !path.startsWith("dist/") && path !== "package.json" && path !== "README.md")).toEqual([]);
    expect(paths.filter((path) => path.endsWith(".ts") && !path.endsWith(".d.ts"))).toEqual([]);
    expect(paths.filter((path) => path.includes(".test."))).toEqual([]);
    console.info(`@crm-sync/vercel tarball: ${packed.size} bytes, ${packed.unpackedSize} unpacked, ${paths.length} files`);
    expect(packed.unpackedSize).toBeLessThan(300_000);
  });

  it("installs as an ordinary package (a folder in node_modules, not a link to the repository)", async () => {
    const installed = join(app, "node_modules/@crm-sync/vercel");
    expect((await lstat(installed)).isSymbolicLink()).toBe(false);
    expect(JSON.parse(await readFile(join(installed, "package.json"), "utf8"))).toMatchObject({ name: "@crm-sync/vercel", version: "0.1.0" });
  });

  it("loads in Node from the app with its own dependencies (ESM, no TypeScript at run time)", async () => {
    const probe = await run(process.execPath, ["--input-type=module", "-e", "const m = await import('@crm-sync/vercel'); console.log(JSON.stringify(Object.keys(m).sort()))"], app);
    expect(probe.code, probe.stderr).toBe(0);
    expect(JSON.parse(probe.stdout)).toEqual(expect.arrayContaining(["requestSync", "createSyncRoutes", "createStatusClient", "readRun", "pubsubRequester", "httpRequester"]));
  });

  it("type-checks the app with Next's tsconfig rules and the app's own TypeScript (the version Next's build uses)", async () => {
    const tsconfig = JSON.parse(await readFile(join(app, "tsconfig.json"), "utf8")) as { compilerOptions: Record<string, unknown> };
    // What `next build` requires or writes (next/dist/lib/typescript/writeConfigurationDefaults.js).
    expect(tsconfig.compilerOptions).toMatchObject({ module: "esnext", moduleResolution: "bundler", jsx: "react-jsx", isolatedModules: true, esModuleInterop: true, resolveJsonModule: true, noEmit: true, strict: true, plugins: [{ name: "next" }] });
    const tsc = await run(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.json"], app);
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.code).toBe(0);
  });

  it("gives the app real types: misuse of requestSync and the route handlers fails the type-check", async () => {
    await writeFile(
      join(app, "app/misuse.ts"),
      'import { createSyncRoutes, requestSync } from "@crm-sync/vercel";\nexport const a = requestSync({});\nexport const b: number = createSyncRoutes().POST;\n',
    );
    const tsc = await run(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.json"], app);
    expect(tsc.code).not.toBe(0);
    expect(tsc.stdout).toContain("app/misuse.ts(2,");
    expect(tsc.stdout).toContain("'requestedBy' is missing");
    expect(tsc.stdout).toContain("app/misuse.ts(3,");
    await rm(join(app, "app/misuse.ts"));
  });

  it("builds with next build: Next's own type-check and bundler, the button a client component, the route dynamic", async () => {
    const build = await run(process.execPath, ["node_modules/next/dist/bin/next", "build"], app, {
      NEXT_PUBLIC_SUPABASE_URL: BROWSER_SUPABASE_URL,
      NEXT_PUBLIC_SUPABASE_ANON_KEY: ANON_KEY,
    });
    expect(build.code, build.stdout + build.stderr).toBe(0);
    expect(build.stdout).toContain("Finished TypeScript");
    expect(build.stdout).toMatch(/ƒ \/api\/crm\/update-customers/);
  }, 900_000);

  describe.skipIf(stackMissing)("pressed by a staff member in Chromium, on the emulator stack", () => {
    let stack: RunningStack;
    let db: Database;
    let standIn: PostgrestStandIn;
    let next: ChildProcess | undefined;
    let browser: Browser | undefined;
    let appUrl: string;

    beforeAll(async () => {
      stack = await startStack({ customers: CUSTOMERS });
      db = await openDatabase(stack.info.databaseUrl, { max: 2 });
      standIn = await startPostgrestStandIn({ db, anonKey: ANON_KEY, jwtSecret: JWT_SECRET });
      const port = await freePort();
      appUrl = `http://127.0.0.1:${port}`;
      // What Vercel's project settings would hold, pointed at the local stack.
      next = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"], {
        cwd: app,
        env: cleanEnv({
          GCP_PROJECT_ID: stack.info.projectId,
          PUBSUB_EMULATOR_HOST: stack.info.emulatorHost,
          NEXT_PUBLIC_SUPABASE_URL: standIn.url,
          NEXT_PUBLIC_SUPABASE_ANON_KEY: ANON_KEY,
        }),
        stdio: ["ignore", "ignore", "inherit"],
      });
      await waitFor(async () => (await fetch(appUrl).catch(() => undefined))?.ok, { timeoutMs: 90_000, what: "next start answering" });
      browser = await launchChromium();
      await mkdir(SCREENSHOTS, { recursive: true });
    }, 600_000);

    afterAll(async () => {
      await browser?.close();
      if (next !== undefined && next.exitCode === null) {
        const exited = new Promise((resolve) => next?.once("exit", resolve));
        next.kill("SIGTERM");
        await exited;
      }
      await standIn?.close();
      await db?.close();
      await stack?.stop();
    });

    it("shows a plain sign-in message, and starts nothing, when nobody is signed in", async () => {
      const page = await browser!.newPage();
      const asked: string[] = [];
      page.on("request", (request) => {
        if (request.url().includes("/api/crm/")) asked.push(request.url());
      });
      await page.goto(appUrl);
      await page.getByRole("button", { name: "Update Customer Data" }).click();
      await page.getByRole("status").filter({ hasText: "UNAUTHENTICATED" }).waitFor({ timeout: 30_000 });
      // No session in the browser, so the button sends nothing (the route would answer 401 anyway).
      expect(asked).toEqual([]);
      expect(await page.getByRole("status").textContent()).toContain("Sign in to update customer data.");
      await page.screenshot({ path: join(SCREENSHOTS, "signed-out.png") });
      await page.close();
    });

    it("publishes on the press and shows the run's live status until Done, with the count, after the stack ran it", async () => {
      const now = Math.floor(Date.now() / 1000);
      const user = { id: "00000000-0000-4000-8000-000000000004", aud: "authenticated", role: "authenticated", email: STAFF_EMAIL, app_metadata: {}, user_metadata: {}, created_at: "2026-01-01T00:00:00Z" };
      const accessToken = signJwt({ sub: user.id, email: STAFF_EMAIL, role: "authenticated", aud: "authenticated", exp: now + 3600 }, JWT_SECRET);
      const session = { access_token: accessToken, refresh_token: "synthetic-refresh-token", token_type: "bearer", expires_in: 3600, expires_at: now + 3600, user };
      const page = await browser!.newPage();
      await page.addInitScript(([key, value]) => localStorage.setItem(key, value), [SESSION_STORAGE_KEY, JSON.stringify(session)] as const);
      await page.goto(appUrl);
      const seen: string[] = [];
      page.on("response", (response) => {
        if (response.url().includes("/api/crm/update-customers")) seen.push(`${response.request().method()} ${response.status()}`);
      });
      await page.getByRole("button", { name: "Update Customer Data" }).click();
      await page.getByRole("status").filter({ hasText: "Done" }).waitFor({ timeout: 150_000 });
      expect(await page.getByRole("status").textContent()).toBe(`Done · เสร็จแล้ว — ${CUSTOMERS} customers`);
      expect(await page.getByRole("button", { name: "Update Customer Data" }).isEnabled()).toBe(true);
      await page.screenshot({ path: join(SCREENSHOTS, "done.png") });
      await page.close();

      expect(seen[0]).toBe("POST 202");
      expect(seen.slice(1).every((entry) => entry === "GET 200")).toBe(true);
      const runs = await db.sql<{ trigger: string; requested_by: string; status: string }[]>`select trigger, requested_by, status from crm_sync.runs`;
      expect(runs).toEqual([{ trigger: "manual", requested_by: STAFF_EMAIL, status: "succeeded" }]);
      const [active] = await db.sql<{ n: number }[]>`select count(*)::int as n from crm_sync.customers where deleted_at is null`;
      expect(active?.n).toBe(CUSTOMERS);
    });
  });
});
