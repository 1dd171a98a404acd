// The Redis the machine runs (127.0.0.1:6379, or COHOST_TEST_REDIS_URL),
// for tests that share it under a key prefix of their own. A test that
// needs Redis fails with this message when it is missing; it never skips.
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";

export const REDIS_URL = process.env.COHOST_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export function newKeyPrefix(name: string): string {
  return `cohost-${name}-${randomBytes(4).toString("hex")}:`;
}

/** A connected client, or an error that says how to provide Redis. */
export async function connectSharedRedis(): Promise<Redis> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    return redis;
  } catch (err) {
    redis.disconnect();
    throw new Error(
      `Redis is not reachable at ${REDIS_URL} (${String(err)}): start redis-server (.ci/run does) or set COHOST_TEST_REDIS_URL`,
    );
  }
}

/** Deletes every key under `prefix` (what a test made), then disconnects. */
export async function dropKeysAndQuit(redis: Redis | undefined, prefix: string): Promise<void> {
  if (!redis) return;
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
}
