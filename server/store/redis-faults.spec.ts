// The Redis store when Redis fails: each test starts a redis-server of its
// own (never the shared one) and kills it, freezes it, restarts it empty or
// with its data, or makes a SUBSCRIBE fail. Calls must get UNAVAILABLE within
// their bound, nothing may hang, streams must end so clients resume, no
// watcher may go silent, and state must survive whatever Redis kept.
import { randomBytes } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import {
  CoHostErrorDetailSchema,
  CoHostErrorReason,
  CoHostLayoutTemplate,
  WatchMessageKind,
  type WatchCoHostResponse,
} from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { systemClock, type Clock, type Scheduler } from "../clock.js";
import type { RunningListener } from "../http/listener.js";
import type { CoHostServer } from "../server.js";
import { OwnRedis } from "../testing/own-redis.js";
import { RedisProxy } from "../testing/redis-proxy.js";
import { Clients, newServer, transportFor } from "../testing/service-harness.js";
import { RedisStore } from "./redis-store.js";
import { StoreUnavailableError } from "./store-outage.js";

const GRID = CoHostLayoutTemplate.HOST_DYNAMIC_GRID;
const TIMEOUT_MS = 500;

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step().catch(() => {});
});

async function ownRedis(options: { persistent?: boolean } = {}): Promise<OwnRedis> {
  const redis = await OwnRedis.start(options);
  cleanup.push(() => redis.stop());
  return redis;
}

interface Instance {
  server: CoHostServer;
  store: RedisStore;
  listener: RunningListener;
  clients: Clients;
}

async function instance(url: string, prefix: string, clock: Clock & Scheduler = systemClock): Promise<Instance> {
  const store = await RedisStore.connect({ url, prefix, timeoutMs: TIMEOUT_MS, deadlinePollMs: 100, clock });
  const server = newServer({ store, watch: { keepAliveMs: 200 } });
  cleanup.push(() => server.close(10));
  const listener = await server.listen({ port: 0, host: "127.0.0.1" });
  return { server, store, listener, clients: new Clients(transportFor(listener.url, "connect", "2"), systemClock) };
}

const newPrefix = () => `faults-${randomBytes(3).toString("hex")}:`;

/** The outcome of a call as "ok" or "Code/REASON". */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await bounded(call, 10_000, "the call");
    return "ok";
  } catch (err) {
    const e = ConnectError.from(err);
    return `${Code[e.code]}/${CoHostErrorReason[e.findDetails(CoHostErrorDetailSchema)[0]?.reason ?? 0]}`;
  }
}

/** Rejects if `promise` has not settled within `ms`: "nothing hangs". */
function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

/** A watch that records what it receives and how it ended. */
function watch(c: Clients, liveId: string, user: string, resume?: WatchCoHostResponse) {
  const messages: WatchCoHostResponse[] = [];
  const abort = new AbortController();
  const ended = (async () => {
    const req = resume ? { liveId, resumeEpoch: resume.epoch, resumeAfterSequence: resume.sequence } : { liveId };
    try {
      for await (const m of c.cohost.watchCoHost(req, { ...(await c.hostHeaders(user)), signal: abort.signal })) messages.push(m);
      return "ended";
    } catch (err) {
      const e = ConnectError.from(err);
      return `${Code[e.code]}/${CoHostErrorReason[e.findDetails(CoHostErrorDetailSchema)[0]?.reason ?? 0]}`;
    }
  })();
  cleanup.push(async () => abort.abort());
  const changes = () => messages.filter((m) => m.kind === WatchMessageKind.CHANGE);
  return {
    messages,
    changes,
    ended,
    stop: () => abort.abort(),
    last: () => messages.filter((m) => m.kind !== WatchMessageKind.KEEP_ALIVE).at(-1)!,
  };
}

async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const request = async (c: Clients, from: string, to: string) =>
  c.cohost.requestHostConnection(
    { liveId: from, targetHostLiveId: to, layoutTemplate: GRID, timeoutSeconds: 60 },
    await c.hostHeaders(`user-${from}`),
  );

describe("Redis killed (findings 6, 7, 8)", () => {
  it("answers UNAVAILABLE / STORE_UNAVAILABLE, ends streams so clients resume, and after an empty restart the resume finds the room gone", async () => {
    const redis = await ownRedis();
    const x = await instance(redis.url, newPrefix());
    await x.clients.openRoom("a");
    await x.clients.openRoom("b");
    const watcher = watch(x.clients, "b", "user-b");
    await until(() => watcher.messages.length > 0, "the snapshot");
    await redis.kill();
    expect(await watcher.ended).toBe("Unavailable/STORE_UNAVAILABLE");
    expect(await outcome(request(x.clients, "a", "b"))).toBe("Unavailable/STORE_UNAVAILABLE");
    expect(await outcome(x.clients.admin.getRoom({ liveId: "a" }, x.clients.adminHeaders()))).toBe("Unavailable/STORE_UNAVAILABLE");
    const health = await bounded(fetch(`${x.listener.url}/healthz`), 5_000, "/healthz");
    expect(health.status).toBe(503);

    await redis.restart(); // empty: it kept nothing
    await until(async () => (await x.store.ping()) === true, "the store to answer again");
    const resumed = watch(x.clients, "b", "user-b", watcher.last());
    expect(await resumed.ended).toBe("NotFound/ROOM_NOT_FOUND");
    // The platform opens the room again: a resume from the old epoch gets a RESYNC, and changes flow.
    await x.clients.openRoom("a");
    await x.clients.openRoom("b");
    const again = watch(x.clients, "b", "user-b", watcher.last());
    await until(() => again.messages.length > 0, "the resync");
    expect(again.messages[0]!.kind).toBe(WatchMessageKind.RESYNC);
    expect(await outcome(request(x.clients, "a", "b"))).toBe("ok");
    await until(() => again.changes().length === 1, "the change after the restart");
  });

  it("loses nothing across a restart that kept the data: watchers resume from their last sequence", async () => {
    const redis = await ownRedis({ persistent: true });
    const x = await instance(redis.url, newPrefix());
    await x.clients.openRoom("a");
    await x.clients.openRoom("b");
    const watcher = watch(x.clients, "b", "user-b");
    await until(() => watcher.messages.length > 0, "the snapshot");
    expect(await outcome(request(x.clients, "a", "b"))).toBe("ok");
    await until(() => watcher.changes().length === 1, "the request");
    await redis.kill();
    expect(await watcher.ended).toBe("Unavailable/STORE_UNAVAILABLE");
    await redis.restart();
    await until(async () => (await x.store.ping()) === true, "the store to answer again");
    const resumed = watch(x.clients, "b", "user-b", watcher.last());
    await until(() => resumed.messages.length > 0, "the resume");
    expect(resumed.messages[0]).toMatchObject({ kind: WatchMessageKind.KEEP_ALIVE, sequence: 1n });
    const room = (await x.clients.admin.getRoom({ liveId: "b" }, x.clients.adminHeaders())).room!;
    expect(room.state?.applicant?.liveId).toBe("a");
    await x.clients.cohost.cancelHostConnection({ liveId: "a", toHostLiveId: "b" }, await x.clients.hostHeaders("user-a"));
    await until(() => resumed.changes().length === 1, "the change after the restart");
    expect(resumed.changes()[0]!.sequence).toBe(2n);
  });
});

describe("Redis frozen (finding 8)", () => {
  it("answers calls and /healthz UNAVAILABLE within the bound, and a write it gave up on is not applied when Redis wakes", async () => {
    const redis = await ownRedis();
    const proxy = await RedisProxy.start(redis.port);
    cleanup.push(() => proxy.stop());
    const x = await instance(proxy.url, newPrefix());
    await x.clients.openRoom("a");
    await x.clients.openRoom("b");
    const watcher = watch(x.clients, "b", "user-b");
    await until(() => watcher.messages.length > 0, "the snapshot");

    // Redis freezes between the request's reads and its commit: the EXEC waits in Redis.
    proxy.before(/\$4\r\nexec\r\n/i, async () => {
      redis.freeze();
      await new Promise((r) => setTimeout(r, 50)); // SIGSTOP has taken effect before the EXEC is sent on
    });
    expect(await outcome(request(x.clients, "a", "b"))).toBe("Unavailable/STORE_UNAVAILABLE");
    expect(await outcome(x.clients.admin.getRoom({ liveId: "b" }, x.clients.adminHeaders()))).toBe("Unavailable/STORE_UNAVAILABLE");
    const health = await bounded(fetch(`${x.listener.url}/healthz`), 5_000, "/healthz");
    expect(health.status).toBe(503);

    redis.thaw();
    await until(async () => (await x.store.ping()) === true, "the store to answer again");
    const b = (await x.clients.admin.getRoom({ liveId: "b" }, x.clients.adminHeaders())).room!;
    expect(b.state?.applicant).toBeUndefined(); // the abandoned request was not applied
    expect(b.position?.sequence).toBe(0n);
    // The watcher kept its stream (keep-alives throughout) and hears the next change.
    expect(await outcome(request(x.clients, "a", "b"))).toBe("ok");
    await until(() => watcher.changes().length === 1, "the next change");
    expect(watcher.changes()[0]!.sequence).toBe(1n);
  });

  it("closes the store within the bound, the connections in use included", async () => {
    const redis = await ownRedis();
    const admin = new Redis(redis.url);
    cleanup.push(async () => admin.disconnect());
    const before = Number(await admin.client("LIST").then((l) => String(l).trim().split("\n").length));
    const store = await RedisStore.connect({ url: redis.url, prefix: newPrefix(), timeoutMs: TIMEOUT_MS });
    redis.freeze();
    const inFlight = store.transact((tx) => tx.getRoom("a")).catch((err: unknown) => err);
    await new Promise((r) => setTimeout(r, 50));
    await bounded(store.close(), 5 * TIMEOUT_MS, "close");
    expect(await inFlight).toBeInstanceOf(StoreUnavailableError);
    redis.thaw();
    await until(
      async () => Number(await admin.client("LIST").then((l) => String(l).trim().split("\n").length)) === before,
      "every connection of the store to be gone",
    );
  });
});

describe("SUBSCRIBE failing (finding 6)", () => {
  it("leaves nothing behind: the next watcher of the room subscribes afresh and hears every change", async () => {
    const redis = await ownRedis();
    const admin = new Redis(redis.url);
    cleanup.push(async () => admin.disconnect());
    const x = await instance(redis.url, newPrefix());
    await x.clients.openRoom("a");
    await x.clients.openRoom("b");
    await admin.call("ACL", "SETUSER", "default", "-subscribe");
    const refused = watch(x.clients, "b", "user-b");
    expect(await refused.ended).toBe("Unavailable/STORE_UNAVAILABLE");
    await admin.call("ACL", "SETUSER", "default", "+subscribe");
    const watcher = watch(x.clients, "b", "user-b");
    await until(() => watcher.messages.length > 0, "the snapshot");
    expect(await outcome(request(x.clients, "a", "b"))).toBe("ok");
    await until(() => watcher.changes().length === 1, "the change");
  });

  it("makes a second watcher of the room wait for the same acknowledgement, and fail with it", async () => {
    const redis = await ownRedis();
    const x = await instance(redis.url, newPrefix());
    redis.freeze();
    const first = x.store.feeds.subscribe("b", () => {});
    const second = x.store.feeds.subscribe("b", () => {});
    const results = await bounded(Promise.allSettled([first, second]), 5 * TIMEOUT_MS, "the subscribes");
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    redis.thaw();
    await until(async () => (await x.store.ping()) === true, "the store to answer again");
    await x.clients.openRoom("a");
    await x.clients.openRoom("b");
    const heard: bigint[] = [];
    const unsubscribe = await x.store.feeds.subscribe("b", (m) => heard.push(m.sequence));
    cleanup.push(async () => unsubscribe());
    expect(await outcome(request(x.clients, "a", "b"))).toBe("ok");
    await until(() => heard.length === 1, "the change");
  });
});

describe("clocks (finding 10)", () => {
  it("uses Redis's time: an instance whose clock runs a minute ahead neither fires requests early nor stamps late deadlines", async () => {
    const redis = await ownRedis();
    const prefix = newPrefix();
    const ahead: Clock & Scheduler = {
      now: () => Date.now() + 60_000,
      schedule: (at, run) => systemClock.schedule(at - 60_000, run),
    };
    const x = await instance(redis.url, prefix);
    const skewed = await instance(redis.url, prefix, ahead);
    await x.clients.openRoom("a");
    await x.clients.openRoom("b");
    const sent = await skewed.clients.cohost.requestHostConnection(
      { liveId: "a", targetHostLiveId: "b", layoutTemplate: GRID, timeoutSeconds: 30 },
      await skewed.clients.hostHeaders("user-a"),
    );
    const deadline = Number(sent.deadline!.seconds) * 1000;
    expect(Math.abs(deadline - (Date.now() + 30_000))).toBeLessThan(5_000);
    // Both instances look at the deadline index every 100 ms; a clock ahead would fire it now.
    await new Promise((r) => setTimeout(r, 1_000));
    const b = (await x.clients.admin.getRoom({ liveId: "b" }, x.clients.adminHeaders())).room!;
    expect(b.state?.applicant?.liveId).toBe("a");
  });
});

describe("consistent reads (finding 9)", () => {
  it("never returns a snapshot whose state belongs to another sequence", async () => {
    const redis = await ownRedis();
    const proxy = await RedisProxy.start(redis.port);
    cleanup.push(() => proxy.stop());
    const prefix = newPrefix();
    const x = await instance(proxy.url, prefix);
    const other = await instance(redis.url, prefix);
    await x.clients.openRoom("a");
    await x.clients.openRoom("b");
    expect(await outcome(request(x.clients, "a", "b"))).toBe("ok");
    await x.clients.cohost.acceptHostConnection({ liveId: "b", fromHostLiveId: "a" }, await x.clients.hostHeaders("user-b"));
    // Between reading room a and reading its connection, b leaves through the other instance.
    proxy.before(/conn:/, async () => {
      await other.clients.cohost.exitHostConnection({ liveId: "b" }, await other.clients.hostHeaders("user-b"));
    });
    const snapshot = (await x.clients.admin.getRoom({ liveId: "a" }, x.clients.adminHeaders())).room!;
    const connected = snapshot.state!.connected.map((s) => s.liveId);
    // a was connected at sequence 2 (request, accept) and alone from sequence 3 on.
    expect([Number(snapshot.position!.sequence), connected]).toEqual([3, []]);
  });
});
