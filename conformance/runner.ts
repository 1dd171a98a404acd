// Expands the suite over protocols and HTTP versions, runs the cases with a
// bounded concurrency, and applies the known-failing list.
import { randomBytes } from "node:crypto";
import type { Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import type { Credentials } from "./credentials.js";
import { withTimeout } from "./feed-watcher.js";
import { codedCases } from "./coded/cases.js";
import { generatedCases } from "./generated/families.js";
import { loadCaseFiles } from "./load-cases.js";
import { caseResult, errorText } from "./case-result.js";
import { ClientCase, clientInapplicable } from "./client-case.js";
import { WireCase } from "./wire-case.js";

export type Protocol = "connect" | "grpc" | "grpc-web";
export type HttpVersion = "1.1" | "2";

export const ALL_PROTOCOLS: Protocol[] = ["connect", "grpc", "grpc-web"];
export const ALL_HTTP_VERSIONS: HttpVersion[] = ["1.1", "2"];

/** What one case needs to run against a server. */
export interface CaseContext {
  transport: Transport;
  /** A new transport of the same kind, on connections of its own (for calls that may spoil a connection). */
  freshTransport: () => Transport;
  credentials: Credentials;
  /** Unique per run and case; prefix of every room and user id the case makes. */
  prefix: string;
  timeoutMs: number;
  trace: (line: string) => void;
}

export interface SuiteCase {
  family: string;
  name: string;
  rules: string[];
  procedure: string;
  asserts: string;
  run(context: CaseContext): Promise<void>;
}

export interface GeneratedFamilyOptions {
  /** Random seed; printed with every failure so a run can be repeated. */
  seed?: number;
  /** fast-check runs per permutation. */
  runs?: number;
}

export interface ConformanceOptions extends Credentials {
  /**
   * "wire" (default) checks a server through the protocol; "client" drives
   * the same scripted cases through CoHostStore, one store per actor.
   */
  mode?: "wire" | "client";
  /** The server under test, e.g. http://127.0.0.1:8080. */
  baseUrl?: string;
  /** Instead of baseUrl: one transport (for example an in-memory router transport). */
  transport?: Transport;
  /** Name of `transport` in case names (default "in-memory"). */
  transportName?: string;
  /** Protocols and HTTP versions the server declares (default: all; gRPC only on HTTP/2). */
  protocols?: Protocol[];
  httpVersions?: HttpVersion[];
  /** Glob patterns (`*` wildcard) on full case names: run only matching / skip matching. */
  run?: string[];
  skip?: string[];
  /** Patterns of cases expected to fail; one that passes fails the run. */
  knownFailing?: string[];
  concurrency?: number;
  /** How long to wait for one expected message or call (default 10000 ms). */
  timeoutMs?: number;
  /** A case still running after this long fails (default 180 s). */
  caseTimeoutMs?: number;
  /** Keep each case's call and message log (shown for failures). */
  trace?: boolean;
  property?: GeneratedFamilyOptions | false;
  malformed?: GeneratedFamilyOptions | false;
  onResult?: (result: CaseResult, done: number, total: number) => void;
}

export type CaseOutcome = "passed" | "failed" | "known-failing" | "unexpected-pass";

export interface CaseResult {
  /** Suite/Permutation/family/case, e.g. CoHost/Protocol:grpc/HTTP:2/accept/accept-forms-connection. */
  name: string;
  permutation: string;
  family: string;
  caseName: string;
  rules: string[];
  outcome: CaseOutcome;
  error?: string;
  trace?: string[];
  durationMs: number;
}

export interface ConformanceReport {
  results: CaseResult[];
  /** Cases that passed; known-failing cases that failed as expected are not counted. */
  passed: number;
  /** Cases that failed, and known-failing cases that passed. */
  failed: number;
  /** Known-failing cases that failed as expected. */
  knownFailing: number;
  durationMs: number;
}

export interface Permutation {
  name: string;
  transport: Transport;
  fresh: () => Transport;
}

/** Scripted cases CoHostStore's API cannot express, with the reason. */
export function clientNotApplicable(): { name: string; reason: string }[] {
  return loadCaseFiles().flatMap((file) =>
    file.cases.flatMap((spec) => {
      const reason = clientInapplicable(spec);
      return reason ? [{ name: `${file.family}/${spec.name}`, reason }] : [];
    }),
  );
}

/** Every case of the suite: the scripted case files plus the generated families. */
export function suiteCases(options: Pick<ConformanceOptions, "property" | "malformed" | "mode"> = {}): SuiteCase[] {
  if (options.mode === "client") {
    return loadCaseFiles().flatMap((file) =>
      file.cases
        .filter((spec) => clientInapplicable(spec) === undefined)
        .map((spec) => ({
          family: file.family,
          name: spec.name,
          rules: spec.rules,
          procedure: spec.procedure,
          asserts: spec.asserts,
          run: (ctx: CaseContext) => new ClientCase(spec, ctx).run(),
        })),
    );
  }
  const scripted: SuiteCase[] = loadCaseFiles().flatMap((file) =>
    file.cases.map((spec) => ({
      family: file.family,
      name: spec.name,
      rules: spec.rules,
      procedure: spec.procedure,
      asserts: spec.asserts,
      run: (ctx: CaseContext) =>
        new WireCase(spec, {
          transport: ctx.transport,
          credentials: ctx.credentials,
          prefix: ctx.prefix,
          timeoutMs: ctx.timeoutMs,
          trace: ctx.trace,
        }).run(),
    })),
  );
  return [...scripted, ...codedCases(), ...generatedCases(options)];
}

export function permutations(options: ConformanceOptions): Permutation[] {
  if (options.transport) {
    const transport = options.transport;
    return [{ name: `Transport:${options.transportName ?? "in-memory"}`, transport, fresh: () => transport }];
  }
  if (!options.baseUrl) throw new Error("conformance needs baseUrl or transport");
  const baseUrl = options.baseUrl;
  const out: Permutation[] = [];
  for (const protocol of options.protocols ?? ALL_PROTOCOLS) {
    for (const httpVersion of options.httpVersions ?? ALL_HTTP_VERSIONS) {
      if (protocol === "grpc" && httpVersion !== "2") continue; // gRPC needs HTTP/2
      // `own` keeps a transport off the shared HTTP/1.1 agent, so a connection it spoils is not reused.
      const make = (own = false) => {
        const h1 =
          httpVersion === "1.1"
            ? ({ httpVersion, ...(own ? { nodeOptions: { agent: false } } : {}) } as const)
            : ({ httpVersion } as const);
        return protocol === "connect"
          ? createConnectTransport({ baseUrl, ...h1 })
          : protocol === "grpc"
            ? createGrpcTransport({ baseUrl })
            : createGrpcWebTransport({ baseUrl, ...h1 });
      };
      out.push({ name: `Protocol:${protocol}/HTTP:${httpVersion}`, transport: make(), fresh: () => make(true) });
    }
  }
  return out;
}

export function caseName(permutation: string, c: Pick<SuiteCase, "family" | "name">, mode: "wire" | "client" = "wire"): string {
  return `${mode === "client" ? "CoHostStore" : "CoHost"}/${permutation}/${c.family}/${c.name}`;
}

/** A pattern matches a whole case name; `*` stands for any run of characters. */
export function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`);
}

export function matchesAny(name: string, patterns: string[] | undefined): boolean {
  return (patterns ?? []).some((p) => globToRegExp(p).test(name));
}

/** The full names the options select, in run order. */
export function selectedCases(options: ConformanceOptions): { name: string; permutation: Permutation; c: SuiteCase }[] {
  const cases = suiteCases(options);
  const out: { name: string; permutation: Permutation; c: SuiteCase }[] = [];
  for (const permutation of permutations(options)) {
    for (const c of cases) {
      const name = caseName(permutation.name, c, options.mode);
      if (options.run?.length && !matchesAny(name, options.run)) continue;
      if (matchesAny(name, options.skip)) continue;
      out.push({ name, permutation, c });
    }
  }
  return out;
}

export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const started = Date.now();
  const selected = selectedCases(options);
  const runId = randomBytes(4).toString("hex");
  const results: CaseResult[] = new Array(selected.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (;;) {
      const index = next++;
      if (index >= selected.length) return;
      const { name, permutation, c } = selected[index]!;
      const trace: string[] = [];
      const t0 = Date.now();
      let error: string | undefined;
      try {
        const running = c.run({
          transport: permutation.transport,
          freshTransport: permutation.fresh,
          credentials: { adminKey: options.adminKey, tokenSecret: options.tokenSecret },
          prefix: `cf${runId}-${index.toString(36)}`,
          timeoutMs: options.timeoutMs ?? 10_000,
          trace: (line) => trace.push(`${String(Date.now() - t0).padStart(5)} ms  ${line}`),
        });
        await withTimeout(running, options.caseTimeoutMs ?? 180_000, "the case to finish");
      } catch (err) {
        error = errorText(err);
      }
      const result = caseResult(
        { name, permutation: permutation.name, family: c.family, caseName: c.name, rules: c.rules, durationMs: Date.now() - t0 },
        error,
        matchesAny(name, options.knownFailing),
        options.trace ? trace : undefined,
      );
      results[index] = result;
      done++;
      options.onResult?.(result, done, selected.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));
  return { results, ...tally(results), durationMs: Date.now() - started };
}

/** Counts outcomes: a known-failing case that failed as expected is neither passed nor failed. */
export function tally(results: CaseResult[]): { passed: number; failed: number; knownFailing: number } {
  const count = (...outcomes: CaseOutcome[]) => results.filter((r) => outcomes.includes(r.outcome)).length;
  return { passed: count("passed"), failed: count("failed", "unexpected-pass"), knownFailing: count("known-failing") };
}
