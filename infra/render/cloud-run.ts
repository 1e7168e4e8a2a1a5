import { envKeys } from "../model/env-keys.ts";
import { CLOUD_SERVICES, serviceAccountVar, shellVar, type CloudService } from "../model/cloud-services.ts";
import { HTTP_JOBS } from "../model/scheduler-jobs.ts";
import { SERVICE_ENV_SCHEMAS } from "../model/service-envs.ts";
import { command, doubleQuoted } from "./shell.ts";

const image = (service: CloudService) => `\${REGISTRY}/${service.service}:\${IMAGE_TAG}`;

/**
 * Fails generation when a service's cloud environment misses a variable its schema requires or
 * sets one it does not read (a typo would otherwise be ignored at run time).
 */
export function checkCloudEnv(service: CloudService): void {
  const { known, required } = envKeys(SERVICE_ENV_SCHEMAS[service.service]);
  const set = [...Object.keys(service.env), ...service.secrets];
  const missing = required.filter((key) => !set.includes(key));
  const unknown = set.filter((key) => !known.includes(key));
  // Cloud Run sets PORT itself and refuses it as a variable.
  if (set.includes("PORT")) unknown.push("PORT (reserved by Cloud Run)");
  if (missing.length > 0 || unknown.length > 0) {
    throw new Error(`${service.runName}: missing ${missing.join(", ") || "nothing"}; not in its Env schema: ${unknown.join(", ") || "nothing"}`);
  }
}

function renderBuilds(): string {
  const builds = CLOUD_SERVICES.map((service) =>
    command("gcloud builds submit . --config=infra/cloudbuild.yaml", [
      `--substitutions=${doubleQuoted(`_DOCKERFILE=${service.dockerfile},_SERVICE=${service.buildArgs["SERVICE"] ?? ""},_IMAGE=${image(service)}`)}`,
    ], "  "),
  );
  return ['log "Images ${IMAGE_TAG}"', 'if [[ "${SKIP_BUILD}" != 1 ]]; then', ...builds, "fi"].join("\n");
}

function envFlag(service: CloudService): string {
  const pairs = Object.entries(service.env).map(([key, value]) => `    ${doubleQuoted(`${key}=${value}`)}`);
  return ['--set-env-vars="$(env_list \\', ...pairs.map((pair, i) => (i === pairs.length - 1 ? `${pair})"` : `${pair} \\`))].join("\n  ");
}

function renderDeploy(service: CloudService): string {
  checkCloudEnv(service);
  const flags = [
    '--region="${REGION}"',
    `--image=${doubleQuoted(image(service))}`,
    `--service-account=${doubleQuoted(shellVar(serviceAccountVar(service.service)))}`,
    service.public ? "--allow-unauthenticated" : "--no-allow-unauthenticated",
    "--port=8080",
    ...service.runFlags,
    envFlag(service),
  ];
  if (service.secrets.length > 0) flags.push(`--set-secrets=${doubleQuoted(service.secrets.map((s) => `${s}=${s}:latest`).join(","))}`);
  return [
    `log "Cloud Run: ${service.runName}"`,
    command(`gcloud run deploy ${service.runName}`, flags),
    "# Pub/Sub pushes as the push account, which Cloud Run's IAM check must let in.",
    command(`bind gcloud run services add-iam-policy-binding ${service.runName}`, ['--region="${REGION}"', '--member="serviceAccount:${PUSH_SA}"', "--role=roles/run.invoker"]),
    ...(HTTP_JOBS.some((job) => job.service === service.service)
      ? [
          "# Cloud Scheduler calls its timer route as the scheduler account.",
          command(`bind gcloud run services add-iam-policy-binding ${service.runName}`, ['--region="${REGION}"', '--member="serviceAccount:${SCHEDULER_SA}"', "--role=roles/run.invoker"]),
        ]
      : []),
  ].join("\n");
}

/** Image builds, then one Cloud Run service per service with its env, secrets and invoker. */
export function renderCloudRun(): string {
  return [renderBuilds(), ...CLOUD_SERVICES.map(renderDeploy)].join("\n\n");
}
