// The CoHost conformance suite as a library: run it against any server by
// URL (or a Connect transport) from your own test suite or script.
import { formatSummary } from "./report.js";
import { runConformance, selectedCases, type ConformanceOptions, type ConformanceReport } from "./runner.js";

export {
  runConformance,
  selectedCases,
  suiteCases,
  ALL_PROTOCOLS,
  ALL_HTTP_VERSIONS,
  type ConformanceOptions,
  type ConformanceReport,
  type CaseResult,
  type Protocol,
  type HttpVersion,
  type SuiteCase,
} from "./runner.js";
export { clientNotApplicable } from "./runner.js";
export {
  runClientConformance,
  faultCases,
  type ClientRunOptions,
  type ClientRunReport,
  type TransportChoice,
} from "./client-runner/run.js";
export { formatSummary, junitXml } from "./report.js";
export { readKnownFailing } from "./known-failing.js";
export { loadCaseFiles } from "./load-cases.js";
export { coverageTable, rulesWithoutCases } from "./coverage.js";

/** The parts of vitest, jest or mocha the adapter needs. */
export interface TestApi {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => void | Promise<void>, timeout?: number): void;
  beforeAll(body: () => Promise<void>, timeout?: number): void;
}

/**
 * Registers one test per case (per protocol and HTTP version). The suite
 * runs once, concurrently, before the tests; each test reports its case:
 *
 *   import { describe, it, beforeAll } from "vitest";
 *   registerConformance({ describe, it, beforeAll }, { baseUrl, adminKey, tokenSecret });
 */
export function registerConformance(api: TestApi, options: ConformanceOptions, suiteName = "CoHost conformance"): void {
  const names = selectedCases(options).map((c) => c.name);
  let report: ConformanceReport | undefined;
  api.describe(suiteName, () => {
    api.beforeAll(async () => {
      report = await runConformance(options);
    }, 15 * 60_000);
    for (const name of names) {
      api.it(name, () => {
        const result = report?.results.find((r) => r.name === name);
        if (!result) throw new Error("the suite did not run");
        if (result.outcome === "failed" || result.outcome === "unexpected-pass") {
          throw new Error(`${result.error}${result.trace ? `\n${result.trace.join("\n")}` : ""}`);
        }
      });
    }
  });
}

/** Runs the suite and returns the report with its printable summary. */
export async function runAndSummarize(options: ConformanceOptions): Promise<{ report: ConformanceReport; summary: string }> {
  const report = await runConformance(options);
  return { report, summary: formatSummary(report, { trace: options.trace }) };
}
