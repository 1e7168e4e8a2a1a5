import { urlVar, shellVar } from "../model/cloud-services.ts";
import { DAILY_SYNC_JOB, STALENESS_CHECK_JOB, type HttpJob, type PubSubJob } from "../model/scheduler-jobs.ts";
import { command, doubleQuoted, singleQuoted } from "./shell.ts";

/** `update` when the job exists, else `create`; the two differ only in how headers are passed. */
function createOrUpdate(kind: "pubsub" | "http", name: string, flags: string[], createOnly: string[], updateOnly: string[]): string {
  return [
    `if quiet gcloud scheduler jobs describe ${name} --location="\${REGION}"; then`,
    command(`gcloud scheduler jobs update ${kind} ${name}`, [...flags, ...updateOnly], "  "),
    "else",
    command(`gcloud scheduler jobs create ${kind} ${name}`, [...flags, ...createOnly], "  "),
    "fi",
  ].join("\n");
}

const common = (job: PubSubJob | HttpJob) => [
  '--location="${REGION}"',
  `--schedule=${singleQuoted(job.schedule)}`,
  `--time-zone=${singleQuoted(job.timeZone)}`,
  `--description=${singleQuoted(job.description)}`,
];

function renderPubSubJob(job: PubSubJob): string {
  return [
    "# Scheduler publishes as its service agent.",
    command(`bind gcloud pubsub topics add-iam-policy-binding ${job.topic}`, ['--member="${SCHEDULER_AGENT}"', "--role=roles/pubsub.publisher"]),
    createOrUpdate("pubsub", job.name, [...common(job), `--topic=${job.topic}`, `--message-body=${singleQuoted(job.body)}`], [], []),
  ].join("\n");
}

function renderHttpJob(job: HttpJob): string {
  // Read into a shell variable only for the gcloud call; never echoed.
  const header = '"Authorization=Bearer ${bearer_token}"';
  return [
    `bearer_token="$(gcloud secrets versions access latest --secret=${job.bearerSecret})"`,
    createOrUpdate(
      "http",
      job.name,
      [...common(job), `--uri=${doubleQuoted(`${shellVar(urlVar(job.service))}${job.path}`)}`, "--http-method=post"],
      [`--headers=${header}`],
      [`--update-headers=${header}`],
    ),
    "unset bearer_token",
  ].join("\n");
}

/** The daily sync and the notifier's staleness check. */
export function renderScheduler(): string {
  return ['log "Cloud Scheduler"', renderPubSubJob(DAILY_SYNC_JOB), renderHttpJob(STALENESS_CHECK_JOB)].join("\n");
}
