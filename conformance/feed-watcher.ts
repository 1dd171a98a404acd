// Follows one room's WatchCoHost stream for the suite and checks the feed's
// own rules as messages arrive (R15, R16): snapshot first, sequences one by
// one, what each kind carries, keep-alives at the last sequence and within
// their interval, nothing after room_closed and then an end with OK. A
// stream the server ends with UNAVAILABLE is resumed, as a client would.
import type { Client } from "@connectrpc/connect";
import { Code, ConnectError } from "@connectrpc/connect";
import { WatchMessageKind, type CoHostService, type WatchCoHostResponse } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";

export class ConformanceFailure extends Error {}

/** An error's message with its causes (fast-check puts the failing assertion in `cause`). */
export function failureText(err: unknown): string {
  const parts: string[] = [];
  for (let e = err, depth = 0; e !== undefined && depth < 5; depth++) {
    parts.push(e instanceof Error ? e.message : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join("\ncaused by: ");
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ConformanceFailure(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]);
}

const durationMs = (d: { seconds: bigint; nanos: number } | undefined) => (d ? Number(d.seconds) * 1000 + d.nanos / 1e6 : undefined);
// eslint-disable-next-line no-control-regex
const isId = (s: string) => s.length > 0 && Buffer.byteLength(s) <= 64 && !/[\u0000-\u001f\u007f]/.test(s);
/** How often the suite resumes one watcher's stream after UNAVAILABLE before it gives up. */
const MAX_RESUMES = 10;

export type StreamEnd =
  | { kind: "open" }
  | { kind: "ok" }
  | { kind: "error"; code: Code; message: string }
  | { kind: "dropped" }
  /** Resumed after UNAVAILABLE, the room was found closed (NOT_FOUND, or reopened: another epoch). */
  | { kind: "closed-away" };

export class FeedWatcher {
  epoch = "";
  /** Sequence of the last message seen; -1 before the first. */
  last = -1;
  /** The stream's keep_alive_interval in ms (from its first message). */
  keepAliveMs = 0;
  /** CHANGE messages not yet matched by a `feeds` step. */
  readonly pending: WatchCoHostResponse[] = [];
  /** Every CHANGE message, in order, across resumes. */
  readonly all: WatchCoHostResponse[] = [];
  /** When each CHANGE arrived (local clock). */
  readonly arrivals = new Map<WatchCoHostResponse, number>();
  /** When each KEEP_ALIVE arrived after the first message (local clock). */
  readonly keepAlives: number[] = [];
  /** When the latest message of any kind arrived (local clock). */
  lastMessageAt = 0;
  readonly errors: string[] = [];
  closed = false;
  end: StreamEnd = { kind: "open" };
  private resumes = 0;
  private abort: AbortController | undefined;
  private waiters: (() => void)[] = [];

  constructor(
    readonly label: string,
    private readonly client: Client<typeof CoHostService>,
    private readonly liveId: string,
    private readonly authorization: () => Promise<string | undefined>,
    private readonly trace: (line: string) => void,
    private readonly timeoutMs: number,
  ) {}

  /** Opens the stream; resolves with its first message (already checked). */
  async open(resume?: { epoch: string; after: number }, expect: "replay" | "resync" = "replay"): Promise<WatchCoHostResponse> {
    const { first, iterator, signal } = await this.start(resume);
    const m = first;
    if (!resume) {
      if (m.kind !== WatchMessageKind.SNAPSHOT)
        throw new ConformanceFailure(`${this.label}: first message is ${WatchMessageKind[m.kind]}, not SNAPSHOT`);
      this.epoch = m.epoch;
      this.last = Number(m.sequence);
    } else if (expect === "replay") {
      this.expectReplayStart(m, resume);
    } else {
      if (m.kind !== WatchMessageKind.RESYNC)
        throw new ConformanceFailure(`${this.label}: the resume should RESYNC, got ${WatchMessageKind[m.kind]} seq=${m.sequence}`);
      this.epoch = m.epoch;
      this.last = Number(m.sequence);
    }
    void this.consume(iterator, signal);
    return m;
  }

  /** Cuts the stream, as a client that goes away. */
  drop(): void {
    if (this.end.kind === "open") this.end = { kind: "dropped" };
    this.abort?.abort();
    this.wake();
  }

  /** Waits until `count` CHANGE messages are pending (or the timeout). */
  waitFor(count: number): Promise<void> {
    return this.waitUntil(() => this.pending.length >= count);
  }

  /** Waits until the feed reached `sequence` (or the timeout). */
  waitForSequence(sequence: number): Promise<void> {
    return this.waitUntil(() => this.last >= sequence);
  }

  /** Waits until the stream ended (or the timeout). */
  waitForEnd(): Promise<void> {
    return this.waitUntil(() => this.end.kind !== "open");
  }

  /** Waits for the next KEEP_ALIVE, at most `ms`; resolves with its arrival time or undefined. */
  async nextKeepAlive(ms: number): Promise<number | undefined> {
    const seen = this.keepAlives.length;
    await this.waitUntil(() => this.keepAlives.length > seen || this.end.kind !== "open", ms);
    return this.keepAlives[seen];
  }

  private async waitUntil(done: () => boolean, ms = this.timeoutMs): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done() && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  /**
   * Opens a stream; one refused for the server's stream caps (RESOURCE_EXHAUSTED) is
   * opened again after a backoff, as a client would, until the wait bound (R16.streams).
   */
  private async start(resume?: { epoch: string; after: number }) {
    const deadline = Date.now() + this.timeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.startOnce(resume);
      } catch (err) {
        const capped = err instanceof ConnectError && err.code === Code.ResourceExhausted;
        if (!capped || Date.now() + 50 * attempt > deadline) throw err;
        this.trace(`${this.label} feed refused (${err.rawMessage}); opening again`);
        await new Promise((r) => setTimeout(r, 50 * attempt));
      }
    }
  }

  private async startOnce(resume?: { epoch: string; after: number }) {
    this.abort = new AbortController();
    const signal = this.abort.signal;
    const authorization = await this.authorization();
    const stream = this.client.watchCoHost(
      resume ? { liveId: this.liveId, resumeEpoch: resume.epoch, resumeAfterSequence: BigInt(resume.after) } : { liveId: this.liveId },
      { signal, headers: authorization ? { authorization } : {} },
    );
    const iterator = stream[Symbol.asyncIterator]();
    const first = await withTimeout(iterator.next(), this.timeoutMs, `the first message of ${this.label}'s feed`);
    if (first.done) throw new ConformanceFailure(`${this.label}: the feed ended before its first message`);
    const m = first.value;
    this.lastMessageAt = Date.now();
    this.trace(`${this.label} feed <- ${WatchMessageKind[m.kind]} seq=${m.sequence} epoch=${m.epoch}`);
    this.checkFirst(m);
    return { first: m, iterator, signal };
  }

  /** R15.kinds, R16.keepalive, R16.epoch: what every first message carries. */
  private checkFirst(m: WatchCoHostResponse): void {
    const interval = durationMs(m.keepAliveInterval);
    if (interval === undefined) this.errors.push(`${this.label}: first message has no keep_alive_interval`);
    else if (interval < 1000 || interval > 60_000)
      this.errors.push(`${this.label}: keep_alive_interval ${interval} ms is not 1 to 60 s (R16.keepalive)`);
    // Each stream states its own interval; a resumed stream may state another.
    this.keepAliveMs = interval ?? 0;
    if (!isId(m.epoch)) this.errors.push(`${this.label}: epoch ${JSON.stringify(m.epoch)} is not an id (R16.epoch)`);
    if (m.kind === WatchMessageKind.SNAPSHOT || m.kind === WatchMessageKind.RESYNC) {
      if (!m.state) this.errors.push(`${this.label}: ${WatchMessageKind[m.kind]} without state (R15.kinds)`);
      if (m.events.length > 0) this.errors.push(`${this.label}: ${WatchMessageKind[m.kind]} with events (R15.kinds)`);
      if (m.roomClosed) this.errors.push(`${this.label}: ${WatchMessageKind[m.kind]} with room_closed (R15.kinds)`);
    }
  }

  private expectReplayStart(m: WatchCoHostResponse, resume: { epoch: string; after: number }): void {
    if (m.kind !== WatchMessageKind.KEEP_ALIVE || Number(m.sequence) !== resume.after || m.epoch !== resume.epoch) {
      throw new ConformanceFailure(
        `${this.label}: resume after ${resume.after} should start with KEEP_ALIVE at that sequence, got ${WatchMessageKind[m.kind]} seq=${m.sequence}`,
      );
    }
    this.checkKeepAlive(m);
  }

  private async consume(iterator: AsyncIterator<WatchCoHostResponse>, signal: AbortSignal): Promise<void> {
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) {
          if (!signal.aborted) {
            this.end = { kind: "ok" };
            if (!this.closed) this.errors.push(`${this.label}: the feed ended with OK without room_closed (R16.no-silent-end)`);
          }
          return;
        }
        this.accept(next.value);
      }
    } catch (err) {
      if (signal.aborted) return;
      const error = ConnectError.from(err);
      // The spec lets a server end any stream with UNAVAILABLE: resume, as a client would (R16).
      if (error.code === Code.Unavailable && !this.closed && this.resumes < MAX_RESUMES) {
        this.resumes++;
        this.trace(`${this.label} feed ended with UNAVAILABLE; resuming after ${this.last}`);
        return this.resumeAfterUnavailable();
      }
      this.end = { kind: "error", code: error.code, message: error.message };
      this.errors.push(`${this.label}: the feed failed: ${error.message}`);
    } finally {
      this.wake();
    }
  }

  /**
   * Resumes after UNAVAILABLE, as a client does. If the room closed while
   * the stream was down, the resume is NOT_FOUND (or, reopened, a RESYNC of
   * another epoch): the spec's end signal. The messages up to the close are
   * then out of the client's reach, and of the suite's (see `closedAway`).
   */
  private async resumeAfterUnavailable(): Promise<void> {
    const resume = { epoch: this.epoch, after: this.last };
    try {
      await new Promise((r) => setTimeout(r, 20 * (this.resumes - 1)));
      const { first, iterator, signal } = await this.start(resume);
      if (first.kind === WatchMessageKind.RESYNC && first.epoch !== resume.epoch) {
        this.abort?.abort();
        return this.closeAway();
      }
      if (first.kind === WatchMessageKind.RESYNC) {
        throw new ConformanceFailure(
          `${this.label}: after UNAVAILABLE the server could not replay from ${resume.after} (RESYNC), so the case cannot check the missed events`,
        );
      }
      this.expectReplayStart(first, resume);
      void this.consume(iterator, signal);
    } catch (err) {
      if (this.end.kind === "dropped") return;
      if (err instanceof ConnectError && err.code === Code.NotFound) return this.closeAway();
      this.end = { kind: "error", code: Code.Unknown, message: String(err) };
      this.errors.push(
        err instanceof ConformanceFailure ? err.message : `${this.label}: resuming failed: ${ConnectError.from(err).message}`,
      );
      this.wake();
    }
  }

  private closeAway(): void {
    this.trace(`${this.label} feed: the room closed while the stream was down`);
    this.closed = true;
    this.end = { kind: "closed-away" };
    this.wake();
  }

  /** The room closed while this watcher's stream was down: the messages it missed cannot be checked. */
  get closedAway(): boolean {
    return this.end.kind === "closed-away";
  }

  private checkKeepAlive(m: WatchCoHostResponse): void {
    if (m.state) this.errors.push(`${this.label}: KEEP_ALIVE with a state (R15.kinds)`);
    if (m.events.length > 0) this.errors.push(`${this.label}: KEEP_ALIVE with events (R15.kinds)`);
    const interval = durationMs(m.keepAliveInterval);
    if (interval !== this.keepAliveMs)
      this.errors.push(
        `${this.label}: KEEP_ALIVE with keep_alive_interval ${interval} ms, the stream said ${this.keepAliveMs} ms (R16.keepalive)`,
      );
  }

  private accept(m: WatchCoHostResponse): void {
    const sequence = Number(m.sequence);
    this.lastMessageAt = Date.now();
    this.trace(`${this.label} feed <- ${WatchMessageKind[m.kind]} seq=${sequence}`);
    if (this.closed) this.errors.push(`${this.label}: message after room_closed (R13.end-ok)`);
    if (m.epoch !== this.epoch) this.errors.push(`${this.label}: ${WatchMessageKind[m.kind]} of epoch ${m.epoch}, expected ${this.epoch}`);
    switch (m.kind) {
      case WatchMessageKind.CHANGE:
        if (sequence !== this.last + 1)
          this.errors.push(`${this.label}: CHANGE sequence ${sequence} after ${this.last} (lost or repeated messages)`);
        if (!m.state) this.errors.push(`${this.label}: CHANGE ${sequence} without state (R15.kinds)`);
        if (m.keepAliveInterval) this.errors.push(`${this.label}: CHANGE ${sequence} with keep_alive_interval (R15.kinds)`);
        this.last = sequence;
        this.pending.push(m);
        this.all.push(m);
        this.arrivals.set(m, Date.now());
        if (m.roomClosed) this.closed = true;
        break;
      case WatchMessageKind.KEEP_ALIVE:
        if (sequence !== this.last) this.errors.push(`${this.label}: KEEP_ALIVE at ${sequence}, last delivered ${this.last}`);
        this.checkKeepAlive(m);
        this.keepAlives.push(Date.now());
        break;
      default:
        this.errors.push(`${this.label}: unexpected ${WatchMessageKind[m.kind]} in the middle of a stream`);
    }
    this.wake();
  }
}
