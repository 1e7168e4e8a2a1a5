// Talks to the trigger API. The token lives in sessionStorage (this tab only) and is sent as a
// header. A sign-in link carries it in the fragment (`#token=…`), which the browser never sends
// to the server (so no request log keeps it); the page stores it and removes it from the address
// bar at once. A token in the query (`?token=`, old links) is never used, only removed.

const TOKEN_KEY = "crm-sync-token";

export class Unauthorized extends Error {}
/** Signed in, but the role does not allow this: the API's message says which role it needs. */
export class Refused extends Error {}

export function takeTokenFromUrl() {
  const url = new URL(window.location.href);
  let hash = url.hash;
  if (hash.includes("token=")) {
    const fragment = new URLSearchParams(hash.slice(1));
    const token = fragment.get("token");
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    fragment.delete("token");
    const rest = fragment.toString();
    hash = rest ? `#${rest}` : "";
  }
  url.searchParams.delete("token");
  history.replaceState(null, "", url.pathname + url.search + hash);
}

export const token = () => sessionStorage.getItem(TOKEN_KEY);
export const setToken = (value) => sessionStorage.setItem(TOKEN_KEY, value);
export const forgetToken = () => sessionStorage.removeItem(TOKEN_KEY);

async function send(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { authorization: `Bearer ${token()}`, ...(options.headers ?? {}) },
  });
  if (response.status === 401) throw new Unauthorized();
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    if (response.status === 403 && body?.error?.code === "ROLE_REQUIRED") throw Object.assign(new Refused(body.error.message), { code: "ROLE_REQUIRED" });
    if (response.status === 403) throw new Unauthorized();
    const error = new Error(body?.error?.message ?? `The server answered ${response.status}.`);
    error.code = body?.error?.code;
    throw error;
  }
  return response;
}

export async function api(path, options = {}) {
  const response = await send(path, { ...options, headers: { accept: "application/json", ...(options.headers ?? {}) } });
  return response.json();
}

export const post = (path, body = {}) => api(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** A binary answer (a screenshot, a CSV) as a Blob, fetched with the token header. */
export async function blob(path) {
  return (await send(path)).blob();
}

/** Saves a file the server made, fetched with the token (a plain link could not send the header). */
export async function download(path, filename) {
  const url = URL.createObjectURL(await blob(path));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Follows one run over SSE (read with fetch, so the token travels in a header) and calls
 * `onRun` with each state; resolves with the last one when the stream ends.
 */
export async function followRun(runId, onRun) {
  const response = await send(`/v1/syncs/${encodeURIComponent(runId)}/events`, { headers: { accept: "text/event-stream" } });
  if (!response.body) throw new Error("live status unavailable");
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let last = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let split;
    while ((split = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, split);
      buffer = buffer.slice(split + 2);
      const data = block.split("\n").filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join("\n");
      if (data) {
        last = JSON.parse(data);
        onRun(last);
      }
    }
  }
  return last;
}

export const isActive = (run) => run.status === "queued" || run.status === "running";

/** Follows a run to its end, picking the stream up again if it breaks first. */
export async function followToEnd(runId, onRun, onExpired) {
  for (;;) {
    let last = null;
    try {
      last = await followRun(runId, onRun);
    } catch (error) {
      if (error instanceof Unauthorized) return onExpired();
    }
    if (last !== null && !isActive(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}
