import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, gate, postgresMissing, type TestDatabase } from "@crm-sync/testing";
import { randomText, SCRIPTS } from "./support/hostile-text.ts";
import { exportCsv, syntheticCustomer } from "./support/synthetic-export.ts";

const postgresSkipped = gate("Postgres", await postgresMissing());
const root = fileURLToPath(new URL("../../../", import.meta.url));
const SAMPLE = fileURLToPath(new URL("../../../test/fixtures/customer-management-sample.csv", import.meta.url));

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npx crm-sync …` from the repository root, stdin and stderr not a terminal, as scripts run it. */
async function crmSync(args: string[]): Promise<CliRun> {
  return await new Promise((resolve) => {
    execFile("npx", ["crm-sync", ...args], { cwd: root }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr });
    });
  });
}

/** Scripts read the last JSON object on stdout. */
function lastJson(stdout: string): Record<string, unknown> {
  const line = stdout.trim().split("\n").at(-1) ?? "";
  return JSON.parse(line) as Record<string, unknown>;
}

describe("crm-sync load", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "loader-cli-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("loads into a PGlite directory that does not exist yet, dry-runs without writing, and fails with the code", async () => {
    const database = `pglite://${join(dir, "new", "db")}`;
    const first = await crmSync(["load", "--file", SAMPLE, "--database-url", database, "--json"]);
    expect(first.code).toBe(0);
    expect(lastJson(first.stdout)).toMatchObject({ rows: 30, inserted: 30, updated: 0, unchanged: 0, softDeleted: 0, revived: 0, rejected: 0 });
    expect(first.stderr).toBe("");

    const smaller = join(dir, "smaller.csv");
    const customers = Array.from({ length: 3 }, (_, i) => syntheticCustomer(i));
    await writeFile(smaller, exportCsv(customers));
    const dry = await crmSync(["load", "--file", smaller, "--database-url", database, "--dry-run", "--allow-mass-delete"]);
    expect(dry.code).toBe(0);
    const dryOutput = lastJson(dry.stdout);
    expect(dryOutput).toMatchObject({ rows: 3, inserted: 3, softDeleted: 30, dryRun: true });
    expect(JSON.stringify(dryOutput["sample"])).not.toContain(customers[0]!.phone.slice(1));

    const held = await crmSync(["load", "--file", smaller, "--database-url", database, "--json"]);
    expect(held.code).not.toBe(0);
    expect(held.stderr).toMatch(/\bMASS_DELETE_HELD\b/);
    expect(lastJson(held.stdout)).toMatchObject({ ok: false, code: "MASS_DELETE_HELD" });

    // Neither the dry run nor the held run wrote anything: the sample is still all there.
    const again = await crmSync(["load", "--file", SAMPLE, "--database-url", database]);
    expect(lastJson(again.stdout)).toMatchObject({ rows: 30, inserted: 0, unchanged: 30, softDeleted: 0, rejected: 0 });
  });

  it("prints each rejected row's number, column and code, never its value", async () => {
    const file = join(dir, "hostile.csv");
    const customers = Array.from({ length: 4 }, (_, i) => syntheticCustomer(i));
    const longName = randomText(1500, ...SCRIPTS.cjk, 9);
    customers[1] = { ...customers[1]!, name: longName };
    customers[3] = { ...customers[3]!, joined: "31/02/2022" };
    await writeFile(file, exportCsv(customers));
    const run = await crmSync(["load", "--file", file, "--database-url", "pglite://memory", "--max-reject-ratio", "0.5"]);
    expect(run.code).toBe(0);
    expect(lastJson(run.stdout)).toMatchObject({
      rows: 4,
      inserted: 2,
      rejected: 2,
      rejects: {
        reasons: [
          { column: "Customer", code: "TOO_LONG_FOR_INDEX", count: 1 },
          { column: "Date Joined", code: "NOT_A_DATE", count: 1 },
        ],
        rows: [
          { row: 2, column: "Customer", code: "TOO_LONG_FOR_INDEX" },
          { row: 4, column: "Date Joined", code: "NOT_A_DATE" },
        ],
      },
    });
    expect(run.stdout + run.stderr).not.toContain(longName.slice(0, 20));
  });

  it("names header drift on stderr and exits non-zero", async () => {
    const drifted = join(dir, "drifted.csv");
    await writeFile(drifted, exportCsv([syntheticCustomer(1)]).toString().replace('"Source"', '"Channel"'));
    const run = await crmSync(["load", "--file", drifted, "--database-url", "pglite://memory"]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/^CSV_HEADER_MISMATCH: /);
    expect(run.stdout).toBe("");
  });

  describe.skipIf(postgresSkipped)("on Postgres", () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await createTestDatabase("crm_sync_loader_cli");
    });
    afterAll(async () => {
      await database.drop();
    });

    it("applies the migrations and prints the counts", async () => {
      const run = await crmSync(["load", "--file", SAMPLE, "--database-url", database.url, "--json"]);
      expect(run.code).toBe(0);
      expect(lastJson(run.stdout)).toMatchObject({ rows: 30, inserted: 30, rejected: 0 });
    });
  });
});
