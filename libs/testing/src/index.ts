export { freePort } from "./free-port.ts";
export { waitFor } from "./wait-for.ts";
export { gate } from "./component-gate.ts";
export { startPubSubEmulator, pubsubEmulatorMissing, PUBSUB_EMULATOR_BIN } from "./pubsub-emulator.ts";
export type { PubSubEmulator } from "./pubsub-emulator.ts";
export { createTestDatabase, postgresMissing, POSTGRES_ADMIN_URL } from "./postgres.ts";
export type { TestDatabase } from "./postgres.ts";
export { launchChromium, chromiumMissing, CHROMIUM_PATH, CHROMIUM_ARGS } from "./chromium.ts";
export { openPglite } from "./pglite.ts";
