import { SyncError } from "@crm-sync/errors";
import type { VerifiedExport } from "../domain/verify-export.ts";

/** A file the browser left behind for a person to inspect: uploaded under `artifacts/<runId>/`. */
export interface LocalArtifact {
  kind: "screenshot" | "html" | "trace" | "export";
  /** File name inside the run's artifact folder, e.g. `screenshot.png`. */
  name: string;
  path: string;
  contentType: string;
}

/** An export proven complete (see verifyExport): rows, sha256 and bytes of the file at `path`. */
export interface PortalExport extends VerifiedExport {
  /** The downloaded export, byte for byte as the portal served it. */
  path: string;
  /** The total the customer page showed, when it showed one. */
  portalTotal: number | undefined;
  /** Deletes the temporary folder holding the file. */
  cleanup(): Promise<void>;
}

export interface ExportRequest {
  runId: string;
  /** Called as the browser reaches each stage, for the live status staff see. */
  onProgress?: (message: string) => Promise<void>;
}

/** What the scraper needs from a portal: the real driver, or a stand-in in tests. */
export interface CustomerExportSource {
  exportCustomers(request: ExportRequest): Promise<PortalExport>;
  close(): Promise<void>;
}

/**
 * A portal failure with its evidence attached (screenshot, HTML, trace in a temporary
 * folder). Whoever catches it uploads the files, then calls `cleanup()`.
 */
export class PortalFailure extends SyncError {
  readonly artifacts: readonly LocalArtifact[];
  readonly #cleanup: () => Promise<void>;

  constructor(error: SyncError, artifacts: readonly LocalArtifact[], cleanup: () => Promise<void>) {
    super(error.code, error.message, { cause: error.cause ?? error });
    this.name = "PortalFailure";
    this.artifacts = artifacts;
    this.#cleanup = cleanup;
  }

  async cleanup(): Promise<void> {
    await this.#cleanup();
  }
}
