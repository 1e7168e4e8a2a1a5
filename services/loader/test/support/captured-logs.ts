import { Writable } from "node:stream";
import { createLogger, type Logger } from "@crm-sync/logging";

/** A real logger whose JSON lines are kept for the test to read: what an operator would see. */
export function capturedLogs(): { logger: Logger; lines: string[]; records: () => Array<Record<string, unknown>> } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString("utf8").split("\n").filter((line) => line !== ""));
      callback();
    },
  });
  const logger = createLogger({ service: "loader-test", level: "info", destination });
  return { logger, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
