import { readFile, writeFile } from "node:fs/promises";
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from "fflate";

/** Headers that carry the portal session or other credentials; dropped from every network entry. */
const CREDENTIAL_HEADERS = new Set(["cookie", "set-cookie", "authorization", "proxy-authorization"]);
const REDACTED = "[redacted]";

/**
 * Removes credentials from a Playwright trace zip in place. The trace records every request's
 * headers (the session cookie among them) and, for a context opened from a saved session, its
 * storage state: evidence stored in the bucket must not let anyone act as the club in the
 * portal. Two passes: credential headers, cookie lists and storage state are dropped from the
 * JSON-lines entries, then every known secret value is blanked in every entry, whatever its
 * format, so a value echoed somewhere unexpected (a resource body, a URL) goes too.
 */
export async function scrubTrace(path: string, secrets: readonly string[]): Promise<void> {
  const entries = unzipSync(new Uint8Array(await readFile(path)));
  const scrubbed: Zippable = {};
  for (const [name, data] of Object.entries(entries)) {
    const structured = /\.(trace|network)$/.test(name) ? strToU8(scrubJsonLines(strFromU8(data))) : data;
    scrubbed[name] = blankSecrets(structured, secrets);
  }
  await writeFile(path, zipSync(scrubbed));
}

/** Blanks every secret (and its URL-encoded form) in a text file such as the saved page HTML. */
export async function scrubText(path: string, secrets: readonly string[]): Promise<void> {
  const data = new Uint8Array(await readFile(path));
  const blanked = blankSecrets(data, secrets);
  if (blanked !== data) await writeFile(path, blanked);
}

function scrubJsonLines(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      if (line.trim() === "") return line;
      try {
        return JSON.stringify(scrubValue(JSON.parse(line) as unknown));
      } catch {
        return line; // Not JSON: left to the value pass.
      }
    })
    .join("\n");
}

function scrubValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubValue);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === "storageState") continue;
    if (key === "cookies" && Array.isArray(inner)) out[key] = [];
    else if (key === "headers" && Array.isArray(inner)) out[key] = inner.filter((h) => !isCredentialHeader(h)).map(scrubValue);
    else out[key] = scrubValue(inner);
  }
  return out;
}

function isCredentialHeader(header: unknown): boolean {
  if (header === null || typeof header !== "object" || !("name" in header)) return false;
  return typeof header.name === "string" && CREDENTIAL_HEADERS.has(header.name.toLowerCase());
}

/** Returns `data` itself when nothing matched, a new array otherwise. */
function blankSecrets(data: Uint8Array, secrets: readonly string[]): Uint8Array {
  let buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let changed = false;
  const needles = [...new Set(secrets.filter((s) => s.length >= 8).flatMap((s) => [s, encodeURIComponent(s)]))].map((s) => Buffer.from(s, "utf8"));
  const replacement = Buffer.from(REDACTED, "utf8");
  for (const needle of needles) {
    let at = buffer.indexOf(needle);
    if (at === -1) continue;
    const parts: Buffer[] = [];
    let from = 0;
    while (at !== -1) {
      parts.push(buffer.subarray(from, at), replacement);
      from = at + needle.length;
      at = buffer.indexOf(needle, from);
    }
    parts.push(buffer.subarray(from));
    buffer = Buffer.concat(parts);
    changed = true;
  }
  return changed ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) : data;
}
