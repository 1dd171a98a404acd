// The Redis store: two server instances in this process, each with its own
// RedisStore (own connections, subscriptions and deadline poller) on one
// Redis and one key prefix. Redis must be running; these tests fail, never
// skip, when it is not.
import { randomBytes } from "node:crypto";
import { type Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CoHostLayoutTemplate } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import type { CoHostServer } from "../server.js";
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

/** Keys under a prefix without a TTL (idempotency records expire on their own). */
async function persistentKeys(prefix: string): Promise<string[]> {
  const keys = await admin.keys(`${prefix}*`);
  const out: string[] = [];
  for (const k of keys) if ((await admin.pttl(k)) === -1) out.push(k);
  return out.sort();
}

const servers: CoHostServer[] = [];
async function cluster(prefix: string, size = 2) {
  const instances: CoHostServer[] = [];
  for (let i = 0; i < size; i++) {
    const store = await RedisStore.connect({ url: REDIS_URL, prefix, deadlinePollMs: 100 });
    const server = newServer({ store });
    servers.push(server);
    instances.push(server);
  }
  return instances;
}

afterEach(async () => {
  for (const s of servers.splice(0)) await s.close(10);
});

const newPrefix = () => `cohost-test-${randomBytes(4).toString("hex")}:`;

describe("Redis store", () => {
  it("delivers a change made through one instance to a watcher on the other, in order", async () => {
    const prefix = newPrefix();
    const [x, y] = await cluster(prefix);
    const cx = Clients.inMemory(x!);
    const cy = Clients.inMemory(y!);
    await cx.openRoom("a", "alice");
    await cx.openRoom("b", "bob");
    const alice = await cx.hostHeaders("alice");
    const abort = new AbortController();
    const seen: bigint[] = [];
    const watching = (async () => {
      for await (const m of cy.cohost.watchCoHost({ liveId: "b" }, { ...(await cy.hostHeaders("bob")), signal: abort.signal })) {
        seen.push(m.sequence);
        if (seen.length === 5) return;
      }
    })().catch(() => {});
    await until(() => seen.length === 1);
    for (let i = 0; i < 2; i++) {
      await cx.cohost.requestHostConnection({ liveId: "a", targetHostLiveId: "b", layoutTemplate: GRID, timeoutSeconds: 30 }, alice);
      await cx.cohost.cancelHostConnection({ liveId: "a", toHostLiveId: "b" }, alice);
    }
    await watching;
    abort.abort();
    expect(seen).toEqual([0n, 1n, 2n, 3n, 4n]);
  });

  it("lets exactly one of many racing answers win per request, across instances (R9, R20)", { timeout: 60_000 }, async () => {
    const prefix = newPrefix();
    const [x, y] = await cluster(prefix);
    const clients = [Clients.inMemory(x!), Clients.inMemory(y!)];
    const pairs = Array.from({ length: 12 }, (_, i) => [`in${i}`, `ee${i}`] as const);
    for (const [inviter, invitee] of pairs) {
      await clients[0]!.openRoom(inviter);
      await clients[0]!.openRoom(invitee);
      await clients[1]!.cohost.requestHostConnection(
        { liveId: inviter, targetHostLiveId: invitee, layoutTemplate: GRID, timeoutSeconds: 2 },
        await clients[1]!.hostHeaders(`user-${inviter}`),
      );
    }
    // Accept, reject and cancel race from both instances while the deadlines (2 s) close in.
    await new Promise((r) => setTimeout(r, 1_950));
    const outcomes = await Promise.all(
      pairs.map(async ([inviter, invitee], i) => {
        const calls: Promise<unknown>[] = [];
        for (const c of clients) {
          const asInvitee = await c.hostHeaders(`user-${invitee}`);
          const asInviter = await c.hostHeaders(`user-${inviter}`);
          calls.push(
            c.cohost.acceptHostConnection({ liveId: invitee, fromHostLiveId: inviter }, asInvitee),
            c.cohost.rejectHostConnection({ liveId: invitee, fromHostLiveId: inviter }, asInvitee),
            c.cohost.cancelHostConnection({ liveId: inviter, toHostLiveId: invitee }, asInviter),
          );
        }
        const settled = await Promise.allSettled(calls);
        return { i, wins: settled.filter((r) => r.status === "fulfilled").length };
      }),
    );
    await new Promise((r) => setTimeout(r, 500)); // any deadline not beaten has now fired
    for (const { i, wins } of outcomes) {
      const [inviter, invitee] = pairs[i]!;
      expect(wins, `pair ${i}`).toBeLessThanOrEqual(1);
      const a = (await clients[0]!.admin.getRoom({ liveId: inviter }, clients[0]!.adminHeaders())).room!;
      const b = (await clients[1]!.admin.getRoom({ liveId: invitee }, clients[1]!.adminHeaders())).room!;
      // The request ended exactly once: nothing pending on either side, and connected iff an accept won.
      expect(a.state?.invitees).toEqual([]);
      expect(b.state?.applicant).toBeUndefined();
      const connected = b.state?.connected.map((s) => s.liveId) ?? [];
      expect(connected.length === 0 || connected.join() === [inviter, invitee].join()).toBe(true);
      expect(a.state?.connected.map((s) => s.liveId)).toEqual(connected);
      // One ending per request in the inviter's history: its feed position counts request + ending (+ join).
      expect(Number(a.position?.sequence)).toBe(2);
    }
  });

  it("fires each deadline exactly once with several instances polling (R7)", { timeout: 30_000 }, async () => {
    const prefix = newPrefix();
    const instances = await cluster(prefix, 3);
    const c = Clients.inMemory(instances[0]!);
    await c.openRoom("a", "alice");
    const alice = await c.hostHeaders("alice");
    for (let i = 0; i < 5; i++) {
      await c.openRoom(`t${i}`);
      await c.cohost.requestHostConnection({ liveId: "a", targetHostLiveId: `t${i}`, layoutTemplate: GRID, timeoutSeconds: 1 }, alice);
    }
    await new Promise((r) => setTimeout(r, 1_800));
    const room = (await c.admin.getRoom({ liveId: "a" }, c.adminHeaders())).room!;
    expect(room.state?.invitees).toEqual([]);
    // 5 requests + 5 timeouts, each its own CHANGE: a second firing would add more.
    expect(Number(room.position?.sequence)).toBe(10);
    expect(await admin.zcard(`${prefix}deadlines`)).toBe(0);
  });

  it("leaves no keys behind once rooms close and requests end", async () => {
    const prefix = newPrefix();
    const [x] = await cluster(prefix, 1);
    const c = Clients.inMemory(x!);
    expect(await persistentKeys(prefix)).toEqual([]);
    for (const id of ["a", "b", "c"]) await c.openRoom(id);
    await c.cohost.requestHostConnection(
      { liveId: "a", targetHostLiveId: "b", layoutTemplate: GRID, timeoutSeconds: 30 },
      await c.hostHeaders("user-a"),
    );
    await c.cohost.acceptHostConnection({ liveId: "b", fromHostLiveId: "a" }, await c.hostHeaders("user-b"));
    await c.cohost.requestHostConnection(
      { liveId: "a", targetHostLiveId: "c", layoutTemplate: GRID, timeoutSeconds: 30, requestId: "r1" },
      await c.hostHeaders("user-a"),
    );
    expect((await persistentKeys(prefix)).length).toBeGreaterThan(0);
    for (const id of ["a", "b", "c"]) await c.admin.closeRoom({ liveId: id }, c.adminHeaders());
    expect(await persistentKeys(prefix)).toEqual([]);
    const expiring = await admin.keys(`${prefix}*`);
    expect(expiring.every((k) => k.startsWith(`${prefix}idem:`))).toBe(true);
  });
});

async function until(condition: () => boolean, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}
