import { execFileSync } from "node:child_process";
import { lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";

/**
 * The package folders `npm ci --omit=dev --workspace <w>` installs for one workspace, as npm
 * resolves them from the lockfile, read from the installed tree (no Docker here).
 * Workspace links (node_modules/@crm-sync/*) are left out: they are the repo's own sources.
 */
export function productionPackages(root: string, workspace: string): string[] {
  const out = execFileSync("npm", ["ls", "--omit=dev", "--workspace", workspace, "--all", "--parseable"], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
  });
  const dirs = new Set(out.split("\n").filter((line) => line.includes("/node_modules/")));
  return [...dirs].filter((dir) => !lstatSync(dir).isSymbolicLink()).sort();
}

/** Bytes of a package folder without its nested node_modules (those are packages of their own). */
export function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(path);
    else if (entry.isFile()) total += lstatSync(path).size;
  }
  return total;
}

export interface ProductionSize {
  workspace: string;
  packages: number;
  bytes: number;
  /** Package folder names (relative to node_modules), for asserting what must not be there. */
  names: string[];
}

export function productionSize(root: string, workspace: string): ProductionSize {
  const dirs = productionPackages(root, workspace);
  const names = dirs.map((dir) => dir.slice(dir.lastIndexOf("/node_modules/") + "/node_modules/".length));
  return { workspace, packages: dirs.length, bytes: dirs.reduce((sum, dir) => sum + folderBytes(dir), 0), names };
}
