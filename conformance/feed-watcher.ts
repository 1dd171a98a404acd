// Follows one room's WatchCoHost stream for the suite and checks the feed's
// own rules as messages arrive (R15, R16): snapshot first, sequences one by
// one, keep-alives at the last sequence, nothing after room_closed.
import type { Client } from "@connectrpc/connect";
import { ConnectError } from "@connectrpc/connect";
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

export class FeedWatcher {
  epoch = "";
  /** Sequence of the last message seen; -1 before the first. */
  last = -1;
  /** CHANGE messages not yet matched by a `feeds` step. */
  readonly pending: WatchCoHostResponse[] = [];
  /** Every CHANGE message, in order, across resumes. */
  readonly all: WatchCoHostResponse[] = [];
  readonly errors: string[] = [];
  closed = false;
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
    this.abort = new AbortController();
    const authorization = await this.authorization();
    const stream = this.client.watchCoHost(
      resume ? { liveId: this.liveId, resumeEpoch: resume.epoch, resumeAfterSequence: BigInt(resume.after) } : { liveId: this.liveId },
      { signal: this.abort.signal, headers: authorization ? { authorization } : {} },
    );
    const iterator = stream[Symbol.asyncIterator]();
    const first = await withTimeout(iterator.next(), this.timeoutMs, `the first message of ${this.label}'s feed`);
    if (first.done) throw new ConformanceFailure(`${this.label}: the feed ended before its first message`);
    const m = first.value;
    this.trace(`${this.label} feed <- ${WatchMessageKind[m.kind]} seq=${m.sequence} epoch=${m.epoch}`);
    if (!m.keepAliveInterval) this.errors.push(`${this.label}: first message has no keep_alive_interval`);
    if (!resume) {
      if (m.kind !== WatchMessageKind.SNAPSHOT)
        throw new ConformanceFailure(`${this.label}: first message is ${WatchMessageKind[m.kind]}, not SNAPSHOT`);
      this.epoch = m.epoch;
      this.last = Number(m.sequence);
    } else if (expect === "replay") {
      if (m.kind !== WatchMessageKind.KEEP_ALIVE || Number(m.sequence) !== resume.after || m.epoch !== resume.epoch) {
        throw new ConformanceFailure(
          `${this.label}: resume after ${resume.after} should start with KEEP_ALIVE at that sequence, got ${WatchMessageKind[m.kind]} seq=${m.sequence}`,
        );
      }
    } else {
      if (m.kind !== WatchMessageKind.RESYNC)
        throw new ConformanceFailure(`${this.label}: resume from an unknown epoch should RESYNC, got ${WatchMessageKind[m.kind]}`);
      this.epoch = m.epoch;
      this.last = Number(m.sequence);
    }
    void this.consume(iterator, this.abort.signal);
    return m;
  }

  /** Cuts the stream, as a client that goes away. */
  drop(): void {
    this.abort?.abort();
  }

  /** Waits until `count` CHANGE messages are pending (or the timeout). */
  async waitFor(count: number): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    while (this.pending.length < count && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private async consume(iterator: AsyncIterator<WatchCoHostResponse>, signal: AbortSignal): Promise<void> {
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) {
          if (!this.closed && !signal.aborted) this.errors.push(`${this.label}: the feed ended without room_closed`);
          return;
        }
        this.accept(next.value);
      }
    } catch (err) {
      if (!signal.aborted) this.errors.push(`${this.label}: the feed failed: ${ConnectError.from(err).message}`);
    }
  }

  private accept(m: WatchCoHostResponse): void {
    const sequence = Number(m.sequence);
    this.trace(`${this.label} feed <- ${WatchMessageKind[m.kind]} seq=${sequence}`);
    if (this.closed) this.errors.push(`${this.label}: message after room_closed`);
    switch (m.kind) {
      case WatchMessageKind.CHANGE:
        if (m.epoch !== this.epoch) this.errors.push(`${this.label}: CHANGE of epoch ${m.epoch}, expected ${this.epoch}`);
        if (sequence !== this.last + 1)
          this.errors.push(`${this.label}: CHANGE sequence ${sequence} after ${this.last} (lost or repeated messages)`);
        if (!m.state) this.errors.push(`${this.label}: CHANGE ${sequence} without state`);
        this.last = sequence;
        this.pending.push(m);
        this.all.push(m);
        if (m.roomClosed) this.closed = true;
        break;
      case WatchMessageKind.KEEP_ALIVE:
        if (sequence !== this.last) this.errors.push(`${this.label}: KEEP_ALIVE at ${sequence}, last delivered ${this.last}`);
        break;
      default:
        this.errors.push(`${this.label}: unexpected ${WatchMessageKind[m.kind]} in the middle of a stream`);
    }
    for (const wake of this.waiters.splice(0)) wake();
  }
}
