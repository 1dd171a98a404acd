import type { Clock, Scheduler } from "../clock.js";

interface Timer {
  at: number;
  order: number;
  run: () => void;
  cancelled: boolean;
}

/**
 * A clock that moves only when told to. `advance` runs every timer that
 * falls due, in time order, and lets the async work they start settle.
 */
export class FakeClock implements Clock, Scheduler {
  private time: number;
  private timers: Timer[] = [];
  private order = 0;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  schedule(at: number, run: () => void): { cancel(): void } {
    const timer: Timer = { at, order: this.order++, run, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }

  /** Timers that are still waiting to run. */
  pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      await settle();
      const next = this.timers.filter((t) => !t.cancelled && t.at <= target).sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (!next) break;
      this.time = Math.max(this.time, next.at);
      next.cancelled = true;
      this.timers = this.timers.filter((t) => !t.cancelled);
      next.run();
    }
    this.time = target;
    await settle();
  }
}

/** Lets queued promise callbacks and immediates run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
