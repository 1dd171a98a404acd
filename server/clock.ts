// Time is injected so every timeout rule (R7) can be tested deterministically.

/** Milliseconds since the Unix epoch, as the server sees them. */
export interface Clock {
  now(): number;
}

/** Runs callbacks at given clock times; `cancel` stops one that has not run. */
export interface Scheduler {
  schedule(at: number, run: () => void): { cancel(): void };
}

export const systemClock: Clock & Scheduler = {
  now: () => Date.now(),
  schedule(at, run) {
    // setTimeout caps its delay at 2^31-1 ms; deadlines are at most minutes away.
    const timer = setTimeout(run, Math.max(0, at - Date.now()));
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};
