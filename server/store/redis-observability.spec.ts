// What the Redis store reports: its metrics across two instances (pub/sub
// lag, transaction attempts, conflicts, round trips, store-wide gauges),
// and its logs when Redis goes away and comes back (one line each way, no
// stray ioredis output). The outage test runs its own redis-server.
import { randomBytes } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { type Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CoHostErrorDetailSchema, CoHostErrorReason, CoHostLayoutTemplate } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { createLogger } from "../logger.js";
import { PrometheusMetrics } from "../metrics/prometheus-metrics.js";
import type { CoHostServer } from "../server.js";
import { parseMetrics } from "../testing/metrics-text.js";
import { OwnRedis } from "../testing/own-redis.js";
import { Clients, newServer } from "../testing/service-harness.js";
import { connectSharedRedis, REDIS_URL } from "../testing/shared-redis.js";
import { RedisStore } from "./redis-store.js";

const GRID = CoHostLayoutTemplate.HOST_DYNAMIC_GRID;

let admin: Redis;
beforeAll(async () => {
  admin = await connectSharedRedis();
});
afterAll(async () => {
  await admin?.quit();
});

const servers: CoHostServer[] = [];
const prefixes: string[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close(10);
  for (const prefix of prefixes.splice(0)) {
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
  }
});

async function instance(prefix: string, url = REDIS_URL, logger = createLogger("silent")) {
  const metrics = new PrometheusMetrics();
  const store = await RedisStore.connect({ url, prefix, deadlinePollMs: 100, metrics, logger });
  const server = newServer({ store, metrics, logger });
  servers.push(server);
  return { server, store, metrics, clients: Clients.inMemory(server) };
}

async function read(metrics: PrometheusMetrics) {
  return parseMetrics((await metrics.scrape()).body);
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("Redis store metrics", () => {
  it("counts transactions and round trips, pub/sub lag on the other instance, and store-wide gauges", async () => {
    const prefix = `cohost-obs-${randomBytes(4).toString("hex")}:`;
    prefixes.push(prefix);
    const x = await instance(prefix);
    const y = await instance(prefix);
    for (const id of ["a", "b", "c"]) await x.clients.openRoom(id);
    const seen: number[] = [];
    const abort = new AbortController();
    const watching = (async () => {
      const headers = await y.clients.hostHeaders("user-b");
      for await (const m of y.clients.cohost.watchCoHost({ liveId: "b" }, { ...headers, signal: abort.signal }))
        seen.push(Number(m.sequence));
    })().catch(() => {});
    await until(() => seen.length === 1, "the snapshot");
    const a = await x.clients.hostHeaders("user-a");
    await x.clients.cohost.requestHostConnection({ liveId: "a", targetHostLiveId: "b", layoutTemplate: GRID, timeoutSeconds: 30 }, a);
    await x.clients.cohost.acceptHostConnection({ liveId: "b", fromHostLiveId: "a" }, await x.clients.hostHeaders("user-b"));
    await x.clients.cohost.requestHostConnection({ liveId: "a", targetHostLiveId: "c", layoutTemplate: GRID, timeoutSeconds: 30 }, a);
    await until(() => seen.length === 3, "two changes on the other instance");
    abort.abort();
    await watching;

    const mx = await read(x.metrics);
    const my = await read(y.metrics);
    // Instance x ran every transition: 3 opens, 2 requests, 1 accept (y only the watch's room read).
    expect(mx.get("cohost_redis_round_trips_per_transition_count")).toBe(6);
    expect(mx.get("cohost_redis_transaction_attempts_total")).toBe(6);
    expect(mx.get("cohost_redis_round_trips_per_transition_sum")).toBeGreaterThanOrEqual(12); // a read and a commit at least
    expect(my.get("cohost_redis_pubsub_lag_seconds_count")).toBeGreaterThanOrEqual(2);
    expect(my.get("cohost_feed_delivery_lag_seconds_count")).toBe(2);
    // Gauges are store-wide: the same on both instances.
    for (const m of [mx, my]) {
      expect(m.get("cohost_rooms_open")).toBe(3);
      expect(m.get("cohost_requests_pending")).toBe(1);
      expect(m.get('cohost_connections{size="2"}')).toBe(1);
      expect(m.get("cohost_store_up")).toBe(1);
    }
    await x.clients.cohost.exitHostConnection({ liveId: "a" }, a);
    expect((await read(y.metrics)).get('cohost_connections{size="2"}')).toBe(0);
  });

  it("counts a conflict when another client changes a key the transition read", async () => {
    const prefix = `cohost-obs-${randomBytes(4).toString("hex")}:`;
    prefixes.push(prefix);
    const x = await instance(prefix);
    await x.clients.openRoom("a");
    const before = await read(x.metrics);
    let written: "no" | "sent" | "done" = "no";
    let spare = 0;
    await x.store.transact((tx) => {
      const room = tx.getRoom("a")!;
      if (written === "no") {
        // Change the watched key from outside, and read further keys until that write is acknowledged.
        written = "sent";
        void admin
          .set(`${prefix}room:a`, JSON.stringify({ ...room, host: { ...room.host, userName: "changed" } }))
          .then(() => (written = "done"));
      }
      while (written === "sent" && spare < 1_000) tx.getRoom(`spare-${spare++}`);
      tx.putRoom({ ...room, sequence: room.sequence });
    });
    const after = await read(x.metrics);
    expect(after.get("cohost_redis_transaction_conflicts_total")! - before.get("cohost_redis_transaction_conflicts_total")!).toBe(1);
    expect(after.get("cohost_redis_transaction_attempts_total")! - before.get("cohost_redis_transaction_attempts_total")!).toBe(2);
  });
});

describe("Redis outage", () => {
  let redis: OwnRedis | undefined;
  afterEach(async () => {
    // The store first, then its Redis: a Redis killed under a live store is the test's business, not teardown's.
    for (const s of servers.splice(0)) await s.close(10);
    await redis?.stop();
  });

  it(
    "answers UNAVAILABLE while Redis is down, logs the outage once and the recovery once, nothing on stderr",
    { timeout: 30_000 },
    async () => {
      redis = await OwnRedis.start();
      const lines: Record<string, unknown>[] = [];
      const logger = createLogger("info", (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
      const stray = vi.spyOn(console, "error");
      const x = await instance("cohost-outage:", redis.url, logger);
      await x.clients.openRoom("a");
      await redis.kill();
      const failures: string[] = [];
      for (let i = 0; i < 3; i++) {
        await x.clients.admin.getRoom({ liveId: "a" }, x.clients.adminHeaders()).catch((err: unknown) => {
          const error = ConnectError.from(err);
          const reason = error.findDetails(CoHostErrorDetailSchema)[0]?.reason;
          failures.push(`${Code[error.code]} ${reason === undefined ? "" : CoHostErrorReason[reason]}`);
        });
      }
      expect(failures).toEqual(Array(3).fill("Unavailable STORE_UNAVAILABLE"));
      expect((await storeAnswers(x.server)).healthy).toBe(false);
      await redis.restart();
      await until(async () => (await storeAnswers(x.server)).healthy, "the store to answer again");
      await x.clients.openRoom("b");
      const outage = lines.filter((l) => l.msg === "store unavailable");
      const recovered = lines.filter((l) => l.msg === "store recovered");
      expect(outage).toHaveLength(1);
      expect(outage[0]).toMatchObject({ level: "error", store: "redis" });
      expect(recovered).toHaveLength(1);
      expect(recovered[0]).toMatchObject({ level: "warn", store: "redis" });
      expect(recovered[0]!.failures).toBeGreaterThanOrEqual(3);
      expect(lines.filter((l) => l.msg === "unexpected error")).toEqual([]);
      expect(stray).not.toHaveBeenCalled();
      stray.mockRestore();
    },
  );
});

async function storeAnswers(server: CoHostServer): Promise<{ healthy: boolean }> {
  return { healthy: await server.store.ping() };
}
