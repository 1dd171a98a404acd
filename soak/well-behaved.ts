// The well-behaved client of the soak, as its own process (so the attackers'
// CPU is not its own): host pairs that invite, page through candidates and
// cancel, each pair at most once a second (within R19), every change
// confirmed on a watch stream. Prints one JSON line: latencies and failures.
import { parseArgs } from "node:util";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { CoHostLayoutTemplate, CoHostService, RoomAdminService, WatchMessageKind } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { mintHostToken } from "@cohost-kit/server";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    "admin-key": { type: "string" },
    secret: { type: "string" },
    seconds: { type: "string", default: "10" },
    pairs: { type: "string", default: "10" },
    tag: { type: "string", default: "wb" },
  },
});
const url = values.url!;
const seconds = Number(values.seconds);
const pairs = Number(values.pairs);
const transport = createConnectTransport({ baseUrl: url, httpVersion: "2" });
const admin = createClient(RoomAdminService, transport);
const cohost = createClient(CoHostService, transport);
const adminAuth = { headers: { authorization: `Bearer ${values["admin-key"]}` } };

export interface WellBehavedReport {
  calls: number;
  failures: string[];
  /** Call latencies, ms, sorted. */
  latencies: number[];
  /** From sending a request to its CHANGE on the invitee's stream, ms, sorted. */
  deliveries: number[];
}

const report: WellBehavedReport = { calls: 0, failures: [], latencies: [], deliveries: [] };
const stop = Date.now() + seconds * 1000;

async function timed<T>(what: string, call: () => Promise<T>): Promise<T | undefined> {
  const started = performance.now();
  try {
    const result = await call();
    report.latencies.push(performance.now() - started);
    return result;
  } catch (err) {
    const e = ConnectError.from(err);
    report.failures.push(`${what}: ${Code[e.code]} ${e.rawMessage}`);
    return undefined;
  } finally {
    report.calls++;
  }
}

async function pair(i: number): Promise<void> {
  const abort = new AbortController();
  const a = `${values.tag}-${i}-a`;
  const b = `${values.tag}-${i}-b`;
  for (const [live, user] of [
    [a, `${a}-host`],
    [b, `${b}-host`],
  ]) {
    await admin.openRoom({ liveId: live, userId: user, userName: live }, adminAuth);
  }
  const asA = { headers: { authorization: `Bearer ${await mintHostToken(values.secret!, `${a}-host`)}` } };
  const asB = { headers: { authorization: `Bearer ${await mintHostToken(values.secret!, `${b}-host`)}` } };
  // b's feed: every request and cancel must arrive, each one sequence further.
  const arrivals = new Map<bigint, number>();
  let sequence = -1n;
  let opened = () => {};
  const open = new Promise<void>((resolve) => (opened = resolve));
  const watching = (async () => {
    try {
      for await (const m of cohost.watchCoHost({ liveId: b }, { ...asB, signal: abort.signal })) {
        if (m.kind === WatchMessageKind.SNAPSHOT) {
          sequence = m.sequence;
          opened();
        }
        if (m.kind === WatchMessageKind.CHANGE) arrivals.set(m.sequence, performance.now());
      }
    } catch (err) {
      if (!abort.signal.aborted) report.failures.push(`watch ${b}: ${Code[ConnectError.from(err).code]}`);
    }
  })();
  await open;
  const arrived = async (seq: bigint) => {
    const waitUntil = performance.now() + 10_000;
    while (!arrivals.has(seq) && performance.now() < waitUntil) await new Promise((r) => setTimeout(r, 5));
    const at = arrivals.get(seq);
    if (at === undefined) report.failures.push(`CHANGE ${seq} of ${b} not delivered within 10 s`);
    return at;
  };
  // Spread the pairs over the first second.
  await new Promise((r) => setTimeout(r, (1000 * i) / pairs));
  while (Date.now() < stop) {
    const cycle = Date.now();
    const sentAt = performance.now();
    const sent = await timed("request", () =>
      cohost.requestHostConnection(
        { liveId: a, targetHostLiveId: b, layoutTemplate: CoHostLayoutTemplate.HOST_DYNAMIC_GRID, timeoutSeconds: 30 },
        asA,
      ),
    );
    if (sent) {
      const at = await arrived(++sequence);
      if (at !== undefined) report.deliveries.push(at - sentAt);
    }
    await timed("candidates", () => cohost.getCoHostCandidates({ liveId: a, pageSize: 20 }, asA));
    if (sent && (await timed("cancel", () => cohost.cancelHostConnection({ liveId: a, toHostLiveId: b }, asA)))) {
      await arrived(++sequence);
    }
    arrivals.clear();
    await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - cycle))));
  }
  abort.abort();
  await watching;
}

await Promise.all(Array.from({ length: pairs }, (_, i) => pair(i)));
report.latencies.sort((x, y) => x - y);
report.deliveries.sort((x, y) => x - y);
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exit(0);
