/**
 * Bash quoting for the generated script. Values may reference the script's own variables as
 * `${NAME}`, which must still expand; every other character is taken literally.
 */
export function doubleQuoted(value: string): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const char = value[i] ?? "";
    if (char === "$") {
      const reference = /^\$\{[A-Z][A-Z0-9_]*\}/.exec(value.slice(i))?.[0];
      if (reference !== undefined) {
        out += reference;
        i += reference.length - 1;
        continue;
      }
      out += "\\$";
    } else if (char === '"' || char === "\\" || char === "`") {
      out += `\\${char}`;
    } else {
      out += char;
    }
  }
  return `"${out}"`;
}

/** A literal that must not expand at all (message bodies, cron schedules). */
export function singleQuoted(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** One command over several lines, two-space continuation indent. */
export function command(head: string, args: readonly string[], indent = ""): string {
  if (args.length === 0) return `${indent}${head}`;
  return [`${indent}${head} \\`, ...args.map((arg, i) => `${indent}  ${arg}${i === args.length - 1 ? "" : " \\"}`)].join("\n");
}

/** `--flag="value"` with the value double-quoted as above. */
export function flag(name: string, value: string | number): string {
  return typeof value === "number" ? `--${name}=${value}` : `--${name}=${doubleQuoted(value)}`;
}

/**
 * `update` when `describe` finds the resource, else `create`, as shell lines: both get `flags`,
 * and each its own extra flags (a Scheduler job's headers are cleared on update only).
 */
export function createOrUpdate(
  describe: string,
  create: string,
  update: string,
  flags: readonly string[],
  only: { create?: readonly string[]; update?: readonly string[] } = {},
): string[] {
  return [`if quiet ${describe}; then`, command(update, [...flags, ...(only.update ?? [])], "  "), "else", command(create, [...flags, ...(only.create ?? [])], "  "), "fi"];
}
