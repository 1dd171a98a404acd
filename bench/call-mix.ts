// Section 1's load: the call mix (request, then accept+exit or reject) from
// 32 concurrent workers, each with its own room pairs and host tokens.
import { randomBytes } from "node:crypto";
import { createClient, type Client } from "@connectrpc/connect";
import { CoHostService } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { mintHostToken } from "../server/service/auth.js";
import { BENCH_SECRET, GRID } from "./constants.js";
import { openRooms, transports, type BenchServer } from "./servers.js";
import { percentile, sleep } from "./stats.js";

export interface MixResult {
  /** Every call's latency, sorted, in ms. */
  samples: number[];
  callsPerSecond: number;
  p50: number;
  p99: number;
  cpuMicrosPerCall: number;
  calls: number;
  refused: number;
  /** Redis round trips per transition in the window (0 without Redis). */
  roundTripsPerTransition: number;
  /** The servers' longest event-loop delay in the window(s), ms. */
  loopMaxMs: number;
}

export interface MixOptions {
  concurrency: number;
  warmupMs: number;
  measureMs: number;
  /**
   * Calls per second for all workers together (open loop); unset: each worker calls as soon
   * as its last call returned. Server CPU per call falls as the call rate rises (work is
   * batched per event-loop turn), so CPU is compared between servers at one fixed rate.
   */
  rate?: number;
  /** Profile each server during the measured window, into DIR/MODE-N[TAG].cpuprofile. */
  profileDir?: string;
  profileTag?: string;
}

/**
 * Each worker owns its room pairs and loops: request a->b, then accept
 * (and exit) or reject, half and half; every call carries a host token.
 */
export async function callMix(servers: BenchServer[], options: MixOptions): Promise<MixResult> {
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
  let slot = 0; // when the next paced call may start (performance.now() ms)
  const timed = async (call: () => Promise<unknown>) => {
    if (options.rate) {
      const now = performance.now();
      slot = Math.max(slot + 1000 / options.rate, now);
      if (slot - now >= 1) await sleep(slot - now);
    }
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
  await sleep(options.warmupMs);
  const before = await Promise.all(servers.map((s) => s.stats("start")));
  if (options.profileDir) await Promise.all(servers.map((s) => s.profile()));
  measuring = true;
  const t0 = performance.now();
  await sleep(options.measureMs);
  measuring = false;
  const seconds = (performance.now() - t0) / 1000;
  if (options.profileDir)
    await Promise.all(servers.map((s, i) => s.profile(`${options.profileDir}/${s.mode}-${i}${options.profileTag ?? ""}.cpuprofile`)));
  const after = await Promise.all(servers.map((s) => s.stats()));
  stop = true;
  await Promise.all(running);
  const sum = (f: (s: (typeof after)[0]) => number) => after.reduce((n, s, i) => n + f(s) - f(before[i]!), 0);
  const transitions = sum((s) => s.transitions);
  latencies.sort((x, y) => x - y);
  return {
    samples: latencies,
    callsPerSecond: calls / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    cpuMicrosPerCall: sum((s) => s.cpuMicros) / calls,
    calls,
    refused,
    roundTripsPerTransition: transitions > 0 ? sum((s) => s.roundTrips) / transitions : 0,
    loopMaxMs: Math.max(...after.map((s) => s.loopMaxMs)),
  };
}

/** Several measurement windows as one result (latency percentiles from all samples). */
export function combine(runs: MixResult[]): MixResult {
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
    roundTripsPerTransition: runs.reduce((n, r) => n + r.roundTripsPerTransition * r.calls, 0) / calls,
    loopMaxMs: Math.max(...runs.map((r) => r.loopMaxMs)),
    samples,
  };
}

/** Runs `mix` on each server in turn, `rounds` times (alternating windows), and combines each server's windows. */
export async function alternate(servers: BenchServer[], options: MixOptions, rounds: number): Promise<MixResult[]> {
  const runs: MixResult[][] = servers.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, s] of servers.entries()) runs[i]!.push(await callMix([s], options));
  }
  return runs.map(combine);
}
