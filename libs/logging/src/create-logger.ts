import { trace } from "@opentelemetry/api";
import { pino, type DestinationStream, type Level, type Logger } from "pino";
import { errorFields } from "./error-fields.ts";
import { scrubText, scrubValue } from "./scrub.ts";

export type { Logger } from "pino";

export interface LoggerOptions {
  service: string;
  level?: Level | "silent";
  /** Google Cloud project, for the `logging.googleapis.com/trace` field Cloud Logging joins on. */
  projectId?: string;
  destination?: DestinationStream;
}

/** Cloud Logging reads `severity`; pino's numeric levels mean nothing to it. */
const SEVERITY: Record<string, string> = {
  trace: "DEBUG",
  debug: "DEBUG",
  info: "INFO",
  warn: "WARNING",
  error: "ERROR",
  fatal: "CRITICAL",
};

function withErrorFields(object: Record<string, unknown>): Record<string, unknown> {
  const out = { ...object };
  for (const key of ["err", "error"]) if (out[key] instanceof Error) out[key] = errorFields(out[key]);
  return out;
}

export function createLogger(options: LoggerOptions): Logger {
  const projectId = options.projectId;
  return pino(
    {
      level: options.level ?? "info",
      base: { service: options.service },
      messageKey: "message",
      timestamp: pino.stdTimeFunctions.isoTime,
      // Identity: pino's default `err` serializer would rewrite the fields made below.
      serializers: { err: (value: unknown) => value, error: (value: unknown) => value },
      formatters: {
        level: (label) => ({ severity: SEVERITY[label] ?? "DEFAULT" }),
        // Errors become plain fields first, then everything is scrubbed: pino runs this formatter
        // before its serializers, so a serializer would only ever see the scrubbed copy.
        log: (object) => scrubValue(withErrorFields(object)) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((arg) => (typeof arg === "string" ? scrubText(arg) : arg)) as typeof args;
          method.apply(this, scrubbed);
        },
      },
      mixin() {
        const span = trace.getActiveSpan();
        if (span === undefined) return {};
        const { traceId, spanId, traceFlags } = span.spanContext();
        return {
          traceId,
          "logging.googleapis.com/trace": projectId === undefined ? traceId : `projects/${projectId}/traces/${traceId}`,
          "logging.googleapis.com/spanId": spanId,
          "logging.googleapis.com/trace_sampled": (traceFlags & 1) === 1,
        };
      },
    },
    // Synchronous stdout: a process that exits right after logging (shutdown, a CLI error)
    // must not lose its last lines, and log volume here is small.
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** A logger for one run: every line carries the runId. */
export function forRun(logger: Logger, runId: string): Logger {
  return logger.child({ runId });
}
