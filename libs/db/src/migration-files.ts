import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";

export interface MigrationFile {
  name: string;
  sha256: string;
  sql: string;
}

/** The repository's `supabase/migrations`, where `supabase db push` also looks. */
export const DEFAULT_MIGRATIONS_DIR = resolve(import.meta.dirname, "../../../supabase/migrations");

/** `*.sql` files in name order; Supabase names start with a timestamp, so name order is time order. */
export async function readMigrationFiles(dir: string): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith(".sql")).sort();
  return await Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(dir, name), "utf8");
      return { name, sql, sha256: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}
