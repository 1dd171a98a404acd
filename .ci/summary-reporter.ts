// Prints one plain closing line, "N passed, N failed, N skipped", after
// vitest's own report, so CI logs and tooling read the outcome the same way
// for every runner in this repo. A failed hook or a file that failed to
// load counts as failed (its tests show as skipped, which would hide it).
import type { Reporter, TestModule } from "vitest/node";

export function summarize(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>) {
  let passed = 0,
    failed = 0,
    skipped = 0;
  for (const module of testModules) {
    let failedHere = 0;
    for (const test of module.children.allTests()) {
      const state = test.result().state;
      if (state === "passed") passed++;
      else if (state === "failed") failedHere++;
      else skipped++;
    }
    for (const suite of [module, ...module.children.allSuites()]) failedHere += suite.errors().length;
    if (module.state() === "failed" && failedHere === 0) failedHere = 1;
    failed += failedHere;
  }
  failed += unhandledErrors.length;
  return { passed, failed, skipped };
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    const { passed, failed, skipped } = summarize(testModules, unhandledErrors);
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
