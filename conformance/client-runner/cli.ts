// `cohost-conformance client`: the client runner's command line.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { checkChoices, integerOption, printAndExit, progressPrinter, savedCredentials } from "../cli-support.js";
import { readKnownFailing } from "../known-failing.js";
import { loadCaseFiles } from "../load-cases.js";
import { formatSummary, junitXml } from "../report.js";
import { clientInapplicable } from "../client-case.js";
import { faultCases, runClientConformance, type ClientRunOptions, type TransportChoice } from "./run.js";

export const clientUsage = `usage: cohost-conformance client --command "<program>" [options]

Runs the scripted cases and the fault cases through a CoHostStore driver: a
program that speaks the client runner protocol (JSON lines on stdin/stdout,
proto/cohost/clientrunner/v1; guide: conformance/CLIENTS.md).

  --command CMD           the driver, run through the shell
                          (ours: cohost-conformance-ts-driver)
  --url URL               a running server for the scripted cases; without it
                          the installed reference server (@cohost-kit/server)
                          is started on a free port and stopped afterwards
  --admin-key KEY         with --url: RoomAdminService key (or COHOST_ADMIN_KEY)
  --token-secret SECRET   with --url: HS256 secret of host tokens (or
                          COHOST_TOKEN_SECRET; else .cohost/dev-credentials.json)
  --protocol P            connect | grpc | grpc-web (repeatable; default: every
                          one the driver declares)
  --http V                1.1 | 2 (repeatable; default: as declared)
  --run PATTERN           only cases whose name matches (repeatable, * wildcard)
  --skip PATTERN          skip cases whose name matches (repeatable)
  --known-failing FILE    patterns expected to fail, each with a "# why"; a
                          listed case that passes fails the run
  --concurrency N         cases at once (default 8)
  --timeout-ms N          wait for one expected callback, state or result (default 10000)
  --case-timeout-ms N     a case running longer fails (default 120000)
  --trace                 print the calls and server activity of failing cases
  --junit FILE            write a JUnit XML report
  --list                  print the cases with the rules they check, and exit
  -h, --help`;

function fail(message: string): never {
  process.stderr.write(`cohost-conformance client: ${message}\n\n${clientUsage}\n`);
  process.exit(2);
}

export async function clientMain(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        command: { type: "string" },
        url: { type: "string" },
        "admin-key": { type: "string" },
        "token-secret": { type: "string" },
        protocol: { type: "string", multiple: true },
        http: { type: "string", multiple: true },
        run: { type: "string", multiple: true },
        skip: { type: "string", multiple: true },
        "known-failing": { type: "string" },
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
  if (v.help) return void process.stdout.write(`${clientUsage}\n`);
  if (v.list) return list();
  if (!v.command) fail("--command is required");

  const number = (name: string, raw: string | undefined) => integerOption(name, raw, fail);
  const protocols = (v.protocol ?? ["connect", "grpc", "grpc-web"]) as TransportChoice["protocol"][];
  const https = (v.http ?? ["1.1", "2"]) as TransportChoice["http"][];
  checkChoices("protocol", protocols, ["connect", "grpc", "grpc-web"], fail);
  checkChoices("HTTP version", https, ["1.1", "2"], fail);

  const options: ClientRunOptions = {
    command: v.command,
    transports: protocols.flatMap((protocol) => https.map((http) => ({ protocol, http }))),
    run: v.run,
    skip: v.skip,
    knownFailing: v["known-failing"] ? readKnownFailing(v["known-failing"]) : [],
    concurrency: number("concurrency", v.concurrency),
    timeoutMs: number("timeout-ms", v["timeout-ms"]),
    caseTimeoutMs: number("case-timeout-ms", v["case-timeout-ms"]),
    trace: v.trace ?? false,
  };
  if (v.url) {
    const saved = savedCredentials();
    const adminKey = v["admin-key"] ?? process.env.COHOST_ADMIN_KEY ?? saved.adminKey ?? "";
    const tokenSecret = v["token-secret"] ?? process.env.COHOST_TOKEN_SECRET ?? saved.tokenSecret ?? "";
    if (!adminKey || !tokenSecret)
      fail("with --url, --admin-key and --token-secret are required (or COHOST_ADMIN_KEY / COHOST_TOKEN_SECRET)");
    options.server = { baseUrl: v.url, adminKey, tokenSecret };
  }

  const report = await runClientConformance({ ...options, onResult: progressPrinter() });
  if (v.junit) writeFileSync(v.junit, junitXml(report));
  const lines = [`client: ${report.client}`];
  if (report.server)
    lines.push(`server: ${report.server.url}${report.server.pid ? ` (the reference server, pid ${report.server.pid}, stopped)` : ""}`);
  if (report.notExpressible.length > 0) {
    lines.push(`${report.notExpressible.length} case(s) not expressible through this client's API:`);
    for (const n of report.notExpressible) lines.push(`  ${n.name}: ${n.reason}`);
  }
  lines.push("", formatSummary(report, { trace: options.trace }));
  printAndExit(lines.join("\n"), report);
}

function list(): void {
  for (const file of loadCaseFiles()) {
    for (const spec of file.cases) {
      const why = clientInapplicable(spec);
      process.stdout.write(`${file.family}/${spec.name}  [${spec.rules.join(", ")}]${why ? `  (not expressible: ${why})` : ""}\n`);
    }
  }
  for (const c of faultCases) {
    process.stdout.write(`${c.family}/${c.name}  [${c.rules.join(", ")}]\n    ${c.procedure}\n`);
  }
}
