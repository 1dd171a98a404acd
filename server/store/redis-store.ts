// Co-host state in Redis, shared by any number of server instances. The
// engine decides every transition exactly as with the in-memory store; this
// store only makes each transition atomic across instances with optimistic
// transactions (WATCH every key the transition read, then MULTI/EXEC; on a
// conflict run it again), so two instances racing on the same rooms can
// never both win (R9, R20). A transition that only reads is validated the
// same way (an empty EXEC), so what it returns was true at one moment.
//
// Time is Redis's: each transition runs at the TIME Redis reported with its
// reads, and due deadlines are found by Redis's clock, so an instance whose
// own clock is off neither fires requests early nor stamps wrong deadlines.
// Every Redis command has a timeout (calls then fail UNAVAILABLE), and a
// commit checks Redis's clock against its deadline before it writes.
import { createHash } from "node:crypto";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import type { Redis } from "ioredis";
import { WatchCoHostResponseSchema, type WatchCoHostResponse } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { systemClock, type Clock, type Scheduler } from "../clock.js";
import type { ConnectionRecord, HostInfo, RoomRecord } from "../engine/records.js";
import type { IdempotencyRecord, Transaction } from "../engine/transaction.js";
import { silentLogger, type Logger } from "../logger.js";
import { noMetrics, type StoreCensus, type StoreMetrics } from "../metrics/server-metrics.js";
import { BufferedTransaction } from "./buffered-transaction.js";
import { COMMIT_SCRIPT, COMMIT_SCRIPT_SHA, commitCommand, timeToMs, type CommitOp } from "./redis-commit.js";
import { RedisFeeds, TIMED } from "./redis-feeds.js";
import { quit, RedisPool, redisConnection } from "./redis-pool.js";
import type { FeedBus, FeedListener, StateStore, TransactionHint } from "./state-store.js";
import { OutageLog, StoreUnavailableError } from "./store-outage.js";

export interface RedisStoreOptions {
  url: string;
  /** Prefix of every key and channel, so several deployments or test runs share one Redis. */
  prefix: string;
  /** Schedules this instance's looks at the deadline index (what is due is decided by Redis's clock). */
  clock?: Clock & Scheduler;
  replayLimit?: number;
  /** Connections for concurrent transactions (WATCH is per connection). */
  poolSize?: number;
  /** Longest wait between two looks at the deadline index (deadlines set elsewhere wake us sooner). */
  deadlinePollMs?: number;
  /** Longest wait for any Redis command; a call that needs Redis fails UNAVAILABLE after about this long. */
  timeoutMs?: number;
  /** request_ids remembered per user (R18); a user's oldest are forgotten first. */
  idempotencyPerUser?: number;
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

/** What one attempt of a transition has read: values (WATCHed when fetched) and Redis's time. */
interface Fetched {
  values: Map<string, string | null>;
  /** TIME of the latest fetch, ms. */
  time: number | undefined;
}

const MAX_ATTEMPTS = 200;
const MAX_CONNECTION_SIZE = 9; // the largest layout capacity (R6)

const DUE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'WITHSCORES', 'LIMIT', 0, 100)
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {tostring(now), due, first}
`;
const DUE_SCRIPT_SHA = createHash("sha1").update(DUE_SCRIPT).digest("hex");

export class RedisStore implements StateStore, FeedBus {
  readonly kind = "redis";
  readonly feeds: FeedBus = this;
  private readonly clock: Clock & Scheduler;
  private readonly replayLimit: number;
  private readonly timeoutMs: number;
  private readonly idempotencyPerUser: number;
  private readonly logger: Logger;
  private readonly metrics: StoreMetrics;
  private readonly outage: OutageLog;
  private readonly live: RedisFeeds;
  private closed = false;
  private deadlineTimer: { cancel(): void } | undefined;
  /** When (this instance's clock) the armed deadline timer looks at the index next. */
  private deadlineArmedAt = Infinity;
  private deadlineLoop: Promise<void> | undefined;
  private onDue: ((key: string, dueAt: number) => Promise<void>) | undefined;
  private readonly deadlinePollMs: number;
  private readonly txKeys: TransactionKeys = {
    room: (liveId) => this.roomKey(liveId),
    connection: (id) => this.connectionKey(id),
    idempotency: (key) => this.idempotencyKey(key),
  };

  private constructor(
    private readonly main: Redis,
    private readonly subscriber: Redis,
    private readonly pool: RedisPool,
    private readonly prefix: string,
    options: RedisStoreOptions,
    outage: OutageLog,
  ) {
    this.clock = options.clock ?? systemClock;
    this.replayLimit = options.replayLimit ?? 256;
    this.timeoutMs = options.timeoutMs ?? 2_000;
    this.idempotencyPerUser = options.idempotencyPerUser ?? 1_000;
    this.logger = options.logger ?? silentLogger;
    this.metrics = options.metrics ?? noMetrics;
    this.outage = outage;
    this.deadlinePollMs = options.deadlinePollMs ?? 500;
    this.live = new RedisFeeds({
      subscriber,
      channelOf: (liveId) => this.key(`feed:${liveId}`),
      logger: this.logger,
      onLag: (ms) => this.metrics.pubsubDelivered(ms),
      now: () => this.clock.now(),
      onOther: (channel, payload) => {
        if (channel === this.key("deadlines-changed")) this.deadlineAdded(Number(payload.toString()));
      },
    });
    // After a reconnect: the deadline channel again, and a look at what fell due meanwhile.
    subscriber.on("ready", () => {
      if (this.closed) return;
      this.subscriber.subscribe(this.key("deadlines-changed")).catch(() => {});
      this.armDeadlines(0);
    });
  }

  static async connect(options: RedisStoreOptions): Promise<RedisStore> {
    const timeoutMs = options.timeoutMs ?? 2_000;
    const logger = options.logger ?? silentLogger;
    const clock = options.clock ?? systemClock;
    const outage = new OutageLog(logger, "redis", () => clock.now());
    // ioredis reports connection trouble as "error" events (printed to stderr when nobody
    // listens); they go to the store's outage log, once per outage.
    let up = false;
    const onError = (err: Error) => {
      if (up) outage.failed(err);
    };
    const connection = { url: options.url, timeoutMs, onError };
    const main = redisConnection(connection);
    const subscriber = redisConnection(connection, true);
    let pool: RedisPool | undefined;
    try {
      [pool] = await Promise.all([RedisPool.open({ ...connection, size: options.poolSize ?? 8 }), main.connect(), subscriber.connect()]);
    } catch (err) {
      main.disconnect();
      subscriber.disconnect();
      await pool?.close();
      throw new Error(`cannot reach Redis at ${withoutPassword(options.url)}: ${err instanceof Error ? err.message : String(err)}`);
    }
    up = true;
    const store = new RedisStore(main, subscriber, pool, options.prefix, options, outage);
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

  /** The index of one user's idempotency records (":" never occurs in a record key's hash). */
  private idempotencyIndexKey(owner: string): string {
    return this.key(`idem:u:${createHash("sha256").update(owner).digest("base64url")}`);
  }

  private logKey(liveId: string): string {
    return this.key(`log:${liveId}`);
  }

  private sizeKey(size: number): string {
    return this.key(`connections-of-size:${size}`);
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

  transact<T>(transition: (tx: Transaction) => T, hint?: TransactionHint): Promise<T> {
    return this.guarded(async () => {
      const conn = await this.pool.acquire();
      const trips = { count: 0 };
      const giveUpAt = Date.now() + 2 * this.timeoutMs;
      let attempt = 1;
      let healthy = false;
      try {
        for (; attempt <= MAX_ATTEMPTS; attempt++) {
          const run = await this.runTransition(conn, transition, trips, this.hinted(hint));
          if (run !== "conflict" && (await this.commit(conn, run.tx, trips))) {
            healthy = true;
            return run.result;
          }
          // Another instance changed a key this transition read: run it again on fresh data.
          if (Date.now() > giveUpAt) break;
          await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, attempt * 2)));
        }
        healthy = true;
        throw new StoreUnavailableError(new Error(`transaction did not commit after ${attempt} attempts (contention)`));
      } catch (err) {
        if (err instanceof TransitionFailed) healthy = true;
        throw err;
      } finally {
        this.metrics.redisTransaction(Math.min(attempt, MAX_ATTEMPTS), trips.count);
        // A connection that failed may still WATCH keys or owe replies: never hand it on.
        if (healthy) this.pool.release(conn);
        else this.pool.discard(conn);
      }
    });
  }

  private hinted(hint: TransactionHint | undefined): string[] {
    if (!hint) return [];
    const keys = hint.rooms.map((id) => this.roomKey(id));
    if (hint.idempotency) keys.push(this.idempotencyKey(hint.idempotency));
    return keys;
  }

  /**
   * Runs the transition, fetching (and WATCHing) what it reads, until it completes. Each
   * fetch also takes the keys the records fetched so far point to (a room's connection and
   * the rooms it has requests with, a connection's members), so a transition over a whole
   * connection needs a few round trips, not one per room.
   */
  private async runTransition<T>(
    conn: Redis,
    transition: (tx: Transaction) => T,
    trips: { count: number },
    first: string[],
  ): Promise<{ tx: RedisTransaction; result: T } | "conflict"> {
    const fetched: Fetched = { values: new Map(), time: undefined };
    const wanted = new Set(first);
    for (;;) {
      const tx = new RedisTransaction(fetched, this.txKeys);
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
        for (const k of err.keys) wanted.add(k);
        const keys = [...wanted].filter((k) => !fetched.values.has(k));
        wanted.clear();
        trips.count++;
        await this.fetch(conn, keys, fetched);
        for (const k of keys) for (const ref of this.referencedBy(k, fetched.values.get(k) ?? null)) wanted.add(ref);
      }
    }
  }

  /** WATCHes and reads `keys` and reads Redis's TIME, in one round trip. */
  protected async fetch(conn: Redis, keys: string[], into: Fetched): Promise<void> {
    const pipeline = conn.pipeline();
    if (keys.length > 0) pipeline.watch(...keys).mget(...keys);
    pipeline.time();
    const replies = (await pipeline.exec()) ?? [];
    for (const [err] of replies) if (err) throw err;
    if (keys.length > 0) (replies[1]![1] as (string | null)[]).forEach((v, i) => into.values.set(keys[i]!, v));
    into.time = timeToMs(replies.at(-1)![1] as [string, string]);
  }

  /** Keys a record points to, which a transition reading it is likely to read next. */
  private referencedBy(key: string, value: string | null): string[] {
    if (!value) return [];
    if (key.startsWith(this.key("room:"))) {
      const room = JSON.parse(value) as RoomRecord;
      const refs = room.outgoing.map((r) => this.roomKey(r.to.liveId));
      if (room.incoming) refs.push(this.roomKey(room.incoming.from.liveId));
      if (room.connectionId) refs.push(this.connectionKey(room.connectionId));
      return refs;
    }
    if (key.startsWith(this.key("conn:"))) return (JSON.parse(value) as ConnectionRecord).members.map((m) => this.roomKey(m.liveId));
    return [];
  }

  private async commit(conn: Redis, tx: RedisTransaction, trips: { count: number }): Promise<boolean> {
    trips.count++;
    // Read-only: the empty EXEC fails (null) if anything read changed meanwhile.
    if (!tx.hasWrites()) return (await conn.multi().exec()) !== null;
    // The commit must run before this deadline by Redis's clock. This server stops waiting
    // for it `timeoutMs` after sending it, which is later than that: an EXEC that sits in a
    // frozen Redis past it finds the deadline passed and writes nothing.
    const deadline = tx.now + this.timeoutMs;
    const [keyCount, ...args] = commitCommand(this.opsOf(tx), deadline);
    const result = await conn
      .multi()
      .evalsha(COMMIT_SCRIPT_SHA, keyCount as number, ...(args as (string | Buffer | number)[]))
      .exec();
    if (result === null) return false;
    const [err, reply] = result[0]!;
    if (err && isNoScript(err)) {
      // Redis lost its script cache (restart, SCRIPT FLUSH): nothing ran and EXEC ended the
      // WATCHes, so load the script and run the transition again on fresh reads.
      await conn.script("LOAD", COMMIT_SCRIPT);
      return false;
    }
    if (err) throw err;
    if (reply === "expired") throw new Error("Redis ran the commit after its deadline; nothing was written");
    return true;
  }

  private opsOf(tx: RedisTransaction): CommitOp[] {
    const ops: CommitOp[] = [];
    for (const [id, c] of tx.connections) {
      ops.push(c ? { op: "set", key: this.connectionKey(id), value: JSON.stringify(c) } : { op: "del", key: this.connectionKey(id) });
      // Connection ids by size, kept in step with the records for the metrics census
      // (sets, so Redis drops each one when it empties).
      const before = tx.storedSize(id);
      const after = c ? c.members.length : 0;
      if (before !== after) {
        if (before > 0) ops.push({ op: "srem", key: this.sizeKey(before), member: id });
        if (after > 0) ops.push({ op: "sadd", key: this.sizeKey(after), member: id });
      }
    }
    const closed: string[] = [];
    for (const [liveId, room] of tx.rooms) {
      if (room) {
        ops.push({ op: "set", key: this.roomKey(liveId), value: JSON.stringify(room) });
        ops.push({ op: "zadd", key: this.key("rooms"), score: 0, member: liveId });
      } else {
        ops.push({ op: "del", key: this.roomKey(liveId) }, { op: "zrem", key: this.key("rooms"), member: liveId });
        closed.push(liveId);
      }
    }
    for (const [key, { record, ttlMs, owner }] of tx.idempotency) {
      ops.push({
        op: "remember",
        key: this.idempotencyKey(key),
        record: JSON.stringify(record),
        ttlMs,
        index: this.idempotencyIndexKey(owner),
        max: this.idempotencyPerUser,
      });
    }
    let earliestAdded = Infinity;
    for (const [key, at] of tx.deadlines) {
      if (at === null) ops.push({ op: "zrem", key: this.key("deadlines"), member: key });
      else {
        ops.push({ op: "zadd", key: this.key("deadlines"), score: at, member: key });
        earliestAdded = Math.min(earliestAdded, at);
      }
    }
    const header = Buffer.alloc(9);
    header.writeUInt8(TIMED, 0);
    header.writeDoubleBE(this.clock.now(), 1);
    for (const [liveId, message] of tx.feed) {
      const bytes = Buffer.from(toBinary(WatchCoHostResponseSchema, message));
      ops.push({ op: "log", key: this.logKey(liveId), message: bytes, keep: this.replayLimit });
      // Published inside EXEC, so every instance receives a room's messages in commit order.
      ops.push({ op: "publish", channel: this.key(`feed:${liveId}`), message: Buffer.concat([header, bytes]) });
    }
    for (const liveId of closed) ops.push({ op: "del", key: this.logKey(liveId) });
    // How far ahead (Redis ms from the fetch) the earliest new deadline is, so an instance
    // whose deadline timer already looks sooner need not ask Redis again.
    if (earliestAdded !== Infinity) {
      ops.push({ op: "publish", channel: this.key("deadlines-changed"), message: String(Math.max(0, earliestAdded - tx.now)) });
    }
    return ops;
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
    const replies = await this.main.multi().get(this.roomKey(liveId)).lrangeBuffer(this.logKey(liveId), 0, -1).exec();
    if (!replies) throw new Error("replay read aborted");
    const [[roomErr, room], [logErr, log]] = replies as [[Error | null, string | null], [Error | null, Buffer[]]];
    if (roomErr ?? logErr) throw roomErr ?? logErr;
    if (!room) return undefined;
    const record = JSON.parse(room) as RoomRecord;
    if (record.epoch !== epoch || afterSequence > record.sequence) return undefined;
    const messages = log.map((b) => fromBinary(WatchCoHostResponseSchema, b)).filter((m) => Number(m.sequence) > afterSequence);
    return messages.length === record.sequence - afterSequence ? messages : undefined;
  }

  // ---- feeds across instances -----------------------------------------------------

  subscribe(liveId: string, listener: FeedListener, onLost?: (reason: string) => void): Promise<() => void> {
    return this.guarded(() => this.live.subscribe(liveId, listener, onLost));
  }

  // ---- deadlines, fired once cluster-wide ---------------------------------------------

  startDeadlines(onDue: (requestKey: string, dueAt: number) => Promise<void>): void {
    this.onDue = onDue;
    this.armDeadlines(0);
  }

  /**
   * A commit added a deadline `delayMs` from its fetch (a message without a
   * number, from an older instance, means now). Asks Redis early only when
   * the timer would look later than that: with the poll interval capping
   * every wait, most new deadlines cost this instance no round trip.
   */
  private deadlineAdded(delayMs: number): void {
    const delay = Number.isFinite(delayMs) && delayMs >= 0 ? delayMs : 0;
    if (this.clock.now() + delay < this.deadlineArmedAt) this.armDeadlines(delay);
  }

  /** Looks at the deadline index after `delayMs`; every instance does, the transaction lets one win. */
  private armDeadlines(delayMs: number): void {
    if (this.closed || !this.onDue) return;
    this.deadlineTimer?.cancel();
    this.deadlineArmedAt = this.clock.now() + delayMs;
    this.deadlineTimer = this.clock.schedule(this.deadlineArmedAt, () => {
      this.deadlineArmedAt = Infinity;
      this.deadlineLoop = (this.deadlineLoop ?? Promise.resolve())
        .then(() => this.fireDue())
        .then(
          () => this.outage.recovered(),
          (err: unknown) => {
            if (this.closed) return;
            this.outage.failed(err);
            this.armDeadlinesWithin(this.deadlinePollMs);
          },
        );
    });
  }

  /** Ends what is due by Redis's clock, then sleeps until the next deadline (at most the poll interval). */
  private async fireDue(): Promise<void> {
    if (this.closed) return;
    const index = this.key("deadlines");
    const look = await this.main.evalsha(DUE_SCRIPT_SHA, 1, index).catch((err: unknown) => {
      if (isNoScript(err)) return this.main.eval(DUE_SCRIPT, 1, index); // EVAL caches it again
      throw err;
    });
    const [now, due, first] = look as [string, string[], string[]];
    for (let i = 0; i + 1 < due.length; i += 2) await this.onDue!(due[i]!, Number(due[i + 1]));
    const nextAt = first.length === 2 ? Number(first[1]) : Infinity;
    const wait = due.length === 200 ? 0 : Math.max(0, Math.min(this.deadlinePollMs, nextAt - Number(now)));
    this.armDeadlinesWithin(wait);
  }

  /** Arms the timer for `delayMs` unless a deadline added during the look asked for sooner. */
  private armDeadlinesWithin(delayMs: number): void {
    if (this.clock.now() + delayMs < this.deadlineArmedAt) this.armDeadlines(delayMs);
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

  /** Stops the deadline loop and ends every connection; bounded even when Redis does not answer. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.deadlineTimer?.cancel();
    await this.deadlineLoop?.catch(() => {});
    await Promise.all([this.pool.close(), quit(this.main, this.timeoutMs), quit(this.subscriber, this.timeoutMs)]);
  }
}

interface TransactionKeys {
  room(liveId: string): string;
  connection(id: string): string;
  idempotency(key: string): string;
}

/** Reads come from values fetched (and WATCHed) for this attempt; a miss asks for them. */
class RedisTransaction extends BufferedTransaction {
  constructor(
    private readonly fetched: Fetched,
    private readonly keys: TransactionKeys,
  ) {
    super();
  }

  get now(): number {
    if (this.fetched.time === undefined) throw new NeedKeys([]);
    return this.fetched.time;
  }

  /** Members of connection `id` as last read from Redis (0: none), for the size census. */
  storedSize(id: string): number {
    const value = this.fetched.values.get(this.keys.connection(id));
    return value ? (JSON.parse(value) as ConnectionRecord).members.length : 0;
  }

  hasWrites(): boolean {
    return this.rooms.size + this.connections.size + this.idempotency.size + this.deadlines.size + this.feed.length > 0;
  }

  private read<T>(key: string): T | undefined {
    if (!this.fetched.values.has(key)) throw new NeedKeys([key]);
    const value = this.fetched.values.get(key);
    return value ? (JSON.parse(value) as T) : undefined;
  }

  protected storedRoom(liveId: string): RoomRecord | undefined {
    return this.read<RoomRecord>(this.keys.room(liveId));
  }

  protected storedConnection(id: string): ConnectionRecord | undefined {
    return this.read<ConnectionRecord>(this.keys.connection(id));
  }

  protected storedIdempotency(key: string): IdempotencyRecord | undefined {
    return this.read<IdempotencyRecord>(this.keys.idempotency(key));
  }
}

/** A Redis URL fit for a log: its password replaced. */
/** Redis's answer to EVALSHA for a script it does not hold. */
function isNoScript(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith("NOSCRIPT");
}

export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparsable Redis URL)";
  }
}
