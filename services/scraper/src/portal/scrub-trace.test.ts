import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { scrubText, scrubTrace } from "./scrub-trace.ts";

const SESSION = "3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";

describe("scrubTrace", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "scrub-trace-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("drops credential headers, cookie lists and storage state, blanks the value everywhere and keeps the rest", async () => {
    const network = {
      type: "resource-snapshot",
      snapshot: {
        request: {
          url: "http://portal.test/api/customers",
          headers: [
            { name: "Cookie", value: `qashier_session=${SESSION}` },
            { name: "Authorization", value: "Bearer abcdefgh12345" },
            { name: "Accept", value: "application/json" },
          ],
          cookies: [{ name: "qashier_session", value: SESSION }],
        },
        response: { status: 200, headers: [{ name: "Set-Cookie", value: `qashier_session=${SESSION}; HttpOnly` }], cookies: [] },
      },
    };
    const trace = { type: "context-options", options: { storageState: { cookies: [{ name: "qashier_session", value: SESSION }] }, locale: "en-US" } };
    const path = join(dir, "trace.zip");
    await writeFile(
      path,
      zipSync({
        "trace.network": strToU8(`${JSON.stringify(network)}\n`),
        "trace.trace": strToU8(`${JSON.stringify(trace)}\nnot json ${SESSION}\n`),
        "resources/page.html": strToU8(`<p>token ${encodeURIComponent(SESSION)}</p>`),
      }),
    );

    await scrubTrace(path, [SESSION]);

    const entries = unzipSync(new Uint8Array(await readFile(path)));
    const all = Object.values(entries).map((entry) => strFromU8(entry)).join("\n");
    expect(all).not.toContain(SESSION);
    expect(all).not.toContain("abcdefgh12345");
    const scrubbedNetwork = JSON.parse(strFromU8(entries["trace.network"]!).trim()) as typeof network;
    expect(scrubbedNetwork.snapshot.request.headers).toEqual([{ name: "Accept", value: "application/json" }]);
    expect(scrubbedNetwork.snapshot.request.cookies).toEqual([]);
    expect(scrubbedNetwork.snapshot.response.headers).toEqual([]);
    expect(scrubbedNetwork.snapshot.request.url).toBe("http://portal.test/api/customers");
    const [options, rest] = strFromU8(entries["trace.trace"]!).split("\n");
    expect(JSON.parse(options!)).toEqual({ type: "context-options", options: { locale: "en-US" } });
    expect(rest).toBe("not json [redacted]");
    expect(strFromU8(entries["resources/page.html"]!)).toBe("<p>token [redacted]</p>");
  });

  it("blanks secrets in a text file and leaves a file without them byte for byte", async () => {
    const withSecret = join(dir, "page.html");
    const without = join(dir, "other.html");
    await writeFile(withSecret, `<a data-s="${SESSION}">${SESSION}</a>`);
    await writeFile(without, "<p>nothing here</p>");
    await scrubText(withSecret, [SESSION]);
    await scrubText(without, [SESSION]);
    expect(await readFile(withSecret, "utf8")).toBe('<a data-s="[redacted]">[redacted]</a>');
    expect(await readFile(without, "utf8")).toBe("<p>nothing here</p>");
  });
});
