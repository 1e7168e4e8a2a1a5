import { Writable } from "node:stream";
import { createLogger, type Logger } from "@crm-sync/logging";

export interface LogCapture {
  /** A logger for one service (or component) that writes here, at every level. */
  logger(service: string): Logger;
  /** Every line written so far, raw, as the process would have printed it. */
  readonly lines: string[];
  /** The lines parsed; a line that is not JSON is a bug the test should see, so it throws. */
  records(): Array<Record<string, unknown>>;
}

/** Captures what the services log, in memory, through the real logger (scrubbing included). */
export function createLogCapture(): LogCapture {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString("utf8").split("\n").filter((line) => line !== ""));
      done();
    },
  });
  return {
    logger: (service) => createLogger({ service, level: "trace", destination }),
    lines,
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
