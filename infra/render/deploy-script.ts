import { renderCloudRun } from "./cloud-run.ts";
import { renderFoundation } from "./foundation.ts";
import { renderPrelude } from "./prelude.ts";
import { renderSubscriptions, renderTopics } from "./pubsub.ts";
import { renderScheduler } from "./scheduler.ts";

/**
 * The whole infra/deploy.sh. Order matters: identities and topics first, then the services
 * (so push endpoints exist), then subscriptions pointing at them, then the schedules.
 */
export function renderDeployScript(): string {
  const sections = [
    renderPrelude(),
    renderFoundation(),
    renderTopics(),
    renderCloudRun(),
    renderSubscriptions(),
    renderScheduler(),
    'log "Done. Dashboard: ${TRIGGER_URL}"',
  ];
  return `${sections.join("\n\n")}\n`;
}
