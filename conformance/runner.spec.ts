import { describe, expect, it } from "vitest";
import { formatSummary } from "./report.js";
import { matchesAny, tally, type CaseOutcome, type CaseResult } from "./runner.js";

const result = (name: string, outcome: CaseOutcome): CaseResult => ({
  name: `CoHost/Protocol:connect/HTTP:2/${name}`,
  permutation: "Protocol:connect/HTTP:2",
  family: name.split("/")[0]!,
  caseName: name.split("/")[1]!,
  rules: ["R1"],
  outcome,
  durationMs: 1,
});

describe("case name patterns", () => {
  const name = "CoHost/Protocol:grpc/HTTP:2/accept/accept-forms-connection";

  it("match the whole name, with * for any run of characters", () => {
    expect(matchesAny(name, ["*/accept/*"])).toBe(true);
    expect(matchesAny(name, ["CoHost/*/accept-forms-connection"])).toBe(true);
    expect(matchesAny(name, [name])).toBe(true);
  });

  it("do not match a part of the name", () => {
    expect(matchesAny(name, ["accept"])).toBe(false);
    expect(matchesAny(name, ["*/accept"])).toBe(false);
    expect(matchesAny(name, ["CoHost/Protocol:grpc"])).toBe(false);
    expect(matchesAny(name, ["*/accept/accept-forms"])).toBe(false);
  });

  it("take regular-expression characters literally", () => {
    expect(matchesAny("CoHost/a.b", ["CoHost/a.b"])).toBe(true);
    expect(matchesAny("CoHost/axb", ["CoHost/a.b"])).toBe(false);
    expect(matchesAny("CoHost/(x)", ["CoHost/(x)"])).toBe(true);
  });

  it("match nothing when there are none", () => {
    expect(matchesAny(name, undefined)).toBe(false);
    expect(matchesAny(name, [])).toBe(false);
  });
});

describe("tally", () => {
  it("counts a known-failing case that failed as neither passed nor failed", () => {
    const results = [
      result("a/one", "passed"),
      result("a/two", "failed"),
      result("a/three", "known-failing"),
      result("a/four", "unexpected-pass"),
      result("a/five", "passed"),
    ];
    expect(tally(results)).toEqual({ passed: 2, failed: 2, knownFailing: 1 });
  });

  it("shows known-failing cases in the closing line, apart from passed ones", () => {
    const results = [result("a/one", "passed"), result("a/two", "known-failing")];
    const summary = formatSummary({ results, ...tally(results), durationMs: 5 });
    expect(summary.split("\n").at(-1)).toBe("1 passed, 0 failed, 1 known-failing");
    expect(summary).toContain("Protocol:connect/HTTP:2      1 passed, 0 failed, 1 known-failing");
  });

  it("ends with `N passed, N failed` when nothing is known to fail", () => {
    const results = [result("a/one", "passed"), result("a/two", "failed")];
    expect(
      formatSummary({ results, ...tally(results), durationMs: 5 })
        .split("\n")
        .at(-1),
    ).toBe("1 passed, 1 failed");
  });
});
