// What the server reports as it runs. Code that measures calls these hooks;
// it never knows whether Prometheus (prometheus-metrics.ts) or nothing
// listens. Every label value is bounded: no room or user ids.

/** One finished RPC. `reason` is a CoHostErrorReason name, or "" for none. */
export interface CallRecord {
  service: string;
  method: string;
  /** Connect code name in snake case ("ok", "failed_precondition", ...). */
  code: string;
  reason: string;
  seconds: number;
  streaming: boolean;
}

/** A store's count of what it holds, read when metrics are scraped. */
export interface StoreCensus {
  rooms: number;
  pendingRequests: number;
  /** Number of connections per member count (2..9). */
  connectionsBySize: Map<number, number>;
}

export interface FeedMetrics {
  watchOpened(): void;
  watchClosed(): void;
  /** A CHANGE written to a watcher, `lagMs` after its transition committed. */
  delivered(lagMs: number): void;
  /** Messages sent from the replay log to a resuming watcher (R16). */
  replayed(count: number): void;
  /** A resuming watcher got a RESYNC snapshot instead of a replay (R16). */
  resynced(): void;
  /** A watcher cut off for falling too far behind. */
  overflowed(): void;
}

export interface StoreMetrics {
  /** One committed (or failed) Redis transition: attempts made and Redis round trips used. */
  redisTransaction(attempts: number, roundTrips: number): void;
  /** A feed message received over Redis pub/sub, `lagMs` after its commit on some instance. */
  pubsubDelivered(lagMs: number): void;
}

export interface ServerMetrics extends FeedMetrics, StoreMetrics {
  callEnded(call: CallRecord): void;
  /** A request timed out (R7) `latenessMs` after its deadline. */
  deadlineFired(latenessMs: number): void;
}

const nothing = () => {};

/** Measures nothing; the default when metrics are off. */
export const noMetrics: ServerMetrics = {
  callEnded: nothing,
  deadlineFired: nothing,
  watchOpened: nothing,
  watchClosed: nothing,
  delivered: nothing,
  replayed: nothing,
  resynced: nothing,
  overflowed: nothing,
  redisTransaction: nothing,
  pubsubDelivered: nothing,
};
