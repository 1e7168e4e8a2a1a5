import { urlVar, shellVar } from "../model/cloud-services.ts";
import { DAILY_SYNC_JOB, HTTP_JOBS, type HttpJob, type PubSubJob } from "../model/scheduler-jobs.ts";
import { command, createOrUpdate, doubleQuoted, singleQuoted } from "./shell.ts";

/** `update` when the job exists, else `create`; the two differ only in how headers are passed. */
function jobCreateOrUpdate(kind: "pubsub" | "http", name: string, flags: string[], updateOnly: string[] = []): string {
  const describe = `gcloud scheduler jobs describe ${name} --location="\${REGION}"`;
  return createOrUpdate(describe, `gcloud scheduler jobs create ${kind} ${name}`, `gcloud scheduler jobs update ${kind} ${name}`, flags, { update: updateOnly }).join("\n");
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
    jobCreateOrUpdate("pubsub", job.name, [...common(job), `--topic=${job.topic}`, `--message-body=${singleQuoted(job.body)}`]),
  ].join("\n");
}

function renderHttpJob(job: HttpJob): string {
  const url = shellVar(urlVar(job.service));
  const flags = [
    ...common(job),
    `--uri=${doubleQuoted(`${url}${job.path}`)}`,
    "--http-method=post",
    // A Google-signed ID token for the service URL: Cloud Run's IAM check and the app both verify it.
    '--oidc-service-account-email="${SCHEDULER_SA}"',
    `--oidc-token-audience=${doubleQuoted(url)}`,
  ];
  // Jobs made by earlier versions of this script sent a static bearer token in a header: drop it.
  return jobCreateOrUpdate("http", job.name, flags, ["--clear-headers"]);
}

/** The daily sync, then the jobs standing in for the services' in-process timers. */
export function renderScheduler(): string {
  return ['log "Cloud Scheduler"', renderPubSubJob(DAILY_SYNC_JOB), ...HTTP_JOBS.map(renderHttpJob)].join("\n");
}
