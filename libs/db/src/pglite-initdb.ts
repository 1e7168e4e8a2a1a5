/**
 * Creates a PGlite data directory and exits: `node pglite-initdb.ts <dir>`. Run as a child
 * process by startPgliteServer (see createPgliteDirectory), so the memory initdb takes stays in
 * a process that ends.
 */
import { pgliteStartParams } from "./pglite-settings.ts";

const dataDir = process.argv[2];
if (dataDir === undefined || dataDir === "") {
  process.stderr.write("usage: pglite-initdb.ts <data directory>\n");
  process.exit(2);
}
// With import(), as everywhere in libs/db: PGlite is installed by whoever runs it (apps/cli).
const { PGlite } = await import("@electric-sql/pglite");
const pglite = await PGlite.create({ dataDir, startParams: pgliteStartParams(PGlite.defaultStartParams) });
await pglite.close();
