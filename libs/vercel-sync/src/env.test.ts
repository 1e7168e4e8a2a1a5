import { describe, expect, it } from "vitest";
import { parseVercelSyncEnv } from "./env.ts";

const SUPABASE = { NEXT_PUBLIC_SUPABASE_URL: "https://synthetic.supabase.co", NEXT_PUBLIC_SUPABASE_ANON_KEY: "anon" };

describe("parseVercelSyncEnv", () => {
  it("publishes by default and needs only the project with the emulator or a key", () => {
    expect(parseVercelSyncEnv({ ...SUPABASE, GCP_PROJECT_ID: "p", PUBSUB_EMULATOR_HOST: "127.0.0.1:8085" }).CRM_SYNC_TRANSPORT).toBe("pubsub");
    expect(() => parseVercelSyncEnv({ ...SUPABASE, GCP_PROJECT_ID: "p", GCP_SERVICE_ACCOUNT_KEY: "{}" })).not.toThrow();
  });

  it("counts Vercel's empty values as unset", () => {
    expect(() => parseVercelSyncEnv({ ...SUPABASE, GCP_PROJECT_ID: "p", GCP_SERVICE_ACCOUNT_KEY: "", PUBSUB_EMULATOR_HOST: "" })).toThrow(/GCP_PROJECT_NUMBER/);
  });

  it("needs the trigger's URL and token for the HTTP path, and no Google settings", () => {
    expect(() => parseVercelSyncEnv({ ...SUPABASE, CRM_SYNC_TRANSPORT: "http" })).toThrow(/CRM_SYNC_API_URL.*CRM_SYNC_API_TOKEN/);
    expect(parseVercelSyncEnv({ ...SUPABASE, CRM_SYNC_TRANSPORT: "http", CRM_SYNC_API_URL: "https://trigger.example.test", CRM_SYNC_API_TOKEN: "t" }).CRM_SYNC_TRANSPORT).toBe("http");
  });
});
