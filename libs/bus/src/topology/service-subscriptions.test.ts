import { describe, expect, it } from "vitest";
import { SERVICE_SUBSCRIPTIONS, serviceSubscriptionSpecs } from "./service-subscriptions.ts";

describe("serviceSubscriptionSpecs", () => {
  it("lists one pull subscription per service and topic, named <service>.<topic>", () => {
    const names = serviceSubscriptionSpecs().map((s) => `${s.name}<-${s.topic}:${s.pushEndpoint ?? "pull"}`);
    expect(names).toEqual([
      "scraper.scrape-requested<-scrape-requested:pull",
      "loader.csv-ready<-csv-ready:pull",
      "trigger.sync-requested<-sync-requested:pull",
      "trigger.sync-progress<-sync-progress:pull",
      "trigger.csv-ready<-csv-ready:pull",
      "trigger.sync-completed<-sync-completed:pull",
      "trigger.sync-failed<-sync-failed:pull",
      "notifier.sync-failed<-sync-failed:pull",
      "notifier.sync-completed<-sync-completed:pull",
      "notifier.sync-dead-letter<-sync-dead-letter:pull",
    ]);
    expect(Object.values(SERVICE_SUBSCRIPTIONS).flat()).toHaveLength(names.length);
  });

  it("pushes to /pubsub/<topic> on services that have a URL, with the OIDC identity and retry settings", () => {
    const specs = serviceSubscriptionSpecs({
      serviceUrls: { loader: "https://loader.example.test/" },
      pushAuth: { serviceAccountEmail: "pubsub-push@crm-sync-test.iam.gserviceaccount.com" },
      maxDeliveryAttempts: 7,
      minBackoffSeconds: 15,
      maxBackoffSeconds: 300,
    });
    expect(specs.find((s) => s.name === "loader.csv-ready")).toEqual({
      name: "loader.csv-ready",
      topic: "csv-ready",
      pushEndpoint: "https://loader.example.test/pubsub/csv-ready",
      pushAuth: { serviceAccountEmail: "pubsub-push@crm-sync-test.iam.gserviceaccount.com" },
      maxDeliveryAttempts: 7,
      minBackoffSeconds: 15,
      maxBackoffSeconds: 300,
    });
    expect(specs.find((s) => s.name === "scraper.scrape-requested")?.pushEndpoint).toBeUndefined();
  });
});
