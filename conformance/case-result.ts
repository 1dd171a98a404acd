// One case's result as every runner reports it: its outcome against the
// known-failing list, its error, and its trace when asked for.
import { ConformanceFailure } from "./feed-watcher.js";
import type { CaseOutcome, CaseResult } from "./runner.js";

export function errorText(err: unknown): string {
  return err instanceof ConformanceFailure ? err.message : err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

export function caseResult(
  c: Pick<CaseResult, "name" | "permutation" | "family" | "caseName" | "rules" | "durationMs">,
  error: string | undefined,
  known: boolean,
  trace: string[] | undefined,
): CaseResult {
  const outcome: CaseOutcome = known ? (error ? "known-failing" : "unexpected-pass") : error ? "failed" : "passed";
  return {
    ...c,
    outcome,
    ...(outcome === "unexpected-pass" ? { error: "listed as known-failing but passed: remove it from the list" } : error ? { error } : {}),
    ...(trace && error ? { trace } : {}),
  };
}
