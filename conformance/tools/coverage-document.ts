// conformance/COVERAGE.md: the rule table of the package, the MUST list read
// from the spec's comments, then the fault cases of the client runner.
import { faultCases } from "../client-runner/run.js";
import { coverageTable } from "../coverage.js";
import { suiteCases } from "../runner.js";
import { mustStatements, mustTable } from "./must-list.js";

export function coverageDocument(): string {
  const cases = suiteCases();
  return `${coverageTable(cases)}\n${mustTable(mustStatements().statements, cases)}\n${faultCaseTable()}`;
}

/** The cases only the client runner has: each injects a fault from a scripted server of its own. */
function faultCaseTable(): string {
  const cell = (text: string) => text.replace(/\s+/g, " ").replace(/\|/g, "\\|").trim();
  const lines = [
    "## Client fault cases",
    "",
    "Run only by `cohost-conformance client --command` (see `CLIENTS.md`): each case starts a scripted server of its own that",
    "injects the fault, and checks what the `CoHostStore` under test does with it.",
    "",
    "| case | rules | fault and expectation |",
    "| --- | --- | --- |",
  ];
  for (const c of faultCases) {
    lines.push(`| \`${c.family}/${c.name}\` | ${c.rules.join(", ")} | ${cell(c.procedure)} ${cell(c.asserts)} |`);
  }
  lines.push("", `${faultCases.length} fault cases in all.`, "");
  return lines.join("\n");
}
