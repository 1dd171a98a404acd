import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { rulesWithoutCases } from "./coverage.js";
import { loadCaseFiles } from "./load-cases.js";
import { clientNotApplicable, suiteCases } from "./runner.js";
import { coverageDocument } from "./tools/coverage-document.js";
import { casesChecking, mustStatements, sentences, unknownIds } from "./tools/must-list.js";

describe("coverage", () => {
  const { statements, untagged } = mustStatements();

  it("gives every rule R1-R20 at least one case", () => {
    expect(rulesWithoutCases()).toEqual([]);
  });

  it("finds an id on every MUST of the spec", () => {
    expect(untagged).toEqual([]);
    expect(statements.length).toBeGreaterThan(50);
  });

  it("gives every MUST of the spec at least one case", () => {
    const cases = suiteCases();
    expect(statements.filter((s) => casesChecking(s.id, cases).length === 0).map((s) => s.id)).toEqual([]);
  });

  it("lets cases name only statement ids the spec has", () => {
    expect(unknownIds(statements, suiteCases())).toEqual([]);
  });

  it("keeps conformance/COVERAGE.md as generated (npm run coverage:conformance)", () => {
    const committed = readFileSync(new URL("./COVERAGE.md", import.meta.url), "utf8");
    expect(committed).toBe(coverageDocument());
  });

  it("splits comments into sentences at full stops, so a MUST and its id stay together", () => {
    expect(sentences("A server MUST do x [R1.x]. Then y:\n  1. It MUST do z\n  [R1.z].")).toEqual([
      "A server MUST do x [R1.x].",
      "Then y: 1.",
      "It MUST do z [R1.z].",
    ]);
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
