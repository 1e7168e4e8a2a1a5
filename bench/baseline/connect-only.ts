/**
 * The least a Node process that loads into Postgres can cost: start Node, import the Postgres
 * client, connect, run `select 1`, disconnect; no file, no parsing, no data. Where the seed's
 * method takes less than N times this, no Node loader can be N times faster than it.
 *
 * Usage: node bench/baseline/connect-only.ts <postgres-url>
 */
import postgres from "postgres";

const [url] = process.argv.slice(2);
if (url === undefined) {
  process.stderr.write("usage: connect-only.ts <postgres-url>\n");
  process.exit(2);
}
const sql = postgres(url, { max: 1, onnotice: () => {} });
const [row] = await sql<Array<{ one: number }>>`select 1 as one`;
await sql.end();
process.stdout.write(`${JSON.stringify({ one: row?.one })}\n`);
