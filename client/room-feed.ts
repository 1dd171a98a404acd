// Keeps one room's WatchCoHost stream open: applies messages in sequence
// order, resumes from the last sequence after a drop (R16), treats a stream
// that stays silent past twice its keep-alive interval as dead, and closes
// for good when the server says the feed can never be served again.
import { Code, ConnectError, type Client } from "@connectrpc/connect";
import { WatchMessageKind, type CoHostService, type WatchCoHostResponse } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import type { TokenCache } from "./token-cache.js";
import type { FeedStatus } from "./types.js";

export interface FeedPosition {
  epoch: string;
  sequence: number;
}

/** Why the feed closed for good: the room's final CHANGE (room_closed), or a refusal no retry can change. */
export type FeedEnd = { kind: "room-closed" } | { kind: "refused"; error: ConnectError };

export interface RoomFeedHandlers {
  /** A SNAPSHOT or RESYNC: replace the state. */
  replace(message: WatchCoHostResponse): void;
  /** The next CHANGE in sequence: apply its state, then fire its events. */
  change(message: WatchCoHostResponse): void;
  status(status: FeedStatus): void;
  /** Every feed error, also the ones a reconnect recovers from. */
  error(error: ConnectError): void;
  /** The feed closed for good (not called on dispose). */
  end(end: FeedEnd): void;
}

export interface ReconnectOptions {
  /** First wait before reconnecting; doubles up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
}

/** How a wait on the feed ended. */
export type FeedWait = "reached" | "closed" | "disposed" | "timeout";

const FIRST_MESSAGE_TIMEOUT_MS = 30_000;

/**
 * Ends of a stream a resume can get past (the spec's WatchCoHost comment):
 * the server going away or failing, a network error (connect-node reports a
 * reset connection as ABORTED, a code no refusal of the spec uses), a
 * stream our watchdog cancelled as dead. UNAUTHENTICATED is retried once
 * with a refreshed token. Every other code closes the feed for good: NOT_FOUND means the
 * room was closed (also while we were away), and any other refusal would
 * come back the same.
 */
const RESUMABLE_CODES: ReadonlySet<Code> = new Set([
  Code.Unavailable,
  Code.DeadlineExceeded,
  Code.Internal,
  Code.Unknown,
  Code.ResourceExhausted,
  Code.Canceled,
  Code.Aborted,
]);

export class RoomFeed {
  private position: FeedPosition | undefined;
  private readonly disposed = new AbortController();
  private readonly waiters = new Set<{ done: (position: FeedPosition | undefined) => boolean; settle: (result: FeedWait) => void }>();
  private keepAliveMs = 15_000;
  private ended: FeedEnd | undefined;

  constructor(
    private readonly client: Client<typeof CoHostService>,
    private readonly liveId: string,
    private readonly tokens: TokenCache,
    private readonly handlers: RoomFeedHandlers,
    private readonly reconnect: ReconnectOptions,
  ) {}

  start(): void {
    void this.run();
  }

  dispose(): void {
    this.disposed.abort();
    this.settleWaiters("disposed");
  }

  /** How the feed closed for good, or undefined while it runs. */
  get end(): FeedEnd | undefined {
    return this.ended;
  }

  /** Resolves once the feed has shown `target` (or moved to another epoch), or the feed closed, or after `timeoutMs`. */
  waitFor(target: FeedPosition, timeoutMs: number): Promise<FeedWait> {
    return this.waitUntil((p) => p !== undefined && (p.epoch !== target.epoch || p.sequence >= target.sequence), timeoutMs);
  }

  /** Resolves once the feed has applied its first state (or closed, or was disposed). */
  firstState(): Promise<FeedWait> {
    return this.waitUntil((p) => p !== undefined);
  }

  private waitUntil(done: (position: FeedPosition | undefined) => boolean, timeoutMs?: number): Promise<FeedWait> {
    if (done(this.position)) return Promise.resolve("reached");
    if (this.disposed.signal.aborted) return Promise.resolve("disposed");
    if (this.ended) return Promise.resolve("closed");
    return new Promise((resolve) => {
      const waiter = {
        done,
        settle: (result: FeedWait) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(result);
        },
      };
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => waiter.settle("timeout"), timeoutMs);
      this.waiters.add(waiter);
    });
  }

  private settleWaiters(result: FeedWait): void {
    for (const waiter of [...this.waiters]) if (result !== "reached" || waiter.done(this.position)) waiter.settle(result);
  }

  private async run(): Promise<void> {
    let attempt = 0;
    let refreshToken = false;
    while (!this.disposed.signal.aborted && !this.ended) {
      this.handlers.status(this.position ? "reconnecting" : "connecting");
      // One controller per stream: aborting it is the only way to cancel a
      // Connect server stream, so every way out of an attempt aborts it.
      const stream = new AbortController();
      const stop = () => stream.abort();
      this.disposed.signal.addEventListener("abort", stop, { once: true });
      let watchdog: ReturnType<typeof setTimeout> | undefined;
      const arm = (ms: number) => {
        clearTimeout(watchdog);
        watchdog = setTimeout(stop, ms);
      };
      arm(FIRST_MESSAGE_TIMEOUT_MS);
      const refreshed = refreshToken;
      try {
        const headers = await this.tokens.headers(refreshToken);
        refreshToken = false;
        const request = this.position
          ? { liveId: this.liveId, resumeEpoch: this.position.epoch, resumeAfterSequence: BigInt(this.position.sequence) }
          : { liveId: this.liveId };
        let live = false;
        for await (const message of this.client.watchCoHost(request, { signal: stream.signal, headers })) {
          if (message.keepAliveInterval) {
            this.keepAliveMs = Number(message.keepAliveInterval.seconds) * 1000 + message.keepAliveInterval.nanos / 1e6;
          }
          arm(2 * this.keepAliveMs + 1_000);
          if (!this.accept(message)) break; // a gap or another epoch: resume from what we have
          attempt = 0;
          if (!live) {
            live = true;
            this.handlers.status("live");
          }
          if (message.roomClosed) {
            this.ended = { kind: "room-closed" };
            break;
          }
        }
      } catch (err) {
        if (this.disposed.signal.aborted) break;
        const error = ConnectError.from(err);
        this.handlers.error(error);
        if (error.code === Code.Unauthenticated && !refreshed) refreshToken = true;
        else if (!RESUMABLE_CODES.has(error.code)) this.ended = { kind: "refused", error };
      } finally {
        clearTimeout(watchdog);
        this.disposed.signal.removeEventListener("abort", stop);
        stream.abort();
      }
      if (this.ended || this.disposed.signal.aborted) break;
      await sleep(refreshToken ? 0 : this.backoff(attempt++), this.disposed.signal);
    }
    if (this.ended && !this.disposed.signal.aborted) this.handlers.end(this.ended);
    this.handlers.status("closed");
    this.settleWaiters(this.disposed.signal.aborted ? "disposed" : "closed");
  }

  /** Applies one message; false when the stream skipped a sequence or changed epoch. */
  private accept(message: WatchCoHostResponse): boolean {
    const sequence = Number(message.sequence);
    switch (message.kind) {
      case WatchMessageKind.SNAPSHOT:
      case WatchMessageKind.RESYNC:
        this.position = { epoch: message.epoch, sequence };
        this.handlers.replace(message);
        this.settleWaiters("reached");
        return true;
      case WatchMessageKind.CHANGE: {
        const p = this.position;
        // Resuming from our position makes the server send what we miss, or a RESYNC for a new epoch.
        if (!p || p.epoch !== message.epoch) return false;
        if (sequence <= p.sequence) return true; // already applied
        if (sequence !== p.sequence + 1) return false;
        this.position = { epoch: p.epoch, sequence };
        this.handlers.change(message);
        this.settleWaiters("reached");
        return true;
      }
      default:
        return true; // KEEP_ALIVE only proves the stream is alive
    }
  }

  private backoff(attempt: number): number {
    const { initialDelayMs, maxDelayMs } = this.reconnect;
    const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempt, 20));
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
