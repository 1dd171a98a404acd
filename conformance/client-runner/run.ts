// `cohost-conformance client`: runs the scripted cases (against a reference
// server) and the fault cases (each against its own scripted server)
// through a client's driver, once per transport the driver supports.
import { randomBytes } from "node:crypto";
import { createConnectTransport } from "@connectrpc/connect-node";
import { HttpVersion, Protocol, type Transport } from "@cohost-kit/spec/cohost/clientrunner/v1/client_runner_pb.js";
import { ClientCase, clientInapplicable } from "../client-case.js";
import type { Credentials } from "../credentials.js";
import { caseResult, errorText } from "../case-result.js";
import { withTimeout } from "../feed-watcher.js";
import { loadCaseFiles } from "../load-cases.js";
import { matchesAny, tally, type CaseResult, type ConformanceReport } from "../runner.js";
import { callFaultCases } from "./call-fault-cases.js";
import { DriverChannel, spawnDriver, type DriverPipe } from "./driver-channel.js";
import { FaultTest, type FaultCase } from "./fault-case.js";
import { feedFaultCases } from "./feed-fault-cases.js";
import { ProtocolError, transportName } from "./protocol.js";
import { startReferenceServer } from "./reference-server.js";

export type TransportChoice = { protocol: "connect" | "grpc" | "grpc-web"; http: "1.1" | "2" };

export interface ClientRunOptions {
  /** The driver program, run through the shell (as `--command` gives it). */
  command?: string;
  /** Instead of `command`: a driver already running (e.g. in this process). */
  pipe?: DriverPipe;
  /** A running server for the scripted cases; without it the suite starts the installed reference server. */
  server?: { baseUrl: string } & Credentials;
  /** Transports to run (default: every one the driver supports). */
  transports?: TransportChoice[];
  run?: string[];
  skip?: string[];
  knownFailing?: string[];
  concurrency?: number;
  timeoutMs?: number;
  caseTimeoutMs?: number;
  trace?: boolean;
  onResult?: (result: CaseResult, done: number, total: number) => void;
}

export interface ClientRunReport extends ConformanceReport {
  /** The driver's ClientHello.client_name. */
  client: string;
  /** The server of the scripted cases: its URL, and its PID when the suite started (and stopped) it. */
  server?: { url: string; pid?: number };
  /** Cases (family/name, for every transport) left out because the client's API cannot express them, with the reason. */
  notExpressible: { name: string; reason: string }[];
}

interface RunnableCase {
  family: string;
  name: string;
  rules: string[];
  /** Why the client cannot express it, or undefined. */
  inapplicable?: string;
  scripted: boolean;
  run(context: { channel: DriverChannel; transport: Transport; prefix: string; trace: (line: string) => void }): Promise<void>;
}

export const faultCases: FaultCase[] = [...feedFaultCases, ...callFaultCases];

const PROTOCOLS = { connect: Protocol.CONNECT, grpc: Protocol.GRPC, "grpc-web": Protocol.GRPC_WEB } as const;
const HTTP = { "1.1": HttpVersion.HTTP_VERSION_1_1, "2": HttpVersion.HTTP_VERSION_2 } as const;

export async function runClientConformance(options: ClientRunOptions): Promise<ClientRunReport> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!options.pipe && !options.command) throw new Error("the client runner needs a driver command");
  const pipe = options.pipe ?? spawnDriver(options.command!);
  let channel: DriverChannel;
  try {
    // Generous: a driver may build and launch a browser before it answers.
    channel = await DriverChannel.open(pipe, "cohost-conformance 0.2.0", Math.max(timeoutMs, 120_000));
  } catch (err) {
    await pipe.close(1_000);
    const stderr = pipe.stderrTail().trim();
    throw new Error(`the driver did not start the session: ${(err as Error).message}${stderr ? `\ndriver stderr:\n${stderr}` : ""}`);
  }
  let reference: Awaited<ReturnType<typeof startReferenceServer>> | undefined;
  try {
    const transports = channel.hello.transports.filter(
      (t) => !options.transports || options.transports.some((c) => PROTOCOLS[c.protocol] === t.protocol && HTTP[c.http] === t.httpVersion),
    );
    if (transports.length === 0) throw new Error("none of the driver's transports is selected");
    const features = new Set(channel.hello.features);
    let server = options.server;
    const cases = allCases(() => server!, timeoutMs, features);
    const notExpressible: { name: string; reason: string }[] = [];
    const selected: { name: string; permutation: string; transport: Transport; c: RunnableCase }[] = [];
    for (const transport of transports) {
      const permutation = transportName(transport);
      for (const c of cases) {
        const name = `CoHostStore/${permutation}/${c.family}/${c.name}`;
        if (options.run?.length && !matchesAny(name, options.run)) continue;
        if (matchesAny(name, options.skip)) continue;
        if (!c.inapplicable) selected.push({ name, permutation, transport, c });
        else if (!notExpressible.some((n) => n.name === `${c.family}/${c.name}`))
          notExpressible.push({ name: `${c.family}/${c.name}`, reason: c.inapplicable });
      }
    }
    if (!server && selected.some((s) => s.c.scripted)) {
      reference = await startReferenceServer();
      server = { baseUrl: reference.url, adminKey: reference.adminKey, tokenSecret: reference.tokenSecret };
    }
    const results = await runPool(selected, channel, options);
    return {
      client: channel.hello.clientName,
      ...(server ? { server: { url: server.baseUrl, ...(reference ? { pid: reference.pid } : {}) } } : {}),
      results,
      notExpressible,
      ...tally(results),
      durationMs: Date.now() - started,
    };
  } finally {
    await channel.close();
    await reference?.stop();
  }
}

function allCases(server: () => { baseUrl: string } & Credentials, timeoutMs: number, features: Set<number>): RunnableCase[] {
  let admin: ReturnType<typeof createConnectTransport> | undefined;
  const scripted: RunnableCase[] = loadCaseFiles().flatMap((file) =>
    file.cases.map((spec) => ({
      family: file.family,
      name: spec.name,
      rules: spec.rules,
      scripted: true,
      inapplicable: clientInapplicable(spec),
      run: ({ channel, transport, prefix, trace }) => {
        const { baseUrl, adminKey, tokenSecret } = server();
        admin ??= createConnectTransport({ baseUrl, httpVersion: "1.1" });
        return new ClientCase(spec, {
          transport: admin,
          credentials: { adminKey, tokenSecret },
          prefix,
          timeoutMs,
          trace,
          client: { channel, serverUrl: baseUrl, transport },
        }).run();
      },
    })),
  );
  const faults: RunnableCase[] = faultCases.map((c) => {
    const missing = (c.needs ?? []).filter((f) => !features.has(f));
    return {
      family: c.family,
      name: c.name,
      rules: c.rules,
      scripted: false,
      inapplicable: missing.length > 0 ? `needs ${missing.map(featureName).join(", ")}, which the client does not declare` : undefined,
      run: ({ channel, transport, prefix, trace }) => FaultTest.run(c, { channel, transport, prefix, timeoutMs, trace }),
    };
  });
  return [...scripted, ...faults];
}

function featureName(feature: number): string {
  return (
    ["", "FEATURE_FEED_STATUS", "FEATURE_EVENT_REASONS", "FEATURE_RETRY_AFTER", "FEATURE_CONNECTION_LAYOUT", "FEATURE_TOKEN_REFRESH"][
      feature
    ] ?? `#${feature}`
  );
}

async function runPool(
  selected: { name: string; permutation: string; transport: Transport; c: RunnableCase }[],
  channel: DriverChannel,
  options: ClientRunOptions,
): Promise<CaseResult[]> {
  const runId = randomBytes(4).toString("hex");
  const results: CaseResult[] = new Array(selected.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (let index = next++; index < selected.length; index = next++) {
      const { name, permutation, transport, c } = selected[index]!;
      const trace: string[] = [];
      const t0 = Date.now();
      let error: string | undefined;
      try {
        const running = c.run({
          channel,
          transport,
          prefix: `cc${runId}-${index.toString(36)}`,
          trace: (line) => trace.push(`${String(Date.now() - t0).padStart(5)} ms  ${line}`),
        });
        await withTimeout(running, options.caseTimeoutMs ?? 120_000, "the case to finish");
      } catch (err) {
        error = errorText(err);
        if (err instanceof ProtocolError || channel.failure) {
          const stderr = channel.pipe.stderrTail().trim();
          if (stderr) error += `\ndriver stderr (last lines):\n${stderr.split("\n").slice(-20).join("\n")}`;
        }
      }
      results[index] = caseResult(
        { name, permutation, family: c.family, caseName: c.name, rules: c.rules, durationMs: Date.now() - t0 },
        error,
        matchesAny(name, options.knownFailing),
        options.trace ? trace : undefined,
      );
      options.onResult?.(results[index]!, ++done, selected.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 8) }, worker));
  return results;
}
