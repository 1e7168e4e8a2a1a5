import { PubSub } from "@google-cloud/pubsub";

export interface PubSubClientOptions {
  projectId: string;
  /** `host:port` of the Pub/Sub emulator. Unset means the real service with ambient credentials. */
  emulatorHost?: string;
}

/**
 * The emulator needs no credentials. Naming the project, forcing emulator mode and naming the
 * universe domain keep google-auth from probing the GCE metadata server for either (a slow
 * lookup and a MetadataLookupWarning on every machine that is not on Google Cloud).
 */
export function createPubSubClient(options: PubSubClientOptions): PubSub {
  if (options.emulatorHost === undefined || options.emulatorHost === "") {
    return new PubSub({ projectId: options.projectId });
  }
  return new PubSub({ projectId: options.projectId, apiEndpoint: options.emulatorHost, emulatorMode: true, universeDomain: "googleapis.com" });
}
