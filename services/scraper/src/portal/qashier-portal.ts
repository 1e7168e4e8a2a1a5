import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright";
import { SyncError, toSyncError } from "@crm-sync/errors";
import { forRun, type Logger } from "@crm-sync/logging";
import { classifyPortalFailure, LOGIN_REJECTED, type PortalStep } from "../domain/classify-failure.ts";
import { parsePortalTotal } from "../domain/portal-total.ts";
import { verifyExport } from "../domain/verify-export.ts";
import { findChromium, launchChromium } from "./chromium.ts";
import { saveDownload, withDeadline } from "./download-export.ts";
import { captureFailureEvidence, withoutCredentials } from "./failure-evidence.ts";
import { gatherFailureFacts, watchServerErrors } from "./page-facts.ts";
import { resumeTracing, TRACE_OPTIONS } from "./tracing.ts";
import { PortalFailure, type CustomerExportSource, type ExportRequest, type LocalArtifact, type PortalExport } from "./portal-export.ts";

export interface PortalDeadlines {
  /** How long to wait for one control once the page has loaded. Playwright's default for every wait. */
  elementMs: number;
  /** Page loads (the first `goto`). */
  navigationMs: number;
  /** From Confirm until the file is completely on disk. */
  downloadMs: number;
}

export interface QashierPortalOptions {
  /** The portal's base URL, e.g. `https://merchant.example.test`. */
  url: string;
  username: string;
  password: string;
  /** CHROMIUM_PATH; otherwise Debian's headless shell or chromium, then Playwright's own. */
  chromiumPath?: string | undefined;
  deadlines: PortalDeadlines;
  logger: Logger;
  /** A browser to share (tests run many portals on one); the portal then never closes it. */
  browser?: Browser;
}

type StorageState = Awaited<ReturnType<BrowserContext["storageState"]>>;
type TraceState = { paused: boolean; saved: LocalArtifact[] };

const TOTAL_LINE = /^\s*Total\s*:?\s*[\d.,\s\u00a0\u202f]+customers?\s*$/i;

/**
 * Drives the Qashier portal the way a careful person would: fields by their labels, buttons
 * by their exact names (the portal has other "Export …" controls that must never be
 * clicked), waits on elements and the URL hash, never on fixed sleeps. One browser stays up
 * between runs and the logged-in session is reused until the portal expires it.
 */
export class QashierPortal implements CustomerExportSource {
  readonly #options: QashierPortalOptions;
  #browser: Promise<Browser> | undefined;
  #session: StorageState | undefined;

  constructor(options: QashierPortalOptions) {
    this.#options = options;
  }

  async exportCustomers(request: ExportRequest): Promise<PortalExport> {
    const logger = forRun(this.#options.logger, request.runId);
    const workDir = await mkdtemp(join(tmpdir(), "crm-sync-scrape-"));
    const cleanup = () => rm(workDir, { recursive: true, force: true });
    let opened: { context: BrowserContext; page: Page };
    try {
      opened = await this.#openPage();
    } catch (error) {
      await cleanup();
      throw toSyncError(error);
    }
    const { context, page } = opened;
    // The session this context started from: its cookie is in the requests the trace records.
    const startSecrets = (this.#session?.cookies ?? []).map((cookie) => cookie.value);
    const serverError = watchServerErrors(page);
    const trace: TraceState = { paused: false, saved: [] };
    const progress: { step: PortalStep } = { step: "open" };
    try {
      const result = await this.#export(page, context, workDir, trace, request, logger, (next) => (progress.step = next));
      await context.tracing.stop();
      return { ...result, cleanup };
    } catch (error) {
      const { step } = progress;
      if (step === "login") this.#session = undefined;
      const failure = await this.#classify(page, step, error, serverError());
      logger.warn({ err: error, step, code: failure.code }, "portal export failed");
      if (trace.paused) await resumeTracing(page, context).catch(() => undefined);
      const rejectedFile: LocalArtifact[] =
        step === "verify" ? [{ kind: "export", name: "export.csv", path: join(workDir, "export.csv"), contentType: "text/csv" }] : [];
      const captured = await captureFailureEvidence(page, context, workDir, [...trace.saved, ...rejectedFile], logger);
      const cookies = await context.cookies().catch(() => []);
      const artifacts = await withoutCredentials(captured, [...startSecrets, ...cookies.map((cookie) => cookie.value)], logger);
      throw new PortalFailure(failure, artifacts, cleanup);
    } finally {
      await context.close().catch((error: unknown) => logger.warn({ err: error }, "closing the browser context failed"));
    }
  }

  /** A fresh context per run (with the saved session, if any), traced from the first request. */
  async #openPage(): Promise<{ context: BrowserContext; page: Page }> {
    const browser = await this.#launch();
    const context = await browser.newContext({ acceptDownloads: true, locale: "en-US", ...(this.#session ? { storageState: this.#session } : {}) });
    try {
      // One bound per wait, set once: waits never stack two defaults on top of each other.
      context.setDefaultTimeout(this.#options.deadlines.elementMs);
      context.setDefaultNavigationTimeout(this.#options.deadlines.navigationMs);
      await context.tracing.start(TRACE_OPTIONS);
      return { context, page: await context.newPage() };
    } catch (error) {
      await context.close().catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.#options.browser !== undefined) return;
    const browser = this.#browser;
    this.#browser = undefined;
    if (browser !== undefined) await (await browser.catch(() => undefined))?.close();
  }

  async #export(
    page: Page,
    context: BrowserContext,
    workDir: string,
    trace: TraceState,
    request: ExportRequest,
    logger: Logger,
    at: (step: PortalStep) => void,
  ): Promise<Omit<PortalExport, "cleanup">> {
    at("open");
    const start = new URL("#/login?redirect=/customer-management", this.#options.url).toString();
    const response = await page.goto(start, { waitUntil: "domcontentloaded" });
    if (response !== null && response.status() >= 500) throw new Error(`portal answered HTTP ${response.status()}`);

    at("login");
    const username = page.getByLabel("Username", { exact: true });
    const exportButton = page.getByRole("button", { name: "Export", exact: true });
    // A reused session lands on the customer page; a new or expired one on the login form.
    await username.or(exportButton).first().waitFor();
    if (await username.isVisible()) {
      logger.info("logging in to the portal");
      await this.#logIn(page, context, workDir, trace);
      this.#session = await context.storageState();
    } else {
      logger.info("reusing the portal session");
    }

    at("customers");
    await exportButton.waitFor();
    const portalTotal = await readTotal(page);
    await request.onProgress?.("Exporting customers");

    at("export");
    await exportButton.click();
    const confirm = page.getByRole("dialog").getByRole("button", { name: "Confirm", exact: true });
    await confirm.waitFor();

    at("download");
    const path = join(workDir, "export.csv");
    await withDeadline(this.#options.deadlines.downloadMs, "the export download", async (remainingMs) => {
      const download = page.waitForEvent("download", { timeout: remainingMs() });
      await confirm.click();
      await saveDownload(await download, path);
    });
    logger.info({ portalTotal }, "export downloaded");

    // Checked while the page is still open, so a short or malformed file comes with a
    // screenshot of what the portal showed.
    at("verify");
    const verified = await verifyExport(createReadStream(path), { portalTotal });
    logger.info({ rows: verified.rows, bytes: verified.bytes, portalTotal }, "export verified");
    return { path, portalTotal, ...verified };
  }

  /**
   * Fills the form with tracing stopped: a trace records typed values, input contents and
   * request bodies, and credentials must never end up in an artifact. A full stop (not a
   * chunk) is needed because network bodies are carried into every later chunk.
   */
  async #logIn(page: Page, context: BrowserContext, workDir: string, trace: TraceState): Promise<void> {
    const username = page.getByLabel("Username", { exact: true });
    const password = page.getByLabel("Password", { exact: true });
    const login = page.getByRole("button", { name: "Login", exact: true });
    await password.waitFor();
    await login.waitFor();

    const beforeLogin = join(workDir, "trace-before-login.zip");
    await context.tracing.stop({ path: beforeLogin });
    trace.saved.push({ kind: "trace", name: "trace-before-login.zip", path: beforeLogin, contentType: "application/zip" });
    trace.paused = true;

    await username.fill(this.#options.username);
    await password.fill(this.#options.password);
    await login.click();
    const alert = page.getByRole("alert");
    const loggedIn = page.waitForURL((url) => url.hash.startsWith("#/customer-management")).then(() => true);
    const refused = alert.waitFor().then(() => false);
    // The loser of the race times out later; its rejection is expected and ignored.
    loggedIn.catch(() => undefined);
    refused.catch(() => undefined);
    const accepted = await Promise.race([loggedIn, refused]);
    if (!accepted) throw Object.assign(new Error("the portal answered the login with an alert"), { name: LOGIN_REJECTED });
    await resumeTracing(page, context);
    trace.paused = false;
  }

  async #classify(page: Page, step: PortalStep, error: unknown, serverError: number | undefined): Promise<SyncError> {
    if (error instanceof SyncError) return error;
    const facts = await gatherFailureFacts(page, step, error, serverError);
    const { code, message } = classifyPortalFailure(facts);
    return new SyncError(code, message, { cause: error });
  }

  async #launch(): Promise<Browser> {
    if (this.#options.browser !== undefined) return this.#options.browser;
    const current = this.#browser === undefined ? undefined : await this.#browser.catch(() => undefined);
    if (current?.isConnected()) return current;
    const executable = findChromium(this.#options.chromiumPath);
    this.#browser = launchChromium(executable);
    return await this.#browser;
  }
}

async function readTotal(page: Page): Promise<number | undefined> {
  // The total renders with the Export button; when the portal shows none, the check is skipped.
  const line = page.getByText(TOTAL_LINE).first();
  if ((await line.count()) === 0) return undefined;
  return parsePortalTotal((await line.textContent()) ?? "");
}
