// How many round trips to Redis each transition takes, in the worst place for
// it: a connection of eight rooms (SCALING.md quotes these counts). A
// transition reads its rooms, what they point to, and commits; it must not
// take one round trip per room.
import { randomBytes } from "node:crypto";
import { type Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CoHostLayoutTemplate } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { CoHostCore } from "../core.js";
import { CoHostEngine } from "../engine/engine.js";
import { noMetrics, type StoreMetrics } from "../metrics/server-metrics.js";
import { connectSharedRedis, REDIS_URL } from "../testing/shared-redis.js";
import { RedisStore } from "./redis-store.js";

const GRID = CoHostLayoutTemplate.HOST_DYNAMIC_GRID;
const prefix = `cohost-trips-${randomBytes(4).toString("hex")}:`;

let admin: Redis;
let store: RedisStore;
let core: CoHostCore;
let trips: number[] = [];

beforeAll(async () => {
  admin = await connectSharedRedis();
  const metrics: StoreMetrics = { ...noMetrics, redisTransaction: (_attempts, roundTrips) => trips.push(roundTrips) };
  store = await RedisStore.connect({ url: REDIS_URL, prefix, metrics });
  core = new CoHostCore(store, new CoHostEngine(), { now: () => Date.now() });
});

afterAll(async () => {
  await store?.close();
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length > 0) await admin.del(...keys);
  await admin?.quit();
});

/** Round trips of the one transition `run` makes. */
async function measure(run: () => Promise<unknown>): Promise<number> {
  trips = [];
  await run();
  expect(trips).toHaveLength(1);
  return trips[0]!;
}

const host = (id: string) => ({ liveId: id, userId: `u-${id}`, userName: id, avatarUrl: "" });
const cmd = (from: string, to: string) => ({ liveId: from, target: to, layout: GRID, timeoutSeconds: 60, extraInfo: "" });

describe("Redis round trips per transition (finding 9)", () => {
  it("stay a small constant in a connection of eight rooms", async () => {
    const rooms = Array.from({ length: 8 }, (_, i) => `r${i}`);
    for (const id of [...rooms, "o", "p"]) await core.openRoom(host(id));
    for (const id of rooms.slice(1)) {
      await core.requestConnection("u-r0", cmd("r0", id));
      await core.acceptConnection(`u-${id}`, id, "r0");
    }
    const idem = (id: string) => ({ key: `u-r3\n${id}`, fingerprint: id });
    const counts: Record<string, number> = {};
    const count = async (what: string, run: () => Promise<unknown>) => void (counts[what] = await measure(run));
    await count("WatchCoHost, GetCoHostCandidates (room read, validated)", () => core.hostRoom("u-r3", "r3"));
    await count("GetRoom (read, validated)", () => core.readRoom("r3"));
    await count("RequestHostConnection (a member to an idle room)", () => core.requestConnection("u-r3", cmd("r3", "o"), idem("q1")));
    await count("CancelHostConnection", () => core.cancelConnection("u-r3", "r3", "o", idem("c1")));
    await core.requestConnection("u-r3", cmd("r3", "o"));
    await count("RejectHostConnection", () => core.rejectConnection("u-o", "o", "r3"));
    await core.requestConnection("u-r3", cmd("r3", "o"));
    await count("AcceptHostConnection (the ninth room joins)", () => core.acceptConnection("u-o", "o", "r3"));
    await count("ExitHostConnection (a member of nine leaves)", () => core.exitConnection("u-r5", "r5"));
    await count("CloseRoom (a member of eight)", () => core.closeRoom("r6"));
    console.log(
      Object.entries(counts)
        .map(([what, n]) => `${String(n).padStart(2)}  ${what}`)
        .join("\n"),
    );
    for (const [what, n] of Object.entries(counts)) expect(n, what).toBeLessThanOrEqual(4);
  });
});
