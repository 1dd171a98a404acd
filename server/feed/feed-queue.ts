import type { WatchCoHostResponse } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import type { Clock, Scheduler } from "../clock.js";

export type Next =
  | { kind: "message"; message: WatchCoHostResponse; committedAt: number | undefined }
  | { kind: "idle" }
  | { kind: "aborted" }
  | { kind: "overflow" }
  | { kind: "lost"; reason: string };

interface Queued {
  message: WatchCoHostResponse;
  committedAt: number | undefined;
}

/**
 * Messages for one watcher, between the store's publish and the stream's
 * write. Bounded: a watcher that falls `limit` messages behind is cut off
 * and resumes from the replay log instead of growing server memory.
 */
export class FeedQueue {
  private items: Queued[] = [];
  private overflowed = false;
  private lost: string | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly limit: number,
    private readonly clock: Clock & Scheduler,
  ) {}

  push(message: WatchCoHostResponse, committedAt?: number): void {
    if (this.items.length >= this.limit) {
      this.overflowed = true;
      this.items = [];
    } else {
      this.items.push({ message, committedAt });
    }
    this.wake?.();
  }

  /** The feed can no longer be trusted: the watcher gets "lost" next, whatever is queued. */
  fail(reason: string): void {
    this.lost ??= reason;
    this.wake?.();
  }

  /** The next message; "idle" after `idleMs` without one; "aborted" when `signal` fires. */
  async next(signal: AbortSignal, idleMs: number): Promise<Next> {
    for (;;) {
      if (this.lost !== undefined) return { kind: "lost", reason: this.lost };
      if (this.overflowed) return { kind: "overflow" };
      const item = this.items.shift();
      if (item) return { kind: "message", ...item };
      if (signal.aborted) return { kind: "aborted" };
      const woken = await new Promise<"wake" | "idle" | "aborted">((resolve) => {
        const done = (result: "wake" | "idle" | "aborted") => {
          timer.cancel();
          signal.removeEventListener("abort", onAbort);
          this.wake = undefined;
          resolve(result);
        };
        const onAbort = () => done("aborted");
        const timer = this.clock.schedule(this.clock.now() + idleMs, () => done("idle"));
        signal.addEventListener("abort", onAbort, { once: true });
        this.wake = () => done("wake");
      });
      if (woken === "idle") return { kind: "idle" };
      if (woken === "aborted") return { kind: "aborted" };
    }
  }
}
