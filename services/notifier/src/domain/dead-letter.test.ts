import { makeEvent } from "@crm-sync/contracts";
import { describe, expect, it } from "vitest";
import { readDeadLetter } from "./dead-letter.ts";

const failedEvent = makeEvent("sync-failed", "run-dl-1", {
  stage: "committing",
  code: "DB_UNAVAILABLE",
  retryable: true,
  message: "Call Somchai Jaidee on 0812345678 or somchai@example.com",
  destinationUntouched: true,
  artifacts: [],
  attempt: 5,
});

describe("readDeadLetter", () => {
  it("reads the source subscription, delivery count, run, code and stage", () => {
    const facts = readDeadLetter({
      messageId: "1764184000000001",
      data: Buffer.from(JSON.stringify(failedEvent)),
      attributes: {
        type: "sync-failed",
        runId: "run-dl-1",
        CloudPubSubDeadLetterSourceSubscription: "projects/crm-sync-prod/subscriptions/trigger.sync-failed",
        CloudPubSubDeadLetterSourceDeliveryCount: "5",
      },
    });
    expect(facts).toEqual({
      messageId: "1764184000000001",
      sourceSubscription: "trigger.sync-failed",
      topic: "sync-failed",
      runId: "run-dl-1",
      code: "DB_UNAVAILABLE",
      stage: "committing",
      deliveryAttempts: 5,
      eventId: failedEvent.eventId,
    });
    expect(JSON.stringify(facts)).not.toMatch(/Somchai|0812345678|example\.com/);
  });

  it("keeps only strictly checked values from a message that is not a contract event", () => {
    const facts = readDeadLetter({
      messageId: "id with spaces",
      data: Buffer.from('{"customer":"Somchai Jaidee","phone":"0812345678"}'),
      attributes: {
        type: "customer-dump",
        runId: "../../etc/passwd",
        CloudPubSubDeadLetterSourceSubscription: "somchai@example.com",
        CloudPubSubDeadLetterSourceDeliveryCount: "five",
      },
    });
    expect(facts).toEqual({
      messageId: "unknown",
      sourceSubscription: "unknown",
      topic: null,
      runId: null,
      code: null,
      stage: null,
      deliveryAttempts: null,
      eventId: null,
    });
  });

  it("falls back to the attributes when the payload is not JSON", () => {
    const facts = readDeadLetter({
      messageId: "77",
      data: Buffer.from("not json"),
      attributes: { type: "csv-ready", runId: "run-7", CloudPubSubDeadLetterSourceSubscription: "loader.csv-ready" },
    });
    expect(facts).toMatchObject({ topic: "csv-ready", runId: "run-7", sourceSubscription: "loader.csv-ready", deliveryAttempts: null });
  });
});
