// conformance/COVERAGE.md: the rule table of the package, then the MUST
// list read from the spec's comments.
import { coverageTable } from "../coverage.js";
import { suiteCases } from "../runner.js";
import { mustStatements, mustTable } from "./must-list.js";

export function coverageDocument(): string {
  const cases = suiteCases();
  return `${coverageTable(cases)}\n${mustTable(mustStatements().statements, cases)}`;
}
