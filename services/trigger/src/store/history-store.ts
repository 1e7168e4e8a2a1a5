import type { Database } from "@crm-sync/db";
import { guarded } from "./guarded.ts";
import type { Run } from "../domain/run.ts";
import { RUN_COLUMNS, runFromRow } from "./run-row.ts";

export interface HistoryStore {
  /** Runs older than `before` (a run id), newest first; from the newest when `before` is absent. */
  olderThan(before: string | undefined, limit: number): Promise<Run[]>;
  /** Runs newer than `after` (a run id), newest first, the `limit` closest to it. */
  newerThan(after: string, limit: number): Promise<Run[]>;
  activeCustomers(): Promise<number>;
}

const COLUMNS = RUN_COLUMNS.join(", ");

/** Paged run history, keyed by (requested_at, id) so a page never skips or repeats a run. */
export function createHistoryStore(db: Database): HistoryStore {
  const sql = db.sql;
  return {
    olderThan: (before, limit) =>
      guarded(async () => {
        const rows =
          before === undefined
            ? await sql.unsafe(`select ${COLUMNS} from crm_sync.runs order by requested_at desc, id desc limit $1`, [limit])
            : await sql.unsafe(
                `select ${COLUMNS} from crm_sync.runs r
                 where (r.requested_at, r.id) < (select requested_at, id from crm_sync.runs where id = $1)
                 order by requested_at desc, id desc limit $2`,
                [before, limit],
              );
        return rows.map(runFromRow);
      }),
    newerThan: (after, limit) =>
      guarded(async () => {
        const rows = await sql.unsafe(
          `select * from (select ${COLUMNS} from crm_sync.runs r
             where (r.requested_at, r.id) > (select requested_at, id from crm_sync.runs where id = $1)
             order by requested_at asc, id asc limit $2) page
           order by requested_at desc, id desc`,
          [after, limit],
        );
        return rows.map(runFromRow);
      }),
    activeCustomers: () =>
      guarded(async () => {
        const [row] = await sql<{ count: string }[]>`select count(*) as count from crm_sync.customers where deleted_at is null`;
        return Number(row?.count ?? 0);
      }),
  };
}
