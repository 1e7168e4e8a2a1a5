import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The reliability reporter goes before the summary, whose line must stay the last one.
    reporters: ["default", "./test/support/reliability-reporter.ts", "./test/support/summary-reporter.ts"],
    // Each run and each test file owns its temp folder and removes it (see the two files).
    globalSetup: ["./test/support/run-scratch.ts"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["{libs,services,tools,apps}/*/src/**/*.test.ts", "bench/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        test: {
          name: "integration",
          include: ["{libs,services,tools,apps}/*/test/**/*.integration.test.ts", "test/**/*.integration.test.ts"],
          environment: "node",
          setupFiles: ["./test/support/suite-scratch.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Integration suites start real emulators, databases and browsers: a 2-core machine
          // runs them best a couple at a time.
          maxWorkers: 2,
        },
      },
    ],
  },
});
