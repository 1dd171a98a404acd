// @ts-check
// Mutation testing of the reference server by the conformance suite alone
// (`npm run mutation`; conformance/MUTATION.md has the latest score and the
// surviving mutants). Stryker mutates the engine, the feed and the service
// layer in a sandbox copy, and for each mutant runs the cases that reach the
// mutated code (vitest.mutation.config.ts, integration/mutation/). The clear-
// text report prints the score and every surviving mutant; the HTML and JSON
// reports go to reports/mutation/ (not committed).
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  mutate: [
    "server/engine/**/*.ts",
    "server/feed/**/*.ts",
    "server/service/**/*.ts",
    "!**/*.spec.ts",
    // Metrics, durations and log lines of every call: observability, not protocol, so no conformance
    // case can see its mutants (they are equivalent over the wire); call-observer.spec.ts and the
    // observability tests check it.
    "!server/service/call-observer.ts",
  ],
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.ts", related: false },
  coverageAnalysis: "perTest",
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.mutation.json",
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  // Two cores, shared with other work.
  concurrency: 2,
  timeoutMS: 10_000,
  timeoutFactor: 2,
  dryRunTimeoutMinutes: 10,
  reporters: ["clear-text", "progress", "html", "json"],
  clearTextReporter: { allowColor: false, logTests: false, reportTests: false, reportMutants: true, reportScoreTable: true },
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  tempDirName: ".stryker-tmp",
  ignorePatterns: ["reports", "test-results", "soak", "bench", "playground", "examples", "**/dist"],
  thresholds: { high: 90, low: 80, break: null },
};
