// The Redis the machine runs (127.0.0.1:6379, or COHOST_TEST_REDIS_URL), for
// the server's tests that share it under a key prefix of their own. A test
// that needs it fails with this message when it is missing; it never skips.
import { Redis } from "ioredis";

export const REDIS_URL = process.env.COHOST_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export async function connectSharedRedis(): Promise<Redis> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (err) {
    redis.disconnect();
    throw new Error(
      `Redis is not reachable at ${REDIS_URL} (${String(err)}): start redis-server (.ci/run does) or set COHOST_TEST_REDIS_URL`,
    );
  }
}
