import express from "express";
import { createFakePortal, createPortalState, type PortalOptions, type PortalState } from "@crm-sync/fake-qashier";
import { listen } from "@crm-sync/server";

/**
 * The fake portal behind a thin observer: counts export downloads, remembers the session
 * tokens browsers presented (so a test can expire exactly those), and reports clicks on the
 * portal's decoy export controls through a small script added to the page.
 */
export interface ObservedPortal {
  url: string;
  state: PortalState;
  exports(): number;
  decoyClicks(): string[];
  /** Ends every session a browser has used so far, as the portal does when they expire. */
  expireSeenSessions(): void;
  /** The session tokens browsers have presented so far. */
  seenSessions(): string[];
  stop(): Promise<void>;
}

const SESSION_COOKIE = /(?:^|;\s*)qashier_session=([^;]+)/;

const DECOY_REPORTER = `<script>
document.addEventListener("click", (event) => {
  const control = event.target instanceof Element ? event.target.closest("button, a") : null;
  const name = control ? control.textContent.trim() : "";
  if (control && name !== "Export" && /export/i.test(name)) navigator.sendBeacon("/__observer/decoy-click", name);
}, true);
</script>`;

export async function startObservedPortal(options: PortalOptions): Promise<ObservedPortal> {
  const state = createPortalState(options);
  let exports = 0;
  const decoys: string[] = [];
  const sessions = new Set<string>();
  const app = express();
  app.post("/__observer/decoy-click", express.text({ type: () => true }), (req, res) => {
    decoys.push(String(req.body));
    res.status(204).end();
  });
  app.use((req, res, next) => {
    const token = SESSION_COOKIE.exec(req.headers.cookie ?? "")?.[1];
    if (token !== undefined) sessions.add(decodeURIComponent(token));
    if (req.method === "GET" && req.path === "/api/customers/export") exports += 1;
    if (req.method === "GET" && req.path === "/") {
      const send = res.send.bind(res);
      res.send = (body: unknown) => send(typeof body === "string" ? body.replace("</body>", `${DECOY_REPORTER}</body>`) : body);
    }
    next();
  });
  app.use(createFakePortal(options, { state }));
  const running = await listen(app, 0);
  return {
    url: running.url,
    state,
    exports: () => exports,
    decoyClicks: () => [...decoys],
    seenSessions: () => [...sessions],
    expireSeenSessions: () => {
      for (const token of sessions) state.sessions.end(token);
    },
    stop: () => running.close(100),
  };
}
