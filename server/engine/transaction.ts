import type { WatchCoHostResponse } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import type { Refusal } from "./refusal.js";
import type { ConnectionRecord, RoomRecord } from "./records.js";

/** What a retried call gets back (R18): the first call's outcome. */
export type StoredOutcome = { ok: true; value: unknown } | { ok: false; refusal: Refusal };

export interface IdempotencyRecord {
  fingerprint: string;
  outcome: StoredOutcome;
  /** Epoch of the room the call named, when it was open ("" when not). */
  epoch?: string;
}

/**
 * The engine's synchronous view of the store inside one atomic transition
 * (R20). Records it returns are never mutated by the engine; it writes new
 * ones. A store commits every write of a transition or none of them, and
 * may run a transition more than once (optimistic stores), so the engine
 * keeps no state outside it.
 */
export interface Transaction {
  readonly now: number;
  newId(): string;
  getRoom(liveId: string): RoomRecord | undefined;
  putRoom(room: RoomRecord): void;
  deleteRoom(liveId: string): void;
  getConnection(id: string): ConnectionRecord | undefined;
  putConnection(connection: ConnectionRecord): void;
  deleteConnection(id: string): void;
  getIdempotency(key: string): IdempotencyRecord | undefined;
  /** `owner` (the caller's user id) bounds how many records one user holds. */
  putIdempotency(key: string, record: IdempotencyRecord, ttlMs: number, owner: string): void;
  /** Pending request `key` (see requestKey) times out at `at`. */
  setDeadline(key: string, at: number): void;
  clearDeadline(key: string): void;
  /** Appends a CHANGE to the room's feed; published only if the transition commits. */
  appendFeed(liveId: string, message: WatchCoHostResponse): void;
}
