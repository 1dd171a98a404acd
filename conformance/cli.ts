#!/usr/bin/env node
// cohost-conformance: runs the CoHost conformance suite against a server by
// URL and reports "N passed, N failed". Exit code 0 only when all pass.
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parse } from "yaml";
import { checkChoices, integerOption, printAndExit, progressPrinter, savedCredentials } from "./cli-support.js";
import { clientMain } from "./client-runner/cli.js";
import { readKnownFailing } from "./known-failing.js";
import { formatSummary, junitXml } from "./report.js";
import {
  ALL_HTTP_VERSIONS,
  ALL_PROTOCOLS,
  runConformance,
  selectedCases,
  type ConformanceOptions,
  type HttpVersion,
  type Protocol,
} from "./runner.js";

const usage = `usage: cohost-conformance --url URL [options]
       cohost-conformance client --command "<program>" [options]   (a CoHostStore; client --help)

  --url URL               the server under test (e.g. http://127.0.0.1:8080)
  --admin-key KEY         RoomAdminService key (or COHOST_ADMIN_KEY)
  --token-secret SECRET   HS256 secret of host tokens (or COHOST_TOKEN_SECRET)
                          (without either, .cohost/dev-credentials.json from
                          a development \`npm start\` is used)
  --features FILE         YAML declaring what the server supports:
                          protocols: [connect, grpc, grpc-web]; http_versions: ["1.1", "2"]
  --protocol P            connect | grpc | grpc-web (repeatable; default: declared)
  --http V                1.1 | 2 (repeatable; default: declared)
  --run PATTERN           only cases whose whole name matches (repeatable; *
                          matches any characters, e.g. "*/accept/*")
  --skip PATTERN          skip cases whose whole name matches (repeatable)
  --known-failing FILE    patterns expected to fail, each with a "# why"; a
                          listed case that passes fails the run
  --seed N                seed of the generated families (printed on failure)
  --property-runs N       fast-check runs of the random-sequence family (default 6)
  --malformed-runs N      fast-check runs of the malformed-input family (default 60)
  --concurrency N         cases at once (default 8)
  --timeout-ms N          wait for one expected message or call (default 10000)
  --case-timeout-ms N     a case running longer fails (default 180000)
  --trace                 print each call and message of failing cases
  --junit FILE            write a JUnit XML report
  --list                  print the cases with the rules they check, and exit
  -h, --help`;

function fail(message: string): never {
  process.stderr.write(`cohost-conformance: ${message}\n\n${usage}\n`);
  process.exit(2);
}

function main(): Promise<void> | void {
  if (process.argv[2] === "client") return clientMain(process.argv.slice(3));
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        url: { type: "string" },
        "admin-key": { type: "string" },
        "token-secret": { type: "string" },
        features: { type: "string" },
        protocol: { type: "string", multiple: true },
        http: { type: "string", multiple: true },
        run: { type: "string", multiple: true },
        skip: { type: "string", multiple: true },
        "known-failing": { type: "string" },
        seed: { type: "string" },
        "property-runs": { type: "string" },
        "malformed-runs": { type: "string" },
        concurrency: { type: "string" },
        "timeout-ms": { type: "string" },
        "case-timeout-ms": { type: "string" },
        trace: { type: "boolean" },
        junit: { type: "string" },
        list: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    fail((err as Error).message);
  }
  const v = parsed.values;
  if (v.help) return void process.stdout.write(`${usage}\n`);

  const number = (name: string, raw: string | undefined) => integerOption(name, raw, fail);
  let declared: { protocols?: Protocol[]; http_versions?: HttpVersion[] } = {};
  if (v.features) declared = (parse(readFileSync(v.features, "utf8")) ?? {}) as typeof declared;
  const protocols = (v.protocol ?? declared.protocols ?? ALL_PROTOCOLS) as Protocol[];
  const httpVersions = (v.http ?? declared.http_versions ?? ALL_HTTP_VERSIONS).map(String) as HttpVersion[];
  checkChoices("protocol", protocols, ALL_PROTOCOLS, fail);
  checkChoices("HTTP version", httpVersions, ALL_HTTP_VERSIONS, fail);

  const saved = savedCredentials();
  const seed = number("seed", v.seed);
  const options: ConformanceOptions = {
    baseUrl: v.url ?? "http://127.0.0.1:8080",
    adminKey: v["admin-key"] ?? process.env.COHOST_ADMIN_KEY ?? saved.adminKey ?? "",
    tokenSecret: v["token-secret"] ?? process.env.COHOST_TOKEN_SECRET ?? saved.tokenSecret ?? "",
    protocols,
    httpVersions,
    run: v.run,
    skip: v.skip,
    knownFailing: v["known-failing"] ? readKnownFailing(v["known-failing"]) : [],
    concurrency: number("concurrency", v.concurrency),
    timeoutMs: number("timeout-ms", v["timeout-ms"]),
    caseTimeoutMs: number("case-timeout-ms", v["case-timeout-ms"]),
    trace: v.trace ?? false,
    property: { seed, runs: number("property-runs", v["property-runs"]) },
    malformed: { seed, runs: number("malformed-runs", v["malformed-runs"]) },
  };

  if (v.list) {
    for (const { name, c } of selectedCases(options)) process.stdout.write(`${name}  [${c.rules.join(", ")}]\n    ${c.procedure}\n`);
    return;
  }
  if (!v.url) fail("--url is required");
  if (!options.adminKey || !options.tokenSecret)
    fail("--admin-key and --token-secret are required (or COHOST_ADMIN_KEY / COHOST_TOKEN_SECRET)");

  return runConformance({ ...options, onResult: progressPrinter() }).then((report) => {
    if (v.junit) writeFileSync(v.junit, junitXml(report));
    printAndExit(formatSummary(report, { trace: options.trace }), report);
  });
}

Promise.resolve(main()).catch((err: unknown) => {
  process.stderr.write(`cohost-conformance: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
