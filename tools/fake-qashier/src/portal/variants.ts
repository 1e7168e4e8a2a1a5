import { z } from "zod";

/**
 * Ways the portal behaves, one per test scenario. `ok` is the real portal on a good day; every
 * other one reproduces a failure the scraper must classify.
 */
export const Variant = z.enum([
  "ok",
  "wrong-credentials",
  "slow",
  "maintenance",
  "layout-changed",
  "no-download",
  "truncated",
  "empty",
  "header-drift",
  "server-error",
]);
export type Variant = z.infer<typeof Variant>;

/** `attachment`: the browser fetches a Content-Disposition response; `blob`: the page builds the file from a Blob URL. */
export const DownloadMode = z.enum(["attachment", "blob"]);
export type DownloadMode = z.infer<typeof DownloadMode>;
