import type { WatchCoHostResponse } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import type { HostInfo } from "../engine/records.js";
import type { Transaction } from "../engine/transaction.js";
import type { StoreCensus } from "../metrics/server-metrics.js";

/**
 * Where co-host state lives. Asynchronous, so one engine serves an
 * in-memory store and a shared (Redis) one alike.
 */
export interface StateStore {
  /** "memory" or "redis": shown in health and logs. */
  readonly kind: string;
  /**
   * Runs `transition` atomically (R20): all of its writes and feed messages
   * take effect, or none. It may run more than once, so it must depend on
   * nothing but the transaction.
   */
  transact<T>(transition: (tx: Transaction) => T, hint?: TransactionHint): Promise<T>;
  /** Open rooms with live id greater than `after`, ascending (R17). */
  listRooms(after: string, limit: number): Promise<HostInfo[]>;
  /** Feeds of rooms: live messages and replay (R15, R16). */
  readonly feeds: FeedBus;
  /**
   * Calls `onDue` with the key and deadline of each pending request whose
   * deadline has come (R7), once it has; the callback ends it through `transact`.
   */
  startDeadlines(onDue: (requestKey: string, dueAt: number) => Promise<void>): void;
  /** Whether the store can serve (health checks). */
  ping(): Promise<boolean>;
  /** What the store holds, store-wide, for the metrics gauges (omitted: no such gauges). */
  census?(): Promise<StoreCensus>;
  close(): Promise<void>;
}

/** What a transition will read first, so a remote store can fetch it in one round trip. */
export interface TransactionHint {
  /** Live ids of the rooms it names. */
  rooms: string[];
  /** The idempotency key of its request_id, if any. */
  idempotency?: string;
}

/** `committedAt` (clock ms) is when the message's transition committed, where the store knows it. */
export type FeedListener = (message: WatchCoHostResponse, committedAt?: number) => void;

export interface FeedBus {
  /**
   * Delivers every CHANGE committed for the room once the returned promise
   * resolves, in order; the promise resolves to the unsubscribe function.
   * When the store can no longer promise that (its connection to a shared
   * store broke, so messages may have been missed), it calls `onLost` once
   * instead, and the watcher must end so its client resumes (R16).
   */
  subscribe(liveId: string, listener: FeedListener, onLost?: (reason: string) => void): Promise<() => void>;
  /**
   * The CHANGE messages after `afterSequence` of the room's feed `epoch`,
   * in order, or undefined when they cannot all be replayed (R16).
   */
  replay(liveId: string, epoch: string, afterSequence: number): Promise<WatchCoHostResponse[] | undefined>;
}
