// What both command lines (`cohost-conformance` and `cohost-conformance
// client`) share: option checks, the saved development credentials, the
// progress line and the exit once the report is out.
import { existsSync, readFileSync } from "node:fs";

export interface SavedCredentials {
  adminKey?: string;
  tokenSecret?: string;
}

/** The credentials a development `npm start` saved in the working directory, if any. */
export function savedCredentials(): SavedCredentials {
  const path = ".cohost/dev-credentials.json";
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as SavedCredentials) : {};
}

/** A non-negative integer option; `fail` is called (and never returns) on anything else. */
export function integerOption(name: string, raw: string | undefined, fail: (message: string) => never): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) fail(`--${name} must be a non-negative integer`);
  return n;
}

/** Every value must be one of `allowed`; `fail` names the first that is not. */
export function checkChoices(what: string, values: readonly string[], allowed: readonly string[], fail: (message: string) => never): void {
  for (const value of values) if (!allowed.includes(value)) fail(`unknown ${what} ${value}`);
}

interface ResultLike {
  name: string;
  outcome: string;
}

/** A progress printer for `onResult`: a counter line on a terminal, a dot (or F) per case otherwise. */
export function progressPrinter(): (result: ResultLike, done: number, total: number) => void {
  const tty = process.stderr.isTTY;
  let failing = 0;
  return (result, done, total) => {
    const bad = result.outcome === "failed" || result.outcome === "unexpected-pass";
    if (bad) failing++;
    if (tty) process.stderr.write(`\r[${done}/${total}] ${failing} failing  ${result.name.slice(0, 90).padEnd(90)}`);
    else process.stderr.write(bad ? "F" : ".");
    if (done === total) process.stderr.write("\n");
  };
}

/** Writes the report and exits: 0 only when cases ran and none failed. */
export function printAndExit(text: string, report: { failed: number; results: readonly unknown[] }): void {
  const code = report.failed === 0 && report.results.length > 0 ? 0 : 1;
  // Idle HTTP/2 sessions would keep the process alive; the report is out, so leave.
  process.stdout.write(`${text}\n`, () => process.exit(code));
}
