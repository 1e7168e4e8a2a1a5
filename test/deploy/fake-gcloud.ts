import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A stand-in `gcloud` for running infra/deploy.sh without a cloud: it records every call
 * (arguments and stdin) and keeps just enough state for the script's create-or-update
 * branches: `create`/`add` makes a resource exist, `describe` succeeds only for existing
 * ones, `secrets versions access` returns the last stored value. Everything else succeeds.
 */
export interface GcloudCall {
  args: string[];
  stdin?: string;
  /**
   * Contents of the files the call named with a file flag (`--lifecycle-file=PATH`,
   * `--policy=PATH`), by flag name: the script removes the files afterwards.
   */
  files: Record<string, string>;
}

export interface FakeGcloud {
  dir: string;
  calls(): GcloudCall[];
  /** Runs deploy.sh with this fake first on PATH; resolves with the exit code and output. */
  runDeploy(script: string, env: Record<string, string>): Promise<{ code: number | null; output: string }>;
}

export const FAKE_PROJECT_NUMBER = "123456789012";

// Bash, not Node: the script makes over a hundred calls per run and each must start fast.
const FAKE = `#!/usr/bin/env bash
dir="$(cd "$(dirname "$0")" && pwd)"
n=$(( $(cat "$dir/count" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$dir/count"
call="$dir/calls/$(printf '%05d' "$n")"
printf '%s\\0' "$@" > "$call.args"
for a in "$@"; do
  case "$a" in --lifecycle-file=*|--policy=*) flag="\${a%%=*}"; cp "\${a#*=}" "$call.file\${flag}" ;; esac
done
pos=(); secret=""
for a in "$@"; do
  case "$a" in --secret=*) secret="\${a#--secret=}" ;; --*) ;; *) pos+=("$a") ;; esac
done
verb=""; at=0
for i in "\${!pos[@]}"; do
  case "\${pos[$i]}" in
    create|describe|update|add|access) verb="\${pos[$i]}"; at=$i; break ;;
    # "iam workload-identity-pools providers create-oidc NAME" creates, "update-oidc" updates.
    create-oidc|update-oidc) verb="\${pos[$i]%-oidc}"; at=$i; break ;;
  esac
done
group="\${pos[*]:0:$at}"
rest=("\${pos[@]:$((at + 1))}")
# "scheduler jobs create pubsub NAME": the target kind is not part of the name.
if [[ "$group" == "scheduler jobs" && ( "\${rest[0]:-}" == pubsub || "\${rest[0]:-}" == http ) ]]; then rest=("\${rest[@]:1}"); fi
name="\${rest[0]:-}"
if [[ "$group" == "iam service-accounts" && "$verb" == create ]]; then name="$name@$CLOUDSDK_CORE_PROJECT.iam.gserviceaccount.com"; fi
key="$(printf '%s %s' "$group" "$name" | tr -c 'A-Za-z0-9._-' '_')"
if [[ "$group" == projects && "$verb" == describe ]]; then echo ${FAKE_PROJECT_NUMBER}; exit 0; fi
if [[ "$group" == "secrets versions" ]]; then
  [[ -n "$secret" ]] || secret="$name"
  case "$verb" in
    add) cat > "$dir/state/secret-$secret"; cp "$dir/state/secret-$secret" "$call.stdin"; exit 0 ;;
    access) [[ -f "$dir/state/secret-$secret" ]] && cat "$dir/state/secret-$secret" && exit 0; exit 1 ;;
    *) [[ -f "$dir/state/secret-$secret" ]]; exit ;;
  esac
fi
if [[ "$verb" == describe ]]; then [[ -f "$dir/state/$key" ]]; exit; fi
if [[ "$verb" == create ]]; then touch "$dir/state/$key"; fi
exit 0
`;

export function createFakeGcloud(): FakeGcloud {
  const dir = mkdtempSync(join(tmpdir(), "crm-sync-fake-gcloud-"));
  mkdirSync(join(dir, "state"));
  mkdirSync(join(dir, "calls"));
  writeFileSync(join(dir, "gcloud"), FAKE);
  chmodSync(join(dir, "gcloud"), 0o755);
  return {
    dir,
    calls() {
      const callsDir = join(dir, "calls");
      return readdirSync(callsDir)
        .filter((file) => file.endsWith(".args"))
        .sort()
        .map((file) => {
          const args = readFileSync(join(callsDir, file), "utf8").split("\0").slice(0, -1);
          const stdinFile = join(callsDir, file.replace(/\.args$/, ".stdin"));
          const stem = file.replace(/\.args$/, ".file--");
          return {
            args,
            ...(existsSync(stdinFile) ? { stdin: readFileSync(stdinFile, "utf8") } : {}),
            files: Object.fromEntries(
              readdirSync(callsDir)
                .filter((other) => other.startsWith(stem))
                .map((other) => [other.slice(stem.length), readFileSync(join(callsDir, other), "utf8")]),
            ),
          };
        });
    },
    async runDeploy(script, env) {
      rmSync(join(dir, "calls"), { recursive: true, force: true });
      mkdirSync(join(dir, "calls"));
      rmSync(join(dir, "count"), { force: true });
      const child = spawn("bash", [script], {
        // Nothing inherited but the basics: the script must not depend on the caller's variables.
        env: { PATH: `${dir}:${process.env["PATH"] ?? "/usr/bin:/bin"}`, HOME: dir, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
      return { code, output };
    },
  };
}

/** The value of `--name=value` in one call. */
export function flagValue(call: GcloudCall, name: string): string | undefined {
  return call.args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/** Calls whose leading words are `words`, e.g. `["run", "deploy"]`. */
export function callsOf(calls: readonly GcloudCall[], ...words: string[]): GcloudCall[] {
  return calls.filter((call) => words.every((word, i) => call.args[i] === word));
}
