import express from "express";
import { describe } from "vitest";
import type { EventType } from "@crm-sync/contracts";
import type { Logger } from "@crm-sync/logging";
import { listen, type RunningServer } from "@crm-sync/server";
import { gate, pubsubEmulatorMissing, startPubSubEmulator } from "@crm-sync/testing";
import {
  createOidcVerifier,
  createPubSubClient,
  provisionTopology,
  pushHandler,
  pushRawHandler,
  PubSubBus,
  type EventBus,
  type EventHandler,
  type RawHandler,
  type Subscription,
  type SubscriptionSpec,
} from "../src/index.ts";
import { runBusContract, type SubscriptionPlan } from "./bus-contract.ts";

/**
 * Push delivery as Cloud Run sees it: the emulator POSTs to an express app on 127.0.0.1 that
 * mounts `pushHandler`. Each subscription is created only once its route is mounted, so no
 * delivery attempt is spent on a 404.
 */
class PushBusForTest implements EventBus {
  readonly #routes = new Map<string, express.Router>();
  readonly #plans = new Map<string, SubscriptionPlan>();
  readonly #publisher: PubSubBus;
  readonly #client: ReturnType<typeof createPubSubClient>;
  readonly #server: RunningServer;
  readonly #logger: Logger;
  readonly #verifier = createOidcVerifier({ enabled: false });

  constructor(publisher: PubSubBus, server: RunningServer, logger: Logger, app: express.Express) {
    this.#publisher = publisher;
    this.#client = publisher.client;
    this.#server = server;
    this.#logger = logger;
    app.use("/push/:subscription", (req, res, next) => {
      const route = this.#routes.get(req.params.subscription);
      if (route === undefined) res.status(404).end();
      else route(req, res, next);
    });
  }

  plan(subscriptions: SubscriptionPlan[]): void {
    for (const plan of subscriptions) this.#plans.set(plan.name, plan);
  }

  publish: EventBus["publish"] = (event) => this.#publisher.publish(event);

  async subscribe<T extends EventType>(topic: T, subscription: string, handler: EventHandler<T>): Promise<Subscription> {
    return await this.#mount(subscription, topic, pushHandler({ topic, handler, logger: this.#logger, verifier: this.#verifier, path: "/" }));
  }

  async subscribeRaw(topic: string, subscription: string, handler: RawHandler): Promise<Subscription> {
    return await this.#mount(subscription, topic, pushRawHandler({ topic, handler, logger: this.#logger, verifier: this.#verifier, path: "/" }));
  }

  async #mount(name: string, topic: string, route: express.Router): Promise<Subscription> {
    this.#routes.set(name, route);
    const plan = this.#plans.get(name);
    const spec: SubscriptionSpec = {
      name,
      topic,
      pushEndpoint: `${this.#server.url}/push/${name}`,
      maxDeliveryAttempts: plan?.maxDeliveryAttempts ?? 5,
      minBackoffSeconds: 1,
      maxBackoffSeconds: 2,
    };
    await provisionTopology(this.#client, { subscriptions: [spec] });
    return {
      close: async () => {
        await this.#client.subscription(name).delete();
        this.#routes.delete(name);
      },
    };
  }

  async close(): Promise<void> {
    await this.#publisher.close();
    await this.#server.close(1000);
  }
}

describe.skipIf(gate("Pub/Sub emulator", pubsubEmulatorMissing()))("push subscriptions on the emulator", () => {
  runBusContract("Pub/Sub push", async (logger) => {
    const emulator = await startPubSubEmulator();
    const client = createPubSubClient({ projectId: emulator.projectId, emulatorHost: emulator.host });
    const publisher = new PubSubBus({ projectId: emulator.projectId, logger, client });
    const app = express();
    const server = await listen(app, 0);
    const bus = new PushBusForTest(publisher, server, logger, app);
    return {
      bus,
      publishRaw: (topic, data, attributes) => publisher.publishRaw(topic, data, attributes),
      provision: async (subscriptions) => {
        bus.plan(subscriptions);
        await provisionTopology(client, { subscriptions: [] });
      },
      close: async () => {
        await bus.close();
        await emulator.stop();
      },
    };
  });
});
