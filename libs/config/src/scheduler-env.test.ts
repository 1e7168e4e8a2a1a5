import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, parseEnv } from "./parse-env.ts";
import { intervalOrOff, requireSchedulerAuth, SchedulerEnv } from "./scheduler-env.ts";

const Env = SchedulerEnv.extend({ SWEEP_INTERVAL: intervalOrOff("30s") }).superRefine(requireSchedulerAuth("SWEEP_INTERVAL"));
const SCHEDULER = { SCHEDULER_AUDIENCE: "https://trigger.example.test", SCHEDULER_SERVICE_ACCOUNT: "scheduler@crm-sync.iam.gserviceaccount.com" };

function problems(env: Record<string, string>): string[] {
  try {
    parseEnv(Env, env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe("in-process timers and their Cloud Scheduler endpoints", () => {
  it("runs the timer by default with the endpoint off (local stack, embedded mode)", () => {
    expect(parseEnv(Env, {})).toEqual({ SWEEP_INTERVAL: 30_000 });
  });

  it.each([["off"], ["0"]])("switches the timer off with %s when Scheduler may call", (value) => {
    expect(parseEnv(Env, { ...SCHEDULER, SWEEP_INTERVAL: value }).SWEEP_INTERVAL).toBeNull();
  });

  it("refuses a timer switched off with nobody to call the endpoint", () => {
    expect(problems({ SWEEP_INTERVAL: "off" })).toEqual([expect.stringMatching(/^SWEEP_INTERVAL: may be off only with SCHEDULER_AUDIENCE and SCHEDULER_SERVICE_ACCOUNT set/)]);
  });

  it("wants the audience and the account together", () => {
    expect(problems({ SCHEDULER_AUDIENCE: SCHEDULER.SCHEDULER_AUDIENCE })).toEqual([expect.stringMatching(/^SCHEDULER_SERVICE_ACCOUNT: /)]);
    expect(problems({ SCHEDULER_SERVICE_ACCOUNT: SCHEDULER.SCHEDULER_SERVICE_ACCOUNT })).toEqual([expect.stringMatching(/^SCHEDULER_AUDIENCE: /)]);
  });

  it.each([["-5s"], ["30"], ["false"], ["0s"]])("refuses the interval %s", (value) => {
    expect(problems({ SWEEP_INTERVAL: value })).toEqual([expect.stringMatching(/^SWEEP_INTERVAL: must be a duration/)]);
  });

  it("keeps the timer parsed as milliseconds", () => {
    expect(z.object({ I: intervalOrOff("15m") }).parse({}).I).toBe(900_000);
  });
});
