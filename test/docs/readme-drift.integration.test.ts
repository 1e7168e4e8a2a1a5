import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../libs/contracts/src/error-codes.ts";
import { RUNBOOK } from "../../services/notifier/src/domain/runbook.ts";
import { Env as LoaderEnv } from "../../services/loader/src/env.ts";
import { Env as NotifierEnv } from "../../services/notifier/src/env.ts";
import { Env as ScraperEnv } from "../../services/scraper/src/env.ts";
import { Env as TriggerEnv } from "../../services/trigger/src/env.ts";

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const section = (title: string) => README.split(`\n## ${title}\n`)[1]?.split("\n## ")[0] ?? "";

describe("README stays true to the code", () => {
  it("documents every variable every service reads", () => {
    const table = section("Configuration");
    const keys = new Set([TriggerEnv, ScraperEnv, LoaderEnv, NotifierEnv].flatMap((schema) => Object.keys(schema.shape)));
    const missing = [...keys].filter((key) => !table.includes(`\`${key}\``));
    expect(missing).toEqual([]);
  });

  it("has the runbook line the alert email gives for every error code", () => {
    const runbook = section("Runbook");
    for (const code of Object.keys(ERROR_CODES) as Array<keyof typeof RUNBOOK>) {
      expect(runbook, code).toContain(`| \`${code}\` |`);
      expect(runbook, code).toContain(RUNBOOK[code]);
    }
  });
});
