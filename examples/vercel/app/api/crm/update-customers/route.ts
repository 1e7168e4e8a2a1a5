// Next.js App Router route handler behind the staff dashboard's "Update Customer Data" button
// (hence trigger "manual"): POST starts a customer sync, or joins the one already running;
// GET ?runId=… reads a run's status. Put it behind the app's own staff login: the crm-sync
// token stays on the server and is never sent to the browser.
import { createTriggerClient, TriggerClientError, type TriggerClient } from "@crm-sync/trigger-client";

function client(): TriggerClient | undefined {
  const baseUrl = process.env["CRM_SYNC_API_URL"];
  const token = process.env["CRM_SYNC_API_TOKEN"];
  if (!baseUrl || !token) return undefined;
  return createTriggerClient({ baseUrl, token });
}

const notConfigured = () =>
  Response.json({ error: { code: "NOT_CONFIGURED", message: "CRM_SYNC_API_URL and CRM_SYNC_API_TOKEN must be set." } }, { status: 500 });

function failure(error: unknown): Response {
  if (error instanceof TriggerClientError) {
    // 4xx from crm-sync is our configuration or input; anything else is crm-sync being unavailable.
    const status = error.status === 404 ? 404 : error.status >= 400 && error.status < 500 ? 500 : 502;
    return Response.json({ error: { code: error.code, message: error.message } }, { status });
  }
  return Response.json({ error: { code: "INTERNAL", message: "The customer sync could not be reached." } }, { status: 502 });
}

// The run records who asked from crm-sync's own view of the caller (this app's token name or
// service account), so nothing from the browser's body is forwarded.
export async function POST(): Promise<Response> {
  const crm = client();
  if (crm === undefined) return notConfigured();
  try {
    const { run, coalesced } = await crm.requestSync({ trigger: "manual" });
    return Response.json({ runId: run.runId, status: run.status, phase: run.phase, coalesced, run }, { status: 202 });
  } catch (error) {
    return failure(error);
  }
}

export async function GET(request: Request): Promise<Response> {
  const crm = client();
  if (crm === undefined) return notConfigured();
  const runId = new URL(request.url).searchParams.get("runId");
  try {
    if (runId === null) return Response.json({ runs: await crm.listRuns(10), freshness: await crm.freshness() });
    return Response.json(await crm.getRun(runId));
  } catch (error) {
    return failure(error);
  }
}
