// The human summary (ending in one line "N passed, N failed") and JUnit XML.
import { tally, type CaseResult, type ConformanceReport } from "./runner.js";

export function formatSummary(report: ConformanceReport, options: { trace?: boolean } = {}): string {
  const lines: string[] = [];
  const bad = report.results.filter((r) => r.outcome === "failed" || r.outcome === "unexpected-pass");
  for (const r of bad) {
    lines.push(`FAILED ${r.name}  [${r.rules.join(", ")}]`);
    lines.push(...(r.error ?? "").split("\n").map((l) => `    ${l}`));
    if (options.trace && r.trace) lines.push("    trace:", ...r.trace.map((l) => `      ${l}`));
    lines.push("");
  }
  const known = report.results.filter((r) => r.outcome === "known-failing");
  if (known.length > 0) lines.push(`${known.length} known-failing case(s) failed as expected:`, ...known.map((r) => `  ${r.name}`), "");
  const byPermutation = new Map<string, CaseResult[]>();
  for (const r of report.results) byPermutation.set(r.permutation, [...(byPermutation.get(r.permutation) ?? []), r]);
  for (const [permutation, results] of byPermutation) {
    const { passed, failed, knownFailing } = tally(results);
    lines.push(`${permutation.padEnd(28)} ${passed} passed, ${failed} failed${knownFailing ? `, ${knownFailing} known-failing` : ""}`);
  }
  lines.push(`(${(report.durationMs / 1000).toFixed(1)} s)`);
  lines.push(`${report.passed} passed, ${report.failed} failed${report.knownFailing ? `, ${report.knownFailing} known-failing` : ""}`);
  return lines.join("\n");
}

// XML 1.0 has no place for most control characters, even escaped: they are dropped.
const escape = (s: string) =>
  s
    .replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!) // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");

export function junitXml(report: ConformanceReport): string {
  const suites = new Map<string, CaseResult[]>();
  for (const r of report.results) suites.set(r.permutation, [...(suites.get(r.permutation) ?? []), r]);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="cohost-conformance" tests="${report.results.length}" failures="${report.failed}" time="${report.durationMs / 1000}">`,
  ];
  for (const [name, results] of suites) {
    const failures = results.filter((r) => r.outcome === "failed" || r.outcome === "unexpected-pass").length;
    out.push(`  <testsuite name="${escape(`CoHost/${name}`)}" tests="${results.length}" failures="${failures}">`);
    for (const r of results) {
      out.push(
        `    <testcase classname="${escape(`CoHost/${name}/${r.family}`)}" name="${escape(r.caseName)}" time="${r.durationMs / 1000}">`,
      );
      if (r.outcome === "failed" || r.outcome === "unexpected-pass") {
        out.push(
          `      <failure message="${escape((r.error ?? "").split("\n")[0] ?? "")}">${escape([r.error ?? "", ...(r.trace ?? [])].join("\n"))}</failure>`,
        );
      }
      out.push(`      <properties><property name="rules" value="${escape(r.rules.join(","))}"/></properties>`);
      out.push("    </testcase>");
    }
    out.push("  </testsuite>");
  }
  out.push("</testsuites>");
  return `${out.join("\n")}\n`;
}
