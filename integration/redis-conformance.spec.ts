// The whole conformance suite on two reference servers in this process that
// share one Redis (each with its own RedisStore: connections, subscriptions,
// deadline poller), with every call and stream spread across both. Redis
// must be running; this fails, never skips, when it is not.
import { createRouterTransport } from "@connectrpc/connect";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runConformance } from "@cohost-kit/conformance";
import { RedisStore, type CoHostServer } from "@cohost-kit/server";
import { newServer, TEST_ADMIN_KEY, TEST_SECRET } from "@cohost-kit/server/testing";
import { roundRobinTransport } from "./support/round-robin-transport.js";
import { connectSharedRedis, dropKeysAndQuit, newKeyPrefix, REDIS_URL } from "./support/shared-redis.js";

const prefix = newKeyPrefix("test");
const servers: CoHostServer[] = [];
let admin: Redis;

beforeAll(async () => {
  admin = await connectSharedRedis();
  for (let i = 0; i < 2; i++) {
    servers.push(newServer({ store: await RedisStore.connect({ url: REDIS_URL, prefix, deadlinePollMs: 100 }) }));
  }
});

afterAll(async () => {
  for (const s of servers) await s.close(10);
  await dropKeysAndQuit(admin, prefix);
});

/** Keys under the prefix without a TTL (idempotency records expire on their own). */
async function persistentKeys(): Promise<string[]> {
  const out: string[] = [];
  for (const k of await admin.keys(`${prefix}*`)) if ((await admin.pttl(k)) === -1) out.push(k);
  return out.sort();
}

describe("Redis store", () => {
  it(
    "passes the conformance suite on two instances sharing one Redis, calls and feeds spread across both",
    { timeout: 120_000 },
    async () => {
      const [a, b] = servers;
      const report = await runConformance({
        transport: roundRobinTransport([createRouterTransport(a!.routes), createRouterTransport(b!.routes)]),
        transportName: "redis-two-instances",
        adminKey: TEST_ADMIN_KEY,
        tokenSecret: TEST_SECRET,
        timeoutMs: 10_000,
        property: { runs: 3 },
        malformed: { runs: 30 },
      });
      expect(report.results.filter((r) => r.outcome !== "passed").map((r) => `${r.name}: ${r.error}`)).toEqual([]);
      expect(report.results.length).toBeGreaterThan(0);
      expect(report.passed).toBe(report.results.length);
      // Every case closed its rooms: nothing is left but expiring idempotency records.
      expect(await persistentKeys()).toEqual([]);
    },
  );
});
