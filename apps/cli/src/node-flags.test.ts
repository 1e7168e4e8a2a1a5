import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EMBEDDED_NODE_FLAGS } from "@crm-sync/config";

const bin = readFileSync(new URL("../bin/crm-sync.js", import.meta.url), "utf8");

describe("the crm-sync executable", () => {
  it("starts Node with the embedded database's flags on its #! line", () => {
    expect(bin.split("\n")[0]).toBe(`#!/usr/bin/env -S node ${EMBEDDED_NODE_FLAGS.join(" ")}`);
  });
});
