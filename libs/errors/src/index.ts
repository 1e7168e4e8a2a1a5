export { SyncError, isSyncError, toSyncError } from "./sync-error.ts";
