import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { simpleParser } from "mailparser";

/**
 * The emails the SMTP sink accepted that are about one run (the run id is in every alert
 * email's text: "run <id>", "Run: <id>"). Counting a case's emails by its own run id keeps one
 * case's late or early email out of another case's count, whatever order they run in.
 */
export async function emailsAboutRun(mailDir: string, files: readonly string[], runId: string): Promise<string[]> {
  const about: string[] = [];
  for (const file of files) {
    const mail = await simpleParser(await readFile(join(mailDir, file)));
    if (`${mail.subject ?? ""}\n${mail.text ?? ""}`.includes(runId)) about.push(file);
  }
  return about;
}
