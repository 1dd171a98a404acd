import type { WatchCoHostResponse } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { systemClock, type Clock, type Scheduler } from "../clock.js";
import type { ConnectionRecord, HostInfo, RoomRecord } from "../engine/records.js";
import type { IdempotencyRecord, Transaction } from "../engine/transaction.js";
import { silentLogger, type Logger } from "../logger.js";
import type { StoreCensus } from "../metrics/server-metrics.js";
import { BufferedTransaction } from "./buffered-transaction.js";
import { FeedLog } from "./feed-log.js";
import { RequestIdMemory } from "./request-id-memory.js";
import { SortedKeys } from "./sorted-keys.js";
import type { StateStore, FeedBus, FeedListener } from "./state-store.js";

export interface MemoryStoreOptions {
  clock?: Clock & Scheduler;
  /** How many CHANGE messages per room can be replayed on resume (R16). */
  replayLimit?: number;
  /** request_ids remembered per user (R18); a user's oldest are forgotten first. */
  idempotencyPerUser?: number;
  logger?: Logger;
}

/**
 * The embedded default store: everything in this process. A transition runs
 * synchronously inside `transact`, so it is atomic by construction; its
 * writes are buffered and applied only if it returns.
 */
export class MemoryStore implements StateStore, FeedBus {
  readonly kind = "memory";
  readonly feeds: FeedBus = this;
  private readonly clock: Clock & Scheduler;
  private readonly replayLimit: number;
  private readonly logger: Logger;
  private readonly rooms = new Map<string, RoomRecord>();
  private readonly roomIds = new SortedKeys();
  private readonly connections = new Map<string, ConnectionRecord>();
  private readonly idempotency: RequestIdMemory;
  private readonly deadlineTimers = new Map<string, { cancel(): void }>();
  private readonly logs = new Map<string, FeedLog>();
  private readonly listeners = new Map<string, Set<FeedListener>>();
  private onDue: ((key: string, dueAt: number) => Promise<void>) | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.replayLimit = options.replayLimit ?? 256;
    this.logger = options.logger ?? silentLogger;
    this.idempotency = new RequestIdMemory(options.idempotencyPerUser ?? 1_000);
  }

  async transact<T>(transition: (tx: Transaction) => T): Promise<T> {
    const tx = new MemoryTransaction(this.clock.now(), this);
    const result = transition(tx);
    this.commit(tx);
    return result;
  }

  async listRooms(after: string, limit: number): Promise<HostInfo[]> {
    return this.roomIds.after(after, limit).map((id) => this.rooms.get(id)!.host);
  }

  startDeadlines(onDue: (requestKey: string, dueAt: number) => Promise<void>): void {
    this.onDue = onDue;
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async census(): Promise<StoreCensus> {
    const connectionsBySize = new Map<number, number>();
    for (const c of this.connections.values()) connectionsBySize.set(c.members.length, (connectionsBySize.get(c.members.length) ?? 0) + 1);
    return { rooms: this.rooms.size, pendingRequests: this.deadlineTimers.size, connectionsBySize };
  }

  async close(): Promise<void> {
    for (const timer of this.deadlineTimers.values()) timer.cancel();
    this.deadlineTimers.clear();
  }

  async subscribe(liveId: string, listener: FeedListener): Promise<() => void> {
    let set = this.listeners.get(liveId);
    if (!set) this.listeners.set(liveId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(liveId) === set) this.listeners.delete(liveId);
    };
  }

  async replay(liveId: string, epoch: string, afterSequence: number): Promise<WatchCoHostResponse[] | undefined> {
    return this.logs.get(liveId)?.after(epoch, afterSequence);
  }

  /** Counts of what the store holds, for tests and the bench. */
  stats() {
    return {
      rooms: this.rooms.size,
      connections: this.connections.size,
      idempotency: this.idempotency.size,
      deadlines: this.deadlineTimers.size,
      logs: this.logs.size,
      watchedRooms: this.listeners.size,
    };
  }

  // ---- read side of MemoryTransaction --------------------------------------

  room(liveId: string): RoomRecord | undefined {
    return this.rooms.get(liveId);
  }

  connection(id: string): ConnectionRecord | undefined {
    return this.connections.get(id);
  }

  idempotencyRecord(key: string, now: number): IdempotencyRecord | undefined {
    return this.idempotency.get(key, now);
  }

  /** request_ids `user` has remembered now (R18). */
  requestIdsOf(user: string): number {
    return this.idempotency.heldBy(user);
  }

  private commit(tx: MemoryTransaction): void {
    for (const [id, connection] of tx.connections) {
      if (connection) this.connections.set(id, connection);
      else this.connections.delete(id);
    }
    const closed: string[] = [];
    for (const [liveId, room] of tx.rooms) {
      if (room) {
        if (!this.rooms.has(liveId)) this.roomIds.add(liveId);
        this.rooms.set(liveId, room);
        if (this.logs.get(liveId)?.epoch !== room.epoch) {
          this.logs.set(liveId, new FeedLog(room.epoch, room.sequence, this.replayLimit));
        }
      } else if (this.rooms.delete(liveId)) {
        this.roomIds.delete(liveId);
        closed.push(liveId);
      }
    }
    this.commitIdempotency(tx);
    for (const [key, at] of tx.deadlines) {
      this.deadlineTimers.get(key)?.cancel();
      this.deadlineTimers.delete(key);
      if (at !== null) {
        const timer = this.clock.schedule(at, () => {
          this.deadlineTimers.delete(key);
          // A timer has no caller to hand a failure to: it is logged, never left unhandled (that ends the process).
          this.onDue?.(key, at).catch((err: unknown) => {
            this.logger.error("ending a due request failed", { request: key, error: err instanceof Error ? err.message : String(err) });
          });
        });
        this.deadlineTimers.set(key, timer);
      }
    }
    const committedAt = this.clock.now();
    for (const [liveId, message] of tx.feed) {
      this.logs.get(liveId)?.append(message);
      this.publish(liveId, message, committedAt);
    }
    for (const liveId of closed) this.logs.delete(liveId);
  }

  private commitIdempotency(tx: MemoryTransaction): void {
    if (tx.idempotency.size === 0) return;
    for (const [key, entry] of tx.idempotency) this.idempotency.put(key, entry.record, tx.now + entry.ttlMs, entry.owner);
    this.idempotency.expire(tx.now);
  }

  private publish(liveId: string, message: WatchCoHostResponse, committedAt: number): void {
    const set = this.listeners.get(liveId);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(message, committedAt);
      } catch {
        // A failing watcher must not stop the others or the commit.
      }
    }
  }
}

/** Reads through to the in-memory maps. */
class MemoryTransaction extends BufferedTransaction {
  constructor(
    readonly now: number,
    private readonly store: MemoryStore,
  ) {
    super();
  }

  protected storedRoom(liveId: string): RoomRecord | undefined {
    return this.store.room(liveId);
  }

  protected storedConnection(id: string): ConnectionRecord | undefined {
    return this.store.connection(id);
  }

  protected storedIdempotency(key: string): IdempotencyRecord | undefined {
    return this.store.idempotencyRecord(key, this.now);
  }
}
