import type { PubSub } from "@google-cloud/pubsub";
import { createPubSubClient, subscriptionOptions, type SubscriptionSpec } from "@crm-sync/bus";
import { ALL_TOPICS, DEAD_LETTER_TOPIC } from "@crm-sync/contracts";
import { CLOUD_SERVICES, serviceAccountVar, shellVar, urlVar } from "../model/cloud-services.ts";
import { pushSubscriptionSpecs, RETIRED_SUBSCRIPTIONS } from "../model/topology.ts";
import { command, doubleQuoted } from "./shell.ts";

type ServiceRecord = Record<(typeof CLOUD_SERVICES)[number]["service"], string>;

/** The cloud subscriptions: push to each service's URL, signed as the push account for its audience. */
export function cloudSubscriptionSpecs(): SubscriptionSpec[] {
  const urls = Object.fromEntries(CLOUD_SERVICES.map((s) => [s.service, shellVar(urlVar(s.service))])) as ServiceRecord;
  return pushSubscriptionSpecs({ serviceUrls: urls, pushServiceAccount: shellVar("PUSH_SA"), audiences: urls });
}

/**
 * gcloud flags for one subscription, translated from the options `provisionTopology` gives the
 * client library, so the script and the emulator provisioning cannot disagree. An option this
 * does not know fails generation rather than being dropped.
 */
export function subscriptionFlags(spec: SubscriptionSpec, pubsub: PubSub): string[] {
  const { ackDeadlineSeconds, deadLetterPolicy, retryPolicy, pushConfig, ...rest } = subscriptionOptions(pubsub, spec);
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new Error(`subscription ${spec.name}: no gcloud flag for ${unknown.join(", ")}`);
  const flags: string[] = [];
  if (pushConfig?.pushEndpoint !== undefined && pushConfig.pushEndpoint !== null) {
    flags.push(`--push-endpoint=${doubleQuoted(pushConfig.pushEndpoint)}`);
    const oidc = pushConfig.oidcToken;
    if (oidc?.serviceAccountEmail) flags.push(`--push-auth-service-account=${doubleQuoted(oidc.serviceAccountEmail)}`);
    if (oidc?.audience) flags.push(`--push-auth-token-audience=${doubleQuoted(oidc.audience)}`);
  }
  if (typeof ackDeadlineSeconds === "number") flags.push(`--ack-deadline=${ackDeadlineSeconds}`);
  if (deadLetterPolicy?.deadLetterTopic) {
    flags.push(`--dead-letter-topic=${deadLetterPolicy.deadLetterTopic.split("/").at(-1)}`);
    flags.push(`--max-delivery-attempts=${deadLetterPolicy.maxDeliveryAttempts}`);
  }
  if (retryPolicy !== undefined && retryPolicy !== null) {
    flags.push(`--min-retry-delay=${Number(retryPolicy.minimumBackoff?.seconds ?? 10)}s`);
    flags.push(`--max-retry-delay=${Number(retryPolicy.maximumBackoff?.seconds ?? 600)}s`);
  }
  return flags;
}

/** Topics and who may publish to them. */
export function renderTopics(): string {
  const out: string[] = ['log "Pub/Sub topics"'];
  for (const topic of [...ALL_TOPICS, DEAD_LETTER_TOPIC]) out.push(`ensure_topic ${topic}`);
  for (const service of CLOUD_SERVICES) {
    for (const topic of service.publishes) {
      out.push(
        command(`bind gcloud pubsub topics add-iam-policy-binding ${topic}`, [
          `--member=${doubleQuoted(`serviceAccount:${shellVar(serviceAccountVar(service.service))}`)}`,
          "--role=roles/pubsub.publisher",
        ]),
      );
    }
  }
  out.push(
    "# Pub/Sub itself forwards undeliverable messages to the dead-letter topic.",
    command(`bind gcloud pubsub topics add-iam-policy-binding ${DEAD_LETTER_TOPIC}`, ['--member="${PUBSUB_AGENT}"', "--role=roles/pubsub.publisher"]),
  );
  return out.join("\n");
}

/** The push subscriptions (after the services exist) and the dead-letter wiring. */
export function renderSubscriptions(): string {
  const out: string[] = ['log "Pub/Sub push subscriptions"'];
  const deadLettering: string[] = [];
  // A client only to format the dead-letter topic's resource name; it never connects.
  const pubsub = createPubSubClient({ projectId: "crm-sync-render", emulatorHost: "127.0.0.1:9" });
  for (const spec of cloudSubscriptionSpecs()) {
    const flags = subscriptionFlags(spec, pubsub);
    out.push(command(`ensure_subscription ${spec.name} ${spec.topic}`, flags));
    if (flags.some((f) => f.startsWith("--dead-letter-topic="))) deadLettering.push(spec.name);
  }
  out.push("# Subscriptions of earlier versions that would now bypass the trigger's single-flight.");
  for (const name of RETIRED_SUBSCRIPTIONS) out.push(`retire_subscription ${name}`);
  out.push("# Pub/Sub acknowledges a dead-lettered message on its source subscription, as itself.");
  for (const name of deadLettering) {
    out.push(command(`bind gcloud pubsub subscriptions add-iam-policy-binding ${name}`, ['--member="${PUBSUB_AGENT}"', "--role=roles/pubsub.subscriber"]));
  }
  return out.join("\n");
}
