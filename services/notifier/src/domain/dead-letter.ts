import { ALL_TOPICS, RunId, SyncEvent, type ErrorCode, type FailureStage, type Topic } from "@crm-sync/contracts";

/**
 * What a dead-lettered message may tell an email: names, ids and codes that pass a strict
 * check. Its payload is read only through the contracts, and only for the run id and (for a
 * sync-failed event) the code and stage; nothing else of it ever reaches an email.
 */
export interface DeadLetterFacts {
  messageId: string;
  sourceSubscription: string;
  topic: Topic | null;
  runId: string | null;
  code: ErrorCode | null;
  stage: FailureStage | null;
  deliveryAttempts: number | null;
  /** The dead-lettered event's id, when its payload is a valid event. */
  eventId: string | null;
}

export interface DeadLetterInput {
  messageId: string;
  data: Buffer;
  attributes: Record<string, string>;
}

/** Pub/Sub adds these to a dead-lettered message; the in-memory bus does the same. */
const SOURCE_SUBSCRIPTION = "CloudPubSubDeadLetterSourceSubscription";
const SOURCE_DELIVERY_COUNT = "CloudPubSubDeadLetterSourceDeliveryCount";

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._~+%-]{0,254}$/;
const SAFE_MESSAGE_ID = /^[A-Za-z0-9_-]{1,128}$/;

export function readDeadLetter(message: DeadLetterInput): DeadLetterFacts {
  const event = parsePayload(message.data);
  const attributeRunId = RunId.safeParse(message.attributes["runId"]);
  const failure = event?.type === "sync-failed" ? event.data : null;
  const typeAttribute = message.attributes["type"];
  const topic = ALL_TOPICS.find((t) => t === (event?.type ?? typeAttribute)) ?? null;
  return {
    messageId: SAFE_MESSAGE_ID.test(message.messageId) ? message.messageId : "unknown",
    sourceSubscription: subscriptionOf(message.attributes[SOURCE_SUBSCRIPTION]),
    topic,
    runId: event?.runId ?? (attributeRunId.success ? attributeRunId.data : null),
    code: failure?.code ?? null,
    stage: failure?.stage ?? null,
    deliveryAttempts: countOf(message.attributes[SOURCE_DELIVERY_COUNT]),
    eventId: event?.eventId ?? null,
  };
}

/** Pub/Sub names the source as `projects/<project>/subscriptions/<name>`; the name is enough. */
function subscriptionOf(value: string | undefined): string {
  const name = value?.split("/").at(-1);
  return name !== undefined && SAFE_NAME.test(name) ? name : "unknown";
}

function countOf(value: string | undefined): number | null {
  if (value === undefined || !/^\d{1,6}$/.test(value)) return null;
  return Number(value);
}

function parsePayload(data: Buffer): SyncEvent | null {
  try {
    const parsed = SyncEvent.safeParse(JSON.parse(data.toString("utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
