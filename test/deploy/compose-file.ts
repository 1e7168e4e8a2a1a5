import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { z } from "zod";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

const Healthcheck = z.object({ test: z.array(z.string()).min(2) });
const DependsOn = z.record(z.string(), z.object({ condition: z.enum(["service_started", "service_healthy", "service_completed_successfully"]) }));

/** The parts of a compose service these tests read; the long syntax only, as the file uses it. */
export const ComposeService = z.object({
  image: z.string().optional(),
  build: z.object({ context: z.string(), dockerfile: z.string(), args: z.record(z.string(), z.string()).optional() }).optional(),
  command: z.array(z.string()).optional(),
  environment: z.record(z.string(), z.string()).optional(),
  ports: z.array(z.string()).optional(),
  healthcheck: Healthcheck.optional(),
  depends_on: DependsOn.optional(),
});
export type ComposeService = z.infer<typeof ComposeService>;

export const ComposeFile = z.object({ services: z.record(z.string(), ComposeService) });

/** docker-compose.yml as compose reads it (anchors and aliases resolved). */
export function loadCompose(): z.infer<typeof ComposeFile> {
  return ComposeFile.parse(parse(readFileSync(`${ROOT}docker-compose.yml`, "utf8")));
}

/**
 * Compose interpolation of `${VAR}`, `${VAR:-default}`, `${VAR-default}` and `${VAR:?message}`:
 * a default wins, otherwise a dummy value stands in for what the operator would set.
 */
export function interpolate(value: string): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*)|(:?\?)[^}]*)?\}/g, (_match, name: string, _dash, fallback: string | undefined) =>
    fallback !== undefined ? fallback : `dummy-${name.toLowerCase()}-0123456789`,
  );
}

/** A service's environment after interpolation. */
export function environmentOf(service: ComposeService): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, interpolate(value)]));
}

/** `host:port` of every URL-ish value (`scheme://host:port…` or bare `host:port`). */
export function hostsIn(value: string): Array<{ host: string; port: string | undefined }> {
  const url = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?([a-z0-9.-]+)(?::(\d+))?/i.exec(value);
  if (url !== null) return [{ host: url[1] ?? "", port: url[2] }];
  const bare = /^([a-z][a-z0-9.-]*):(\d+)$/i.exec(value);
  return bare === null ? [] : [{ host: bare[1] ?? "", port: bare[2] }];
}
