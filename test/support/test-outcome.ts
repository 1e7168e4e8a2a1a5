import type { TestCase, TestModule, TestSuite } from "vitest/node";

/**
 * How both reporters count a test. Vitest marks the tests of a suite whose beforeAll threw as
 * skipped and puts the error on the suite: counted as vitest shows them, a suite that could not
 * even set itself up would read as "skipped" in CI's summary and in docs/reliability.md. Here a
 * test that did not run because a suite around it failed is a failure, with that suite's error.
 */
export interface CountedOutcome {
  outcome: "passed" | "failed" | "skipped";
  /** The failure's first message, the skip's note, or why a test that did not run failed. */
  detail: string | undefined;
}

/** The first error of the nearest suite (or the file) around the test that has one. */
function enclosingError(test: TestCase): string | undefined {
  let parent: TestSuite | TestModule = test.parent;
  for (;;) {
    const error = parent.errors()[0];
    if (error !== undefined) return error.message;
    if (parent.type === "module") return undefined;
    parent = parent.parent;
  }
}

export function countedOutcome(test: TestCase): CountedOutcome {
  const result = test.result();
  switch (result.state) {
    case "passed":
      return { outcome: "passed", detail: undefined };
    case "failed":
      return { outcome: "failed", detail: result.errors[0]?.message ?? "failed" };
    case "skipped": {
      const error = enclosingError(test);
      if (error !== undefined) return { outcome: "failed", detail: `did not run: its suite failed to set up or tear down: ${error}` };
      return { outcome: "skipped", detail: result.note };
    }
    case "pending":
      // Only a run cut short leaves a test pending; it did not pass.
      return { outcome: "failed", detail: "did not finish" };
  }
}

/**
 * Errors of the file or of a suite that no test carries: an import that threw (the file has no
 * tests), or an afterAll that threw after its tests passed. Each is one more failure.
 */
export function unattributedErrors(module: TestModule): string[] {
  return [module, ...module.children.allSuites()].flatMap((suite) => {
    const errors = suite.errors();
    if (errors.length === 0) return [];
    const carried = [...suite.children.allTests()].some((test) => countedOutcome(test).outcome === "failed" && test.result().state !== "failed");
    return carried ? [] : errors.map((error) => error.message);
  });
}
