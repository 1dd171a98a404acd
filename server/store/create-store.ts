import type { Clock, Scheduler } from "../clock.js";
import type { ServerConfig } from "../config.js";
import type { Logger } from "../logger.js";
import type { StoreMetrics } from "../metrics/server-metrics.js";
import { MemoryStore } from "./memory-store.js";
import type { StateStore } from "./state-store.js";

/** The store COHOST_STORE names: the embedded in-memory default, or Redis. */
export async function createStore(
  config: ServerConfig,
  clock: Clock & Scheduler,
  logger: Logger,
  metrics?: StoreMetrics,
): Promise<StateStore> {
  if (config.store.kind === "memory") {
    return new MemoryStore({ clock, replayLimit: config.replayLimit, idempotencyPerUser: config.idempotencyPerUser, logger });
  }
  const { RedisStore } = await import("./redis-store.js");
  return RedisStore.connect({
    url: config.store.url,
    prefix: config.store.prefix,
    clock,
    replayLimit: config.replayLimit,
    timeoutMs: config.storeTimeoutMs,
    idempotencyPerUser: config.idempotencyPerUser,
    logger,
    metrics,
  });
}
