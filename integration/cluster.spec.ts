// Scale-out, as platforms run it: separate server processes on one Redis.
// The conformance suite runs across two of them; one is SIGKILLed mid-flow;
// then every instance restarts. Redis must be running (tests fail, not skip).
import { createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { type Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  CoHostLayoutTemplate,
  CoHostService,
  RoomAdminService,
  WatchMessageKind,
  type WatchCoHostResponse,
} from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { runConformance } from "@cohost-kit/conformance";
import { mintHostToken } from "@cohost-kit/server";
import { roundRobinTransport } from "./support/round-robin-transport.js";
import { startServerProcess, type ServerProcess } from "./support/server-process.js";
import { connectSharedRedis, dropKeysAndQuit, newKeyPrefix, REDIS_URL } from "./support/shared-redis.js";

const secrets = { COHOST_TOKEN_SECRET: "cluster-test-secret-0123456789abcdef", COHOST_ADMIN_KEY: "cluster-test-admin-key" };
const GRID = CoHostLayoutTemplate.HOST_DYNAMIC_GRID;
const prefix = newKeyPrefix("cluster");
const running: ServerProcess[] = [];
let redis: Redis;

beforeAll(async () => {
  redis = await connectSharedRedis();
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.kill()));
});

afterAll(async () => {
  await dropKeysAndQuit(redis, prefix);
});

async function instance(): Promise<string> {
  const p = startServerProcess({
    PORT: "0",
    COHOST_MODE: "production",
    COHOST_HOST: "127.0.0.1",
    COHOST_STORE: `${REDIS_URL}?prefix=${encodeURIComponent(prefix)}`,
    COHOST_KEEPALIVE_SECONDS: "2",
    ...secrets,
  });
  running.push(p);
  return p.listening();
}

const adminAuth = { headers: { authorization: `Bearer ${secrets.COHOST_ADMIN_KEY}` } };
const host = async (user: string) => ({ headers: { authorization: `Bearer ${await mintHostToken(secrets.COHOST_TOKEN_SECRET, user)}` } });

describe("two server processes on one Redis", () => {
  it("pass the conformance suite with every actor's calls and feeds spread across both", { timeout: 180_000 }, async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    const report = await runConformance({
      transport: roundRobinTransport([createConnectTransport({ baseUrl: a, httpVersion: "2" }), createGrpcTransport({ baseUrl: b })]),
      transportName: "cluster-of-2",
      adminKey: secrets.COHOST_ADMIN_KEY,
      tokenSecret: secrets.COHOST_TOKEN_SECRET,
      timeoutMs: 10_000,
      property: { runs: 3 },
      malformed: { runs: 30 },
    });
    expect(report.results.filter((r) => r.outcome !== "passed").map((r) => `${r.name}: ${r.error}`)).toEqual([]);
    expect(report.results.length).toBeGreaterThan(0);
    expect(report.passed).toBe(report.results.length);
  });

  it(
    "survive a SIGKILL mid-flow: deadlines fire once, watchers resume on the other instance, nothing is lost",
    { timeout: 60_000 },
    async () => {
      const [urlA, urlB] = await Promise.all([instance(), instance()]);
      const onA = createConnectTransport({ baseUrl: urlA, httpVersion: "2" });
      const onB = createConnectTransport({ baseUrl: urlB, httpVersion: "2" });
      const adminB = createClient(RoomAdminService, onB);
      for (const [live, user] of [
        ["k-a", "alice"],
        ["k-b", "bob"],
        ["k-c", "carol"],
      ])
        await adminB.openRoom({ liveId: live, userId: user }, adminAuth);
      const alice = await host("alice");
      const bob = await host("bob");

      // Bob watches through A.
      const seen: WatchCoHostResponse[] = [];
      const firstWatch = (async () => {
        try {
          for await (const m of createClient(CoHostService, onA).watchCoHost({ liveId: "k-b" }, bob))
            if (m.kind !== WatchMessageKind.KEEP_ALIVE) seen.push(m);
        } catch {
          // the instance dies
        }
      })();
      await until(() => seen.length === 1);
      const cohostA = createClient(CoHostService, onA);
      await cohostA.requestHostConnection({ liveId: "k-a", targetHostLiveId: "k-b", layoutTemplate: GRID, timeoutSeconds: 2 }, alice);
      await cohostA.requestHostConnection({ liveId: "k-a", targetHostLiveId: "k-c", layoutTemplate: GRID, timeoutSeconds: 2 }, alice);
      await until(() => seen.length === 2);
      await running[0]!.kill(); // A dies with both deadlines pending and a watcher attached
      await firstWatch;

      // Bob resumes on B from the last sequence he saw; B fires the deadlines A took.
      const last = seen.at(-1)!;
      const resumed: WatchCoHostResponse[] = [];
      const abort = new AbortController();
      const secondWatch = (async () => {
        try {
          for await (const m of createClient(CoHostService, onB).watchCoHost(
            { liveId: "k-b", resumeEpoch: last.epoch, resumeAfterSequence: last.sequence },
            { ...bob, signal: abort.signal },
          ))
            resumed.push(m);
        } catch {
          // aborted below
        }
      })();
      await new Promise((r) => setTimeout(r, 3_500));
      abort.abort();
      await secondWatch;
      expect(resumed[0]?.kind).toBe(WatchMessageKind.KEEP_ALIVE);
      const changes = resumed.filter((m) => m.kind === WatchMessageKind.CHANGE);
      expect(changes.map((m) => m.sequence)).toEqual([last.sequence + 1n]);
      expect(changes[0]!.events.map((e) => e.event.case)).toEqual(["requestTimeout"]);
      const a = (await adminB.getRoom({ liveId: "k-a" }, adminAuth)).room!;
      expect(a.state?.invitees).toEqual([]);
      expect(a.position?.sequence).toBe(4n); // two requests, two timeouts: each fired once
      for (const live of ["k-a", "k-b", "k-c"]) expect((await adminB.getRoom({ liveId: live }, adminAuth)).room?.host?.liveId).toBe(live);
    },
  );

  it("keep rooms, connections and pending requests when every instance restarts", { timeout: 60_000 }, async () => {
    const url = await instance();
    const transport = createConnectTransport({ baseUrl: url, httpVersion: "1.1" });
    const admin = createClient(RoomAdminService, transport);
    const cohost = createClient(CoHostService, transport);
    for (const [live, user] of [
      ["r-a", "alice"],
      ["r-b", "bob"],
      ["r-c", "carol"],
    ])
      await admin.openRoom({ liveId: live, userId: user }, adminAuth);
    await cohost.requestHostConnection(
      { liveId: "r-a", targetHostLiveId: "r-b", layoutTemplate: GRID, timeoutSeconds: 60 },
      await host("alice"),
    );
    await cohost.acceptHostConnection({ liveId: "r-b", fromHostLiveId: "r-a" }, await host("bob"));
    await cohost.requestHostConnection(
      { liveId: "r-a", targetHostLiveId: "r-c", layoutTemplate: GRID, timeoutSeconds: 60 },
      await host("alice"),
    );
    const before = (await admin.getRoom({ liveId: "r-a" }, adminAuth)).room!;

    expect(await running[0]!.stop()).toBe(0);
    running.splice(0);
    const [again] = await Promise.all([instance(), instance()]);
    const after = (
      await createClient(RoomAdminService, createConnectTransport({ baseUrl: again, httpVersion: "1.1" })).getRoom(
        { liveId: "r-a" },
        adminAuth,
      )
    ).room!;
    expect(after).toEqual(before);
    expect(after.state?.connected.map((s) => s.liveId)).toEqual(["r-a", "r-b"]);
    expect(after.state?.invitees.map((s) => s.liveId)).toEqual(["r-c"]);
  });
});

async function until(condition: () => boolean, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
