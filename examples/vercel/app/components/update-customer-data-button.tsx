"use client";
// The staff button: POST starts a sync, then the run's status is polled from the same route
// (which reads Supabase as this staff member) until it is done or failed. Type-only imports
// from @crm-sync/vercel keep Pub/Sub and Node code out of the browser bundle.
import { useEffect, useRef, useState } from "react";
import type { RunPhase, RunStatus } from "@crm-sync/vercel";

const PHASE_TEXT: Record<RunPhase, string> = {
  queued: "Waiting to start · รอเริ่ม",
  scraping: "Downloading from the portal · กำลังดาวน์โหลด",
  loading: "Updating the database · กำลังอัปเดตข้อมูล",
  done: "Done · เสร็จแล้ว",
  failed: "Failed · ไม่สำเร็จ",
};

type View =
  | { state: "idle" }
  | { state: "starting" }
  | { state: "watching"; runId: string; run: RunStatus | null }
  | { state: "error"; code: string; message: string };

export interface UpdateCustomerDataButtonProps {
  /** The signed-in staff member's Supabase access token, or null when nobody is signed in. */
  getAccessToken: () => Promise<string | null>;
  endpoint?: string;
  pollMs?: number;
}

export function UpdateCustomerDataButton({ getAccessToken, endpoint = "/api/crm/update-customers", pollMs = 2000 }: UpdateCustomerDataButtonProps) {
  const [view, setView] = useState<View>({ state: "idle" });
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  async function call(url: string, method: "GET" | "POST"): Promise<Record<string, unknown>> {
    const token = await getAccessToken();
    if (token === null) throw Object.assign(new Error("Sign in to update customer data."), { code: "UNAUTHENTICATED" });
    const response = await fetch(url, { method, headers: { Authorization: `Bearer ${token}` }, cache: "no-store" });
    const body = (await response.json()) as Record<string, unknown> & { error?: { code: string; message: string } };
    if (!response.ok) throw Object.assign(new Error(body.error?.message ?? `HTTP ${response.status}`), { code: body.error?.code ?? "HTTP" });
    return body;
  }

  function fail(error: unknown) {
    setView({ state: "error", code: (error as { code?: string }).code ?? "INTERNAL", message: (error as Error).message });
  }

  function watch(runId: string) {
    call(`${endpoint}?runId=${encodeURIComponent(runId)}`, "GET")
      .then(({ run }) => {
        const current = (run ?? null) as RunStatus | null;
        setView({ state: "watching", runId, run: current });
        if (current?.phase !== "done" && current?.phase !== "failed") timer.current = setTimeout(() => watch(runId), pollMs);
      })
      .catch(fail);
  }

  function start() {
    setView({ state: "starting" });
    call(endpoint, "POST")
      .then(({ runId }) => watch(String(runId)))
      .catch(fail);
  }

  const run = view.state === "watching" ? view.run : null;
  const busy = view.state === "starting" || (view.state === "watching" && run?.phase !== "done" && run?.phase !== "failed");
  return (
    <section aria-label="Customer data">
      <button type="button" onClick={start} disabled={busy}>
        Update Customer Data
      </button>
      <p role="status" aria-live="polite">
        {view.state === "starting" && "Sending the request · กำลังส่งคำขอ"}
        {view.state === "watching" && (run === null ? PHASE_TEXT.queued : PHASE_TEXT[run.phase])}
        {view.state === "watching" && run?.phase === "done" && run.counts !== null && ` — ${run.counts.rows.toLocaleString("en-GB")} customers`}
        {view.state === "watching" && run?.error && ` — ${run.error.message} (${run.error.code})`}
        {view.state === "error" && `${view.message} (${view.code})`}
      </p>
    </section>
  );
}
