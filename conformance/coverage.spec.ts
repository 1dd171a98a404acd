import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { coverageTable, rulesWithoutCases } from "./coverage.js";
import { loadCaseFiles } from "./load-cases.js";
import { clientNotApplicable, suiteCases } from "./runner.js";

describe("coverage", () => {
  it("gives every rule R1-R20 at least one case", () => {
    expect(rulesWithoutCases()).toEqual([]);
  });

  it("keeps conformance/COVERAGE.md as generated (npm run coverage:conformance)", () => {
    const committed = readFileSync(new URL("./COVERAGE.md", import.meta.url), "utf8");
    expect(committed).toBe(coverageTable());
  });

  it("has one case file per scenario family, each case with procedure and asserts", () => {
    const families = loadCaseFiles()
      .map((f) => f.family)
      .sort();
    expect(families).toEqual([
      "accept",
      "auth",
      "bad-input",
      "cancel",
      "candidates",
      "exit",
      "feed",
      "idempotency",
      "multi-room",
      "rate-limit",
      "reject",
      "request",
      "room-close",
      "timeout",
    ]);
    for (const c of suiteCases()) {
      expect(c.procedure.length, c.name).toBeGreaterThan(10);
      expect(c.asserts.length, c.name).toBeGreaterThan(10);
    }
  });

  it("says why each case is not run through CoHostStore", () => {
    const skipped = clientNotApplicable();
    expect(skipped.every((s) => s.reason.length > 0)).toBe(true);
    expect(suiteCases({ mode: "client" }).length + skipped.length).toBe(loadCaseFiles().flatMap((f) => f.cases).length);
  });
});
