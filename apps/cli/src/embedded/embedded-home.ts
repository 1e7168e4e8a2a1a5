import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

/** Where embedded mode keeps its state; a second start finds the same data and token. */
export interface EmbeddedHome {
  root: string;
  databaseUrl: string;
  blobRoot: string;
  outboxDir: string;
  logFile: string;
  apiToken: string;
  portal: { username: string; password: string };
}

interface Secrets {
  apiToken: string;
  portalPassword: string;
}

/** `CRM_SYNC_HOME`, else `./.crm-sync` under the current directory. */
export function homeDirectory(env: Record<string, string | undefined> = process.env): string {
  return resolve(env["CRM_SYNC_HOME"] ?? ".crm-sync");
}

export async function openEmbeddedHome(root: string): Promise<EmbeddedHome> {
  await mkdir(root, { recursive: true });
  const secrets = await readOrCreateSecrets(join(root, "secrets.json"));
  return {
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
