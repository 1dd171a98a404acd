import type { WatchCoHostResponse } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import type { Clock, Scheduler } from "../clock.js";

export type Next =
  | { kind: "message"; message: WatchCoHostResponse; committedAt: number | undefined }
  | { kind: "idle" }
  | { kind: "aborted" }
  | { kind: "overflow" }
  | { kind: "lost"; reason: string };

const idle: Next = { kind: "idle" };
const aborted: Next = { kind: "aborted" };
const overflow: Next = { kind: "overflow" };

/**
 * Messages for one watcher, between the store's publish and the stream's
 * write. Bounded: a watcher that falls `limit` messages behind is cut off
 * and resumes from the replay log instead of growing server memory.
 *
 * Cheap per message, since every change passes through one queue per
 * watcher: the queued item is the message the stream gets, the abort
 * listener is added once per signal, and the idle timer is not set and
 * cancelled around every message: one timer per queue, which on firing
 * either reports idle (no message for `idleMs` since the wait began) or
 * sets itself again for the wait in progress.
 */
export class FeedQueue {
  private items: Next[] = [];
  private overflowed = false;
  private lost: string | undefined;
  /** Resolves the wait in progress. */
  private wake: ((woken: "wake" | "idle" | "aborted") => void) | undefined;
  /** When the wait in progress turns idle (clock ms). */
  private idleAt = 0;
  private timer: { cancel(): void } | undefined;
  private timerAt = 0;
  private signal: AbortSignal | undefined;
  private readonly onAbort = () => this.wake?.("aborted");
  private readonly onTimer = () => {
    this.timer = undefined;
    if (!this.wake) return;
    if (this.clock.now() >= this.idleAt) this.wake("idle");
    else this.arm(this.idleAt);
  };

  constructor(
    private readonly limit: number,
    private readonly clock: Clock & Scheduler,
  ) {}

  push(message: WatchCoHostResponse, committedAt?: number): void {
    if (this.items.length >= this.limit) {
      this.overflowed = true;
      this.items = [];
    } else {
      this.items.push({ kind: "message", message, committedAt });
    }
    this.wake?.("wake");
  }

  /** The feed can no longer be trusted: the watcher gets "lost" next, whatever is queued. */
  fail(reason: string): void {
    this.lost ??= reason;
    this.wake?.("wake");
  }

  /** The next message; "idle" after `idleMs` without one; "aborted" when `signal` fires. */
  async next(signal: AbortSignal, idleMs: number): Promise<Next> {
    if (signal !== this.signal) {
      this.signal?.removeEventListener("abort", this.onAbort);
      this.signal = signal;
      signal.addEventListener("abort", this.onAbort, { once: true });
    }
    for (;;) {
      if (this.lost !== undefined) return { kind: "lost", reason: this.lost };
      if (this.overflowed) return overflow;
      const item = this.items.shift();
      if (item) return item;
      if (signal.aborted) return aborted;
      this.idleAt = this.clock.now() + idleMs;
      // A timer set for an earlier wait fires first and sets itself again for this one.
      if (!this.timer || this.timerAt > this.idleAt) this.arm(this.idleAt);
      const woken = await new Promise<"wake" | "idle" | "aborted">((resolve) => (this.wake = resolve));
      this.wake = undefined;
      if (woken === "idle") return idle;
      if (woken === "aborted") return aborted;
    }
  }

  /** Stops the idle timer and the abort listener (the watcher ended). */
  close(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.signal?.removeEventListener("abort", this.onAbort);
    this.signal = undefined;
  }

  private arm(at: number): void {
    this.timer?.cancel();
    this.timerAt = at;
    this.timer = this.clock.schedule(at, this.onTimer);
  }
}
