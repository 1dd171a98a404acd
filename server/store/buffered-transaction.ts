import { randomBytes } from "node:crypto";
import type { WatchCoHostResponse } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import type { ConnectionRecord, RoomRecord } from "../engine/records.js";
import type { IdempotencyRecord, Transaction } from "../engine/transaction.js";

// Ids are a random per-process prefix plus a counter: unique across instances
// and restarts, without a crypto call per id.
const idPrefix = randomBytes(9).toString("base64url");
let idCounter = 0;

export function newId(): string {
  return `${idPrefix}${(idCounter++).toString(36)}`;
}

/**
 * A transition's writes, buffered until the store commits them all at once
 * (R20). Reads see the transition's own writes first, then the store.
 */
export abstract class BufferedTransaction implements Transaction {
  readonly rooms = new Map<string, RoomRecord | null>();
  readonly connections = new Map<string, ConnectionRecord | null>();
  readonly idempotency = new Map<string, { record: IdempotencyRecord; ttlMs: number; owner: string }>();
  readonly deadlines = new Map<string, number | null>();
  readonly feed: [string, WatchCoHostResponse][] = [];

  /** The store's time for this transition (the Redis store reads it from Redis). */
  abstract readonly now: number;

  protected abstract storedRoom(liveId: string): RoomRecord | undefined;
  protected abstract storedConnection(id: string): ConnectionRecord | undefined;
  protected abstract storedIdempotency(key: string): IdempotencyRecord | undefined;

  newId(): string {
    return newId();
  }

  getRoom(liveId: string): RoomRecord | undefined {
    const own = this.rooms.get(liveId);
    return own !== undefined ? (own ?? undefined) : this.storedRoom(liveId);
  }

  putRoom(room: RoomRecord): void {
    this.rooms.set(room.host.liveId, room);
  }

  deleteRoom(liveId: string): void {
    this.rooms.set(liveId, null);
  }

  getConnection(id: string): ConnectionRecord | undefined {
    const own = this.connections.get(id);
    return own !== undefined ? (own ?? undefined) : this.storedConnection(id);
  }

  putConnection(connection: ConnectionRecord): void {
    this.connections.set(connection.id, connection);
  }

  deleteConnection(id: string): void {
    this.connections.set(id, null);
  }

  getIdempotency(key: string): IdempotencyRecord | undefined {
    return this.idempotency.get(key)?.record ?? this.storedIdempotency(key);
  }

  putIdempotency(key: string, record: IdempotencyRecord, ttlMs: number, owner: string): void {
    this.idempotency.set(key, { record, ttlMs, owner });
  }

  setDeadline(key: string, at: number): void {
    this.deadlines.set(key, at);
  }

  clearDeadline(key: string): void {
    this.deadlines.set(key, null);
  }

  appendFeed(liveId: string, message: WatchCoHostResponse): void {
    this.feed.push([liveId, message]);
  }
}
