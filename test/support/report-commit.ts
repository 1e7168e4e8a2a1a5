import { execFileSync } from "node:child_process";

/**
 * The code docs/reliability.md describes: everything the reliability suites run or are run by.
 * A change under any of these paths since the recorded commit makes the report stale; docs/ is
 * left out, so the commit that only adds the regenerated report keeps it current.
 */
export const COVERED_PATHS = [
  "apps",
  "libs",
  "services",
  "supabase",
  "test",
  "tools",
  "package.json",
  "package-lock.json",
  "tsconfig.base.json",
  "vitest.config.ts",
] as const;

export interface ReportedCommit {
  /** `git rev-parse HEAD` when the report was written. */
  head: string;
  /** Covered files that differed from HEAD then (uncommitted or untracked): the report describes HEAD plus these. */
  changed: string[];
}

/** Runs git in `root`; its stderr becomes the error's message. */
export function git(root: string, args: readonly string[]): string {
  return execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** HEAD and the covered files that differ from it. Throws when git cannot say (no git, not a repository). */
export function reportedCommit(root: string): ReportedCommit {
  const head = git(root, ["rev-parse", "HEAD"]);
  const status = git(root, ["status", "--porcelain", "--untracked-files=all", "--", ...COVERED_PATHS]);
  const changed = status === "" ? [] : status.split("\n").map((line) => line.slice(3));
  return { head, changed };
}
