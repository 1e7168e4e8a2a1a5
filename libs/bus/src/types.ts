import type { EventOf, EventType, MessageAttributes } from "@crm-sync/contracts";

/**
 * What a handler tells the bus. `ack`: done, or can never succeed (the handler has already
 * published `sync-failed`). `retry`: transient failure; redeliver with backoff, and after
 * maxDeliveryAttempts dead-letter it. Push endpoints map these to 204 and 500.
 */
export type HandlerOutcome = "ack" | "retry";

export interface Delivery<E> {
  event: E;
  attributes: MessageAttributes;
  messageId: string;
  /** 1 on first delivery. */
  deliveryAttempt: number;
}

export type EventHandler<T extends EventType> = (delivery: Delivery<EventOf<T>>) => Promise<HandlerOutcome>;

/** A message as it sits on a topic, before (or instead of) contract parsing: dead letters. */
export interface RawMessage {
  messageId: string;
  data: Buffer;
  attributes: Record<string, string>;
  publishTime: Date;
  deliveryAttempt: number;
}

export type RawHandler = (message: RawMessage) => Promise<HandlerOutcome>;

export interface SubscribeOptions {
  /** Default 5. After this many failed deliveries the message goes to DEAD_LETTER_TOPIC. */
  maxDeliveryAttempts?: number;
}

export interface Subscription {
  close(): Promise<void>;
}

export interface EventBus {
  /** Publishes on the topic named by `event.type`, with type/runId/trace attributes. Returns the message id. */
  publish<T extends EventType>(event: EventOf<T>): Promise<string>;
  /**
   * Delivers validated events of `topic` to `handler`. Invalid messages are logged and acked
   * (never retried forever); `sync-requested` also accepts the bare Cloud Scheduler body.
   */
  subscribe<T extends EventType>(topic: T, subscription: string, handler: EventHandler<T>, options?: SubscribeOptions): Promise<Subscription>;
  /** Raw delivery, for topics whose payload is not a contract event (the dead-letter topic). */
  subscribeRaw(topic: string, subscription: string, handler: RawHandler, options?: SubscribeOptions): Promise<Subscription>;
  close(): Promise<void>;
}
