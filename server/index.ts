// Public surface of the reference server, for embedding it (tests, local
// stacks) or building a store of one's own.
export { CoHostServer, defaultWatchOptions, type CoHostServerOptions } from "./server.js";
export { CoHostCore } from "./core.js";
export { CoHostEngine, defaultEngineConfig, type EngineConfig } from "./engine/engine.js";
export type { Transaction, IdempotencyRecord, StoredOutcome } from "./engine/transaction.js";
export type { RoomRecord, ConnectionRecord, HostInfo, OutgoingRequest, IncomingRequest } from "./engine/records.js";
export type { StateStore, FeedBus, FeedListener } from "./store/state-store.js";
export { MemoryStore, type MemoryStoreOptions } from "./store/memory-store.js";
export { systemClock, type Clock, type Scheduler } from "./clock.js";
export { loadConfig, ConfigError, type ServerConfig } from "./config.js";
export { createLogger, type Logger, type LogLevel } from "./logger.js";
export { mintHostToken } from "./service/auth.js";
export { RedisStore, type RedisStoreOptions } from "./store/redis-store.js";
export { createStore } from "./store/create-store.js";
export { readDevCredentials, type DevCredentials } from "./dev-credentials.js";
