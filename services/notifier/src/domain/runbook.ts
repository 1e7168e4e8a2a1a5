import type { ErrorCode } from "@crm-sync/contracts";

/**
 * What the on-call engineer should do, per error code (the office's words are in @crm-sync/messages).
 * A Record over ErrorCode, so a new code in the contracts does not compile until it has its line here.
 */
export const RUNBOOK: Record<ErrorCode, string> = {
  PORTAL_AUTH_FAILED:
    "The Qashier password probably changed or the account was locked. Log in to the portal by hand to confirm, then update the portal password secret used by the scraper and run the sync again.",
  PORTAL_UNAVAILABLE:
    "The Qashier portal was down or slow. It is retried automatically; if it keeps failing, check the portal in a browser and run the sync again once it answers.",
  PORTAL_LAYOUT_CHANGED:
    "Qashier changed the customer page (login form, Export button or Confirm dialog). Open the screenshot and HTML artifacts, update the scraper's selectors, deploy, and run the sync again.",
  EXPORT_TIMEOUT:
    "The portal did not finish the export in time. It is retried automatically; if it keeps failing, try an export by hand in the portal and raise the export timeout if the list has grown.",
  EXPORT_EMPTY:
    "The portal exported no customers. Check in the portal that the customer list is not empty and that the account can see every store; nothing was loaded.",
  EXPORT_INCOMPLETE:
    "The export was cut short or did not match the portal's customer total. It is retried automatically; if it keeps failing, compare the export with the portal's total by hand.",
  CSV_HEADER_MISMATCH:
    "Qashier changed the export's columns. Compare the export artifact's header with the expected one, update the loader's contract, deploy, and replay the export.",
  CSV_MALFORMED:
    "The export file could not be read as CSV. Open the export artifact to see what the portal produced, then run the sync again; report it to Qashier if it repeats.",
  REJECT_RATIO_EXCEEDED:
    "Too many rows in the export were invalid or duplicated, so nothing was loaded. Review the rejected rows on the run page and fix the data in the portal, or raise the reject ratio if they are expected.",
  MASS_DELETE_HELD:
    "The export would remove more customers than allowed, so the run is held. Review the dry run on the run page: an approver approves it there if the removals are real, or discards it; the customer table changes only after approval.",
  BLOB_UNAVAILABLE:
    "The export storage (Cloud Storage bucket) could not be reached. It is retried automatically; if it keeps failing, check the bucket, its permissions and the Cloud Storage status page.",
  DB_UNAVAILABLE:
    "The customer database could not be reached. It is retried automatically; if it keeps failing, check the Supabase project status, the connection string secret and the pooler.",
  DB_ERROR:
    "The database rejected the update and rolled it back. Read the loader's log line for this run (it gives the SQLSTATE and the constraint, table and column involved, never the row's values) and check for a schema change or a full disk.",
  INVALID_MESSAGE:
    "A pipeline message did not match its contract, usually two services on different versions. Deploy the same version of every service, then run the sync again.",
  INTERNAL:
    "An unexpected error. Read the logs for this run (search by its run id or trace id) and file a bug with them; run the sync again once it is understood.",
};
