#!/usr/bin/env node
// Plain JavaScript on purpose: it must run, and explain itself, on a Node too old to load the
// TypeScript sources (Node 24 strips types natively; older versions cannot parse them).
const [major] = process.versions.node.split(".").map(Number);
if (major < 24) {
  process.stderr.write(
    `crm-sync needs Node.js 24 or newer (this is ${process.version}). ` +
      "Run it through npm (`npm start`, `npx crm-sync`) so the project's pinned Node 24 is used.\n",
  );
  process.exit(1);
}
await import("../src/main.ts");
