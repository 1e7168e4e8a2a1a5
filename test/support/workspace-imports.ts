import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * The packages a workspace's code imports, found by reading its TypeScript sources.
 * Runtime code is everything under src/ except tests, plus the package's `bin` entries; the rest
 * (`*.test.ts`, test/, bench/, measuring scripts) may use devDependencies too.
 */
export interface WorkspaceImports {
  runtime: Set<string>;
  /** The runtime imports made only through `import(…)`, never statically. */
  lazy: Set<string>;
  tests: Set<string>;
}

// `import … from "x"`, `export … from "x"`, `import "x"`, `import("x")`; `import type` is
// erased by type stripping, so it needs no runtime dependency.
const STATIC = /^\s*(import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?["']([^"']+)["']/gm;
const DYNAMIC = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`; null for node: and relative specifiers. */
export function packageOf(specifier: string): string | null {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:")) return null;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? `${parts[0]}/${parts[1]}` : (parts[0] ?? null);
}

export function importsOf(source: string): { runtime: string[]; dynamic: string[]; typeOnly: string[] } {
  const runtime: string[] = [];
  const dynamic: string[] = [];
  const typeOnly: string[] = [];
  for (const m of source.matchAll(STATIC)) {
    const pkg = packageOf(m[3] ?? "");
    if (pkg !== null) (m[2] === undefined ? runtime : typeOnly).push(pkg);
  }
  for (const m of source.matchAll(DYNAMIC)) {
    const pkg = packageOf(m[1] ?? "");
    if (pkg !== null) dynamic.push(pkg);
  }
  return { runtime, dynamic, typeOnly };
}

function tsFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    if (name === "node_modules") return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return /\.(ts|js|mjs)$/.test(name) ? [path] : [];
  });
}

export function workspaceImports(workspaceDir: string): WorkspaceImports {
  const runtime = new Set<string>();
  const staticRuntime = new Set<string>();
  const tests = new Set<string>();
  const { bin } = JSON.parse(readFileSync(join(workspaceDir, "package.json"), "utf8")) as { bin?: Record<string, string> | string };
  const bins = new Set(Object.values(typeof bin === "string" ? { bin } : (bin ?? {})).map((path) => path.replace(/^\.\//, "")));
  for (const file of tsFiles(workspaceDir)) {
    const rel = relative(workspaceDir, file);
    const isRuntime = (rel.startsWith("src/") && !rel.endsWith(".test.ts")) || bins.has(rel);
    const { runtime: r, dynamic, typeOnly } = importsOf(readFileSync(file, "utf8"));
    for (const pkg of [...r, ...dynamic]) (isRuntime ? runtime : tests).add(pkg);
    if (isRuntime) for (const pkg of r) staticRuntime.add(pkg);
    // Type-only imports still need the package at type-check time: a devDependency.
    for (const pkg of typeOnly) tests.add(pkg);
  }
  return { runtime, lazy: new Set([...runtime].filter((pkg) => !staticRuntime.has(pkg))), tests };
}
