// Feed fan-out: watch streams (two per room) held open on a server while a
// change driver (fanout-driver.ts, a process of its own) sends request/cancel
// calls at a fixed rate, each reaching four streams. Latency is call sent ->
// message received; server CPU is per delivered message, the calls included.
import { randomBytes } from "node:crypto";
import { setMaxListeners } from "node:events";
import { createClient } from "@connectrpc/connect";
import { CoHostService, WatchMessageKind } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { mintHostToken } from "../server/service/auth.js";
import { BENCH_SECRET } from "./constants.js";
import { openRooms, spawnNode, transports, type BenchServer } from "./servers.js";
import { percentile, sleep } from "./stats.js";

export interface Watchers {
  server: BenchServer;
  streams: number;
  /** Heap+external and RSS per open stream, against the server before the streams opened. */
  heapPerStream: number;
  rssPerStream: number;
  close(): Promise<void>;
  /** @internal */ state: WatchState;
}

interface WatchState {
  tag: string;
  rooms: string[];
  arrivals: [number, number, number][]; // pair, sequence, wall-clock time
  /** Per pair, the calls made so far (the feed sequence the next run continues from). */
  offset: number[];
}

export interface StepResult {
  rate: number;
  changes: number;
  deliveries: number;
  expected: number;
  p50: number;
  p99: number;
  callP99: number;
  cpuMicrosPerDelivery: number;
}

/** Opens `streams` watch streams on `server` and waits for every SNAPSHOT. */
export async function openWatchers(server: BenchServer, streams: number): Promise<Watchers> {
  const tag = randomBytes(3).toString("hex");
  const rooms = Array.from({ length: streams / 2 }, (_, i) => `f${tag}-${i}`);
  const ts = transports([server.url], 20);
  if (server.mode === "cohost") await openRooms(ts[0]!, rooms);
  const tokens = await Promise.all(
    rooms.map(async (id) => ({ authorization: `Bearer ${await mintHostToken(BENCH_SECRET, `u-${id}`, { ttlSeconds: 3600 })}` })),
  );
  const base = await server.stats();
  const state: WatchState = { tag, rooms, arrivals: [], offset: [] };
  let opened = 0;
  const abort = new AbortController();
  setMaxListeners(0, abort.signal); // one signal ends all the watchers
  const watchers = rooms.flatMap((room, i) =>
    [0, 1].map(async (w) => {
      const c = createClient(CoHostService, ts[(2 * i + w) % ts.length]!);
      try {
        for await (const m of c.watchCoHost({ liveId: room }, { headers: tokens[i]!, signal: abort.signal })) {
          if (m.kind === WatchMessageKind.SNAPSHOT) opened++;
          if (m.kind !== WatchMessageKind.CHANGE) continue;
          state.arrivals.push([Math.floor(i / 2), Number(m.sequence), performance.timeOrigin + performance.now()]);
        }
      } catch {
        // aborted at the end
      }
    }),
  );
  const deadline = Date.now() + 180_000;
  while (opened < streams && Date.now() < deadline) await sleep(50);
  if (opened < streams) throw new Error(`only ${opened} of ${streams} streams opened on the ${server.mode} server`);
  await sleep(500);
  const loaded = await server.stats();
  return {
    server,
    streams,
    heapPerStream: (loaded.heapUsed + loaded.external - base.heapUsed - base.external) / streams,
    rssPerStream: (loaded.rss - base.rss) / streams,
    state,
    close: async () => {
      abort.abort();
      await Promise.all(watchers);
    },
  };
}

/** One window: `rate` changes per second for `seconds` through `driveUrl` (default: the watchers' server). */
export async function step(w: Watchers, rate: number, seconds: number, driveUrl = w.server.url): Promise<StepResult> {
  const { state } = w;
  state.arrivals.length = 0;
  const before = await w.server.stats("start");
  const report = await runDriver(driveUrl, state, rate, seconds);
  // Late messages: wait until arrivals stop (at most 5 s).
  for (let last = -1, t = 0; t < 50 && state.arrivals.length !== last; t++) {
    last = state.arrivals.length;
    await sleep(100);
  }
  const after = await w.server.stats();
  const sent = new Map<string, number>();
  for (const [pair, k, at] of report.sent) sent.set(`${pair}/${k}`, at);
  for (const [pair, k] of report.sent) state.offset[pair] = Math.max(state.offset[pair] ?? 0, k);
  const latencies = state.arrivals.flatMap(([pair, k, at]) => {
    const t = sent.get(`${pair}/${k}`);
    return t === undefined ? [] : [at - t];
  });
  latencies.sort((x, y) => x - y);
  const calls = report.calls.sort((x, y) => x - y);
  return {
    rate,
    changes: report.sent.length,
    deliveries: latencies.length,
    expected: report.sent.length * 4,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    callP99: percentile(calls, 99),
    cpuMicrosPerDelivery: (after.cpuMicros - before.cpuMicros) / Math.max(1, latencies.length),
  };
}

/** A step is within the target when p99 < 50 ms and (nearly) every message arrived. */
export const withinTarget = (r: StepResult) => r.p99 < 50 && r.deliveries >= 0.99 * r.expected;

/**
 * Steps the rate up on every server in alternating windows; a server drops out
 * at the first rate where two windows in a row miss the target (one window's
 * p99 is a dozen messages, so a single pause of the machine would otherwise
 * decide). Returns each server's steps, the better window of a retried rate.
 */
export async function stepRates(all: Watchers[], rates: number[], seconds: number): Promise<StepResult[][]> {
  const results: StepResult[][] = all.map(() => []);
  const active = new Set(all.map((_, i) => i));
  for (const rate of rates) {
    const retry = new Set<number>();
    for (const [i, w] of all.entries()) {
      if (!active.has(i)) continue;
      const r = await step(w, rate, seconds);
      results[i]!.push(r);
      if (!withinTarget(r)) retry.add(i);
    }
    for (const i of retry) {
      const again = await step(all[i]!, rate, seconds);
      const steps = results[i]!;
      if (withinTarget(again) || again.p99 < steps[steps.length - 1]!.p99) steps[steps.length - 1] = again;
      if (!withinTarget(again)) active.delete(i);
    }
    if (active.size === 0) break;
  }
  return results;
}

/** The highest rate whose step stayed within the target (0 if none did). */
export function highestRate(steps: StepResult[]): number {
  let best = 0;
  for (const r of steps) if (withinTarget(r)) best = Math.max(best, r.rate);
  return best;
}

/** Runs bench/fanout-driver.ts in its own process and returns its send log. */
async function runDriver(url: string, state: WatchState, rate: number, seconds: number) {
  const args = [
    new URL("./fanout-driver.ts", import.meta.url).pathname,
    ...["--url", url, "--tag", state.tag, "--rooms", String(state.rooms.length), "--rate", String(rate)],
    ...["--seconds", String(seconds), "--secret", BENCH_SECRET, "--offset", state.offset.join(",")],
  ];
  const child = spawnNode(args, "load");
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  await new Promise((r) => child.once("exit", r));
  return JSON.parse(out) as { sent: [number, number, number][]; calls: number[] };
}
