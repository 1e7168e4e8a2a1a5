import { chmod, readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { renderDeployScript } from "./render/deploy-script.ts";

/**
 * Renders infra/deploy.sh from the code (topology, contracts, env schemas).
 * `node infra/generate.ts` writes it; `--check` only reports whether the committed file is current.
 */
export const DEPLOY_SCRIPT_PATH = fileURLToPath(new URL("./deploy.sh", import.meta.url));

async function main(argv: readonly string[]): Promise<number> {
  const script = renderDeployScript();
  const current = await readFile(DEPLOY_SCRIPT_PATH, "utf8").catch(() => "");
  if (argv.includes("--check")) {
    if (current === script) return 0;
    process.stderr.write("infra/deploy.sh is out of date: run `npm run infra:generate`\n");
    return 1;
  }
  if (current !== script) await writeFile(DEPLOY_SCRIPT_PATH, script);
  await chmod(DEPLOY_SCRIPT_PATH, 0o755);
  process.stdout.write(`${current === script ? "unchanged" : "wrote"} infra/deploy.sh\n`);
  return 0;
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
