import { spawn } from "node:child_process";
import { cp, lstat, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const PACKAGE_DIR = join(root, "libs/vercel-sync");
const EXAMPLE_DIR = join(root, "examples/vercel");

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The npm and node on PATH (the repo's Node 24 under `npx vitest`), without the parent npm's settings. */
function run(command: string, args: string[], cwd: string): Promise<Ran> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith("npm_")));
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

  it("type-checks the app with Next's tsconfig rules and the app's own TypeScript", async () => {
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
  });
});
