import { Duration, type Message, type PubSub, type Subscription as PubSubSubscription, type Topic as PubSubTopic } from "@google-cloud/pubsub";
import type { EventOf, EventType } from "@crm-sync/contracts";
import { SyncError } from "@crm-sync/errors";
import type { Logger } from "@crm-sync/logging";
import { deliverRaw, eventToRawHandler } from "../deliver.ts";
import { encodeEvent } from "../encode-event.ts";
import type { EventBus, EventHandler, RawHandler, RawMessage, SubscribeOptions, Subscription } from "../types.ts";
import { createPubSubClient } from "./pubsub-client.ts";

export interface PubSubBusOptions {
  projectId: string;
  logger: Logger;
  /** `host:port` of the Pub/Sub emulator; unset in the cloud. */
  emulatorHost?: string;
  /** An existing client to share (e.g. with provisioning); otherwise one is created. */
  client?: PubSub;
  /** Messages handled at once per subscription. */
  maxInFlight?: number;
}

/** Streaming-pull adapter for workers. Subscriptions are created by `provisionTopology`, not here. */
export class PubSubBus implements EventBus {
  readonly client: PubSub;
  readonly #logger: Logger;
  readonly #maxInFlight: number;
  readonly #topics = new Map<string, PubSubTopic>();
  readonly #open = new Set<Subscription>();
  readonly #ownsClient: boolean;

  constructor(options: PubSubBusOptions) {
    this.client =
      options.client ??
      createPubSubClient(options.emulatorHost === undefined ? { projectId: options.projectId } : { projectId: options.projectId, emulatorHost: options.emulatorHost });
    this.#ownsClient = options.client === undefined;
    this.#logger = options.logger;
    this.#maxInFlight = options.maxInFlight ?? 10;
  }

  async publish<T extends EventType>(event: EventOf<T>): Promise<string> {
    const outgoing = encodeEvent(event);
    return await this.publishRaw(outgoing.topic, outgoing.data, outgoing.attributes);
  }

  async publishRaw(topic: string, data: Buffer | string, attributes: Record<string, string> = {}): Promise<string> {
    let handle = this.#topics.get(topic);
    if (handle === undefined) {
      handle = this.client.topic(topic);
      this.#topics.set(topic, handle);
    }
    return await handle.publishMessage({ data: Buffer.from(data), attributes });
  }

  async subscribe<T extends EventType>(topic: T, subscription: string, handler: EventHandler<T>, options?: SubscribeOptions): Promise<Subscription> {
    const raw = eventToRawHandler({ topic, subscription, logger: this.#logger }, handler);
    return await this.subscribeRaw(topic, subscription, raw, options);
  }

  /**
   * `options.maxDeliveryAttempts` is not used here: on Pub/Sub it is a property of the
   * subscription's dead-letter policy, set when the subscription is provisioned.
   */
  async subscribeRaw(topic: string, subscription: string, handler: RawHandler, _options?: SubscribeOptions): Promise<Subscription> {
    const pull: PubSubSubscription = this.client.subscription(subscription, {
      flowControl: { maxMessages: this.#maxInFlight, allowExcessMessages: false },
      closeOptions: { behavior: "WAIT", timeout: Duration.from({ seconds: 10 }) },
    });
    const [exists] = await pull.exists();
    if (!exists) {
      throw new SyncError("INTERNAL", `Pub/Sub subscription ${subscription} does not exist; provision the topology first`);
    }
    const target = { topic, subscription, logger: this.#logger };
    const inFlight = new Set<Promise<void>>();
    pull.on("message", (message: Message) => {
      const handled = deliverRaw(target, handler, toRawMessage(message)).then((outcome) => {
        if (outcome === "ack") message.ack();
        else message.nack();
      });
      inFlight.add(handled);
      void handled.finally(() => inFlight.delete(handled));
    });
    pull.on("error", (error: unknown) => {
      this.#logger.error({ err: error, topic, subscription }, "Pub/Sub streaming pull failed; the client library retries");
    });
    const handle: Subscription = {
      close: async () => {
        this.#open.delete(handle);
        await pull.close();
        await Promise.allSettled([...inFlight]);
        pull.removeAllListeners();
      },
    };
    this.#open.add(handle);
    return handle;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#open].map((s) => s.close()));
    await Promise.allSettled([...this.#topics.values()].map((t) => t.flush()));
    // A shared client belongs to whoever passed it in.
    if (this.#ownsClient) await this.client.close();
  }
}

function toRawMessage(message: Message): RawMessage {
  return {
    messageId: message.id,
    data: message.data,
    attributes: { ...message.attributes },
    publishTime: new Date(message.publishTime.getTime()),
    // Pub/Sub reports 0 when the subscription has no dead-letter policy.
    deliveryAttempt: message.deliveryAttempt > 0 ? message.deliveryAttempt : 1,
  };
}
