// Co-host state in Redis, shared by any number of server instances. The
// engine decides every transition exactly as with the in-memory store; this
// store only makes each transition atomic across instances with optimistic
// transactions (WATCH every key the transition read, then MULTI/EXEC; on a
// conflict run it again), so two instances racing on the same rooms can
// never both win (R9, R20).
import { createHash } from "node:crypto";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { Redis } from "ioredis";
import { WatchCoHostResponseSchema, type WatchCoHostResponse } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { systemClock, type Clock, type Scheduler } from "../clock.js";
import type { ConnectionRecord, HostInfo, RoomRecord } from "../engine/records.js";
import type { IdempotencyRecord, Transaction } from "../engine/transaction.js";
import { silentLogger, type Logger } from "../logger.js";
import { noMetrics, type StoreCensus, type StoreMetrics } from "../metrics/server-metrics.js";
import { BufferedTransaction } from "./buffered-transaction.js";
import type { StateStore, FeedBus, FeedListener } from "./state-store.js";
import { OutageLog, StoreUnavailableError } from "./store-outage.js";

export interface RedisStoreOptions {
  url: string;
  /** Prefix of every key and channel, so several deployments or test runs share one Redis. */
  prefix: string;
  clock?: Clock & Scheduler;
  replayLimit?: number;
  /** Connections for concurrent transactions (WATCH is per connection). */
  poolSize?: number;
  /** Longest wait between two looks at the deadline index (deadlines set elsewhere wake us sooner). */
  deadlinePollMs?: number;
  logger?: Logger;
  metrics?: StoreMetrics;
}

/** Thrown inside a transition when it reads a key not fetched yet; the store fetches and reruns. */
class NeedKeys {
  constructor(readonly keys: string[]) {}
}

/** An error of the transition itself (not of Redis), passed through as is. */
class TransitionFailed {
  constructor(readonly error: unknown) {}
}

/**
 * Feed messages travel over pub/sub as a 0 byte (never the first byte of a
 * protobuf message), the commit time (float64, ms), then the message, so
 * receivers can measure pub/sub lag. The replay log holds bare messages.
 */
const TIMED = 0;

const MAX_ATTEMPTS = 200;
const MAX_CONNECTION_SIZE = 9; // the largest layout capacity (R6)

export class RedisStore implements StateStore, FeedBus {
  readonly kind = "redis";
  readonly feeds: FeedBus = this;
  private readonly clock: Clock & Scheduler;
  private readonly replayLimit: number;
  private readonly logger: Logger;
  private readonly metrics: StoreMetrics;
  private readonly outage: OutageLog;
  private readonly idle: Redis[] = [];
  private readonly waiting: ((conn: Redis) => void)[] = [];
  private readonly listeners = new Map<string, Set<FeedListener>>();
  /** Latest message delivered per watched room, so a reconnect can replay what it missed. */
  private readonly delivered = new Map<string, { epoch: string; sequence: number }>();
  private closed = false;
  private deadlineTimer: { cancel(): void } | undefined;
  private deadlineLoop: Promise<void> | undefined;
  private onDue: ((key: string, dueAt: number) => Promise<void>) | undefined;
  private readonly deadlinePollMs: number;

  private constructor(
    private readonly main: Redis,
    private readonly subscriber: Redis,
    pool: Redis[],
    private readonly prefix: string,
    options: RedisStoreOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.replayLimit = options.replayLimit ?? 256;
    this.logger = options.logger ?? silentLogger;
    this.metrics = options.metrics ?? noMetrics;
    this.outage = new OutageLog(this.logger, "redis", () => this.clock.now());
    this.idle.push(...pool);
    this.deadlinePollMs = options.deadlinePollMs ?? 500;
    subscriber.on("messageBuffer", (channel: Buffer, payload: Buffer) => this.onMessage(channel.toString(), payload));
    // After a reconnect the subscriber may have missed messages: replay them from the logs.
    subscriber.on("ready", () => void this.catchUp());
  }

  static async connect(options: RedisStoreOptions): Promise<RedisStore> {
    // ioredis reports connection trouble as "error" events (printed to stderr when nobody
    // listens); they go to the store's outage log, once per outage.
    let onError = (_err: Error) => {};
    const make = () => {
      const conn = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: 2, enableReadyCheck: true });
      conn.on("error", (err: Error) => onError(err));
      return conn;
    };
    const main = make();
    const subscriber = make();
    const pool = Array.from({ length: options.poolSize ?? 8 }, make);
    try {
      await Promise.all([main, subscriber, ...pool].map((c) => c.connect()));
    } catch (err) {
      for (const c of [main, subscriber, ...pool]) c.disconnect();
      throw new Error(`cannot reach Redis at ${withoutPassword(options.url)}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const store = new RedisStore(main, subscriber, pool, options.prefix, options);
    onError = (err) => {
      if (!store.closed) store.outage.failed(err);
    };
    await subscriber.subscribe(store.key("deadlines-changed"));
    return store;
  }

  // ---- keys ------------------------------------------------------------------

  private key(name: string): string {
    return `${this.prefix}${name}`;
  }

  private roomKey(liveId: string): string {
    return this.key(`room:${liveId}`);
  }

  private connectionKey(id: string): string {
    return this.key(`conn:${id}`);
  }

  private idempotencyKey(key: string): string {
    return this.key(`idem:${createHash("sha256").update(key).digest("base64url")}`);
  }

  private logKey(liveId: string): string {
    return this.key(`log:${liveId}`);
  }

  private sizeKey(size: number): string {
    return this.key(`connections-of-size:${size}`);
  }

  private feedChannel(liveId: string): string {
    return this.key(`feed:${liveId}`);
  }

  // ---- transactions ------------------------------------------------------------

  /** Runs a Redis operation; a failure of Redis becomes StoreUnavailableError and feeds the outage log. */
  private async guarded<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreUnavailableError(new Error("store is closed"));
    try {
      const result = await operation();
      this.outage.recovered();
      return result;
    } catch (err) {
      if (err instanceof TransitionFailed) throw err.error;
      if (err instanceof StoreUnavailableError) throw err;
      this.outage.failed(err);
      throw new StoreUnavailableError(err);
    }
  }

  transact<T>(transition: (tx: Transaction) => T): Promise<T> {
    return this.guarded(async () => {
      const conn = await this.acquire();
      const trips = { count: 0 };
      let attempt = 1;
      try {
        for (; attempt <= MAX_ATTEMPTS; attempt++) {
          const run = await this.runTransition(conn, transition, trips);
          if (run !== "conflict" && (await this.commit(conn, run.tx, trips))) return run.result;
          // Another instance changed a key this transition read: run it again on fresh data.
          await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, attempt * 2)));
        }
        throw new Error(`transaction did not commit after ${MAX_ATTEMPTS} attempts (contention)`);
      } finally {
        this.metrics.redisTransaction(Math.min(attempt, MAX_ATTEMPTS), trips.count);
        this.release(conn);
      }
    });
  }

  /** Runs the transition, fetching (and WATCHing) each key it reads, until it completes. */
  private async runTransition<T>(
    conn: Redis,
    transition: (tx: Transaction) => T,
    trips: { count: number },
  ): Promise<{ tx: RedisTransaction; result: T } | "conflict"> {
    const cache = new Map<string, string | null>();
    for (;;) {
      const tx = new RedisTransaction(
        this.clock.now(),
        cache,
        (liveId) => this.roomKey(liveId),
        (id) => this.connectionKey(id),
        (k) => this.idempotencyKey(k),
      );
      try {
        return { tx, result: transition(tx) };
      } catch (err) {
        if (!(err instanceof NeedKeys)) {
          // Keys fetched at different moments disagree if another instance committed in
          // between, and the transition may trip over that. An empty EXEC tells: null means
          // a watched key changed, so the caller runs it again on fresh data.
          trips.count++;
          if ((await conn.multi().exec()) === null) return "conflict";
          throw new TransitionFailed(err);
        }
        const keys = [...new Set(err.keys)];
        trips.count++;
        const [watched, values] = (await conn
          .pipeline()
          .watch(...keys)
          .mget(...keys)
          .exec())!;
        if (watched![0]) throw watched![0];
        if (values![0]) throw values![0];
        (values![1] as (string | null)[]).forEach((v, i) => cache.set(keys[i]!, v));
      }
    }
  }

  private async commit(conn: Redis, tx: RedisTransaction, trips: { count: number }): Promise<boolean> {
    trips.count++;
    if (!tx.hasWrites()) {
      await conn.unwatch();
      return true;
    }
    const multi = conn.multi();
    for (const [id, c] of tx.connections) {
      if (c) multi.set(this.connectionKey(id), JSON.stringify(c));
      else multi.del(this.connectionKey(id));
      // Connection ids by size, kept in step with the records for the metrics census
      // (sets, so Redis drops each one when it empties).
      const before = tx.storedSize(id);
      const after = c ? c.members.length : 0;
      if (before !== after) {
        if (before > 0) multi.srem(this.sizeKey(before), id);
        if (after > 0) multi.sadd(this.sizeKey(after), id);
      }
    }
    const closed: string[] = [];
    for (const [liveId, room] of tx.rooms) {
      if (room) {
        multi.set(this.roomKey(liveId), JSON.stringify(room));
        multi.zadd(this.key("rooms"), 0, liveId);
      } else {
        multi.del(this.roomKey(liveId));
        multi.zrem(this.key("rooms"), liveId);
        closed.push(liveId);
      }
    }
    for (const [key, { record, ttlMs }] of tx.idempotency) {
      multi.set(this.idempotencyKey(key), JSON.stringify(record), "PX", ttlMs);
    }
    let deadlinesAdded = false;
    for (const [key, at] of tx.deadlines) {
      if (at === null) multi.zrem(this.key("deadlines"), key);
      else {
        multi.zadd(this.key("deadlines"), at, key);
        deadlinesAdded = true;
      }
    }
    const header = Buffer.alloc(9);
    header.writeUInt8(TIMED, 0);
    header.writeDoubleBE(this.clock.now(), 1);
    for (const [liveId, message] of tx.feed) {
      const bytes = Buffer.from(toBinary(WatchCoHostResponseSchema, message));
      multi.rpush(this.logKey(liveId), bytes);
      multi.ltrim(this.logKey(liveId), -this.replayLimit, -1);
      // Published inside EXEC, so every instance receives a room's messages in commit order.
      multi.publish(this.feedChannel(liveId), Buffer.concat([header, bytes]));
    }
    for (const liveId of closed) multi.del(this.logKey(liveId));
    if (deadlinesAdded) multi.publish(this.key("deadlines-changed"), "1");
    const result = await multi.exec();
    if (result === null) return false;
    for (const [err] of result) if (err) throw err;
    return true;
  }

  private async acquire(): Promise<Redis> {
    const conn = this.idle.pop();
    if (conn) return conn;
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(conn: Redis): void {
    const next = this.waiting.shift();
    if (next) next(conn);
    else this.idle.push(conn);
  }

  // ---- reads -------------------------------------------------------------------

  listRooms(after: string, limit: number): Promise<HostInfo[]> {
    return this.guarded(() => this.readRooms(after, limit));
  }

  private async readRooms(after: string, limit: number): Promise<HostInfo[]> {
    const hosts: HostInfo[] = [];
    let from = after;
    // A room can close between the index read and the record read; read on so a
    // short page always means the end (R17).
    while (hosts.length < limit) {
      const want = limit - hosts.length;
      const ids = await this.main.zrangebylex(this.key("rooms"), from === "" ? "-" : `(${from}`, "+", "LIMIT", 0, want);
      if (ids.length === 0) break;
      const values = await this.main.mget(...ids.map((id) => this.roomKey(id)));
      for (const v of values) if (v) hosts.push((JSON.parse(v) as RoomRecord).host);
      if (ids.length < want) break;
      from = ids.at(-1)!;
    }
    return hosts;
  }

  replay(liveId: string, epoch: string, afterSequence: number): Promise<WatchCoHostResponse[] | undefined> {
    return this.guarded(() => this.readLog(liveId, epoch, afterSequence));
  }

  private async readLog(liveId: string, epoch: string, afterSequence: number): Promise<WatchCoHostResponse[] | undefined> {
    const [[, room], [, log]] = (await this.main.multi().get(this.roomKey(liveId)).lrangeBuffer(this.logKey(liveId), 0, -1).exec()) as [
      [unknown, string | null],
      [unknown, Buffer[]],
    ];
    if (!room) return undefined;
    const record = JSON.parse(room) as RoomRecord;
    if (record.epoch !== epoch || afterSequence > record.sequence) return undefined;
    const messages = log.map((b) => fromBinary(WatchCoHostResponseSchema, b)).filter((m) => Number(m.sequence) > afterSequence);
    return messages.length === record.sequence - afterSequence ? messages : undefined;
  }

  // ---- feeds across instances -----------------------------------------------------

  async subscribe(liveId: string, listener: FeedListener): Promise<() => void> {
    let set = this.listeners.get(liveId);
    if (!set) {
      this.listeners.set(liveId, (set = new Set()));
      try {
        await this.guarded(() => this.subscriber.subscribe(this.feedChannel(liveId)));
      } catch (err) {
        if (this.listeners.get(liveId) === set && set.size === 0) this.listeners.delete(liveId);
        throw err;
      }
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(liveId) === set) {
        this.listeners.delete(liveId);
        this.delivered.delete(liveId);
        if (!this.closed) void this.subscriber.unsubscribe(this.feedChannel(liveId)).catch(() => {});
      }
    };
  }

  private onMessage(channel: string, payload: Buffer): void {
    if (channel === this.key("deadlines-changed")) return void this.armDeadlines(0);
    const liveId = channel.slice(this.key("feed:").length);
    let committedAt: number | undefined;
    let message: WatchCoHostResponse;
    try {
      if (payload[0] === TIMED && payload.length >= 9) {
        committedAt = payload.readDoubleBE(1);
        this.metrics.pubsubDelivered(this.clock.now() - committedAt);
        payload = payload.subarray(9);
      }
      message = fromBinary(WatchCoHostResponseSchema, payload);
    } catch (err) {
      this.logger.warn("unreadable feed message on pub/sub", { channel, error: String(err) });
      return;
    }
    this.deliver(liveId, message, committedAt);
  }

  private deliver(liveId: string, message: WatchCoHostResponse, committedAt?: number): void {
    const set = this.listeners.get(liveId);
    if (!set) return;
    const sequence = Number(message.sequence);
    const last = this.delivered.get(liveId);
    if (last && last.epoch === message.epoch && sequence <= last.sequence) return;
    this.delivered.set(liveId, { epoch: message.epoch, sequence });
    for (const listener of [...set]) {
      try {
        listener(message, committedAt);
      } catch {
        // A failing watcher must not stop the others.
      }
    }
  }

  private async catchUp(): Promise<void> {
    for (const liveId of this.listeners.keys()) {
      const log = await this.main.lrangeBuffer(this.logKey(liveId), 0, -1).catch(() => [] as Buffer[]);
      for (const bytes of log) this.deliver(liveId, fromBinary(WatchCoHostResponseSchema, bytes));
    }
  }

  // ---- deadlines, fired once cluster-wide ---------------------------------------------

  startDeadlines(onDue: (requestKey: string, dueAt: number) => Promise<void>): void {
    this.onDue = onDue;
    this.armDeadlines(0);
  }

  /** Looks at the deadline index after `delayMs`; every instance does, the transaction lets one win. */
  private armDeadlines(delayMs: number): void {
    if (this.closed || !this.onDue) return;
    this.deadlineTimer?.cancel();
    this.deadlineTimer = this.clock.schedule(this.clock.now() + delayMs, () => {
      this.deadlineLoop = (this.deadlineLoop ?? Promise.resolve())
        .then(() => this.fireDue())
        .then(
          () => this.outage.recovered(),
          (err: unknown) => {
            this.outage.failed(err);
            this.armDeadlines(this.deadlinePollMs);
          },
        );
    });
  }

  private async fireDue(): Promise<void> {
    if (this.closed) return;
    const now = this.clock.now();
    const due = await this.main.zrangebyscore(this.key("deadlines"), "-inf", now, "WITHSCORES", "LIMIT", 0, 100);
    for (let i = 0; i + 1 < due.length; i += 2) await this.onDue!(due[i]!, Number(due[i + 1]));
    const next = await this.main.zrange(this.key("deadlines"), 0, 0, "WITHSCORES");
    const nextAt = next.length === 2 ? Number(next[1]) : Infinity;
    const wait = due.length === 200 ? 0 : Math.max(0, Math.min(this.deadlinePollMs, nextAt - this.clock.now()));
    this.armDeadlines(wait);
  }

  // ---- lifecycle -----------------------------------------------------------------------

  async ping(): Promise<boolean> {
    try {
      return (await this.guarded(() => this.main.ping())) === "PONG";
    } catch {
      return false;
    }
  }

  census(): Promise<StoreCensus> {
    return this.guarded(async () => {
      const multi = this.main.multi().zcard(this.key("rooms")).zcard(this.key("deadlines"));
      for (let size = 2; size <= MAX_CONNECTION_SIZE; size++) multi.scard(this.sizeKey(size));
      const counts = ((await multi.exec()) ?? []).map(([err, value]) => {
        if (err) throw err;
        return value as number;
      });
      const connectionsBySize = new Map<number, number>();
      counts.slice(2).forEach((count, i) => count > 0 && connectionsBySize.set(i + 2, count));
      return { rooms: counts[0] ?? 0, pendingRequests: counts[1] ?? 0, connectionsBySize };
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.deadlineTimer?.cancel();
    await this.deadlineLoop?.catch(() => {});
    const all = [this.main, this.subscriber, ...this.idle];
    await Promise.all(all.map((c) => c.quit().catch(() => c.disconnect())));
  }
}

/** Reads come from values fetched (and WATCHed) for this attempt; a miss asks for them. */
class RedisTransaction extends BufferedTransaction {
  constructor(
    now: number,
    private readonly cache: Map<string, string | null>,
    private readonly roomKey: (liveId: string) => string,
    private readonly connectionKey: (id: string) => string,
    private readonly idempotencyKey: (key: string) => string,
  ) {
    super(now);
  }

  /** Members of connection `id` as last read from Redis (0: none), for the size census. */
  storedSize(id: string): number {
    const value = this.cache.get(this.connectionKey(id));
    return value ? (JSON.parse(value) as ConnectionRecord).members.length : 0;
  }

  hasWrites(): boolean {
    return this.rooms.size + this.connections.size + this.idempotency.size + this.deadlines.size + this.feed.length > 0;
  }

  private read<T>(key: string): T | undefined {
    if (!this.cache.has(key)) throw new NeedKeys([key]);
    const value = this.cache.get(key);
    return value ? (JSON.parse(value) as T) : undefined;
  }

  protected storedRoom(liveId: string): RoomRecord | undefined {
    return this.read<RoomRecord>(this.roomKey(liveId));
  }

  protected storedConnection(id: string): ConnectionRecord | undefined {
    return this.read<ConnectionRecord>(this.connectionKey(id));
  }

  protected storedIdempotency(key: string): IdempotencyRecord | undefined {
    return this.read<IdempotencyRecord>(this.idempotencyKey(key));
  }
}

/** A Redis URL fit for a log: its password replaced. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparsable Redis URL)";
  }
}
