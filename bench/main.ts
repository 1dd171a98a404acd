// `npm run bench`: prints figures, each against a baseline measured in the
// same run (ratios), never asserting timings. Sections:
//   1. call mix vs a no-op handler on the same stack and transport
//   2. feed fan-out: 10,000 streams, 1,000 changes/s, delivery latency, memory per stream
//   3. engine cost per call at 1,000 vs 100,000 open rooms
//   4. Redis: two instances vs the in-memory server; cross-instance delivery latency
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { setMaxListeners } from "node:events";
import { cpus } from "node:os";
import { createClient, type Client, type Transport } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { CoHostLayoutTemplate, CoHostService, RoomAdminService, WatchMessageKind } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { CoHostCore } from "../server/core.js";
import { CoHostEngine, defaultEngineConfig } from "../server/engine/engine.js";
import { mintHostToken } from "../server/service/auth.js";
import { MemoryStore } from "../server/store/memory-store.js";
import { systemClock } from "../server/clock.js";

const BENCH_SECRET = "bench-secret-0123456789abcdef0123456789";
const BENCH_ADMIN_KEY = "bench-admin-key-0123";
const GRID = CoHostLayoutTemplate.HOST_DYNAMIC_GRID;
const quick = process.argv.includes("--quick");
// --only=1,3 runs some sections (for profiling); the default runs all of them.
const only = process.argv
  .find((a) => a.startsWith("--only="))
  ?.slice(7)
  .split(",");
const section = (n: number) => !only || only.includes(String(n));
const REDIS_URL = process.env.COHOST_BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";

interface Stats {
  cpuMicros: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  rss: number;
}

interface BenchServer {
  url: string;
  /** CPU and memory; `start` runs the full GC before the CPU reading instead of after. */
  stats(window?: "start"): Promise<Stats>;
  stop(): Promise<void>;
}

async function startServer(mode: "cohost" | "noop", store = "memory"): Promise<BenchServer> {
  const tsx = new URL("../node_modules/tsx/dist/loader.mjs", import.meta.url).href;
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "--expose-gc",
      "--max-old-space-size=4096",
      "--conditions=@cohost-kit/source",
      "--import",
      tsx,
      new URL("./bench-server.ts", import.meta.url).pathname,
      "--mode",
      mode,
      "--store",
      store,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.on("exit", (code) => reject(new Error(`bench server exited ${code}`)));
  });
  return {
    url,
    stats: async (window?: "start") => (await (await fetch(`${url}/bench/stats${window ? "?window=start" : ""}`)).json()) as Stats,
    stop: async () => {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
const adminAuth = { headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}` } };

function transports(urls: string[], perUrl: number): Transport[] {
  return urls.flatMap((baseUrl) => Array.from({ length: perUrl }, () => createConnectTransport({ baseUrl, httpVersion: "2" })));
}

async function openRooms(transport: Transport, ids: string[]): Promise<void> {
  const admin = createClient(RoomAdminService, transport);
  for (let i = 0; i < ids.length; i += 200) {
    await Promise.all(ids.slice(i, i + 200).map((id) => admin.openRoom({ liveId: id, userId: `u-${id}`, userName: id }, adminAuth)));
  }
}

// ---- 1. call mix ---------------------------------------------------------------

interface MixResult {
  /** Every call's latency, sorted, in ms. */
  samples: number[];
  callsPerSecond: number;
  p50: number;
  p99: number;
  cpuMicrosPerCall: number;
  calls: number;
  refused: number;
}

/**
 * Each worker owns its room pairs and loops: request a->b, then accept
 * (and exit) or reject, half and half; every call carries a host token.
 */
async function callMix(servers: BenchServer[], options: { concurrency: number; warmupMs: number; measureMs: number }): Promise<MixResult> {
  const tag = randomBytes(3).toString("hex");
  const pairsPerWorker = 4;
  const ts = transports(
    servers.map((s) => s.url),
    2,
  );
  const pairs = Array.from({ length: options.concurrency * pairsPerWorker }, (_, i) => [`m${tag}-${i}a`, `m${tag}-${i}b`] as const);
  await openRooms(ts[0]!, pairs.flat());
  const tokens = new Map<string, { headers: { authorization: string } }>();
  for (const id of pairs.flat())
    tokens.set(id, { headers: { authorization: `Bearer ${await mintHostToken(BENCH_SECRET, `u-${id}`, { ttlSeconds: 3600 })}` } });
  const latencies: number[] = [];
  let calls = 0;
  let refused = 0;
  let measuring = false;
  let stop = false;
  const timed = async (call: () => Promise<unknown>) => {
    const t0 = performance.now();
    try {
      await call();
    } catch {
      if (measuring) refused++;
    }
    if (measuring) {
      latencies.push(performance.now() - t0);
      calls++;
    }
  };
  const worker = async (w: number) => {
    const c: Client<typeof CoHostService> = createClient(CoHostService, ts[w % ts.length]!);
    for (let round = 0; !stop; round++) {
      const [a, b] = pairs[w * pairsPerWorker + (round % pairsPerWorker)]!;
      await timed(() =>
        c.requestHostConnection({ liveId: a, targetHostLiveId: b, layoutTemplate: GRID, timeoutSeconds: 60 }, tokens.get(a)),
      );
      if (round % 2 === 0) {
        await timed(() => c.acceptHostConnection({ liveId: b, fromHostLiveId: a }, tokens.get(b)));
        await timed(() => c.exitHostConnection({ liveId: a }, tokens.get(a)));
      } else {
        await timed(() => c.rejectHostConnection({ liveId: b, fromHostLiveId: a }, tokens.get(b)));
      }
    }
  };
  const running = Array.from({ length: options.concurrency }, (_, w) => worker(w));
  await new Promise((r) => setTimeout(r, options.warmupMs));
  const before = await Promise.all(servers.map((s) => s.stats("start")));
  measuring = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, options.measureMs));
  measuring = false;
  const seconds = (performance.now() - t0) / 1000;
  const after = await Promise.all(servers.map((s) => s.stats()));
  stop = true;
  await Promise.all(running);
  const cpu = after.reduce((n, s, i) => n + s.cpuMicros - before[i]!.cpuMicros, 0);
  latencies.sort((x, y) => x - y);
  return {
    samples: latencies,
    callsPerSecond: calls / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    cpuMicrosPerCall: cpu / calls,
    calls,
    refused,
  };
}

/** Several measurement windows as one result (latency percentiles from all samples). */
function combine(runs: MixResult[]): MixResult {
  const calls = runs.reduce((n, r) => n + r.calls, 0);
  const seconds = runs.reduce((n, r) => n + r.calls / r.callsPerSecond, 0);
  const samples = runs.flatMap((r) => r.samples).sort((a, b) => a - b);
  return {
    callsPerSecond: calls / seconds,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    cpuMicrosPerCall: runs.reduce((n, r) => n + r.cpuMicrosPerCall * r.calls, 0) / calls,
    calls,
    refused: runs.reduce((n, r) => n + r.refused, 0),
    samples,
  };
}

// ---- 2. fan-out ------------------------------------------------------------------

interface FanoutResult {
  rate: number;
  callP50: number;
  callP99: number;
  streams: number;
  changes: number;
  deliveries: number;
  p50: number;
  p99: number;
  heapPerStream: number;
  rssPerStream: number;
}

/**
 * Opens `streams` watch streams (two per room) through `watchUrl`, then
 * drives `changesPerSecond` request/cancel calls through `driveUrl`, each
 * touching two rooms (four streams). Latency: call sent -> message received.
 */
async function fanout(
  mode: "cohost" | "noop",
  watchServer: BenchServer,
  driveUrl: string,
  options: { streams: number; changesPerSecond: number[]; seconds: number },
): Promise<FanoutResult[]> {
  const tag = randomBytes(3).toString("hex");
  const rooms = Array.from({ length: options.streams / 2 }, (_, i) => `f${tag}-${i}`);
  const watchTransports = transports([watchServer.url], 20);
  if (mode === "cohost") await openRooms(watchTransports[0]!, rooms);
  const tokens = new Map<string, { authorization: string }>();
  for (const id of rooms) tokens.set(id, { authorization: `Bearer ${await mintHostToken(BENCH_SECRET, `u-${id}`, { ttlSeconds: 3600 })}` });
  const base = await watchServer.stats();

  const arrivals: [number, number, number][] = []; // pair, sequence, wall-clock time
  const offset: number[] = [];
  const sent = new Map<string, number>(); // "pair/k" -> wall-clock send time
  let opened = 0;
  const abort = new AbortController();
  setMaxListeners(0, abort.signal); // one signal ends all the watchers
  const watchers = rooms.flatMap((room, i) =>
    [0, 1].map(async (w) => {
      const c = createClient(CoHostService, watchTransports[(2 * i + w) % watchTransports.length]!);
      try {
        for await (const m of c.watchCoHost({ liveId: room }, { headers: tokens.get(room)!, signal: abort.signal })) {
          if (m.kind === WatchMessageKind.SNAPSHOT) opened++;
          if (m.kind !== WatchMessageKind.CHANGE) continue;
          arrivals.push([Math.floor(i / 2), Number(m.sequence), performance.timeOrigin + performance.now()]);
        }
      } catch {
        // aborted at the end
      }
    }),
  );
  if (mode === "cohost") {
    const deadline = Date.now() + 120_000;
    while (opened < options.streams && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  } else {
    await new Promise((r) => setTimeout(r, 5_000)); // the no-op stream sends nothing to wait for
  }
  await new Promise((r) => setTimeout(r, 500));
  const loaded = await watchServer.stats();

  const results: FanoutResult[] = [];
  const rates = mode === "cohost" ? options.changesPerSecond : [0];
  for (const rate of rates) {
    arrivals.length = 0;
    sent.clear();
    let changes = 0;
    const callLatencies: number[] = [];
    if (rate > 0) {
      // Each rate continues the pairs' request/cancel sequence: the driver numbers calls from the feed's current sequence.
      const report = await runDriver(driveUrl, tag, rooms.length, rate, options.seconds, offset);
      for (const [pair, k, at] of report.sent) sent.set(`${pair}/${k}`, at);
      callLatencies.push(...report.calls);
      changes = report.sent.length;
      for (const [pair, k] of report.sent) offset[pair] = Math.max(offset[pair] ?? 0, k);
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const latencies = arrivals.flatMap(([pair, k, at]) => {
      const t = sent.get(`${pair}/${k}`);
      return t === undefined ? [] : [at - t];
    });
    latencies.sort((x, y) => x - y);
    callLatencies.sort((x, y) => x - y);
    results.push({
      rate,
      streams: options.streams,
      changes,
      deliveries: latencies.length,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      callP50: percentile(callLatencies, 50),
      callP99: percentile(callLatencies, 99),
      heapPerStream: (loaded.heapUsed + loaded.external - base.heapUsed - base.external) / options.streams,
      rssPerStream: (loaded.rss - base.rss) / options.streams,
    });
  }
  abort.abort();
  await Promise.all(watchers);
  return results;
}

/** Runs bench/fanout-driver.ts in its own process and returns its send log. */
async function runDriver(
  url: string,
  tag: string,
  rooms: number,
  rate: number,
  seconds: number,
  offset: number[],
): Promise<{ sent: [number, number, number][]; calls: number[] }> {
  const tsx = new URL("../node_modules/tsx/dist/loader.mjs", import.meta.url).href;
  const args = [
    "--conditions=@cohost-kit/source",
    "--import",
    tsx,
    new URL("./fanout-driver.ts", import.meta.url).pathname,
    "--url",
    url,
    "--tag",
    tag,
    "--rooms",
    String(rooms),
    "--rate",
    String(rate),
    "--seconds",
    String(seconds),
    "--secret",
    BENCH_SECRET,
    "--offset",
    offset.join(","),
  ];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  await new Promise((r) => child.once("exit", r));
  return JSON.parse(out) as { sent: [number, number, number][]; calls: number[] };
}

// ---- 3. engine at scale ----------------------------------------------------------------

async function engineCostPerCall(openRooms: number): Promise<number> {
  const store = new MemoryStore({ clock: systemClock });
  const core = new CoHostCore(
    store,
    new CoHostEngine({ ...defaultEngineConfig, rateLimit: { burst: 1e9, refillPerSecond: 1e9 } }),
    systemClock,
  );
  const ids = Array.from({ length: openRooms }, () => randomBytes(8).toString("hex"));
  for (const id of ids) await core.openRoom({ liveId: id, userId: `u-${id}`, userName: "", avatarUrl: "" });
  const pairs = Array.from({ length: 500 }, (_, i) => [ids[2 * i]!, ids[2 * i + 1]!] as const);
  const rounds = quick ? 4 : 20;
  let best = Infinity;
  for (let repeat = 0; repeat < 3; repeat++) {
    let calls = 0;
    const t0 = process.hrtime.bigint();
    for (let r = 0; r < rounds; r++) {
      for (const [a, b] of pairs) {
        await core.requestConnection(`u-${a}`, { liveId: a, target: b, layout: GRID, timeoutSeconds: 60, extraInfo: "" });
        if (r % 2 === 0) {
          await core.acceptConnection(`u-${b}`, b, a);
          await core.exitConnection(`u-${a}`, a);
          calls += 3;
        } else {
          await core.rejectConnection(`u-${b}`, b, a);
          calls += 2;
        }
      }
    }
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1000 / calls);
  }
  await store.close();
  return best;
}

// ---- run ---------------------------------------------------------------------------------

async function main() {
  const mix = { concurrency: 32, warmupMs: quick ? 1_000 : 3_000, measureMs: quick ? 2_000 : 6_000 };
  console.log(
    `CoHost bench on ${cpus().length} cores (${cpus()[0]?.model ?? "unknown cpu"}), Node ${process.version}${quick ? ", --quick" : ""}`,
  );
  console.log("Load generator and servers share this machine; every ratio compares figures of this same run.\n");
  const row = (name: string, r: MixResult) =>
    console.log(
      `   ${name.padEnd(24)} ${fmt(r.callsPerSecond, 0).padStart(6)} calls/s  p50 ${fmt(r.p50, 2)} ms  p99 ${fmt(r.p99, 2)} ms  server CPU ${fmt(r.cpuMicrosPerCall, 0)} µs/call  (${r.calls} calls, ${r.refused} refused)`,
    );
  let inMemory: MixResult | undefined;

  if (section(1) || section(4)) {
    console.log("1. Call mix (request, accept+exit or reject; authenticated; Connect over HTTP/2; 32 concurrent)");
    console.log("   baseline: the same transport, Connect stack and auth/error interceptors with no-op handlers;");
    console.log("   the two servers run side by side and are measured in alternating windows, so drift hits both.");
    const noopServer = await startServer("noop");
    const memServer = await startServer("cohost");
    const windows = { ...mix, measureMs: mix.measureMs / 2 };
    const noopRuns: MixResult[] = [];
    const memRuns: MixResult[] = [];
    for (let round = 0; round < 2; round++) {
      noopRuns.push(await callMix([noopServer], windows));
      memRuns.push(await callMix([memServer], windows));
    }
    await noopServer.stop();
    await memServer.stop();
    const noop = combine(noopRuns);
    inMemory = combine(memRuns);
    row("no-op handler", noop);
    row("reference server", inMemory);
    console.log(
      `   ratio: throughput ${fmt(inMemory.callsPerSecond / noop.callsPerSecond, 2)} (target >= 0.85), server CPU per call ${fmt(inMemory.cpuMicrosPerCall / noop.cpuMicrosPerCall, 2)} (target <= 1.2)\n`,
    );
  }

  if (section(2)) {
    const streams = quick ? 2_000 : 10_000;
    const rates = [1_000, 250];
    console.log(
      `2. Feed fan-out (${streams.toLocaleString("en")} streams, two per room; changes at ${rates.join(" and ")} per second, each reaching 4 streams)`,
    );
    console.log("   the change driver runs in a process of its own; watchers decode every message (Connect client)");
    const noopServer = await startServer("noop");
    const [idle] = await fanout("noop", noopServer, noopServer.url, { streams, changesPerSecond: [0], seconds: 0 });
    await noopServer.stop();
    const memServer = await startServer("cohost");
    const runs = await fanout("cohost", memServer, memServer.url, { streams, changesPerSecond: rates, seconds: quick ? 2 : 5 });
    await memServer.stop();
    for (const r of runs) {
      console.log(
        `   ${r.rate} changes/s: delivery p50 ${fmt(r.p50, 2)} ms, p99 ${fmt(r.p99, 2)} ms (${r.deliveries} deliveries of ${r.changes} changes); the calls themselves p50 ${fmt(r.callP50, 2)} ms, p99 ${fmt(r.callP99, 2)} ms${r.rate === 1_000 ? " (target p99 < 50 ms)" : ""}`,
      );
    }
    const fan = runs[0]!;
    console.log(
      `   memory per open stream: reference ${fmt(fan.heapPerStream / 1024, 1)} KB heap+external (${fmt(fan.rssPerStream / 1024, 1)} KB RSS), idle no-op stream ${fmt(idle!.heapPerStream / 1024, 1)} KB (${fmt(idle!.rssPerStream / 1024, 1)} KB RSS)`,
    );
    console.log(
      `   ratio: memory per stream ${fmt(fan.heapPerStream / idle!.heapPerStream, 2)} heap+external, ${fmt(fan.rssPerStream / idle!.rssPerStream, 2)} RSS (target <= 1.2)\n`,
    );
  }

  if (section(3)) {
    const many = quick ? 20_000 : 100_000;
    console.log("3. Engine cost per call (in process, in-memory store, the same call mix)");
    const small = await engineCostPerCall(1_000);
    const large = await engineCostPerCall(many);
    console.log(
      `   1,000 open rooms: ${fmt(small, 2)} µs/call; ${many.toLocaleString("en")} open rooms: ${fmt(large, 2)} µs/call; ratio ${fmt(large / small, 2)} (target < 1.2)\n`,
    );
  }

  if (section(4)) {
    console.log(`4. Redis (${REDIS_URL}): two instances sharing one Redis`);
    const prefix = `cohost-bench-${randomBytes(3).toString("hex")}:`;
    const store = `${REDIS_URL}?prefix=${prefix}`;
    let r1: BenchServer | undefined;
    let r2: BenchServer | undefined;
    try {
      r1 = await startServer("cohost", store);
      r2 = await startServer("cohost", store);
      const redisMix = await callMix([r1, r2], mix);
      row("two instances on Redis", redisMix);
      console.log(
        `   ratio to the in-memory server: throughput ${fmt(redisMix.callsPerSecond / inMemory!.callsPerSecond, 2)} (target >= 0.5)`,
      );
      const cross = await fanout("cohost", r2, r1.url, {
        streams: quick ? 1_000 : 2_000,
        changesPerSecond: [1_000, 250],
        seconds: quick ? 2 : 5,
      });
      for (const r of cross) {
        console.log(
          `   cross-instance delivery at ${r.rate} changes/s (calls through one instance, watchers on the other): p50 ${fmt(r.p50, 2)} ms, p99 ${fmt(r.p99, 2)} ms over ${r.deliveries} deliveries; calls p99 ${fmt(r.callP99, 2)} ms${r.rate === 1_000 ? " (target p99 < 20 ms)" : ""}`,
        );
      }
    } catch (err) {
      console.log(`   Redis section failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    } finally {
      await r1?.stop();
      await r2?.stop();
      const { Redis } = await import("ioredis");
      const redis = new Redis(REDIS_URL, { lazyConnect: true });
      await redis.connect().catch(() => {});
      const keys = await redis.keys(`${prefix}*`).catch(() => [] as string[]);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
