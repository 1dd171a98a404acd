import type { Clock, Scheduler } from "../clock.js";
import type { ServerConfig } from "../config.js";
import type { Logger } from "../logger.js";
import { MemoryStore } from "./memory-store.js";
import type { CoHostStore } from "./store.js";

/** The store COHOST_STORE names: the embedded in-memory default, or Redis. */
export async function createStore(config: ServerConfig, clock: Clock & Scheduler, logger: Logger): Promise<CoHostStore> {
  if (config.store.kind === "memory") return new MemoryStore({ clock, replayLimit: config.replayLimit });
  void logger;
  throw new Error(`COHOST_STORE=${config.store.url}: the Redis store is not in this build yet`);
}
