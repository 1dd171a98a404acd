// Keeps one room's WatchCoHost stream open: applies messages in sequence
// order, resumes from the last sequence after a drop (R16), and treats a
// stream that stays silent past twice its keep-alive interval as dead.
import { Code, ConnectError, type Client } from "@connectrpc/connect";
import { WatchMessageKind, type CoHostService, type WatchCoHostResponse } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import type { TokenCache } from "./token-cache.js";
import type { FeedStatus } from "./types.js";

export interface FeedPosition {
  epoch: string;
  sequence: number;
}

export interface RoomFeedHandlers {
  /** A SNAPSHOT or RESYNC: replace the state, fire no events. */
  replace(message: WatchCoHostResponse): void;
  /** The next CHANGE in sequence: apply its state, then fire its events. */
  change(message: WatchCoHostResponse): void;
  status(status: FeedStatus): void;
  error(error: ConnectError): void;
}

export interface ReconnectOptions {
  /** First wait before reconnecting; doubles up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
}

const FIRST_MESSAGE_TIMEOUT_MS = 30_000;

export class RoomFeed {
  private position: FeedPosition | undefined;
  private readonly disposed = new AbortController();
  private readonly waiters = new Set<{ target: FeedPosition; resolve: () => void }>();
  private keepAliveMs = 15_000;
  private closed = false;

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
    this.resolveWaiters(true);
  }

  /** Resolves once the feed has shown `target` (or moved to another epoch), or after `timeoutMs`. */
  waitFor(target: FeedPosition, timeoutMs: number): Promise<void> {
    if (this.reached(target) || this.closed || this.disposed.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = {
        target,
        resolve: () => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.resolve, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  private reached(target: FeedPosition): boolean {
    const p = this.position;
    return p !== undefined && (p.epoch !== target.epoch || p.sequence >= target.sequence);
  }

  private resolveWaiters(all = false): void {
    for (const waiter of [...this.waiters]) if (all || this.reached(waiter.target)) waiter.resolve();
  }

  private async run(): Promise<void> {
    let attempt = 0;
    let refreshToken = false;
    while (!this.disposed.signal.aborted && !this.closed) {
      this.handlers.status(this.position ? "reconnecting" : "connecting");
      const stream = new AbortController();
      const stop = () => stream.abort();
      this.disposed.signal.addEventListener("abort", stop, { once: true });
      let watchdog: ReturnType<typeof setTimeout> | undefined;
      const arm = (ms: number) => {
        clearTimeout(watchdog);
        watchdog = setTimeout(stop, ms);
      };
      arm(FIRST_MESSAGE_TIMEOUT_MS);
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
          if (!this.accept(message)) break; // a gap: resume from what we have
          attempt = 0;
          if (!live) {
            live = true;
            this.handlers.status("live");
          }
          if (message.roomClosed) {
            this.closed = true;
            this.resolveWaiters(true);
          }
        }
      } catch (err) {
        if (this.disposed.signal.aborted) break;
        const error = ConnectError.from(err);
        if (error.code === Code.Unauthenticated) refreshToken = true;
        this.handlers.error(error);
      } finally {
        clearTimeout(watchdog);
        this.disposed.signal.removeEventListener("abort", stop);
      }
      if (this.closed) break;
      await sleep(this.backoff(attempt++), this.disposed.signal);
    }
    this.handlers.status("closed");
  }

  /** Applies one message; false when the stream skipped a sequence. */
  private accept(message: WatchCoHostResponse): boolean {
    const sequence = Number(message.sequence);
    switch (message.kind) {
      case WatchMessageKind.SNAPSHOT:
      case WatchMessageKind.RESYNC:
        this.position = { epoch: message.epoch, sequence };
        this.handlers.replace(message);
        this.resolveWaiters();
        return true;
      case WatchMessageKind.CHANGE: {
        const p = this.position;
        if (!p || p.epoch !== message.epoch) {
          this.position = undefined;
          return false;
        }
        if (sequence <= p.sequence) return true; // already applied
        if (sequence !== p.sequence + 1) return false;
        this.position = { epoch: p.epoch, sequence };
        this.handlers.change(message);
        this.resolveWaiters();
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
