import { toDbError } from "@crm-sync/db";

/** Runs a read and turns a database failure into the pipeline's typed error (DB_UNAVAILABLE, DB_ERROR). */
export async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toDbError(error);
  }
}
