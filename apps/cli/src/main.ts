import { buildProgram } from "./program.ts";
import { reportFailure } from "./report-failure.ts";

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportFailure(error, process.argv.includes("--json"));
}
