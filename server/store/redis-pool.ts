// The Redis connections of one RedisStore. Every command has a timeout, so a
// frozen Redis fails calls instead of hanging them; a connection that failed
// mid-transaction is replaced rather than reused (it may still be WATCHing,
// or have replies in flight); and closing ends every connection, the ones
// checked out included, within a bound.
import { Redis } from "ioredis";
import { StoreUnavailableError } from "./store-outage.js";

export interface RedisPoolOptions {
  url: string;
  /** Connections for concurrent transactions (WATCH is per connection). */
  size: number;
  /** Longest wait for any Redis command, and for a free connection. */
  timeoutMs: number;
  /** Connection trouble ioredis reports as "error" events (unhandled, it prints them). */
  onError: (err: Error) => void;
}

export function redisConnection(options: Pick<RedisPoolOptions, "url" | "timeoutMs" | "onError">, subscriber = false): Redis {
  const conn = new Redis(options.url, {
    lazyConnect: true,
    commandTimeout: options.timeoutMs,
    connectTimeout: options.timeoutMs,
    // Commands fail at once while disconnected (UNAVAILABLE, clients retry), rather than queue.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // Reconnect with backoff, for ever: an outage ends when Redis is back.
    retryStrategy: (attempt) => Math.min(50 * attempt, 2_000),
    // A subscriber that reconnects has missed messages: its owner ends the streams and subscribes afresh.
    autoResubscribe: !subscriber,
  });
  conn.on("error", options.onError);
  return conn;
}

export class RedisPool {
  private readonly all = new Set<Redis>();
  private readonly idle: Redis[] = [];
  private readonly waiting: { resolve: (conn: Redis) => void; reject: (err: Error) => void }[] = [];
  private closed = false;

  private constructor(private readonly options: RedisPoolOptions) {}

  static async open(options: RedisPoolOptions): Promise<RedisPool> {
    const pool = new RedisPool(options);
    const conns = Array.from({ length: options.size }, () => pool.make());
    try {
      await Promise.all(conns.map((c) => c.connect()));
    } catch (err) {
      for (const c of conns) c.disconnect();
      throw err;
    }
    pool.idle.push(...conns);
    return pool;
  }

  private make(): Redis {
    const conn = redisConnection(this.options);
    this.all.add(conn);
    conn.once("end", () => this.all.delete(conn));
    return conn;
  }

  /** A connection of its own for the caller, or StoreUnavailableError when none frees up in time. */
  acquire(): Promise<Redis> {
    if (this.closed) return Promise.reject(new StoreUnavailableError(new Error("store is closed")));
    const conn = this.idle.pop();
    if (conn) return Promise.resolve(conn);
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: (c: Redis) => {
          clearTimeout(timer);
          resolve(c);
        },
        reject,
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(new StoreUnavailableError(new Error(`no Redis connection free within ${this.options.timeoutMs} ms`)));
      }, this.options.timeoutMs);
      this.waiting.push(waiter);
    });
  }

  /** Returns a healthy connection to the pool. */
  release(conn: Redis): void {
    if (this.closed) return void conn.disconnect();
    const next = this.waiting.shift();
    if (next) next.resolve(conn);
    else this.idle.push(conn);
  }

  /**
   * Drops a connection that failed while in use, and opens a fresh one in its
   * place, which joins the pool once Redis takes it (at once, or after an outage).
   */
  discard(conn: Redis): void {
    conn.disconnect();
    this.all.delete(conn);
    if (this.closed) return;
    const fresh = this.make();
    fresh.once("ready", () => this.release(fresh));
    fresh.connect().catch(() => {
      // Reconnects on its own (retryStrategy); "ready" adds it then.
    });
  }

  /** Ends every connection (checked out or not) and every wait for one, within the timeout. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.reject(new StoreUnavailableError(new Error("store is closed")));
    this.idle.length = 0;
    await Promise.all([...this.all].map((c) => quit(c, this.options.timeoutMs)));
    this.all.clear();
  }
}

/** QUIT, or cut the connection if Redis does not answer in time. */
export async function quit(conn: Redis, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const cut = new Promise<void>((resolve) => {
    timer = setTimeout(() => resolve(), timeoutMs);
  });
  await Promise.race([
    conn.quit().then(
      () => undefined,
      () => undefined,
    ),
    cut,
  ]);
  clearTimeout(timer);
  conn.disconnect();
}
