#!/usr/bin/env -S node --liftoff-only --max-semi-space-size=8
// The flags on the line above are libs/config's EMBEDDED_NODE_FLAGS (why: see there); they apply
// wherever the shell runs this file (`npm start`, `npx crm-sync`, the bin on PATH).
// Plain JavaScript on purpose: it must run, and explain itself, on a Node too old to load the
// TypeScript sources (Node 24 strips types natively; older versions cannot parse them).
// A namespace import: a named one would fail to link on the old Node this must explain itself to.
import * as nodeModule from "node:module";

const [major] = process.versions.node.split(".").map(Number);
if (major < 24) {
  process.stderr.write(
    `crm-sync needs Node.js 24 or newer (this is ${process.version}). ` +
      "Run it through npm (`npm start`, `npx crm-sync`) so the project's pinned Node 24 is used.\n",
  );
  process.exit(1);
}
// Compiled (and type-stripped) modules are kept in the OS temp folder: a second `crm-sync load`
// starts about 0.25 s sooner. NODE_COMPILE_CACHE, where set, names the folder instead.
nodeModule.enableCompileCache();
await import("../src/main.ts");
