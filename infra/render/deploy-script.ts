import { renderCloudRun } from "./cloud-run.ts";
import { renderFoundation } from "./foundation.ts";
import { renderPrelude } from "./prelude.ts";
import { renderSubscriptions, renderTopics } from "./pubsub.ts";
import { renderScheduler } from "./scheduler.ts";
import { renderVercel, renderVercelVariables } from "./vercel.ts";

/**
 * The whole infra/deploy.sh. Order matters: identities and topics first, then the services
 * (so push endpoints exist), then subscriptions pointing at them, then the schedules. The Vercel
 * app's identity (only with VERCEL_TEAM) follows the topics and its variables are printed last.
 */
export function renderDeployScript(): string {
  const sections = [
    renderPrelude(),
    renderFoundation(),
    renderTopics(),
    renderVercel(),
    renderCloudRun(),
    renderSubscriptions(),
    renderScheduler(),
    'log "Done. Dashboard: ${TRIGGER_URL}"',
    renderVercelVariables(),
  ];
  return `${sections.join("\n\n")}\n`;
}
