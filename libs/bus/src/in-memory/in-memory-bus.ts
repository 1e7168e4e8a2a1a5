import { DEAD_LETTER_TOPIC, type EventOf, type EventType } from "@crm-sync/contracts";
import type { Logger } from "@crm-sync/logging";
import { backoffDelay, type Backoff } from "../backoff.ts";
import { deliverRaw, eventToRawHandler } from "../deliver.ts";
import { encodeEvent } from "../encode-event.ts";
import type { EventBus, EventHandler, RawHandler, RawMessage, SubscribeOptions, Subscription } from "../types.ts";

export interface InMemoryBusOptions {
  logger: Logger;
  /** Default for subscriptions that do not set their own. Pub/Sub's default is 5. */
  maxDeliveryAttempts?: number;
  backoff?: Backoff;
}

type StoredMessage = Omit<RawMessage, "deliveryAttempt">;

interface Consumer {
  handler: RawHandler;
  inFlight: Set<Promise<void>>;
}

interface SubscriptionState {
  name: string;
  topic: string;
  maxDeliveryAttempts: number;
  consumers: Consumer[];
  nextConsumer: number;
  /** Messages waiting for a consumer: a subscription keeps what arrives while nobody listens. */
  backlog: Array<{ message: StoredMessage; attempts: number }>;
}

const DEFAULT_BACKOFF: Backoff = { minMs: 500, maxMs: 30_000 };

/**
 * Pub/Sub semantics in one process (embedded mode and tests): every subscription of a topic
 * gets its own copy; `retry` or a throwing handler redelivers with exponential backoff and a
 * rising deliveryAttempt; after maxDeliveryAttempts the message goes to DEAD_LETTER_TOPIC with
 * its original data and attributes. Delivery is at-least-once and asynchronous.
 */
export class InMemoryBus implements EventBus {
  readonly #logger: Logger;
  readonly #maxDeliveryAttempts: number;
  readonly #backoff: Backoff;
  readonly #subscriptions = new Map<string, SubscriptionState>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #idleWaiters: Array<() => void> = [];
  #busy = 0;
  #sequence = 0;
  /** Set when close() starts: no new deliveries. */
  #closed = false;
  /** Set when close() has finished: publishing is an error from then on. */
  #finished = false;

  constructor(options: InMemoryBusOptions) {
    this.#logger = options.logger;
    this.#maxDeliveryAttempts = options.maxDeliveryAttempts ?? 5;
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  async publish<T extends EventType>(event: EventOf<T>): Promise<string> {
    const outgoing = encodeEvent(event);
    return await this.publishRaw(outgoing.topic, outgoing.data, outgoing.attributes);
  }

  /** Publishes bytes as they are, like Cloud Scheduler or `gcloud pubsub topics publish` do. */
  async publishRaw(topic: string, data: Buffer | string, attributes: Record<string, string> = {}): Promise<string> {
    // Handlers still finishing during close() may publish their results; those are dropped like any undelivered message.
    if (this.#finished) throw new Error("the bus is closed");
    return this.#fanOut(topic, data, attributes);
  }

  #fanOut(topic: string, data: Buffer | string, attributes: Record<string, string>): string {
    const messageId = `${Date.now()}${String(++this.#sequence).padStart(6, "0")}`;
    const publishTime = new Date();
    for (const subscription of this.#subscriptions.values()) {
      if (subscription.topic !== topic) continue;
      // Each subscription gets its own copy: a handler mutating its message cannot touch another's.
      const copy: StoredMessage = { messageId, data: Buffer.from(data), attributes: { ...attributes }, publishTime };
      this.#enqueue(subscription, { message: copy, attempts: 0 });
    }
    return messageId;
  }

  async subscribe<T extends EventType>(topic: T, subscription: string, handler: EventHandler<T>, options?: SubscribeOptions): Promise<Subscription> {
    const raw = eventToRawHandler({ topic, subscription, logger: this.#logger }, handler);
    return await this.subscribeRaw(topic, subscription, raw, options);
  }

  async subscribeRaw(topic: string, subscription: string, handler: RawHandler, options?: SubscribeOptions): Promise<Subscription> {
    if (this.#closed) throw new Error("the bus is closed");
    const state = this.#subscriptionFor(topic, subscription, options);
    const consumer: Consumer = {
      handler: (message) => deliverRaw({ topic, subscription, logger: this.#logger }, handler, message),
      inFlight: new Set(),
    };
    state.consumers.push(consumer);
    for (const waiting of state.backlog.splice(0)) this.#enqueue(state, waiting);
    return {
      close: async () => {
        state.consumers = state.consumers.filter((c) => c !== consumer);
        await Promise.allSettled([...consumer.inFlight]);
      },
    };
  }

  /** Resolves once no delivery is running or waiting for its backoff: the bus has nothing left to do. */
  async drain(): Promise<void> {
    while (this.#busy > 0) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops deliveries and waits for the handlers already running. Pending redeliveries are dropped. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) {
      clearTimeout(timer);
      this.#release();
    }
    this.#timers.clear();
    await this.drain();
    this.#finished = true;
  }

  #subscriptionFor(topic: string, name: string, options?: SubscribeOptions): SubscriptionState {
    const existing = this.#subscriptions.get(name);
    if (existing !== undefined) {
      if (existing.topic !== topic) throw new Error(`subscription ${name} belongs to topic ${existing.topic}, not ${topic}`);
      if (options?.maxDeliveryAttempts !== undefined) existing.maxDeliveryAttempts = options.maxDeliveryAttempts;
      return existing;
    }
    const created: SubscriptionState = {
      name,
      topic,
      maxDeliveryAttempts: options?.maxDeliveryAttempts ?? this.#maxDeliveryAttempts,
      consumers: [],
      nextConsumer: 0,
      backlog: [],
    };
    this.#subscriptions.set(name, created);
    return created;
  }

  #enqueue(subscription: SubscriptionState, entry: { message: StoredMessage; attempts: number }): void {
    if (this.#closed) return;
    if (subscription.consumers.length === 0) {
      subscription.backlog.push(entry);
      return;
    }
    this.#busy++;
    // Asynchronous like the real thing: publish returns before any handler runs.
    setImmediate(() => {
      void this.#deliver(subscription, entry).finally(() => this.#release());
    });
  }

  async #deliver(subscription: SubscriptionState, entry: { message: StoredMessage; attempts: number }): Promise<void> {
    if (this.#closed) return;
    const consumer = subscription.consumers[subscription.nextConsumer++ % Math.max(1, subscription.consumers.length)];
    if (consumer === undefined) {
      subscription.backlog.push(entry);
      return;
    }
    const attempt = entry.attempts + 1;
    const running = consumer.handler({ ...entry.message, deliveryAttempt: attempt });
    const tracked = running.then(() => undefined);
    consumer.inFlight.add(tracked);
    const outcome = await running;
    consumer.inFlight.delete(tracked);
    if (outcome === "ack") return;
    if (attempt >= subscription.maxDeliveryAttempts) {
      this.#deadLetter(subscription, entry.message, attempt);
      return;
    }
    this.#redeliverLater(subscription, { message: entry.message, attempts: attempt });
  }

  #redeliverLater(subscription: SubscriptionState, entry: { message: StoredMessage; attempts: number }): void {
    if (this.#closed) return;
    this.#busy++;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#enqueue(subscription, entry);
      this.#release();
    }, backoffDelay(entry.attempts, this.#backoff));
    this.#timers.add(timer);
  }

  #deadLetter(subscription: SubscriptionState, message: StoredMessage, attempts: number): void {
    this.#logger.warn(
      { topic: subscription.topic, subscription: subscription.name, messageId: message.messageId, deliveryAttempt: attempts, runId: message.attributes["runId"] },
      "message dead-lettered after its last delivery attempt",
    );
    // The same attributes Pub/Sub adds when it forwards a message to a dead-letter topic.
    this.#fanOut(DEAD_LETTER_TOPIC, message.data, {
      ...message.attributes,
      CloudPubSubDeadLetterSourceSubscription: subscription.name,
      CloudPubSubDeadLetterSourceDeliveryCount: String(attempts),
      CloudPubSubDeadLetterSourceTopicPublishTime: message.publishTime.toISOString(),
    });
  }

  #release(): void {
    this.#busy--;
    if (this.#busy > 0) return;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }
}
