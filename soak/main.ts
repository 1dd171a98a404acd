// `npm run soak`: the reference server (its compiled bin, as users run it)
// under hostile load for a bounded time, while a well-behaved client keeps
// working. It measures that client alone first (the unloaded baseline), then
// with the attackers of attacks.ts running, and reports its p99 as a ratio to
// the baseline, the server's peak memory, and that the process stayed up
// (and still answers, and stops cleanly on SIGTERM). Never asserts timings;
// exits 1 only when the server died or the well-behaved client failed.
//
//   npm run soak                    60 s under load (2,000 sockets, 20,000 stream attempts)
//   npm run soak -- --seconds 120   longer
//   npm run soak -- --ci            the short mode the test suite runs
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { RoomAdminService } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import type { Counts } from "./attacks.js";
import type { WellBehavedReport } from "./well-behaved.js";

const { values } = parseArgs({
  options: {
    ci: { type: "boolean", default: false },
    seconds: { type: "string" },
    "baseline-seconds": { type: "string" },
    json: { type: "boolean", default: false },
  },
});
const ci = values.ci;
const plan = {
  seconds: Number(values.seconds ?? (ci ? 8 : 60)),
  baselineSeconds: Number(values["baseline-seconds"] ?? (ci ? 4 : 15)),
  pairs: ci ? 5 : 10,
  sockets: ci ? 200 : 2_000,
  streams: ci ? 2_000 : 20_000,
  malformedPerSecond: ci ? 20 : 50,
  flakyPerSecond: ci ? 5 : 10,
};
const secret = "soak-secret-0123456789abcdef0123456789ab";
const adminKey = "soak-admin-key-0123456789";
const root = new URL("..", import.meta.url);
const tsx = new URL("node_modules/tsx/dist/loader.mjs", root).href;

export interface SoakReport {
  plan: typeof plan;
  unloaded: Summary;
  loaded: Summary;
  p99Ratio: number;
  deliveryP99Ratio: number;
  memory: { startMb: number; peakMb: number; endMb: number };
  /** Server CPU in cores (1: one core busy), averaged over each phase. */
  serverCpu: { unloaded: number; loaded: number };
  /** The server's event-loop delay in each phase, ms. */
  eventLoopDelay: { unloaded: { p99: number; max: number }; loaded: { p99: number; max: number } };
  stayedUp: boolean;
  healthAfter: number;
  /** Lines of the server's log by level. */
  logLevels: Counts;
  exitCode: number | null;
  attacks: Record<string, Counts>;
}

interface Summary {
  calls: number;
  failures: string[];
  p50: number;
  p99: number;
  deliveryP99: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summary(r: WellBehavedReport): Summary {
  return {
    calls: r.calls,
    failures: r.failures,
    p50: percentile(r.latencies, 50),
    p99: percentile(r.latencies, 99),
    deliveryP99: percentile(r.deliveries, 99),
  };
}

/** Runs a TypeScript file of this folder as a child process and parses the JSON line it prints. */
function child<T>(file: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      ["--conditions=@cohost-kit/source", "--import", tsx, new URL(file, import.meta.url).pathname, ...args],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let out = "";
    p.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    p.on("exit", (code) => {
      try {
        resolve(JSON.parse(out.trim().split("\n").at(-1)!) as T);
      } catch {
        reject(new Error(`${file} exited with ${code} and no report`));
      }
    });
  });
}

/**
 * The server's event-loop delay since the previous call (its /metrics resets
 * the window on each scrape): p99 and max, ms. High values would mean the
 * server itself blocked; low ones, that waiting happened elsewhere.
 */
async function loopDelay(url: string): Promise<{ p99: number; max: number }> {
  const text = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) }).then(
    (r) => r.text(),
    () => "",
  );
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? NaN) * 1000;
  return { p99: read("nodejs_eventloop_lag_p99_seconds"), max: read("nodejs_eventloop_lag_max_seconds") };
}

/** CPU seconds the process has used (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 per second on Linux)
}

function memoryMb(pid: number, field: "VmRSS" | "VmHWM"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) / 1024;
}

/**
 * The server logs to a file, as a log shipper would take it: a pipe read by
 * this busy process would block the server's synchronous log writes.
 */
async function startServer(): Promise<{ process: ChildProcess; url: string; exited: Promise<number | null>; log: string }> {
  const dir = mkdtempSync(join(tmpdir(), "cohost-soak-"));
  const log = join(dir, "server.log");
  const out = openSync(log, "w");
  const server = spawn(process.execPath, [new URL("server/dist/main.js", root).pathname], {
    env: {
      PATH: process.env.PATH ?? "",
      PORT: "0",
      COHOST_MODE: "production",
      COHOST_HOST: "127.0.0.1",
      COHOST_TOKEN_SECRET: secret,
      COHOST_ADMIN_KEY: adminKey,
      // The short mode attacks for seconds only: held sockets must meet the header timeout within them.
      ...(ci ? { COHOST_HEADERS_TIMEOUT_SECONDS: "3" } : {}),
      ...(process.env.COHOST_STORE ? { COHOST_STORE: process.env.COHOST_STORE } : {}),
    },
    stdio: ["ignore", out, "inherit"],
  });
  closeSync(out);
  const exited = new Promise<number | null>((resolve) => server.on("exit", (code) => resolve(code)));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  for (let waited = 0; waited < 30_000 && server.exitCode === null; waited += 50) {
    const line = readFileSync(log, "utf8")
      .split("\n")
      .find((l) => l.includes('"msg":"listening"'));
    if (line) return { process: server, url: (JSON.parse(line) as { url: string }).url, exited, log };
    await new Promise((r) => setTimeout(r, 50));
  }
  server.kill("SIGKILL");
  throw new Error(`the server did not start (exit ${server.exitCode})`);
}

const server = await startServer();
const pid = server.process.pid!;
let alive = true;
void server.exited.then(() => (alive = false));
const admin = createClient(RoomAdminService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
const adminAuth = { headers: { authorization: `Bearer ${adminKey}` } };
const streamRooms = ["mallory-0", "mallory-1", "mallory-2", "mallory-3"].map((r) => `${r}:mallory`);
const flakyRooms = Array.from({ length: 10 }, (_, i) => `flaky-${i}:flaky-user-${i}`);
for (const pair of [...streamRooms, ...flakyRooms]) {
  const [liveId, userId] = pair.split(":") as [string, string];
  await admin.openRoom({ liveId, userId, userName: liveId }, adminAuth);
}
const startMb = memoryMb(pid, "VmRSS");
const common = ["--url", server.url, "--admin-key", adminKey, "--secret", secret, "--pairs", String(plan.pairs)];
const say = (line: string) => !values.json && process.stderr.write(`${line}\n`);

say(`soak: unloaded baseline, ${plan.baselineSeconds} s`);
const cpu0 = cpuSeconds(pid);
await loopDelay(server.url);
const unloaded = await child<WellBehavedReport>("./well-behaved.ts", [
  ...common,
  "--seconds",
  String(plan.baselineSeconds),
  "--tag",
  "base",
]);
const cpu1 = cpuSeconds(pid);
const loopUnloaded = await loopDelay(server.url);
say(`soak: under attack, ${plan.seconds} s`);
const attackers = child<Record<string, Counts>>("./attackers.ts", [
  "--url",
  server.url,
  "--secret",
  secret,
  "--seconds",
  String(plan.seconds + 4),
  "--sockets",
  String(plan.sockets),
  "--streams",
  String(plan.streams),
  "--malformed-per-second",
  String(plan.malformedPerSecond),
  "--flaky-per-second",
  String(plan.flakyPerSecond),
  "--stream-rooms",
  streamRooms.join(","),
  "--flaky-rooms",
  flakyRooms.join(","),
]);
await new Promise((r) => setTimeout(r, 2_000)); // the attack is in full swing
const cpu2 = cpuSeconds(pid);
await loopDelay(server.url);
const loadStart = Date.now();
const loaded = await child<WellBehavedReport>("./well-behaved.ts", [...common, "--seconds", String(plan.seconds), "--tag", "load"]);
const cpu3 = alive ? cpuSeconds(pid) : NaN;
const loopLoaded = alive ? await loopDelay(server.url) : { p99: NaN, max: NaN };
const loadSeconds = (Date.now() - loadStart) / 1000;
const attacks = await attackers;
const stayedUp = alive;
const peakMb = stayedUp ? memoryMb(pid, "VmHWM") : NaN;
const endMb = stayedUp ? memoryMb(pid, "VmRSS") : NaN;
const healthAfter = stayedUp
  ? await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(5_000) }).then(
      (r) => r.status,
      () => 0,
    )
  : 0;
server.process.kill("SIGTERM");
const exitCode = await Promise.race([server.exited, new Promise<null>((r) => setTimeout(() => r(null), 15_000))]);
if (server.process.exitCode === null) server.process.kill("SIGKILL");
const logLevels: Counts = {};
for (const line of readFileSync(server.log, "utf8").split("\n")) {
  const level = /"level":"(\w+)"/.exec(line)?.[1];
  if (level) logLevels[level] = (logLevels[level] ?? 0) + 1;
}

const report: SoakReport = {
  plan,
  unloaded: summary(unloaded),
  loaded: summary(loaded),
  p99Ratio: percentile(loaded.latencies, 99) / percentile(unloaded.latencies, 99),
  deliveryP99Ratio: percentile(loaded.deliveries, 99) / percentile(unloaded.deliveries, 99),
  memory: { startMb, peakMb, endMb },
  serverCpu: { unloaded: (cpu1 - cpu0) / plan.baselineSeconds, loaded: (cpu3 - cpu2) / loadSeconds },
  eventLoopDelay: { unloaded: loopUnloaded, loaded: loopLoaded },
  stayedUp,
  healthAfter,
  logLevels,
  exitCode,
  attacks,
};

if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
else {
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  const lines = [
    "",
    `well-behaved client (${plan.pairs} host pairs, each inviting, paging candidates and cancelling once a second; every change confirmed on a stream)`,
    `  unloaded       ${report.unloaded.calls} calls, p50 ${ms(report.unloaded.p50)}, p99 ${ms(report.unloaded.p99)}, delivery p99 ${ms(report.unloaded.deliveryP99)}, ${report.unloaded.failures.length} failures`,
    `  under attack   ${report.loaded.calls} calls, p50 ${ms(report.loaded.p50)}, p99 ${ms(report.loaded.p99)}, delivery p99 ${ms(report.loaded.deliveryP99)}, ${report.loaded.failures.length} failures`,
    `  p99 ratio      ${report.p99Ratio.toFixed(2)} (calls), ${report.deliveryP99Ratio.toFixed(2)} (deliveries)`,
    `server loop      event-loop delay p99 ${ms(report.eventLoopDelay.unloaded.p99)} / max ${ms(report.eventLoopDelay.unloaded.max)} unloaded, p99 ${ms(report.eventLoopDelay.loaded.p99)} / max ${ms(report.eventLoopDelay.loaded.max)} under attack`,
    `server memory    ${startMb.toFixed(0)} MB at start, peak ${peakMb.toFixed(0)} MB (VmHWM), ${endMb.toFixed(0)} MB at the end`,
    `server CPU       ${report.serverCpu.unloaded.toFixed(2)} cores unloaded, ${report.serverCpu.loaded.toFixed(2)} under attack (this machine: 2 cores, shared with the attackers and the client)`,
    `server process   ${stayedUp ? "stayed up" : "DIED"}; /healthz after: ${healthAfter}; exit after SIGTERM: ${exitCode}`,
    `server log       ${Object.entries(logLevels)
      .map(([level, n]) => `${n} ${level}`)
      .join(", ")}`,
    "attacks",
    ...Object.entries(attacks).flatMap(([name, counts]) => [
      `  ${name}`,
      ...Object.entries(counts)
        .sort((a, b) => b[1] - a[1])
        .map(([what, n]) => `    ${String(n).padStart(7)}  ${what}`),
    ]),
    ...[...report.unloaded.failures, ...report.loaded.failures].slice(0, 10).map((f) => `failure: ${f}`),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}
process.exit(
  stayedUp && healthAfter === 200 && exitCode === 0 && report.loaded.failures.length + report.unloaded.failures.length === 0 ? 0 : 1,
);
