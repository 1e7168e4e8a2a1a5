import { randomBytes } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { SyncError } from "@crm-sync/errors";
import { dirname, join, resolve } from "node:path";

/** Where embedded mode keeps its state; a second start finds the same data and token. */
export interface EmbeddedHome {
  root: string;
  databaseUrl: string;
  blobRoot: string;
  outboxDir: string;
  logFile: string;
  apiToken: string;
  portal: { username: string; password: string };
  /** Frees the home for the next process. */
  release(): Promise<void>;
}

interface Secrets {
  apiToken: string;
  portalPassword: string;
}

/** `CRM_SYNC_HOME`, else `./.crm-sync` under the current directory. */
export function homeDirectory(env: Record<string, string | undefined> = process.env): string {
  return resolve(env["CRM_SYNC_HOME"] ?? ".crm-sync");
}

/**
 * One process per home: PGlite's files must never be opened by two processes (`crm-sync run`
 * while `npm start` runs would corrupt the database), so the home is locked with a pid file.
 */
export async function openEmbeddedHome(root: string): Promise<EmbeddedHome> {
  await mkdir(root, { recursive: true });
  const lockFile = join(root, "crm-sync.pid");
  await takeLock(lockFile);
  const secrets = await readOrCreateSecrets(join(root, "secrets.json"));
  return {
    release: () => rm(lockFile, { force: true }),
    root,
    databaseUrl: `pglite://${join(root, "db")}`,
    blobRoot: join(root, "exports"),
    outboxDir: join(root, "outbox"),
    logFile: join(root, "crm-sync.log"),
    apiToken: secrets.apiToken,
    portal: { username: "demo-office", password: secrets.portalPassword },
  };
}

async function readOrCreateSecrets(path: string): Promise<Secrets> {
  try {
    const parsed = JSON.parse(await readFile(path, "utf8")) as Partial<Secrets>;
    if (typeof parsed.apiToken === "string" && typeof parsed.portalPassword === "string") {
      return { apiToken: parsed.apiToken, portalPassword: parsed.portalPassword };
    }
  } catch {
    // First start (or an unreadable file): make new ones below.
  }
  const secrets = { apiToken: `local-${randomBytes(18).toString("base64url")}`, portalPassword: randomBytes(12).toString("base64url") };
  // Only this user may read the local API token.
  await writeFile(path, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}

async function takeLock(lockFile: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await writeFile(lockFile, String(process.pid), { flag: "wx" });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = Number((await readFile(lockFile, "utf8").catch(() => "")).trim());
    if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
      throw new SyncError("INTERNAL", `crm-sync is already running on ${dirname(lockFile)} (pid ${holder}): stop it first, or set CRM_SYNC_HOME to another folder.`);
    }
    // Left by a process that died without cleaning up: take it over.
    await rm(lockFile, { force: true });
  }
  throw new SyncError("INTERNAL", `Could not lock ${lockFile}.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
