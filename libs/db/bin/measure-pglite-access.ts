/**
 * Measures the two ways to reach PGlite: directly through its own query API, and through the
 * socket server with postgres.js (what openDatabase does). Run: `node libs/db/bin/measure-pglite-access.ts`.
 * Results go to stdout as JSON; libs/db/README.md records a run.
 */
import { PGlite } from "@electric-sql/pglite";
import { openDatabase } from "../src/index.ts";

const QUERIES = 1000;
const ROWS = 10_000;
const ROUNDS = 3;

const ids = Array.from({ length: ROWS }, (_, i) => i);
const names = ids.map((i) => `Customer ${i}`);
const phones = ids.map((i) => `08${String(i).padStart(8, "0")}`);

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return Math.round(performance.now() - start);
}

async function direct(): Promise<{ queries: number; insert: number }> {
  const db = await PGlite.create();
  try {
    await db.exec("create table people (id int primary key, name text, phone text)");
    const queries = await timed(async () => {
      for (let i = 0; i < QUERIES; i++) await db.query("select $1::int as n", [i]);
    });
    const insert = await timed(() =>
      db.query("insert into people select * from unnest($1::int[], $2::text[], $3::text[])", [ids, names, phones]),
    );
    return { queries, insert };
  } finally {
    await db.close();
  }
}

async function socket(): Promise<{ queries: number; insert: number }> {
  const db = await openDatabase("pglite://memory");
  try {
    const { sql } = db;
    await sql`create table people (id int primary key, name text, phone text)`;
    const queries = await timed(async () => {
      for (let i = 0; i < QUERIES; i++) await sql`select ${i}::int as n`;
    });
    const insert = await timed(
      () => sql`insert into people select * from unnest(${sql.array(ids)}::int[], ${sql.array(names)}::text[], ${sql.array(phones)}::text[])`,
    );
    return { queries, insert };
  } finally {
    await db.close();
  }
}

const results: Record<string, unknown>[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  results.push({ round, direct: await direct(), socket: await socket() });
}
process.stdout.write(`${JSON.stringify({ node: process.version, queries: QUERIES, rows: ROWS, results }, null, 2)}\n`);
